// A request IT acts on, its lifecycle and its history. Plain data and pure functions.

import type { Answers } from '../intake/answers';
import type { Person } from '../intake/draft';
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

export function isOpen(request: ServiceRequest): boolean {
  return OPEN_STATUSES.includes(request.status);
}

export type Transition = { ok: true; request: ServiceRequest; event: RequestEvent } | { ok: false; reason: string };

/** The requester withdraws an open request, with a reason. */
export function cancelByRequester(request: ServiceRequest, actor: Person, reason: string, at: Date): Transition {
  if (actor.aadObjectId !== request.requester.aadObjectId) return { ok: false, reason: 'Only the person who made a request can cancel it.' };
  if (!isOpen(request)) return { ok: false, reason: `${request.reference} is already ${request.status.toLowerCase()}, so it cannot be cancelled.` };
  const event: RequestEvent = { seq: request.seq, n: request.eventCount + 1, at, actor, kind: 'cancelled', note: reason };
  return { ok: true, request: { ...request, status: 'Cancelled', updatedAt: at, eventCount: event.n }, event };
}
