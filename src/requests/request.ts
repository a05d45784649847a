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
  /** The IT channel it was posted to; none while IT has no channel connected to Liaison. */
  route?: Route;
  /** The IT staff member working on it. */
  assignee?: Person;
  /** Why it is on hold (set only while On hold). */
  hold?: Hold;
  /** The latest question IT asked the requester, until answered. */
  question?: string;
  /** The resolution note (set while Resolved or Closed after a resolution). */
  resolution?: string;
  /** When a resolved request closes by itself unless the requester reopens it. */
  closesAt?: Date;
  /** The reference of the request this one duplicates, when cancelled as a duplicate. */
  duplicateOf?: string;
}

/** A team channel that receives IT requests. */
export interface Route {
  teamId: string;
  channelId: string;
  channelName: string;
}

export type HoldReason = 'requester' | 'vendor' | 'change';

export interface Hold {
  reason: HoldReason;
  note: string;
}

export type EventKind =
  | 'submitted'
  | 'cancelled'
  | 'routed'
  /** The IT channel could not be reached: the request waits for a channel again. */
  | 'unrouted'
  | 'taken'
  | 'assigned'
  | 'asked'
  | 'replied'
  | 'held'
  | 'resumed'
  | 'resolved'
  | 'confirmed'
  | 'reopened'
  | 'closed'
  | 'duplicate';

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
  /** Who the request was assigned to (assigned, taken). */
  assignee?: Person;
  /** What it waits for (held, asked). */
  holdReason?: HoldReason;
  /** The channel it went to (routed), or the request it duplicates (duplicate). */
  target?: string;
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

/** Longest reason, note, question or reply a person can give with a change. */
export const NOTE_LIMIT = 1000;

/** The request a reviewed draft becomes when submitted as number `seq`, with its first event. */
export function newRequest(draft: Draft, preview: Preview, seq: number, at: Date, route?: Route): { request: ServiceRequest; event: RequestEvent } {
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
    ...(route === undefined ? {} : { route }),
  };
  const event: RequestEvent = {
    seq,
    n: 1,
    at,
    actor: draft.owner,
    kind: 'submitted',
    priority: preview.assessment.priority,
    ...(route === undefined ? {} : { target: route.channelName }),
  };
  return { request, event };
}
