// The rows of the Requests table and how domain values map to them (see requests.ts for the layout).

import { odata } from '@azure/data-tables';
import type { Answers, StepId } from '../intake/answers';
import type { DiscardReason, Draft, DraftStatus, Person } from '../intake/draft';
import type { Priority } from '../policy/policy';
import type { Assessment } from '../requests/priority';
import type { EventKind, Hold, HoldReason, RequestEvent, RequestStatus, Route, ServiceRequest } from '../requests/request';
import type { RequestSummary } from './requests';
import { tableKey } from './tables';

const INVERT = 99_999_999;
export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export const draftKey = (ownerId: string, draftId: string): string => `draft|${tableKey(ownerId)}|${tableKey(draftId)}`;
export const requestKey = (seq: number): string => `req|${pad(seq, 8)}`;
export const eventKey = (seq: number, n: number): string => `event|${pad(seq, 8)}|${pad(n, 4)}`;
const mineKey = (ownerId: string, seq: number): string => `mine|${tableKey(ownerId)}|${pad(INVERT - seq, 8)}`;
/** Where a request's card was posted; next to the request so that one range query reads both. */
export const cardKey = (seq: number): string => `${requestKey(seq)}|card`;
/** Requests waiting for an IT channel to be connected. */
export const waitingKey = (seq: number): string => `waiting|${pad(seq, 8)}`;
/** Resolved requests by the time they close by themselves. */
export const closingKey = (closesAt: Date, seq: number): string => `closing|${pad(closesAt.getTime(), 13)}|${pad(seq, 8)}`;
/** A resolution, by when it happened: the weekly facts read one week's range of these. */
export const resolvedKey = (at: Date, seq: number): string => `resolved|${pad(at.getTime(), 13)}|${pad(seq, 8)}`;

/** Row keys from `prefix` up to the next printable character after it. */
export function prefixFilter(partitionKey: string, prefix: string): string {
  return odata`PartitionKey eq ${partitionKey} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`;
}

export type DraftEntity = {
  partitionKey: string;
  rowKey: string;
  draftId: string;
  ownerId: string;
  ownerName: string;
  rev: number;
  step: string;
  inputs: string;
  reachedReview: boolean;
  status: string;
  reference?: string;
  discardedBecause?: string;
  createdAt: Date;
  updatedAt: Date;
};

export type RequestEntity = {
  partitionKey: string;
  rowKey: string;
  seq: number;
  reference: string;
  requesterId: string;
  requesterName: string;
  answers: string;
  assessment: string;
  statement: string;
  status: string;
  priority: string;
  createdAt: Date;
  updatedAt: Date;
  responseBy: Date;
  resolveBy: Date;
  eventCount: number;
  draftId: string;
  /** JSON of the Route, when posted to an IT channel. */
  route?: string;
  assigneeId?: string;
  assigneeName?: string;
  /** JSON of the Hold, while on hold. */
  hold?: string;
  question?: string;
  resolution?: string;
  closesAt?: Date;
  duplicateOf?: string;
};

export type EventEntity = {
  partitionKey: string;
  rowKey: string;
  seq: number;
  n: number;
  at: Date;
  actorId: string;
  actorName: string;
  kind: string;
  note?: string;
  priority?: string;
  assigneeId?: string;
  assigneeName?: string;
  holdReason?: string;
  target?: string;
};

export type SummaryEntity = {
  partitionKey: string;
  rowKey: string;
  seq: number;
  reference: string;
  title: string;
  priority: string;
  status: string;
  createdAt: Date;
  updatedAt: Date;
};

/** The request card's message in its IT channel thread. */
export type CardEntity = {
  partitionKey: string;
  rowKey: string;
  seq: number;
  /** The thread: `<channelId>;messageid=<activityId>`. */
  conversationId: string;
  activityId: string;
  channelId: string;
  postedAt: Date;
};

/** An index row: a request waiting for a channel, or a resolved one waiting to close. */
export type IndexEntity = {
  partitionKey: string;
  rowKey: string;
  seq: number;
};

/** A request resolved at `resolvedAt`: what the weekly facts need, kept after the request moves on. */
export type ResolvedEntity = {
  partitionKey: string;
  rowKey: string;
  seq: number;
  createdAt: Date;
  resolvedAt: Date;
  resolveBy: Date;
};

export type CounterEntity = {
  partitionKey: string;
  rowKey: string;
  last: number;
};

