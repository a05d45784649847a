// Praise and its settings, in the Praise table.
//
// Partitions:  <tenant>|<YYYY-MM-DD>   the thanks sent that UTC day, row key <at:13>|<sender>|<token>, so that
//                                      a week is read as at most 8 day ranges and no row of another week
//              <tenant>|people          whether each person may be named in public posts
//              <tenant>|org             the organisation's switch for public posts
//              <tenant>|prompts         prompt|<seq:8> (one per request) and by|<aad>|<week>|<seq:8> (the weekly cap)
//              <tenant>|weekly          one marker per channel and week: the weekly post's exactly-once guard

import { randomUUID } from 'node:crypto';
import { odata, type TableClient, type TableEntity } from '@azure/data-tables';
import type { Praise, Thanked, Visibility } from '../praise/praise';
import { pad } from './requestRows';
import { isConflict, isNotFound, tableKey } from './tables';

export type PraiseEntity = {
  partitionKey: string;
  rowKey: string;
  id: string;
  fromId: string;
  fromName: string;
  /** JSON of Thanked[]. */
  to: string;
  badge: string;
  message: string;
  visibility: Visibility;
  seq?: number;
  reference?: string;
  title?: string;
  at: Date;
};

type PersonEntity = { partitionKey: string; rowKey: string; aadObjectId: string; showMyName: boolean; updatedAt: Date };
type OrgEntity = { partitionKey: string; rowKey: string; publicPosts: boolean; updatedBy: string; updatedAt: Date };

/** Where a channel's post of a week stands. `sending` and `uncertain` are never sent again. */
export type WeeklyState = 'claimed' | 'sending' | 'posted' | 'uncertain' | 'failed';

export interface WeeklyMarker {
  channelId: string;
  week: string;
  state: WeeklyState;
  owner: string;
  /** A claim is taken over by another instance only after this (its holder stopped before sending). */
  leaseUntil: Date;
  activityId?: string;
  reason?: string;
  /** Written anew with every change, so that a change whose answer was lost is recognised as made. */
  attempt: string;
  etag: string;
}

type WeeklyEntity = { partitionKey: string; rowKey: string } & Omit<WeeklyMarker, 'etag'>;

export interface PraiseStore {
  /** Stores a praise; storing the same praise again changes nothing. */
  record(praise: Praise): Promise<void>;
  /** The praise sent from `start` up to `end`, and how many rows were read to find it. */
  between(tenantId: string, start: Date, end: Date): Promise<{ praises: Praise[]; rowsRead: number }>;
  showsName(tenantId: string, aadObjectId: string): Promise<boolean>;
  setShowsName(tenantId: string, aadObjectId: string, show: boolean, at: Date): Promise<void>;
  /** The people who asked not to be named in public posts. */
  optedOut(tenantId: string): Promise<Set<string>>;
  publicPosts(tenantId: string): Promise<boolean>;
  setPublicPosts(tenantId: string, on: boolean, by: string, at: Date): Promise<void>;
  /**
   * Takes the prompt after a resolution of request `seq` for `aadObjectId`: false when that request
   * was prompted for already, or the person had `cap` prompts in `week`.
   */
  takePrompt(tenantId: string, seq: number, aadObjectId: string, week: string, cap: number, at: Date): Promise<boolean>;
  /** Claims the weekly post of a channel and week: the marker, or undefined when another instance has it. */
  claimWeekly(tenantId: string, channelId: string, week: string, owner: string, now: Date, until: Date): Promise<WeeklyMarker | undefined>;
  /** The marker of a channel's week, if there is one. */
  weeklyMarker(tenantId: string, channelId: string, week: string): Promise<WeeklyMarker | undefined>;
  /** Moves a claimed marker on (etag-checked); undefined when someone else changed it first. */
  updateWeekly(tenantId: string, marker: WeeklyMarker, change: Partial<Pick<WeeklyMarker, 'state' | 'owner' | 'leaseUntil' | 'activityId' | 'reason'>>): Promise<WeeklyMarker | undefined>;
}

const DAY_MS = 86_400_000;
const dayOf = (at: Date): string => at.toISOString().slice(0, 10);
const praiseKey = (at: Date, from: string, id: string): string => `${pad(at.getTime(), 13)}|${tableKey(from)}|${tableKey(id)}`;
const asEntity = <T extends { partitionKey: string; rowKey: string }>(value: T): TableEntity<T> => value;

/** A praise as stored: in the partition of its tenant and UTC day, ordered by time within it. */
export function praiseEntity(p: Praise): PraiseEntity {
  return {
    partitionKey: `${tableKey(p.tenantId)}|${dayOf(p.at)}`,
    rowKey: praiseKey(p.at, p.from.aadObjectId, p.id),
    id: p.id,
    fromId: p.from.aadObjectId,
    fromName: p.from.name,
    to: JSON.stringify(p.to),
    badge: p.badge,
    message: p.message,
    visibility: p.visibility,
    at: p.at,
    ...(p.request ? { seq: p.request.seq, reference: p.request.reference, title: p.request.title } : {}),
  };
}

function toPraise(tenantId: string, e: PraiseEntity): Praise {
  return {
    tenantId,
    id: e.id,
    from: { aadObjectId: e.fromId, name: e.fromName },
    to: JSON.parse(e.to) as Thanked[],
    badge: e.badge,
    message: e.message,
    visibility: e.visibility,
    at: new Date(e.at),
    ...(e.seq === undefined || e.reference === undefined ? {} : { request: { seq: e.seq, reference: e.reference, title: e.title ?? '' } }),
  };
}

