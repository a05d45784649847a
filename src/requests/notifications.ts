// Who hears about a change, and what they are told. Each state change produces its notifications here;
// the store writes them to the outbox in the same transaction as the change, and the outbox delivers.

import { tellable, type TellableEvent } from './describe';
import { describeHold } from './lifecycle';
import type { RequestEvent, ServiceRequest } from './request';
import type { Praise } from '../praise/praise';

/** What the requester's personal message is about; the card shows the request as it is then. */
export type UpdateKind = 'posted' | 'taken' | 'assigned' | 'asked' | 'held' | 'resumed' | 'resolved' | 'duplicate' | 'closed' | 'unreachable';

export type Notification =
  /** Posts the request card as a new thread in its IT channel. */
  | { kind: 'thread.start'; seq: number }
  /** Replaces the request card with its current state. */
  | { kind: 'card.update'; seq: number }
  /** A short line in the request's thread. `text` is markdown with user text already made inert. */
  | { kind: 'thread.line'; seq: number; line: ThreadLine }
  /** A message in the requester's personal chat. */
  | { kind: 'person.update'; seq: number; to: string; update: PersonalUpdate }
  /** A plain message to an admin about something only they can fix. */
  | { kind: 'admin.notice'; seq: number; to: string; text: string }
  /**
   * Thanks, in the personal chat of one person thanked (`to`). `seq` is the request thanked for, or 0;
   * `postedIn` names the channels it is posted in at once.
   */
  | { kind: 'praise.thanks'; seq: number; to: string; praise: PraiseNote; postedIn: string[] }
  /** Thanks posted at once in a team's thanks channel. */
  | { kind: 'praise.post'; seq: number; teamId: string; channelId: string; praise: PraiseNote }
  /** Thanks added to its week's list (in the Praise table): no message, but as durable as the messages. */
  | { kind: 'praise.record'; seq: number; praise: PraiseNote; at: string };

/** A praise as the outbox carries it to the cards. */
export type PraiseNote = Omit<Praise, 'tenantId' | 'at'>;

/** A thread line as data; the text is written at delivery (user text made inert there). */
export interface ThreadLine {
  event: TellableEvent & { n: number };
}

export interface PersonalUpdate {
  kind: UpdateKind;
  /** The event that caused it (its number), so the card can tell whether it is still current. */
  n: number;
  /** Who did it. */
  actor: string;
  /** A question, hold note, resolution note or reason, as typed (made inert when shown). */
  note?: string;
  /** For a duplicate: the other request's reference. For posted: the channel's name. */
  target?: string;
}

/** What a state change tells whom: the IT thread always; the requester when IT or Liaison acted. */
export function notificationsFor(before: ServiceRequest | undefined, after: ServiceRequest, event: RequestEvent): Notification[] {
  const seq = after.seq;
  const out: Notification[] = [];
  // The channel could not be reached: only the requester can be told, that it waits.
  if (event.kind === 'unrouted') return [{ kind: 'person.update', seq, to: after.requester.aadObjectId, update: { kind: 'unreachable', n: event.n, actor: event.actor.name, ...(event.target === undefined ? {} : { target: event.target }) } }];
  if (after.route === undefined) return out;

  const posting = before?.route === undefined;
  if (posting) out.push({ kind: 'thread.start', seq });
  else {
    out.push({ kind: 'card.update', seq });
    out.push({ kind: 'thread.line', seq, line: { event: lineOf(event) } });
  }

  const update = personalUpdateFor(event, posting && before !== undefined);
  if (update) out.push({ kind: 'person.update', seq, to: after.requester.aadObjectId, update });
  return out;
}

function lineOf(event: RequestEvent): ThreadLine['event'] {
  return { ...tellable(event), n: event.n };
}

/** The requester hears about what others did; their own actions are answered on the card they pressed. */
function personalUpdateFor(event: RequestEvent, postedLater: boolean): PersonalUpdate | undefined {
  const base = { n: event.n, actor: event.actor.name };
  const note = event.note === undefined ? {} : { note: event.note };
  switch (event.kind) {
    case 'routed':
      return postedLater ? { kind: 'posted', ...base, ...(event.target === undefined ? {} : { target: event.target }) } : undefined;
    case 'taken':
      return { kind: 'taken', ...base };
    case 'assigned':
      return { kind: 'assigned', ...base, ...(event.assignee === undefined ? {} : { target: event.assignee.name }) };
    case 'asked':
      return { kind: 'asked', ...base, ...note };
    case 'held':
      return { kind: 'held', ...base, note: `${capitalise(describeHold(event.holdReason ?? 'vendor'))}: ${event.note ?? ''}` };
    case 'resumed':
      return { kind: 'resumed', ...base };
    case 'resolved':
      return { kind: 'resolved', ...base, ...note };
    case 'duplicate':
      return { kind: 'duplicate', ...base, ...(event.target === undefined ? {} : { target: event.target }) };
    case 'closed':
      return { kind: 'closed', ...base };
    default:
      return undefined;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
