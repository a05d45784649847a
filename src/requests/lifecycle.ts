// What IT and the requester may do to a request in each state, and what each action changes.
// Pure functions: who the actor is and whether they may act as IT is decided at the edge, from what
// Teams says, and passed in; nothing here trusts card data.

import type { Person } from '../intake/draft';
import { isOpen, NOTE_LIMIT, type EventKind, type HoldReason, type RequestEvent, type RequestStatus, type Route, type ServiceRequest } from './request';

/** What IT staff can do from the request card in their channel. */
export type ItAction =
  | { kind: 'take' }
  | { kind: 'assign'; to: Person }
  | { kind: 'ask'; question: string }
  | { kind: 'hold'; reason: Exclude<HoldReason, 'requester'>; note: string }
  | { kind: 'resume' }
  | { kind: 'resolve'; note: string }
  | { kind: 'duplicate'; of: Pick<ServiceRequest, 'seq' | 'reference' | 'status'> };

/** What the requester can do from their personal chat. */
export type RequesterAction =
  | { kind: 'cancel'; reason: string }
  | { kind: 'reply'; text: string }
  | { kind: 'confirm' }
  | { kind: 'reopen'; reason: string };

/** What Liaison does by itself. */
export type SystemAction = { kind: 'route'; route: Route } | { kind: 'unroute'; reason: string } | { kind: 'autoClose' };

export type Action = ItAction | RequesterAction | SystemAction;
export type ItActionKind = ItAction['kind'];
export type RequesterActionKind = RequesterAction['kind'];

/** Who acts: IT staff of the request's channel, its requester, or Liaison itself. */
export type Role = 'it' | 'requester' | 'system';

/** `field` names the input a refusal is about, so the card can show it there. */
export type Transition =
  | { ok: true; request: ServiceRequest; event: RequestEvent }
  | { ok: false; reason: string; field?: 'note' };

/** The IT actions a request's card offers in each state. */
const IT_ACTIONS: Record<RequestStatus, readonly ItActionKind[]> = {
  New: ['take', 'assign', 'ask', 'hold', 'resolve', 'duplicate'],
  'In progress': ['assign', 'ask', 'hold', 'resolve', 'duplicate'],
  'On hold': ['assign', 'resume', 'ask', 'resolve', 'duplicate'],
  Resolved: [],
  Closed: [],
  Cancelled: [],
};

export function itActionsFor(request: Pick<ServiceRequest, 'status'>): readonly ItActionKind[] {
  return IT_ACTIONS[request.status];
}

/** The requester actions valid now: reply while open (to a question, or to add something), confirm or reopen a resolution. */
export function requesterActionsFor(request: Pick<ServiceRequest, 'status'>): readonly RequesterActionKind[] {
  if (isOpen(request)) return ['cancel', 'reply'];
  return request.status === 'Resolved' ? ['confirm', 'reopen'] : [];
}

const DAY_MS = 24 * 60 * 60 * 1000;

const HOLD_WORDS: Record<HoldReason, string> = {
  requester: 'waiting for the requester',
  vendor: 'waiting for the vendor',
  change: 'waiting for a planned change',
};

export function describeHold(reason: HoldReason): string {
  return HOLD_WORDS[reason];
}

const ROLE_OF: Record<Action['kind'], Role> = {
  take: 'it',
  assign: 'it',
  ask: 'it',
  hold: 'it',
  resume: 'it',
  resolve: 'it',
  duplicate: 'it',
  cancel: 'requester',
  reply: 'requester',
  confirm: 'requester',
  reopen: 'requester',
  route: 'system',
  unroute: 'system',
  autoClose: 'system',
};

export function roleFor(action: Action): Role {
  return ROLE_OF[action.kind];
}

/** A note is required and limited; `empty` asks for it in the words of the action, `what` names it. */
function checkNote(text: string, what: string, empty: string): string | undefined {
  if (text.trim() === '') return empty;
  if (text.length > NOTE_LIMIT) return `The ${what} can be at most ${String(NOTE_LIMIT)} characters (it has ${String(text.length)}).`;
  return undefined;
}