function toMarker(e: WeeklyEntity & { etag: string }): WeeklyMarker {
  return {
    channelId: e.channelId,
    week: e.week,
    state: e.state,
    owner: e.owner,
    leaseUntil: new Date(e.leaseUntil),
    ...(e.activityId === undefined ? {} : { activityId: e.activityId }),
    ...(e.reason === undefined ? {} : { reason: e.reason }),
    attempt: e.attempt,
    etag: e.etag,
  };
}

export function tablePraise(table: TableClient): PraiseStore {
  const part = (tenantId: string, name: string): string => `${tableKey(tenantId)}|${name}`;

  const get = async <T extends object>(partitionKey: string, rowKey: string): Promise<(T & { etag: string }) | undefined> => {
    try {
      return await table.getEntity<T>(partitionKey, rowKey);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };

  const weeklyKey = (channelId: string, week: string): string => `${tableKey(channelId)}|${week}`;

  return {
    async record(p) {
      await table.upsertEntity(praiseEntity(p), 'Replace');
    },

    async between(tenantId, start, end) {
      // One range per UTC day the week touches: the first and last day only from and up to the week's bounds.
      const days: string[] = [];
      for (let t = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()); t < end.getTime(); t += DAY_MS) days.push(dayOf(new Date(t)));
      const from = pad(start.getTime(), 13);
      const to = pad(end.getTime(), 13);
      let rowsRead = 0;
      const perDay = await Promise.all(
        days.map(async (day) => {
          const found: Praise[] = [];
          const filter = odata`PartitionKey eq ${part(tenantId, day)} and RowKey ge ${from} and RowKey lt ${to}`;
          for await (const entity of table.listEntities<PraiseEntity>({ queryOptions: { filter } })) {
            rowsRead++;
            found.push(toPraise(tenantId, entity));
          }
          return found;
        }),
      );
      return { praises: perDay.flat(), rowsRead };
    },

    async showsName(tenantId, aadObjectId) {
      return (await get<PersonEntity>(part(tenantId, 'people'), tableKey(aadObjectId)))?.showMyName ?? true;
    },

    async setShowsName(tenantId, aadObjectId, show, at) {
      const entity: PersonEntity = { partitionKey: part(tenantId, 'people'), rowKey: tableKey(aadObjectId), aadObjectId, showMyName: show, updatedAt: at };
      await table.upsertEntity(entity, 'Replace');
    },

    async optedOut(tenantId) {
      const found = new Set<string>();
      const filter = odata`PartitionKey eq ${part(tenantId, 'people')} and showMyName eq false`;
      for await (const entity of table.listEntities<PersonEntity>({ queryOptions: { filter, select: ['aadObjectId'] } })) found.add(entity.aadObjectId);
      return found;
    },

    async publicPosts(tenantId) {
      return (await get<OrgEntity>(part(tenantId, 'org'), 'settings'))?.publicPosts ?? true;
    },

    async setPublicPosts(tenantId, on, by, at) {
      const entity: OrgEntity = { partitionKey: part(tenantId, 'org'), rowKey: 'settings', publicPosts: on, updatedBy: by, updatedAt: at };
      await table.upsertEntity(entity, 'Replace');
    },

    async takePrompt(tenantId, seq, aadObjectId, week, cap, at) {
      const partitionKey = part(tenantId, 'prompts');
      const by = `by|${tableKey(aadObjectId)}|${week}|`;
      let taken = 0;
      for await (const entity of table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey} and RowKey ge ${by} and RowKey lt ${`${by}~`}`, select: ['rowKey'] } })) {
        if (entity.rowKey === `${by}${pad(seq, 8)}`) return false;
        taken++;
      }
      if (taken >= cap) return false;
      try {
        await table.submitTransaction([
          ['create', asEntity({ partitionKey, rowKey: `prompt|${pad(seq, 8)}`, at })],
          ['create', asEntity({ partitionKey, rowKey: `${by}${pad(seq, 8)}`, at })],
        ]);
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    },

    async claimWeekly(tenantId, channelId, week, owner, now, until) {
      const partitionKey = part(tenantId, 'weekly');
      const rowKey = weeklyKey(channelId, week);
      const fresh: WeeklyEntity = { partitionKey, rowKey, channelId, week, state: 'claimed', owner, leaseUntil: until, attempt: randomUUID() };
      try {
        const created = await table.createEntity(fresh);
        return toMarker({ ...fresh, etag: created.etag ?? '' });
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      // Someone created it first: take it over only if they stopped before sending and their lease ran out.
      const current = await get<WeeklyEntity>(partitionKey, rowKey);
      if (current?.state !== 'claimed' || new Date(current.leaseUntil).getTime() > now.getTime()) return undefined;
      return this.updateWeekly(tenantId, toMarker(current), { owner, leaseUntil: until });
    },

    async weeklyMarker(tenantId, channelId, week) {
      const found = await get<WeeklyEntity>(part(tenantId, 'weekly'), weeklyKey(channelId, week));
      return found && toMarker(found);
    },

    async updateWeekly(tenantId, marker, change) {
      const { etag, ...current } = marker;
      const next: WeeklyEntity = { partitionKey: part(tenantId, 'weekly'), rowKey: weeklyKey(marker.channelId, marker.week), ...current, ...change, attempt: randomUUID() };
      try {
        const saved = await table.updateEntity(next, 'Replace', { etag });
        return toMarker({ ...next, etag: saved.etag ?? '' });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        if (!isConflict(error)) throw error;
      }
      // A retry of a write that was made but whose answer was lost meets its own change: that is a success.
      const now = await get<WeeklyEntity>(next.partitionKey, next.rowKey);
      return now?.attempt === next.attempt ? toMarker(now) : undefined;
    },
  };
}

