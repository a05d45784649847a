// The weekly thanks post in flow tests: a clock the test sets to library-local instants, channels
// registered for the post, thanks seeded in volume, the posts the fake connector received, the
// exactly-once markers as stored, and a second instance of the deployment with another policy.

import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { DateTime } from 'luxon';
import { createApp, type App } from '../../src/app';
import { createLogger } from '../../src/lib/logger';
import type { Policy } from '../../src/policy/policy';
import { weekByKey, type Praise, type PraiseWeek, type Thanked, type Visibility } from '../../src/praise/praise';
import type { WeeklyState } from '../../src/storage/praise';
import { tableKey } from '../../src/storage/tables';
import { LIBRARY_TEAM, TEST_TENANT_ID, USERS, cardAction, type TestChannel, type TestUser } from './activities';
import type { Card } from './cards';
import type { RecordedCall } from './fakeConnector';
import { cardOf, textOf, type Flow } from './flow';
import { answerOf, IT_CHANNEL } from './itChannel';
import { TIME_ZONE } from './intakeData';

/** What the weekly post's activity says in notifications; the preview and the pages say other things. */
export const POST_SUMMARY = 'Thanks to IT this week';

/**
 * A clock the test sets to an instant; it then runs on with real time, so that pacing and timeouts
 * that wait on it still move. Instants are library-local ('2027-03-05T15:00' in Perth).
 */
export class TestClock {
  private offsetMs = 0;