/** Why the current state does not allow the action, in words for the person who tried. */
function notNow(request: ServiceRequest, action: Action): string {
  const { reference, status } = request;
  const role = roleFor(action);
  if (status === 'Resolved' && role === 'it') return `${reference} is resolved and waits for the requester to confirm it.`;
  if (status === 'Resolved') return `${reference} is resolved: press Fixed, thank you, or Still not working.`;
  if (!isOpen(request)) return `${reference} is already ${status.toLowerCase()}, so nothing was changed.`;
  if (action.kind === 'take' && request.assignee) return `${request.assignee.name} already took ${reference}.`;
  if (action.kind === 'resume') return `${reference} is not on hold.`;
  if (action.kind === 'confirm' || action.kind === 'reopen') return `${reference} is not resolved, so there is nothing to ${action.kind}.`;
  return `That cannot be done while ${reference} is ${status.toLowerCase()}.`;
}

function allowed(request: ServiceRequest, action: Action): boolean {
  switch (roleFor(action)) {
    case 'it':
      return (itActionsFor(request) as readonly string[]).includes(action.kind);
    case 'requester':
      return (requesterActionsFor(request) as readonly string[]).includes(action.kind);
    case 'system':
      if (action.kind === 'autoClose') return request.status === 'Resolved';
      return isOpen(request) && (action.kind === 'route' ? request.route === undefined : request.route !== undefined);
  }
}

/**
 * Applies an action by `actor` at `at`. The caller has established the actor's role (IT staff of the
 * request's channel, or its requester); the request's state decides whether the action is valid now.
 * Event times never go backwards, so the history keeps its order even when instances' clocks differ.
 */
export function apply(request: ServiceRequest, action: Action, actor: Person, now: Date, autoCloseDays: number): Transition {
  if (!allowed(request, action)) return { ok: false, reason: notNow(request, action) };
  const problem = noteProblem(action);
  if (problem !== undefined) return { ok: false, reason: problem, field: 'note' };
  if (action.kind === 'duplicate' && action.of.seq === request.seq) return { ok: false, reason: 'A request cannot duplicate itself. Give the reference of the other request.', field: 'note' };

  const at = new Date(Math.max(now.getTime(), request.updatedAt.getTime()));
  const event = (kind: EventKind, extra: Partial<RequestEvent> = {}): RequestEvent => ({ seq: request.seq, n: request.eventCount + 1, at, actor, kind, ...extra });
  // Hold, question and resolution describe the current state only: every change starts without them.
  const base: ServiceRequest = { ...request };
  delete base.hold;
  delete base.question;
  delete base.resolution;
  delete base.closesAt;
  const next = (status: RequestStatus, changes: Partial<ServiceRequest>, e: RequestEvent): Transition => ({
    ok: true,
    request: { ...base, ...changes, status, updatedAt: at, eventCount: e.n },
    event: e,
  });

  switch (action.kind) {
    case 'take':
      return next('In progress', { assignee: actor }, event('taken', { assignee: actor }));
    case 'assign': {
      const keep = request.status === 'On hold' && request.hold ? { hold: request.hold, ...(request.question === undefined ? {} : { question: request.question }) } : {};
      return next(request.status === 'On hold' ? 'On hold' : 'In progress', { assignee: action.to, ...keep }, event('assigned', { assignee: action.to }));
    }
    case 'ask':
      return next('On hold', { hold: { reason: 'requester', note: action.question }, question: action.question }, event('asked', { note: action.question, holdReason: 'requester' }));
    case 'hold':
      return next('On hold', { hold: { reason: action.reason, note: action.note } }, event('held', { note: action.note, holdReason: action.reason }));
    case 'resume':
      return next(request.assignee ? 'In progress' : 'New', {}, event('resumed'));
    case 'resolve':
      return next('Resolved', { resolution: action.note, closesAt: new Date(at.getTime() + autoCloseDays * DAY_MS) }, event('resolved', { note: action.note }));
    case 'duplicate':
      return next('Cancelled', { duplicateOf: action.of.reference }, event('duplicate', { target: action.of.reference }));
    case 'cancel':
      return next('Cancelled', {}, event('cancelled', { note: action.reason }));
    case 'reply': {
      // An answer to a question takes the request off hold; other replies leave the state as it is.
      const waiting = request.status === 'On hold' && request.hold?.reason === 'requester';
      const stays = waiting ? {} : { ...(request.hold ? { hold: request.hold } : {}) };
      return next(waiting ? (request.assignee ? 'In progress' : 'New') : request.status, stays, event('replied', { note: action.text }));
    }
    case 'confirm':
      return next('Closed', { ...(request.resolution === undefined ? {} : { resolution: request.resolution }) }, event('confirmed'));
    case 'reopen':
      // Back to whoever resolved it; New (so that someone can take it) when nobody had.
      return next(request.assignee ? 'In progress' : 'New', {}, event('reopened', { note: action.reason }));
    case 'route':
      return next(request.status, { route: action.route, ...keepHold(request) }, event('routed', { target: action.route.channelName }));
    case 'unroute': {
      const t = next(request.status, keepHold(request), event('unrouted', { target: request.route?.channelName ?? '', note: action.reason }));
      if (t.ok) delete t.request.route;
      return t;
    }
    case 'autoClose':
      return next('Closed', { ...(request.resolution === undefined ? {} : { resolution: request.resolution }) }, event('closed'));
  }
}

