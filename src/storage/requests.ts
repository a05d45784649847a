// Drafts and requests of one organisation share a partition (the tenant), so that a submit can take the
// next reference, mark the draft submitted and write the request, its first event and the requester's
// index row in one transaction: exactly once, and without gaps in the numbering.
//
// Row keys:  counter                       the last reference number given out
//            draft|<aad>|<draftId>         a draft (open, submitted or discarded)
//            req|<seq:8>                   a request
//            event|<seq:8>|<n:4>           its history
//            mine|<aad>|<99999999-seq>     the requester's index, newest first, with what "my requests" lists

import { odata, type TableClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import type { Draft } from '../intake/draft';
import type { Priority } from '../policy/policy';
import { seqOf, type RequestEvent, type RequestStatus, type ServiceRequest } from '../requests/request';
import { notificationsFor } from '../requests/notifications';
import { isOpen } from '../requests/request';
import { outboxEntities, type PostedCard } from './outbox';
import type { Resolution } from '../praise/weekly';
import {
  cardKey,
  closingKey,
  draftEntity,
  draftKey,
  eventEntity,
  eventKey,
  pad,
  prefixFilter,
  requestEntity,
  requestKey,
  resolvedKey,
  summaryEntity,
  toDraft,
  toEvent,
  toRequest,
  toSummary,
  waitingKey,
  type CounterEntity,
  type DraftEntity,
  type EventEntity,
  type CardEntity,
  type IndexEntity,
  type RequestEntity,
  type ResolvedEntity,
  type SummaryEntity,
} from './requestRows';
import { LiaisonError } from '../lib/errors';
import { isConflict, isNotFound, tableKey } from './tables';

export interface Stored<T> {
  value: T;
  etag: string;
}

/** One line of "my requests". */
export interface RequestSummary {
  seq: number;
  reference: string;
  title: string;
  priority: Priority;
  status: RequestStatus;
  createdAt: Date;
  updatedAt: Date;
}

export type SubmitOutcome =
  | { kind: 'submitted'; request: ServiceRequest }
  /** The draft had been submitted already (a repeated or racing press). */
  | { kind: 'already'; request: ServiceRequest }
  /** The draft changed or was discarded meanwhile; nothing was submitted. */
  | { kind: 'changed'; draft: Stored<Draft> | undefined };

export interface RequestStore {
  getDraft(tenantId: string, ownerId: string, draftId: string): Promise<Stored<Draft> | undefined>;
  /** The owner's open draft, if any (the newest, should there be more than one). */
  findOpenDraft(tenantId: string, ownerId: string): Promise<Stored<Draft> | undefined>;
  /**
   * Creates a draft. `replacing` is saved in the same transaction (an older draft, now discarded), if it
   * did not change since it was read; a conflict is thrown otherwise.
   */
  createDraft(draft: Draft, replacing?: { stored: Stored<Draft>; now: Draft }): Promise<void>;
  /** Saves a changed draft if nobody changed it since `etag` was read; throws a conflict otherwise. */
  saveDraft(draft: Draft, etag: string): Promise<Stored<Draft>>;
  /**
   * Turns an open draft into a request numbered with the next reference. `build` is called with the
   * number (again, should a concurrent submit take it first).
   */
  submit(draft: Stored<Draft>, build: (seq: number) => { request: ServiceRequest; event: RequestEvent; draft: Draft }): Promise<SubmitOutcome>;
  getRequest(tenantId: string, seq: number): Promise<Stored<ServiceRequest> | undefined>;
  /** The request and where its card was posted, in one read. */
  getWithCard(tenantId: string, seq: number): Promise<{ stored: Stored<ServiceRequest>; card?: PostedCard } | undefined>;
  /**
   * Applies a state change with its event, the index rows it moves and the notifications it causes, in
   * one transaction, if the request did not change since `before` was read; throws a conflict otherwise.
   */
  changeRequest(before: Stored<ServiceRequest>, after: ServiceRequest, event: RequestEvent): Promise<void>;
  events(tenantId: string, seq: number): Promise<RequestEvent[]>;
  event(tenantId: string, seq: number, n: number): Promise<RequestEvent | undefined>;
  /** Requests waiting for an IT channel, oldest first (a hint: check the request). */
  waiting(tenantId: string, limit: number): Promise<IndexRow[]>;
  /** Resolved requests whose time to close by themselves has come, oldest first (a hint: check the request). */
  closingDue(tenantId: string, now: Date, limit: number): Promise<IndexRow[]>;
  /** Requests resolved from `start` up to (not including) `end`: one row per resolution, and no other row read. */
  resolvedBetween(tenantId: string, start: Date, end: Date): Promise<Resolution[]>;
  /** Removes an index row that no longer applies. */
  dropIndex(tenantId: string, rowKey: string): Promise<void>;
  /** The requester's requests, newest first, as many as `keep` accepts up to `limit`. */
  listMine(tenantId: string, ownerId: string, limit: number, keep: (summary: RequestSummary) => boolean): Promise<RequestSummary[]>;
}

/**
 * Submits racing for the counter each lose at most once per winner: a few attempts with jittered backoff
 * let a burst of simultaneous submits all through, well inside Teams' 15 s.
 */
const SUBMIT_ATTEMPTS = 12;
const SUBMIT_BACKOFF_MS = 25;

function backoff(attempt: number): Promise<void> {
  const ms = SUBMIT_BACKOFF_MS * Math.min(attempt, 8) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
async function getOrUndefined<T extends object>(table: TableClient, partitionKey: string, rowKey: string): Promise<Stored<T> | undefined> {
  try {
    const entity = await table.getEntity<T>(partitionKey, rowKey);
    return { value: entity, etag: entity.etag };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

// Entity types are plain object types, which the SDK's transaction actions accept as records.
const asEntity = <T extends { partitionKey: string; rowKey: string }>(value: T): TableEntity<T> => value;

/** Sorts after every request number, so that a range of closing rows ends at a time. */
const INDEX_END = 99_999_999;

export interface IndexRow {
  seq: number;
  rowKey: string;
}

async function readIndex(table: TableClient, filter: string, limit: number): Promise<IndexRow[]> {
  const found: IndexRow[] = [];
  for await (const entity of table.listEntities<IndexEntity>({ queryOptions: { filter } })) {
    found.push({ seq: entity.seq, rowKey: entity.rowKey });
    if (found.length >= limit) break;
  }
  return found;
}

/**
 * The index rows a change adds: waiting for a channel, or resolved and waiting to close. Index rows are
 * hints: the sweeps that read them check the request itself and remove rows that no longer apply, so a
 * change never fails over an index row.
 */
function indexRows(after: ServiceRequest): TransactionAction[] {
  const partitionKey = tableKey(after.tenantId);
  const row = (rowKey: string): TableEntity<IndexEntity> => ({ partitionKey, rowKey, seq: after.seq });
  const actions: TransactionAction[] = [];
  if (after.route === undefined && isOpen(after)) actions.push(['upsert', row(waitingKey(after.seq)), 'Replace']);
  if (after.status === 'Resolved' && after.closesAt) actions.push(['upsert', row(closingKey(after.closesAt, after.seq)), 'Replace']);
  if (after.status === 'Resolved') {
    const resolved: ResolvedEntity = { partitionKey, rowKey: resolvedKey(after.updatedAt, after.seq), seq: after.seq, createdAt: after.createdAt, resolvedAt: after.updatedAt, resolveBy: after.resolveBy };
    actions.push(['upsert', asEntity(resolved), 'Replace']);
  }
  return actions;
}

export function tableRequests(table: TableClient): RequestStore {
  const store: RequestStore = {
    async getDraft(tenantId, ownerId, draftId) {
      const found = await getOrUndefined<DraftEntity>(table, tableKey(tenantId), draftKey(ownerId, draftId));
      return found && { value: toDraft(tenantId, found.value), etag: found.etag };
    },

    async findOpenDraft(tenantId, ownerId) {
      const filter = `${prefixFilter(tableKey(tenantId), `draft|${tableKey(ownerId)}|`)} and ${odata`status eq ${'open'}`}`;
      let newest: Stored<Draft> | undefined;
      for await (const entity of table.listEntities<DraftEntity>({ queryOptions: { filter } })) {
        const draft = toDraft(tenantId, entity);
        if (!newest || draft.updatedAt > newest.value.updatedAt) newest = { value: draft, etag: entity.etag };
      }
      return newest;
    },

    async createDraft(draft, replacing) {
      // Its next press reads it (and its etag) again, so nothing is read back here.
      const entity = draftEntity(draft);
      if (!replacing) {
        await table.createEntity(entity);
        return;
      }
      await table.submitTransaction([
        ['update', asEntity(draftEntity(replacing.now)), 'Replace', { etag: replacing.stored.etag }],
        ['create', asEntity(entity)],
      ]);
    },

    async saveDraft(draft, etag) {
      const saved = await table.updateEntity(draftEntity(draft), 'Replace', { etag });
      return { value: draft, etag: saved.etag ?? '' };
    },

    async submit(stored, build) {
      const { tenantId } = stored.value;
      const partitionKey = tableKey(tenantId);
      let current = stored;
      for (let attempt = 1; attempt <= SUBMIT_ATTEMPTS; attempt++) {
        const counter = await getOrUndefined<CounterEntity>(table, partitionKey, 'counter');
        const seq = (counter?.value.last ?? 0) + 1;
        const { request, event, draft } = build(seq);
        const next: CounterEntity = { partitionKey, rowKey: 'counter', last: seq };
        const actions: TransactionAction[] = [
          counter ? ['update', asEntity(next), 'Replace', { etag: counter.etag }] : ['create', asEntity(next)],
          ['update', asEntity(draftEntity(draft)), 'Replace', { etag: current.etag }],
          ['create', asEntity(requestEntity(request))],
          ['create', asEntity(eventEntity(tenantId, event))],
          ['create', asEntity(summaryEntity(request))],
          ...indexRows(request),
          ...outboxEntities(tenantId, event, notificationsFor(undefined, request, event), request.route?.channelId).map((row): TransactionAction => ['create', asEntity(row)]),
        ];
        try {
          await table.submitTransaction(actions);
          return { kind: 'submitted', request };
        } catch (error) {
          if (!isConflict(error)) throw error;
        }
        // Someone else took the number, or the draft changed: find out which.
        const fresh = await store.getDraft(tenantId, current.value.owner.aadObjectId, current.value.draftId);
        if (fresh?.value.status === 'submitted' && fresh.value.reference !== undefined) {
          const existing = await store.getRequest(tenantId, seqOf(fresh.value.reference) ?? 0);
          if (existing) return { kind: 'already', request: existing.value };
        }
        if (fresh?.value.status !== 'open' || fresh.value.rev !== current.value.rev) return { kind: 'changed', draft: fresh };
        current = fresh;
        await backoff(attempt);
      }
      throw new LiaisonError('BUSY', `Could not take a reference number after ${String(SUBMIT_ATTEMPTS)} attempts`);
    },

    async getRequest(tenantId, seq) {
      const found = await getOrUndefined<RequestEntity>(table, tableKey(tenantId), requestKey(seq));
      return found && { value: toRequest(tenantId, found.value), etag: found.etag };
    },

    async getWithCard(tenantId, seq) {
      const filter = odata`PartitionKey eq ${tableKey(tenantId)} and RowKey ge ${requestKey(seq)} and RowKey le ${cardKey(seq)}`;
      let stored: Stored<ServiceRequest> | undefined;
      let card: PostedCard | undefined;
      for await (const entity of table.listEntities<RequestEntity | CardEntity>({ queryOptions: { filter } })) {
        if (entity.rowKey === requestKey(seq)) stored = { value: toRequest(tenantId, entity as RequestEntity), etag: entity.etag };
        else if (entity.rowKey === cardKey(seq)) {
          const c = entity as CardEntity;
          card = { conversationId: c.conversationId, activityId: c.activityId, channelId: c.channelId, postedAt: new Date(c.postedAt) };
        }
      }
      return stored && { stored, ...(card === undefined ? {} : { card }) };
    },

    async changeRequest(before, after, event) {
      await table.submitTransaction([
        ['update', asEntity(requestEntity(after)), 'Replace', { etag: before.etag }],
        ['create', asEntity(eventEntity(after.tenantId, event))],
        // The index rows follow the request, whose etag already guards the change.
        ['update', asEntity(summaryEntity(after)), 'Replace'],
        ...indexRows(after),
        ...outboxEntities(after.tenantId, event, notificationsFor(before.value, after, event), after.route?.channelId).map((row): TransactionAction => ['create', asEntity(row)]),
      ]);
    },

    async event(tenantId, seq, n) {
      const found = await getOrUndefined<EventEntity>(table, tableKey(tenantId), eventKey(seq, n));
      return found && toEvent(found.value);
    },

    async dropIndex(tenantId, rowKey) {
      try {
        await table.deleteEntity(tableKey(tenantId), rowKey);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },

    async waiting(tenantId, limit) {
      return readIndex(table, prefixFilter(tableKey(tenantId), 'waiting|'), limit);
    },

    async closingDue(tenantId, now, limit) {
      const filter = odata`PartitionKey eq ${tableKey(tenantId)} and RowKey ge ${'closing|'} and RowKey lt ${closingKey(now, INDEX_END)}`;
      return readIndex(table, filter, limit);
    },

    async resolvedBetween(tenantId, start, end) {
      const found: Resolution[] = [];
      const filter = odata`PartitionKey eq ${tableKey(tenantId)} and RowKey ge ${resolvedKey(start, 0)} and RowKey lt ${resolvedKey(end, 0)}`;
      for await (const e of table.listEntities<ResolvedEntity>({ queryOptions: { filter } })) {
        found.push({ seq: e.seq, createdAt: new Date(e.createdAt), resolvedAt: new Date(e.resolvedAt), resolveBy: new Date(e.resolveBy) });
      }
      return found;
    },

    async events(tenantId, seq) {
      const found: RequestEvent[] = [];
      const filter = prefixFilter(tableKey(tenantId), `event|${pad(seq, 8)}|`);
      for await (const entity of table.listEntities<EventEntity>({ queryOptions: { filter } })) found.push(toEvent(entity));
      return found;
    },

    async listMine(tenantId, ownerId, limit, keep) {
      const found: RequestSummary[] = [];
      const filter = prefixFilter(tableKey(tenantId), `mine|${tableKey(ownerId)}|`);
      for await (const entity of table.listEntities<SummaryEntity>({ queryOptions: { filter } })) {
        const summary = toSummary(entity);
        if (keep(summary)) found.push(summary);
        if (found.length >= limit) break;
      }
      return found;
    },
  };
  return store;
}

