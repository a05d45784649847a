// A request IT acts on, its lifecycle and its history. Plain data and pure functions.

import type { Answers } from '../intake/answers';
import type { Draft, Person } from '../intake/draft';
import type { Preview } from '../intake/review';
import type { Priority } from '../policy/policy';
import type { Assessment } from './priority';

/** Lifecycle (domain.md): New -> In progress -> On hold -> Resolved -> Closed; or Cancelled. */
export type RequestStatus = 'New' | 'In progress' | 'On hold' | 'Resolved' | 'Closed' | 'Cancelled';
export const OPEN_STATUSES: readonly RequestStatus[] = ['New', 'In progress', 'On hold'];

export interface ServiceRequest {
  tenantId: string;
  /** 42 for REQ-0042. */
  seq: number;
  reference: string;
  requester: Person;
  answers: Answers;
  assessment: Assessment;
  /** The business-impact statement as submitted. */
  statement: string;
  status: RequestStatus;
  createdAt: Date;
  updatedAt: Date;
  responseBy: Date;
  resolveBy: Date;
  /** Number of events so far; the next event is numbered eventCount + 1. */
  eventCount: number;
  /** The draft it came from, so a repeated submit finds it. */
  draftId: string;
}

export type EventKind = 'submitted' | 'cancelled';

export interface RequestEvent {
  seq: number;
  /** 1, 2, 3 ... per request. */
  n: number;
  at: Date;
  actor: Person;
  kind: EventKind;
  /** A reason or note given with the change. */
  note?: string;
  /** Priority at the time, for "submitted (P2 High)". */
  priority?: Priority;
}

export function referenceOf(seq: number): string {
  return `REQ-${String(seq).padStart(4, '0')}`;
}

/** 42 for "REQ-0042" or "req-42"; undefined for anything else. */
export function seqOf(reference: string): number | undefined {
  const match = /^REQ-(\d{1,9})$/i.exec(reference.trim());
  if (!match?.[1]) return undefined;
  const seq = Number(match[1]);
  return seq > 0 ? seq : undefined;
}

export function isOpen(request: Pick<ServiceRequest, 'status'>): boolean {
  return OPEN_STATUSES.includes(request.status);
}

/** "my requests" lists open requests, and closed ones for this long after their last change. */
const RECENT_MS = 30 * 24 * 60 * 60 * 1000;

export function isListed(request: Pick<ServiceRequest, 'status' | 'updatedAt'>, now: Date): boolean {
  return isOpen(request) || now.getTime() - request.updatedAt.getTime() <= RECENT_MS;
}

/** A refused change says why; `field` names the input the reason is about, if any. */
export type Transition = { ok: true; request: ServiceRequest; event: RequestEvent } | { ok: false; reason: string; field?: 'reason' };

/** Longest reason or note a person can give with a change. */
export const NOTE_LIMIT = 1000;

/** The requester withdraws an open request, with a reason. */
export function cancelByRequester(request: ServiceRequest, actor: Person, reason: string | undefined, at: Date): Transition {
  if (reason === undefined || reason === '') return { ok: false, reason: 'Please say in a few words why you are cancelling it.', field: 'reason' };
  if (reason.length > NOTE_LIMIT) return { ok: false, reason: `The reason can be at most ${String(NOTE_LIMIT)} characters.`, field: 'reason' };
  if (actor.aadObjectId !== request.requester.aadObjectId) return { ok: false, reason: 'Only the person who made a request can cancel it.' };
  if (!isOpen(request)) return { ok: false, reason: `${request.reference} is already ${request.status.toLowerCase()}, so it cannot be cancelled.` };
  const event: RequestEvent = { seq: request.seq, n: request.eventCount + 1, at, actor, kind: 'cancelled', note: reason };
  return { ok: true, request: { ...request, status: 'Cancelled', updatedAt: at, eventCount: event.n }, event };
}

/** The request a reviewed draft becomes when submitted as number `seq`, with its first event. */
export function newRequest(draft: Draft, preview: Preview, seq: number, at: Date): { request: ServiceRequest; event: RequestEvent } {
  const request: ServiceRequest = {
    tenantId: draft.tenantId,
    seq,
    reference: referenceOf(seq),
    requester: draft.owner,
    answers: preview.answers,
    assessment: preview.assessment,
    statement: preview.statement,
    status: 'New',
    createdAt: at,
    updatedAt: at,
    responseBy: preview.responseBy,
    resolveBy: preview.resolveBy,
    eventCount: 1,
    draftId: draft.draftId,
  };
  const event: RequestEvent = { seq, n: 1, at, actor: draft.owner, kind: 'submitted', priority: preview.assessment.priority };
  return { request, event };
}
