// The outbox: notifications waiting to be delivered, kept in the tenant's partition of the Requests table
// so that a state change and what it causes are written in one transaction.
//
// Row keys:  outbox|<at:13>|<seq:8>|<n>|<k:2>     pending, in the order the changes happened; <n> is the
//                                                 event's number (4 digits), or for thanks 8 hex digits
//                                                 of their marker's hash
//            failed|<at:13>|<seq:8>|<n>|<k:2>     given up (403, 404, too old): kept for the record
//            reported|<key>|<day>                 one report per channel, thread or person and day (create-once)
//            sent|<key>                           thanks queued (create-once, with the praise)
//
// Most items are messages to Teams, paced by conversation; a `praise.record` item writes a row of the
// Praise table instead, so that thanks reach their week's list as surely as their messages go out.
//
// Several instances drain the same outbox. An instance claims the oldest pending item of a conversation
// (a lease, written with the item's etag) and works on that conversation alone until its items are gone,
// so items of one conversation go out once and in order.

import { createHash } from 'node:crypto';
import { odata, type TableClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import type { Notification } from '../requests/notifications';
import type { Praise } from '../praise/praise';
import type { RequestEvent } from '../requests/request';
import { cardKey, pad, prefixFilter, type CardEntity } from './requestRows';
import { isConflict, isNotFound, tableKey } from './tables';

export interface OutboxItem {
  tenantId: string;
  /** The row key: orders the items of a partition. */
  key: string;
  notification: Notification;
  /** The conversation whose items go out in order: `thread|<seq>` or `user|<aad>`. */
  group: string;
  /** The conversation Teams counts sends against: a channel for all its threads, else the group. */
  pace: string;
  attempts: number;
  /** Not before this time (a retry waiting out its backoff). */
  notBefore?: Date;
  leaseOwner?: string;
  leaseUntil?: Date;
  createdAt: Date;
  lastError?: string;
  etag: string;
}

/** An item as stored: its notification as JSON, its kind beside it for a person reading the table. */
export type OutboxEntity = { partitionKey: string; rowKey: string; kind: string; payload: string } & Omit<OutboxItem, 'tenantId' | 'key' | 'notification' | 'etag'>;

type FailedEntity = OutboxEntity & { failedAt: Date; reason: string };

/** The key Teams' per-conversation limits apply to: a channel for all its threads, else the person. */
export function paceKeyOf(target: { kind: 'channel'; channelId: string } | { kind: 'user'; aadObjectId: string }): string {
  return target.kind === 'channel' ? `channel|${target.channelId}` : `user|${target.aadObjectId}`;
}

export function groupOf(notification: Notification): string {
  switch (notification.kind) {
    case 'person.update':
    case 'admin.notice':
    case 'praise.thanks':
      return `user|${notification.to}`;
    case 'praise.post':
      return `post|${notification.channelId}`;
    case 'praise.record':
      return `store|${notification.praise.id}`;
    default:
      return `thread|${pad(notification.seq, 8)}`;
  }
}

/**
 * The outbox rows a change writes with its event, in the order they are to be delivered. `channelId` is
 * the request's IT channel, which its thread items are paced by.
 */
export function outboxEntities(tenantId: string, event: Pick<RequestEvent, 'seq' | 'n' | 'at'>, notifications: readonly Notification[], channelId?: string): OutboxEntity[] {
  return notifications.map((notification, k) => rowFor(tenantId, `outbox|${pad(event.at.getTime(), 13)}|${pad(event.seq, 8)}|${pad(event.n, 4)}|${pad(k, 2)}`, notification, event.at, channelId));
}

/** Items that send nothing to Teams (a row written elsewhere) are not paced. */
export const NOT_PACED = 'none';

function paceOf(notification: Notification, group: string, channelId: string | undefined): string {
  if (notification.kind === 'praise.record') return NOT_PACED;
  if (notification.kind === 'praise.post') return paceKeyOf({ kind: 'channel', channelId: notification.channelId });
  return group.startsWith('thread|') && channelId !== undefined ? paceKeyOf({ kind: 'channel', channelId }) : group;
}

function rowFor(tenantId: string, rowKey: string, notification: Notification, at: Date, channelId?: string): OutboxEntity {
  const group = groupOf(notification);
  return {
    partitionKey: tableKey(tenantId),
    rowKey,
    kind: notification.kind,
    payload: JSON.stringify(notification),
    group,
    pace: paceOf(notification, group, channelId),
    attempts: 0,
    createdAt: at,
  };
}

function toItem(tenantId: string, e: OutboxEntity & { etag: string }): OutboxItem {
  return {
    tenantId,
    key: e.rowKey,
    notification: JSON.parse(e.payload) as Notification,
    group: e.group,
    pace: e.pace,
    attempts: e.attempts,
    ...(e.notBefore === undefined ? {} : { notBefore: new Date(e.notBefore) }),
    ...(e.leaseOwner === undefined ? {} : { leaseOwner: e.leaseOwner }),
    ...(e.leaseUntil === undefined ? {} : { leaseUntil: new Date(e.leaseUntil) }),
    createdAt: new Date(e.createdAt),
    ...(e.lastError === undefined ? {} : { lastError: e.lastError }),
    etag: e.etag,
  };
}

function entityOf(item: OutboxItem): OutboxEntity {
  return {
    partitionKey: tableKey(item.tenantId),
    rowKey: item.key,
    kind: item.notification.kind,
    payload: JSON.stringify(item.notification),
    group: item.group,
    pace: item.pace,
    attempts: item.attempts,
    ...(item.notBefore === undefined ? {} : { notBefore: item.notBefore }),
    ...(item.leaseOwner === undefined ? {} : { leaseOwner: item.leaseOwner }),
    ...(item.leaseUntil === undefined ? {} : { leaseUntil: item.leaseUntil }),
    createdAt: item.createdAt,
    ...(item.lastError === undefined ? {} : { lastError: item.lastError }),
  };
}

export interface PostedCard {
  conversationId: string;
  activityId: string;
  channelId: string;
  postedAt: Date;
}

export interface OutboxStore {
  /** Pending items of a tenant, oldest first. */
  pending(tenantId: string, limit: number): Promise<OutboxItem[]>;
  /** Takes the item for `owner` until `until`; returns the claimed item, or undefined if someone else changed it first. */
  claim(item: OutboxItem, owner: string, until: Date): Promise<OutboxItem | undefined>;
  /** The item was delivered: it goes, and a posted card's message is remembered in the same transaction. */
  delivered(item: OutboxItem, card?: PostedCard): Promise<void>;
  /** Gives the item back with its next attempt time and the error seen. */
  retryLater(item: OutboxItem, notBefore: Date, error: string): Promise<void>;
  /** Gives up on the item: it moves to the failed rows with the reason. */
  failed(item: OutboxItem, reason: string, at: Date): Promise<void>;
  /**
   * Queues the report of an undeliverable item, once per `once` key and day (a create-once marker):
   * false when that was reported already.
   */
  reportOnce(failed: OutboxItem, report: { once: string; notification: Notification }, at: Date): Promise<boolean>;
}

/** Notifications queued by something other than a request change. */
export interface NoticeQueue {
  /**
   * Queues notifications that no request change causes (thanks), with a create-once marker holding
   * `payload`, in one transaction: false, and nothing queued, when the marker exists already.
   */
  enqueueOnce(tenantId: string, marker: { key: string; payload: string }, at: Date, notifications: readonly Notification[]): Promise<boolean>;
  /** The payload of a marker written by enqueueOnce. */
  marker(tenantId: string, key: string): Promise<string | undefined>;
  /**
   * Thanks queued from `start` up to `end` whose place in the week's list is still in the outbox: waiting
   * for delivery or a retry, or given up on (kept as a failed row).
   */
  praiseQueuedBetween(tenantId: string, start: Date, end: Date): Promise<Praise[]>;
}

const asEntity = <T extends { partitionKey: string; rowKey: string }>(value: T): TableEntity<T> => value;

export function tableOutbox(table: TableClient): OutboxStore & NoticeQueue {
  /** Deletes an item this instance holds; if its lease ran out and another instance took it, that one finishes it. */
  const removeClaimed = async (item: OutboxItem): Promise<void> => {
    try {
      await table.deleteEntity(tableKey(item.tenantId), item.key, { etag: item.etag });
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  };

  return {
    async pending(tenantId, limit) {
      const found: OutboxItem[] = [];
      const filter = prefixFilter(tableKey(tenantId), 'outbox|');
      const pages = table.listEntities<OutboxEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: limit });
      for await (const page of pages) {
        for (const entity of page) found.push(toItem(tenantId, entity));
        break;
      }
      return found;
    },

    async claim(item, owner, until) {
      const claimed: OutboxItem = { ...item, leaseOwner: owner, leaseUntil: until };
      try {
        const saved = await table.updateEntity(entityOf(claimed), 'Replace', { etag: item.etag });
        return { ...claimed, etag: saved.etag ?? '' };
      } catch (error) {
        if (isGone(error)) return undefined;
        throw error;
      }
    },

    async delivered(item, card) {
      if (card) {
        // First where the card is, so that the item's successors (card updates, thread lines) find it.
        const seq = item.notification.seq;
        const entity: CardEntity = { partitionKey: tableKey(item.tenantId), rowKey: cardKey(seq), seq, ...card };
        await table.upsertEntity(entity, 'Replace');
      }
      await removeClaimed(item);
    },

    async retryLater(item, notBefore, error) {
      // Given back: no lease, so that any instance takes it when its time comes.
      const next: OutboxItem = { ...item, attempts: item.attempts + 1, notBefore, lastError: error.slice(0, 500) };
      delete next.leaseOwner;
      delete next.leaseUntil;
      await table.updateEntity(entityOf(next), 'Replace', { etag: item.etag });
    },

    async failed(item, reason, at) {
      const failed: FailedEntity = { ...entityOf(item), rowKey: item.key.replace(/^outbox\|/, 'failed|'), failedAt: at, reason: reason.slice(0, 500) };
      await table.upsertEntity(failed, 'Replace');
      await removeClaimed(item);
    },

    async reportOnce(failed, report, at) {
      const partitionKey = tableKey(failed.tenantId);
      // Once a day: a channel fixed and broken again later is reported again.
      const marker = { partitionKey, rowKey: `reported|${tableKey(report.once)}|${at.toISOString().slice(0, 10)}`, at };
      // Numbered after the failed item (its own k plus 50), so that no two reports collide.
      const [, , seq = '0', n = '0', k = '0'] = failed.key.split('|');
      const actions: TransactionAction[] = [
        ['create', asEntity(marker)],
        ['create', asEntity(rowFor(failed.tenantId, `outbox|${pad(at.getTime(), 13)}|${seq}|${n}|${pad(Number(k) + 50, 2)}`, report.notification, at))],
      ];
      try {
        await table.submitTransaction(actions);
        return true;
      } catch (error) {
        if (isGone(error)) return false;
        throw error;
      }
    },

    async enqueueOnce(tenantId, marker, at, notifications) {
      const partitionKey = tableKey(tenantId);
      // The marker's key, hashed, numbers its rows: unique per marker, ordered by time like the others.
      const n = createHash('sha256').update(marker.key).digest('hex').slice(0, 8);
      const seq = notifications[0]?.seq ?? 0;
      const actions: TransactionAction[] = [
        ['create', asEntity({ partitionKey, rowKey: `sent|${marker.key}`, payload: marker.payload, at })],
        ...notifications.map((notification, k): TransactionAction => ['create', asEntity(rowFor(tenantId, `outbox|${pad(at.getTime(), 13)}|${pad(seq, 8)}|${n}|${pad(k, 2)}`, notification, at))]),
      ];
      try {
        await table.submitTransaction(actions);
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    },

    async praiseQueuedBetween(tenantId, start, end) {
      const found: Praise[] = [];
      const range = (state: string): string => odata`(RowKey ge ${`${state}|${pad(start.getTime(), 13)}`} and RowKey lt ${`${state}|${pad(end.getTime(), 13)}`})`;
      const filter = `${odata`PartitionKey eq ${tableKey(tenantId)} and kind eq ${'praise.record'}`} and (${range('outbox')} or ${range('failed')})`;
      for await (const entity of table.listEntities<OutboxEntity>({ queryOptions: { filter, select: ['payload'] } })) {
        const n = JSON.parse(entity.payload) as Notification;
        if (n.kind === 'praise.record') found.push({ ...n.praise, tenantId, at: new Date(n.at) });
      }
      return found;
    },

    async marker(tenantId, key) {
      try {
        return (await table.getEntity<{ payload: string }>(tableKey(tenantId), `sent|${key}`)).payload;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
  };
}

/** 409 or 412: the row was created, changed or deleted by someone else meanwhile. 404: it is gone. */
function isGone(error: unknown): boolean {
  return isConflict(error) || isNotFound(error);
}