  constructor(local?: string) {
    if (local !== undefined) this.set(local);
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** From now on the clock reads `local` (library time), then runs on. */
  set(local: string | Date): Date {
    const at = typeof local === 'string' ? libraryTime(local) : local;
    this.offsetMs = at.getTime() - Date.now();
    return at;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** An instant given in library time ('2027-03-05T15:00'). */
export function libraryTime(local: string): Date {
  const at = DateTime.fromISO(local, { zone: TIME_ZONE });
  assert.ok(at.isValid, `${local} is a library-local date and time`);
  return at.toJSDate();
}

/** The library-local date of an instant, as the intake's "started on" wants it. */
export function libraryDay(at: Date): string {
  return DateTime.fromJSDate(at, { zone: TIME_ZONE }).toFormat('yyyy-MM-dd');
}

/** The praise week whose post is due on the Friday `key` (YYYY-MM-DD) at the default 15:00. */
export function weekEnding(key: string, schedule: Policy['praise']['weeklyPost'] = { day: 'fri', time: '15:00', emptyWeek: 'note' }): PraiseWeek {
  const week = weekByKey(key, schedule, TIME_ZONE);
  assert.ok(week, `${key} names a week`);
  return week;
}

export const ANNOUNCEMENTS = LIBRARY_TEAM.channels.announcements;
export const GENERAL = LIBRARY_TEAM.channels.general;

/** `setup.save` in a channel choosing the weekly thanks post (and, for the IT channel, IT requests too). */
export async function registerForPraise(flow: Flow, channel: TestChannel, by: TestUser = USERS.manager): Promise<void> {
  const itRequests = channel.id === IT_CHANNEL.id ? 'true' : 'false';
  const saved = await flow.post(
    cardAction({
      serviceUrl: flow.connector.url,
      from: by,
      verb: 'setup.save',
      conversation: { kind: 'channel', channelId: channel.id, threadId: `setup-${channel.id}` },
      data: { itRequests, services: '', praisePosts: 'true' },
    }),
  );
  assert.equal(saved.status, 200);
  assert.match(textOf(answerOf(saved.body).card), /Saved\./, `${channel.name} is registered for the weekly post`);
}

/** "praise settings" Save as `who`: whether thanks to them may name them in public posts. */
export async function setShowMyName(flow: Flow, who: TestUser, show: boolean): Promise<void> {
  const saved = await flow.post(cardAction({ serviceUrl: flow.connector.url, from: who, verb: 'praise.settings.save', data: { showMyName: String(show) } }));
  assert.equal(saved.status, 200);
  assert.match(textOf(answerOf(saved.body).card), /Saved\./);
}

/** Weekly posts the connector stored (a stored-then-failed one included), oldest first; in one channel if given. */
export function weeklyPosts(flow: Flow, channel?: TestChannel): RecordedCall[] {
  return postAttempts(flow, channel).filter((c) => c.delivered);
}

/** Every attempt to send the weekly post, stored or not. */
export function postAttempts(flow: Flow, channel?: TestChannel): RecordedCall[] {
  return flow.connector.calls.filter((c) => c.kind === 'send' && (c.body as Partial<Activity> | undefined)?.summary === POST_SUMMARY && (channel === undefined || c.conversationId === channel.id));
}

/** The card of a weekly post. */
export function postCard(call: RecordedCall | undefined): Card {
  const card = cardOf(call?.activity);
  assert.ok(card, 'the post carries a card');
  return card;
}

/** The Teams mentions a card carries (msteams.entities). */
export function mentionsOf(card: Card): { text?: string; mentioned?: { id?: string; name?: string } }[] {
  return (card.msteams as { entities?: { text?: string; mentioned?: { id?: string; name?: string } }[] } | undefined)?.entities ?? [];
}

/** Bytes of the JSON body Liaison sent to the connector for a call. */
export function bytesSent(call: RecordedCall): number {
  return Buffer.byteLength(JSON.stringify(call.body), 'utf8');
}

export interface StoredMarker {
  state: WeeklyState;
  owner: string;
  leaseUntil: Date;
  activityId?: string;
  reason?: string;
}

/** A channel's exactly-once marker for a week as stored, or undefined when there is none. */
export async function markerOf(flow: Flow, channel: TestChannel, weekKey: string, tenantId = TEST_TENANT_ID): Promise<StoredMarker | undefined> {
  try {
    const e = await flow.tables.client('Praise').getEntity<StoredMarker>(`${tableKey(tenantId)}|weekly`, `${tableKey(channel.id)}|${weekKey}`);
    return { state: e.state, owner: e.owner, leaseUntil: new Date(e.leaseUntil), ...(e.activityId === undefined ? {} : { activityId: e.activityId }), ...(e.reason === undefined ? {} : { reason: e.reason }) };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

/** Every weekly marker of the organisation, as row keys (`<channel>|<week>`). */
export async function markerKeys(flow: Flow, tenantId = TEST_TENANT_ID): Promise<string[]> {
  const keys: string[] = [];
  const filter = `PartitionKey eq '${`${tableKey(tenantId)}|weekly`.replace(/'/g, "''")}'`;
  for await (const e of flow.tables.client('Praise').listEntities({ queryOptions: { filter, select: ['rowKey'] } })) keys.push(String(e.rowKey));
  return keys;
}

/** IT staff the seeded thanks go to: `count` distinct people of the IT team. */
export function seededStaff(count: number): Thanked[] {
  return Array.from({ length: count }, (_, i) => ({
    aadObjectId: `0000${String(i).padStart(4, '0')}-5eed-4000-8000-000000000000`,
    name: `Staff Member ${String(i + 1)}`,
    teamId: LIBRARY_TEAM.id,
    teamName: IT_CHANNEL.name,
  }));
}

/** How a seeded thanks' message starts: plain text that cards show as it is (no markdown to escape). */
export const tagged = (tag: string): string => `ref:${tag};`;

/** A thanks from Tess to `to`, as the store keeps it; `tag` makes its message recognisable. */
export function seededPraise(tag: string, at: Date, to: readonly Thanked[], options: { visibility?: Visibility; message?: string; tenantId?: string } = {}): Praise {
  return {
    tenantId: options.tenantId ?? TEST_TENANT_ID,
    id: `seed-${tag}`,
    from: { aadObjectId: USERS.technician.aadObjectId, name: USERS.technician.name },
    to: [...to],
    badge: 'Thank you',
    message: options.message ?? `${tagged(tag)} Thank you for your help this week.`,
    visibility: options.visibility ?? 'weekly',
    at,
  };
}

/** Stores thanks directly, a few dozen at a time. */
export async function seed(flow: Flow, praises: readonly Praise[]): Promise<void> {
  for (let i = 0; i < praises.length; i += 50) await Promise.all(praises.slice(i, i + 50).map((p) => flow.app.services.praise.record(p)));
}

/**
 * Another instance of the flow's deployment (same tables, same connector, same clock), configured with
 * `policy`: for behaviour the flow harness's default policy does not show. Close it with `close()`.
 */
export async function instanceWithPolicy(flow: Flow, policy: Policy, clock: TestClock): Promise<App> {
  const app = createApp({
    config: { bot: { kind: 'anonymous' }, admins: [], allowedTenants: [], allowedServiceHosts: [], timeZone: TIME_ZONE, policy },
    tables: flow.tables,
    logger: createLogger('silent'),
    clock,
    background: false,
  });
  await app.listen(0, '127.0.0.1');
  return app;
}