function keepHold(request: ServiceRequest): Partial<ServiceRequest> {
  return {
    ...(request.hold === undefined ? {} : { hold: request.hold }),
    ...(request.question === undefined ? {} : { question: request.question }),
  };
}

function noteProblem(action: Action): string | undefined {
  switch (action.kind) {
    case 'ask':
      return checkNote(action.question, 'question', 'Please write your question for the requester.');
    case 'hold':
      return checkNote(action.note, 'note', 'Please say what the request is waiting for.');
    case 'resolve':
      return checkNote(action.note, 'resolution note', 'Please write a resolution note: the requester sees it.');
    case 'cancel':
      return checkNote(action.reason, 'reason', 'Please say in a few words why you are cancelling it.');
    case 'reply':
      return checkNote(action.text, 'answer', 'Please write your answer for IT.');
    case 'reopen':
      return checkNote(action.reason, 'reason', 'Please say what still does not work.');
    default:
      return undefined;
  }
}

/** Whether an event records this very action by this actor: a double or redelivered press is recognised by it. */
export function isSameChange(event: RequestEvent, action: Action, actor: Person): boolean {
  if (event.actor.aadObjectId !== actor.aadObjectId) return false;
  const kinds: Partial<Record<Action['kind'], EventKind>> = {
    take: 'taken', assign: 'assigned', ask: 'asked', hold: 'held', resume: 'resumed', resolve: 'resolved', duplicate: 'duplicate',
    cancel: 'cancelled', reply: 'replied', confirm: 'confirmed', reopen: 'reopened',
  };
  if (kinds[action.kind] !== event.kind) return false;
  const { note, holdReason, assignee, target } = whatItRecords(action, actor);
  return note === event.note && holdReason === event.holdReason && assignee === event.assignee?.aadObjectId && target === event.target;
}


/** What an action's event records besides its kind, to recognise the same action pressed twice. */
function whatItRecords(action: Action, actor: Person): { note?: string; holdReason?: HoldReason; assignee?: string; target?: string } {
  switch (action.kind) {
    case 'take':
      return { assignee: actor.aadObjectId };
    case 'assign':
      return { assignee: action.to.aadObjectId };
    case 'ask':
      return { note: action.question, holdReason: 'requester' };
    case 'hold':
      return { note: action.note, holdReason: action.reason };
    case 'resolve':
      return { note: action.note };
    case 'duplicate':
      return { target: action.of.reference };
    case 'cancel':
    case 'reopen':
      return { note: action.reason };
    case 'reply':
      return { note: action.text };
    default:
      return {};
  }
}
