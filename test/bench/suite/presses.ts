// What the load sends in each load scenario, and the messages between the parent, the process under test
// (target.ts) and the load process (load.ts).
//
// An intake step and an IT action need the card's current revision, so the load is stateful: the target
// prepares independent slots (a draft, or a request with its posted card, each with its own user), and
// the load keeps, per slot, the card the last press answered with; the next press on the slot is read
// from that card.

import { cardAction, personalMessage, type CardConversation, type TeamsActivity, type TestUser } from '../../support/activities';
import { actionOf, actionsOf, inputOf, type Card } from '../../support/cards';
import { P2_ANSWERS } from '../../support/intakeData';
import type { Server } from 'node:http';
import type { Failed } from './ipc';

/** The load scenarios by id, as the suite names them. */
export type LoadKind = 'baseline-a' | 'baseline-b' | 'intake-step' | 'it-action';

/** One independent line of presses: who presses, where, and on which card. */
export interface Slot {
  from: TestUser;
  /** The card the next press is read from (none for plain messages). */
  card?: Card;
  conversation?: CardConversation;
  /** The message holding the card, for a card in a channel. */
  messageId?: string;
}

const HOLD = { holdReason: 'vendor', holdNote: 'Waiting for a replacement reader.' };

/** The press a slot's card asks for next: Next on the impact step, Back on the urgency step; Take it, Put on hold, Take off hold. */
export function nextPress(kind: LoadKind, card: Card): { verb: string; data: Record<string, unknown> } {
  if (kind === 'it-action') {
    const verbs = new Set(actionsOf(card).map((a) => a.verb));
    if (verbs.has('it.take')) return { verb: 'it.take', data: actionOf(card, 'it.take') };
    if (verbs.has('it.resume')) return { verb: 'it.resume', data: actionOf(card, 'it.resume') };
    return { verb: 'it.hold', data: { ...actionOf(card, 'it.hold'), ...HOLD } };
  }
  if (inputOf(card, 'reach') !== undefined) return { verb: 'intake.next', data: { ...actionOf(card, 'intake.next'), ...P2_ANSWERS.impact } };
  return { verb: 'intake.back', data: actionOf(card, 'intake.back') };
}

/** The revision a card's buttons carry (NaN for none). */
export function revOf(card: Card): number {
  return Number(actionsOf(card)[0]?.data.rev);
}

/** The activity Teams would post for the slot's next press (or message), with ids of its own. */
export function activityFor(kind: LoadKind, slot: Slot, serviceUrl: string): TeamsActivity {
  if (kind === 'baseline-a' || slot.card === undefined) return personalMessage({ serviceUrl, from: slot.from, text: 'Is the catalogue down?' });
  const { verb, data } = nextPress(kind, slot.card);
  return cardAction({
    serviceUrl,
    from: slot.from,
    verb,
    data,
    ...(slot.conversation === undefined ? {} : { conversation: slot.conversation }),
    ...(slot.messageId === undefined ? {} : { messageId: slot.messageId }),
  });
}

export const CARD_ANSWER = 'application/vnd.microsoft.card.adaptive';

/** The card of an invoke answer, or undefined when the answer is something else. */
export function answeredCard(body: string): Card | undefined {
  const answer = JSON.parse(body) as { type?: unknown; value?: unknown };
  return answer.type === CARD_ANSWER && typeof answer.value === 'object' && answer.value !== null ? (answer.value as Card) : undefined;
}

/** A server under test, set up and with its slots prepared. */
export interface Target {
  /** Its HTTP server, whose requests are counted. */
  http: Server;
  url: string;
  /** Where activities say the Bot Connector is. */
  serviceUrl: string;
  slots: Slot[];
  /** Table round trips so far, for a target that uses Tables. */
  roundTrips?: () => number;
  close(): Promise<void>;
}

// Parent <-> target.

export type ToTarget =
  | { type: 'setup'; kind: LoadKind; connectionString: string; prefix: string; slots: number; serviceUrl: string }
  /** Waits until no press is in progress. */
  | { type: 'settle' }
  /** Settles, then counts Table round trips and requests from here on. */
  | { type: 'mark' }
  | { type: 'stats' }
  | { type: 'stop' };

export interface TargetStats {
  type: 'stats';
  maxRssKb: number;
  /** Table round trips since the mark (none for a target without Tables). */
  roundTrips?: number;
  /** Requests on /api/messages since the mark, including any the load cut off at its end. */
  handled: number;
}

export type FromTarget = { type: 'ready'; url: string; serviceUrl: string; slots: Slot[] } | { type: 'settled' } | { type: 'marked' } | TargetStats | Failed;

// Parent <-> load.

/** One autocannon run, as the load process saw it. */
export interface LoadFigures {
  /** Requests per second (autocannon's mean of per-second samples). */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Completed requests. */
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Card answers whose revision did not move on by one: the press changed nothing. */
  unchanged: number;
  durationS: number;
  /** Status codes and counts, e.g. "200x5000". */
  statuses: string;
}

export type ToLoad =
  | { type: 'start'; kind: LoadKind; url: string; serviceUrl: string; slots: Slot[]; connections: number; warmUpS: number }
  /** Brings the slots whose press the warm-up cut off up to date, once the target has settled. */
  | { type: 'resync' }
  | { type: 'measure'; durationS: number }
  | { type: 'stop' };

export type FromLoad = { type: 'warmedUp'; figures: LoadFigures } | { type: 'resynced'; slots: number } | { type: 'measured'; figures: LoadFigures } | Failed;
