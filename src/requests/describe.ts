// A request in words: its status, the notes it carries now, and each change as a history line or a line
// in the IT thread. Names and notes are typed by people, so each goes through `escape` (cards pass `inert`).

import { formatDateTime } from '../lib/dates';
import type { Policy } from '../policy/policy';
import { describeHold } from './lifecycle';
import type { ThreadLine } from './notifications';
import { priorityLabel } from './priority';
import { isOpen, type RequestEvent, type ServiceRequest } from './request';

/** An event as it is told: who acted and who it went to by name. */
export type TellableEvent = Pick<RequestEvent, 'kind' | 'note' | 'holdReason' | 'target' | 'priority'> & { actor: string; assignee?: string };

/** An event as told: people by name only. */
export function tellable(event: RequestEvent): TellableEvent {
  return {
    kind: event.kind,
    actor: event.actor.name,
    ...(event.note === undefined ? {} : { note: event.note }),
    ...(event.holdReason === undefined ? {} : { holdReason: event.holdReason }),
    ...(event.target === undefined ? {} : { target: event.target }),
    ...(event.priority === undefined ? {} : { priority: event.priority }),
    ...(event.assignee === undefined ? {} : { assignee: event.assignee.name }),
  };
}

/** The names, target and note an event carries, made safe for display. */
function partsOf(event: TellableEvent, escape: (text: string) => string) {
  return {
    who: escape(event.actor),
    assignee: escape(event.assignee ?? 'someone'),
    target: escape(event.target ?? ''),
    /** ": <note>" or "." when there is none. */
    colonNote: event.note === undefined ? '.' : `: ${escape(event.note)}`,
  };
}

/** One short sentence for the request's history, without its reference ("Megan Bowen took it."). */
export function describeEvent(event: TellableEvent, policy: Policy, escape: (text: string) => string): string {
  const { who, assignee, target, colonNote } = partsOf(event, escape);
  switch (event.kind) {
    case 'submitted':
      return `${who} submitted the request${event.priority === undefined ? '' : ` (${priorityLabel(event.priority, policy)})`}.`;
    case 'cancelled':
      return `${who} cancelled the request${colonNote}`;
    case 'routed':
      return `Posted to IT in ${target}.`;
    case 'unrouted':
      return `Could not be posted to IT in ${target}; it waits until IT connects a channel again.`;
    case 'taken':
      return `${who} took it.`;
    case 'assigned':
      return `${who} assigned it to ${assignee}.`;
    case 'asked':
      return `${who} asked${colonNote}`;
    case 'replied':
      return `${who} replied${colonNote}`;
    case 'held':
      return `On hold, ${describeHold(event.holdReason ?? 'vendor')}${colonNote}`;
    case 'resumed':
      return `${who} took it off hold.`;
    case 'resolved':
      return `Resolved by ${who}${colonNote}`;
    case 'confirmed':
      return `${who} confirmed the fix. Closed.`;
    case 'reopened':
      return `${who} reopened it${colonNote}`;
    case 'closed':
      return 'Closed automatically after the resolution was not disputed.';
    case 'duplicate':
      return `Cancelled as a duplicate of ${target} by ${who}.`;
  }
}

/**
 * The line IT reads in the request's thread when it changes: who did what, naming the request where a
 * person would ("Megan Bowen took REQ-0042."). Markdown, with names and notes made safe by `escape`.
 */
export function threadLineText(line: ThreadLine['event'], reference: string, policy: Policy, escape: (text: string) => string): string {
  const { who, assignee, target, colonNote } = partsOf(line, escape);
  switch (line.kind) {
    case 'taken':
      return `${who} took ${reference}.`;
    case 'assigned':
      return `${who} assigned ${reference} to ${assignee}.`;
    case 'asked':
      return `${who} asked the requester${colonNote}`;
    case 'held':
      return `On hold: ${describeHold(line.holdReason ?? 'vendor')}${line.note === undefined ? '.' : `. ${escape(line.note)}`} (${who})`;
    case 'resumed':
      return `${who} took ${reference} off hold.`;
    case 'resolved':
      return `${who} resolved ${reference}${colonNote}`;
    case 'confirmed':
      return `${who} confirmed the fix. ${reference} is closed.`;
    case 'reopened':
      return `${who} reopened ${reference}${colonNote}`;
    case 'closed':
      return `${reference} closed automatically after the resolution was not disputed.`;
    case 'duplicate':
      return `${who} cancelled ${reference} as a duplicate of ${target}.`;
    case 'cancelled':
      return `${who} cancelled ${reference}${colonNote}`;
    default:
      return describeEvent(line, policy, escape);
  }
}

/** "Status: In progress · Megan Bowen is on it", "Status: Resolved · closes by itself on Tue 8 Dec 2026, 10:30" */
export function describeStatus(request: ServiceRequest, timeZone: string, escape: (text: string) => string): string {
  const detail = statusDetail(request, timeZone, escape);
  return `Status: ${request.status}${detail === undefined ? '' : ` · ${detail}`}`;
}

function statusDetail(request: ServiceRequest, timeZone: string, escape: (text: string) => string): string | undefined {
  if (isOpen(request)) return request.assignee ? `${escape(request.assignee.name)} is on it` : 'Nobody has taken it yet';
  if (request.status === 'Resolved' && request.closesAt) return `closes by itself on ${formatDateTime(request.closesAt, timeZone)}`;
  if (request.duplicateOf !== undefined) return `duplicate of ${escape(request.duplicateOf)}`;
  return undefined;
}

/** A note a request carries in its current state, with what it is. */
export interface StateNote {
  label: string;
  text: string;
}

/** The open question, what it waits for while on hold, and the resolution: whichever are set. */
export function stateNotes(request: ServiceRequest, escape: (text: string) => string): StateNote[] {
  const notes: StateNote[] = [];
  if (request.question !== undefined) notes.push({ label: 'Open question', text: escape(request.question) });
  // Waiting for the requester means waiting for the answer to that question, already shown.
  if (request.hold && request.hold.reason !== 'requester') notes.push({ label: `On hold, ${describeHold(request.hold.reason)}`, text: escape(request.hold.note) });
  if (request.resolution !== undefined) notes.push({ label: 'Resolution', text: escape(request.resolution) });
  return notes;
}