export function draftEntity(d: Draft): DraftEntity {
  return {
    partitionKey: tableKey(d.tenantId),
    rowKey: draftKey(d.owner.aadObjectId, d.draftId),
    draftId: d.draftId,
    ownerId: d.owner.aadObjectId,
    ownerName: d.owner.name,
    rev: d.rev,
    step: d.step,
    inputs: JSON.stringify(d.inputs),
    reachedReview: d.reachedReview,
    status: d.status,
    ...(d.reference === undefined ? {} : { reference: d.reference }),
    ...(d.discardedBecause === undefined ? {} : { discardedBecause: d.discardedBecause }),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export function toDraft(tenantId: string, e: DraftEntity): Draft {
  return {
    tenantId,
    draftId: e.draftId,
    owner: { aadObjectId: e.ownerId, name: e.ownerName },
    rev: e.rev,
    step: e.step as StepId,
    inputs: JSON.parse(e.inputs) as Draft['inputs'],
    reachedReview: e.reachedReview,
    status: e.status as DraftStatus,
    ...(e.reference === undefined ? {} : { reference: e.reference }),
    ...(e.discardedBecause === undefined ? {} : { discardedBecause: e.discardedBecause as DiscardReason }),
    createdAt: new Date(e.createdAt),
    updatedAt: new Date(e.updatedAt),
  };
}

export function requestEntity(r: ServiceRequest): RequestEntity {
  return {
    partitionKey: tableKey(r.tenantId),
    rowKey: requestKey(r.seq),
    seq: r.seq,
    reference: r.reference,
    requesterId: r.requester.aadObjectId,
    requesterName: r.requester.name,
    answers: JSON.stringify(r.answers),
    assessment: JSON.stringify(r.assessment),
    statement: r.statement,
    status: r.status,
    priority: r.assessment.priority,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    responseBy: r.responseBy,
    resolveBy: r.resolveBy,
    eventCount: r.eventCount,
    draftId: r.draftId,
    ...(r.route === undefined ? {} : { route: JSON.stringify(r.route) }),
    ...(r.assignee === undefined ? {} : { assigneeId: r.assignee.aadObjectId, assigneeName: r.assignee.name }),
    ...(r.hold === undefined ? {} : { hold: JSON.stringify(r.hold) }),
    ...(r.question === undefined ? {} : { question: r.question }),
    ...(r.resolution === undefined ? {} : { resolution: r.resolution }),
    ...(r.closesAt === undefined ? {} : { closesAt: r.closesAt }),
    ...(r.duplicateOf === undefined ? {} : { duplicateOf: r.duplicateOf }),
  };
}

export function toRequest(tenantId: string, e: RequestEntity): ServiceRequest {
  return {
    tenantId,
    seq: e.seq,
    reference: e.reference,
    requester: { aadObjectId: e.requesterId, name: e.requesterName },
    answers: JSON.parse(e.answers) as Answers,
    assessment: JSON.parse(e.assessment) as Assessment,
    statement: e.statement,
    status: e.status as RequestStatus,
    createdAt: new Date(e.createdAt),
    updatedAt: new Date(e.updatedAt),
    responseBy: new Date(e.responseBy),
    resolveBy: new Date(e.resolveBy),
    eventCount: e.eventCount,
    draftId: e.draftId,
    ...(e.route === undefined ? {} : { route: JSON.parse(e.route) as Route }),
    ...(e.assigneeId === undefined ? {} : { assignee: { aadObjectId: e.assigneeId, name: e.assigneeName ?? '' } }),
    ...(e.hold === undefined ? {} : { hold: JSON.parse(e.hold) as Hold }),
    ...(e.question === undefined ? {} : { question: e.question }),
    ...(e.resolution === undefined ? {} : { resolution: e.resolution }),
    ...(e.closesAt === undefined ? {} : { closesAt: new Date(e.closesAt) }),
    ...(e.duplicateOf === undefined ? {} : { duplicateOf: e.duplicateOf }),
  };
}

export function eventEntity(tenantId: string, e: RequestEvent): EventEntity {
  return {
    partitionKey: tableKey(tenantId),
    rowKey: eventKey(e.seq, e.n),
    seq: e.seq,
    n: e.n,
    at: e.at,
    actorId: e.actor.aadObjectId,
    actorName: e.actor.name,
    kind: e.kind,
    ...(e.note === undefined ? {} : { note: e.note }),
    ...(e.priority === undefined ? {} : { priority: e.priority }),
    ...(e.assignee === undefined ? {} : { assigneeId: e.assignee.aadObjectId, assigneeName: e.assignee.name }),
    ...(e.holdReason === undefined ? {} : { holdReason: e.holdReason }),
    ...(e.target === undefined ? {} : { target: e.target }),
  };
}

export function toEvent(e: EventEntity): RequestEvent {
  const actor: Person = { aadObjectId: e.actorId, name: e.actorName };
  return {
    seq: e.seq,
    n: e.n,
    at: new Date(e.at),
    actor,
    kind: e.kind as EventKind,
    ...(e.note === undefined ? {} : { note: e.note }),
    ...(e.priority === undefined ? {} : { priority: e.priority as Priority }),
    ...(e.assigneeId === undefined ? {} : { assignee: { aadObjectId: e.assigneeId, name: e.assigneeName ?? '' } }),
    ...(e.holdReason === undefined ? {} : { holdReason: e.holdReason as HoldReason }),
    ...(e.target === undefined ? {} : { target: e.target }),
  };
}

export function summaryEntity(r: ServiceRequest): SummaryEntity {
  return {
    partitionKey: tableKey(r.tenantId),
    rowKey: mineKey(r.requester.aadObjectId, r.seq),
    seq: r.seq,
    reference: r.reference,
    title: r.answers.what.title,
    priority: r.assessment.priority,
    status: r.status,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function toSummary(e: SummaryEntity): RequestSummary {
  return {
    seq: e.seq,
    reference: e.reference,
    title: e.title,
    priority: e.priority as Priority,
    status: e.status as RequestStatus,
    createdAt: new Date(e.createdAt),
    updatedAt: new Date(e.updatedAt),
  };
}
