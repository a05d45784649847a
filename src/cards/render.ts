import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ACData from 'adaptivecards-templating';

/** Templates live in the top-level cards/ folder, two levels above both src/cards and dist/cards. */
export const CARDS_DIR = resolve(__dirname, '..', '..', 'cards');

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: string;
  [key: string]: unknown;
}

const templates = new Map<string, ACData.Template>();

function template(name: string): ACData.Template {
  let found = templates.get(name);
  if (!found) {
    const json: unknown = JSON.parse(readFileSync(resolve(CARDS_DIR, `${name}.json`), 'utf8'));
    found = new ACData.Template(json);
    templates.set(name, found);
  }
  return found;
}

/**
 * Expands a card template with data. Data is never evaluated as a template expression, so user text
 * stays text; display strings still go through `inert` because TextBlock renders markdown.
 */
export function renderCard(name: string, data: object): AdaptiveCard {
  const card = template(name).expand({ $root: data }) as AdaptiveCard;
  delete card.$schema;
  return card;
}

/**
 * Makes user text render as itself in a TextBlock (Teams renders a subset of CommonMark there):
 * markdown punctuation and entities are backslash-escaped, line openings that would make a list,
 * heading, rule or code block are neutralised, and the openings of template expressions and of
 * Teams' {{DATE()}} functions are broken with a zero-width space.
 */
export function inert(text: string): string {
  return text
    .replace(/[\\`*_[\]()#>~|!<&]/g, (c) => `\\${c}`)
    .replace(/^[ \t]+/gm, (indent) => (indent.length >= 4 || indent.includes('\t') ? ' ' : indent))
    .replace(/^(\s*)([-+=])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\./gm, '$1\\.')
    .replace(/\{\{/g, '{\u200b{')
    .replace(/\$\{/g, '$\u200b{');
}
