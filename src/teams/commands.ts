import { TurnContext, type Activity } from 'botbuilder';

export const COMMANDS = ['help', 'setup', 'status', 'new request', 'my requests', 'praise', 'praise settings', 'weekly post now'] as const;
export type Command = (typeof COMMANDS)[number];

/** Other ways people type the same command. */
const ALIASES: ReadonlyMap<string, Command> = new Map([
  ['new', 'new request'],
  ['request', 'new request'],
  ['new requests', 'new request'],
  ['requests', 'my requests'],
  ['my request', 'my requests'],
  ['thanks', 'praise'],
  ['kudos', 'praise'],
  ['say thanks', 'praise'],
  ['thanks settings', 'praise settings'],
  ['weekly post', 'weekly post now'],
]);

/** Where a message came from, which decides what the commands mean. */
export type Scope = 'personal' | 'channel' | 'other';

export function scopeOf(activity: Activity): Scope {
  const type = activity.conversation.conversationType;
  if (type === 'personal') return 'personal';
  if (type === 'channel') return 'channel';
  return 'other';
}

/**
 * The command a message asks for, if any: the bot's mention removed (in a channel the text arrives as
 * `<at>Liaison</at> setup`), case and surrounding punctuation ignored.
 */
export function commandOf(activity: Activity): Command | undefined {
  const text = messageText(activity) ?? buttonCommand(activity);
  if (text === undefined) return undefined;
  const normalized = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} ]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return COMMANDS.find((c) => c === normalized) ?? ALIASES.get(normalized);
}

/** The text of a message with the bot's mention removed; undefined when there is none. */
export function messageText(activity: Activity): string | undefined {
  // Typed as always present, but a message can come without text (an attachment alone), and
  // botbuilder's mention removal fails on such a message.
  if (typeof (activity.text as string | undefined) !== 'string') return undefined;
  return TurnContext.removeRecipientMention(activity);
}

/**
 * A card's Action.Submit button (the welcome card's) arrives as a message without text whose value
 * carries the command, like a typed one.
 */
function buttonCommand(activity: Activity): string | undefined {
  const value: unknown = activity.value;
  if (typeof value !== 'object' || value === null || !('command' in value)) return undefined;
  return typeof value.command === 'string' ? value.command.slice(0, 40) : undefined;
}
