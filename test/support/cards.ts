// Card walkers for tests: a card's buttons, inputs and the messages under them, what a person reads on it,
// and the checks that typed text stays inert. Plain functions over expanded Adaptive Card JSON, free of mocha
// and the flow harness, so the benchmark can use them. (textOf, the flattened text, is in flow.ts.)

import assert from 'node:assert/strict';

export type Card = Record<string, unknown>;
type CardNode = Record<string, unknown>;

/**
 * Every object in a card, depth first in document order. `children` picks the values of an object to go
 * into (all of them, by default); an object it gives none for is yielded but not looked into.
 */
export function* nodesOf(card: unknown, children: (node: CardNode) => unknown[] = (node) => Object.values(node)): Generator<CardNode> {
  if (Array.isArray(card)) {
    for (const item of card) yield* nodesOf(item, children);
  } else if (typeof card === 'object' && card !== null) {
    const node = card as CardNode;
    yield node;
    for (const child of children(node)) yield* nodesOf(child, children);
  }
}

const isInput = (node: CardNode): boolean => typeof node.type === 'string' && node.type.startsWith('Input.');

/** Every Action.Execute in a card (including those inside ShowCards), with its verb and data. */
export function actionsOf(card: unknown): { verb: string; title: string; data: Record<string, unknown> }[] {
  const found: { verb: string; title: string; data: Record<string, unknown> }[] = [];
  for (const node of nodesOf(card)) {
    if (node.type === 'Action.Execute' && typeof node.verb === 'string') {
      found.push({ verb: node.verb, title: typeof node.title === 'string' ? node.title : '', data: (node.data ?? {}) as Record<string, unknown> });
    }
  }
  return found;
}

/** The data of the card's button for `verb` (the first, or the first whose title matches); fails if there is none. */
export function actionOf(card: unknown, verb: string, title?: RegExp): Record<string, unknown> {
  const action = actionsOf(card).find((a) => a.verb === verb && (title === undefined || title.test(a.title)));
  assert.ok(action, `the card has a ${verb} button${title === undefined ? '' : ` titled ${String(title)}`}`);
  return action.data;
}

/** The first card element with this input id. */
export function inputOf(card: unknown, id: string): Record<string, unknown> | undefined {
  for (const node of nodesOf(card)) {
    if (isInput(node) && node.id === id) return node;
  }
  return undefined;
}

/** The value the card shows in an input ('' for none); fails if the card has no such input. */
export function valueOf(card: unknown, id: string): unknown {
  const input = inputOf(card, id);
  assert.ok(input, `the card has an input ${id}`);
  return input.value ?? '';
}

/** Every element of the card body in reading order. */
function elements(card: unknown): Record<string, unknown>[] {
  const layout = (node: CardNode): unknown[] => [node.body, node.items, node.columns];
  return [...nodesOf((card as Record<string, unknown>).body, layout)].filter((node) => typeof node.type === 'string');
}

/** The red message shown right under an input (before the next input), or undefined. */
export function errorUnder(card: unknown, id: string): string | undefined {
  const all = elements(card);
  const at = all.findIndex((e) => isInput(e) && e.id === id);
  assert.ok(at >= 0, `the card has an input ${id}`);
  for (const element of all.slice(at + 1)) {
    if (isInput(element)) return undefined;
    if (element.type === 'TextBlock' && element.color === 'Attention' && typeof element.text === 'string') return element.text;
  }
  return undefined;
}

/**
 * The strings of a card a person reads: TextBlock and TextRun text, facts, labels, titles, placeholders and
 * error messages. Input values and action data are left out: inputs show text as typed.
 */
export function displayTexts(card: unknown): string[] {
  const out: string[] = [];
  const shown = (node: CardNode): unknown[] => Object.entries(node).filter(([key]) => key !== 'data' && key !== 'value').map(([, value]) => value);
  for (const node of nodesOf(card, shown)) {
    const type = typeof node.type === 'string' ? node.type : '';
    if ((type === 'TextBlock' || type === 'TextRun') && typeof node.text === 'string') out.push(node.text);
    if (type === 'FactSet' && Array.isArray(node.facts)) {
      for (const fact of node.facts as Record<string, unknown>[]) out.push(String(fact.title), String(fact.value));
    }
    for (const key of ['title', 'label', 'placeholder', 'errorMessage', 'fallbackText', 'speak']) {
      if (typeof node[key] === 'string') out.push(node[key]);
    }
    if (type === 'Input.ChoiceSet' && Array.isArray(node.choices)) {
      for (const choice of node.choices as Record<string, unknown>[]) out.push(String(choice.title));
    }
  }
  return out;
}

/**
 * Typed text that Teams would render (markdown links and emphasis), evaluate (`${...}` template expressions,
 * its {{DATE(...)}} functions) or turn into a mention if it reached a card unescaped.
 */
export const HOSTILE_PARTS = {
  link: '[click](https://evil.example)',
  expression: '${requester.name}',
  date: '{{DATE(2017-02-14T06:08:39Z,SHORT)}}',
  bold: '**bold**',
  mention: '<at>Tess</at>',
} as const;

/** The raw forms of HOSTILE_PARTS that must never reach a place Teams renders as markdown or evaluates. */
const RAW = ['[click](', '](https://', '{{DATE(', '${', '**bold**', '<at>', '</at>'];

/** Asserts no raw form appears in what the card shows, and returns the texts for further checks. */
export function assertInert(card: Card, where: string): string[] {
  const texts = displayTexts(card);
  for (const text of texts) {
    for (const raw of RAW) assert.ok(!text.includes(raw), `${where}: "${raw}" appears unescaped in ${JSON.stringify(text)}`);
  }
  assert.doesNotMatch(JSON.stringify(card), /"\$when"|"\$data"/, `${where}: the card is fully expanded`);
  return texts;
}

/** The literal parts of HOSTILE_PARTS survive (nothing was evaluated or dropped). */
export function assertShownAsTyped(texts: string[], where: string): void {
  const all = texts.join('\n');
  assert.ok(all.includes('requester.name'), `${where}: the expression is shown, not evaluated`);
  assert.ok(all.includes('2017-02-14T06:08:39Z,SHORT'), `${where}: the DATE function is shown, not evaluated`);
  assert.ok(all.includes('evil.example'), `${where}: the link text is shown`);
}
