/**
 * Checks an expanded Adaptive Card the way Teams would see it, with the official adaptivecards parser.
 * Parsing needs no DOM (only rendering does), so this runs in plain Node.
 */
import { createRequire } from 'node:module';
import type * as AdaptiveCards from 'adaptivecards';

// The package's main entry is ESM without file extensions and fails under Node; its webpack bundle loads.
const load = createRequire(__filename);
const AC = load('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

/** Teams renders Adaptive Cards up to 1.5. */
export const MAX_CARD_VERSION = { major: 1, minor: 5 };
/** platform.md: keep a message under about 80 KB (Teams refuses 100 KB with 413). */
export const MAX_CARD_BYTES = 80 * 1024;

/** Keys under which a card nests elements and actions; other objects (facts, choices, action data) are left alone. */
const NESTING_KEYS = ['body', 'items', 'actions', 'columns', 'rows', 'cells', 'inlines', 'card', 'fallback', 'selectAction', 'inlineAction', 'refresh', 'action'];
/** Parsed by the containers themselves rather than declared in their property schemas. */
const STRUCTURAL_KEYS = new Set(['body', 'items', 'actions', 'columns', 'rows', 'cells', 'inlines', 'card', 'fallback']);
/** Teams' own extension of the card root (mention entities, full width). */
const TEAMS_ROOT_KEYS = new Set(['msteams']);

/** Problems Teams users would see (or Teams would refuse) in an expanded card; empty when the card is fine. */
export function checkCard(json: object): string[] {
  const problems: string[] = [];
  const text = JSON.stringify(json);

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes >= MAX_CARD_BYTES) problems.push(`card is ${bytes} bytes; keep it under ${MAX_CARD_BYTES}`);

  for (const match of text.matchAll(/.{0,30}\$\{.{0,30}/g)) problems.push(`unexpanded template expression: …${match[0]}…`);

  const root = json as Record<string, unknown>;
  if (root.type !== 'AdaptiveCard') problems.push(`type is ${JSON.stringify(root.type)}, not "AdaptiveCard"`);
  problems.push(...checkVersion(root.version));

  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of card.validateProperties().validationEvents) problems.push(`validate: ${event.message}${where(event.source)}`);

  for (const input of card.getAllInputs(true)) {
    if (!input.label?.trim()) problems.push(`${input.getJsonTypeName()} "${input.id ?? ''}" has no label`);
  }

  problems.push(...unknownProperties(json, '$', true));
  return problems;
}

function checkVersion(version: unknown): string[] {
  if (typeof version !== 'string') return ['version is missing'];
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (!match) return [`version "${version}" is not major.minor`];
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major > MAX_CARD_VERSION.major || (major === MAX_CARD_VERSION.major && minor > MAX_CARD_VERSION.minor)) {
    return [`version ${version} is newer than Teams supports (${MAX_CARD_VERSION.major}.${MAX_CARD_VERSION.minor})`];
  }
  return [];
}

function where(source: unknown): string {
  if (!(source instanceof AC.CardObject)) return '';
  const id = source.id ? ` "${source.id}"` : '';
  return ` (in ${source.getJsonTypeName()}${id})`;
}

/**
 * The parser silently drops properties it does not know, so a typo such as `"wieght"` would vanish
 * without a word. Compares each typed object's keys with that type's property schema.
 */
function unknownProperties(value: unknown, path: string, isRoot: boolean): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownProperties(item, `${path}[${i}]`, false));
  if (typeof value !== 'object' || value === null) return [];
  const object = value as Record<string, unknown>;
  const problems: string[] = [];
  const known = typeof object.type === 'string' ? knownProperties(object.type) : undefined;
  if (known) {
    for (const key of Object.keys(object)) {
      if (known.has(key) || STRUCTURAL_KEYS.has(key) || (isRoot && TEAMS_ROOT_KEYS.has(key))) continue;
      problems.push(`${path} (${String(object.type)}): unknown property "${key}"`);
    }
  }
  for (const key of NESTING_KEYS) {
    if (key in object) problems.push(...unknownProperties(object[key], `${path}.${key}`, false));
  }
  return problems;
}

const schemaCache = new Map<string, Set<string> | undefined>();

/** Property names the parser reads for a type; undefined for a type it does not know (parse reports those). */
function knownProperties(type: string): Set<string> | undefined {
  if (schemaCache.has(type)) return schemaCache.get(type);
  const instance = createInstance(type);
  let names: Set<string> | undefined;
  if (instance) {
    const schema = instance.getSchema();
    names = new Set(Array.from({ length: schema.getCount() }, (_, i) => schema.getItemAt(i).name));
  }
  schemaCache.set(type, names);
  return names;
}

function createInstance(type: string): AdaptiveCards.SerializableObject | undefined {
  switch (type) {
    case 'AdaptiveCard':
      return new AC.AdaptiveCard();
    case 'Column':
      return new AC.Column();
    case 'TableRow':
      return new AC.TableRow();
    case 'TableCell':
      return new AC.TableCell();
    default:
      return AC.GlobalRegistry.elements.createInstance(type, AC.Versions.latest) ?? AC.GlobalRegistry.actions.createInstance(type, AC.Versions.latest);
  }
}
