// Scenario 5: the outbox drains 1,000 notifications to 50 personal chats (20 each) through a fake Bot
// Connector that answers 429 like Teams when a conversation or the app posts too fast.
//
// The notifications are admin notices (plain text, one per person's chat), queued as real outbox rows the
// way Liaison queues notices no request change causes: NoticeQueue.enqueueOnce, then a kick. They are
// queued round-robin over the chats, as a burst of changes for many people would queue them. The worker
// is Liaison's own (claim, pace, read the chat's stored reference, send through the CloudAdapter, delete),
// started after everything is queued. Liaison runs in a process of its own (this module, forked with the
// same loader, tsx), so that its peak RSS is Liaison's alone: the fake connector and the counting stay here.
//
// Measured from the start of the worker: the drain time (until the connector has every notice), each
// notice's delay (p50/p99: everything was queued before the start, so this is its wait in the queue
// from then on), the Table round trips per notice, every send and 429 the connector saw, and, after the
// worker stopped, what was lost (queued, never delivered) or duplicated (delivered twice, delivered but
// never queued, or delivered and still in the outbox, where it would go again when its lease ends).
//
// Enforced: Teams' per-conversation windows (7 per 1 s, 8 per 2 s, 60 per 30 s, 1,800 per hour) and the
// per-app window (30 per 1 s), both from test/support/fakeConnector.ts.

import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Notification } from '../../../src/requests/notifications';
import { tableOutbox } from '../../../src/storage/outbox';
import { prefixFilter } from '../../../src/storage/requestRows';
import { openTables, tableKey } from '../../../src/storage/tables';
import { BOT_NAME, TEST_BOT_APP_ID, TEST_TENANT_ID } from '../../support/activities';
import { TEAMS_APP_WINDOWS, TEAMS_CONVERSATION_WINDOWS, startFakeConnector, type FakeConnector, type RateWindow, type RecordedCall } from '../../support/fakeConnector';
import { createApp } from '../../../src/app';
import { createLogger } from '../../../src/lib/logger';
import { latency } from '../common';
import type { Measurement, Scenario } from './scenario';

const CHATS = 50;
const PER_CHAT = 20;
const TOTAL = CHATS * PER_CHAT;
const TENANT = TEST_TENANT_ID;
/** The argument that makes this module the process running Liaison, and where its setup is. */
const APP_ARG = 'drain-app';
const SETUP_ENV = 'BENCH_DRAIN_SETUP';

/**
 * When the `n`th send (1-based) can go at the earliest if every send goes as soon as all `windows` allow,
 * in seconds after the first. A window holds at most `count` sends in any `ms`, and a send exactly `ms`
 * after an earlier one no longer counts it (as the fake connector counts), so send k can go at
 * max(send k-1, send k-count + ms) over the windows. Sending as early as possible is optimal for such limits.
 */
function earliestNthSendS(n: number, windows: readonly RateWindow[]): number {
  const at: number[] = [];
  for (let k = 0; k < n; k++) {
    let t = at[k - 1] ?? 0;
    for (const w of windows) if (k >= w.count) t = Math.max(t, (at[k - w.count] ?? 0) + w.ms);
    at.push(t);
  }
  return (at[n - 1] ?? 0) / 1_000;
}

/**
 * The theoretical minimum drain time. Per chat, 20 sends under 7/1 s and 8/2 s go at the earliest in
 * bursts of 7 and 1 (t = 0, 1, 2, 3 s) and the last 4 at t = 4 s: 4 s (60/30 s and 1,800/h never bind at 20).
 * For the app, 1,000 sends at 30 per second take 1,000 / 30 = 33.3 s. Chats drain side by side, so the
 * larger governs: the app window, 33.3 s, i.e. a theoretical maximum rate of 30 sends a second. (A sender
 * bursting 30 at each whole second could place its last send at 33.0 s, so the efficiency can read up to
 * 1.01.)
 */
function theoreticalDrainS(): { perChatS: number; appS: number; governingS: number } {
  const perChatS = earliestNthSendS(PER_CHAT, TEAMS_CONVERSATION_WINDOWS);
  const appRatePerS = Math.min(...TEAMS_APP_WINDOWS.map((w) => (w.count * 1_000) / w.ms));
  const appS = TOTAL / appRatePerS;
  return { perChatS, appS, governingS: Math.max(perChatS, appS) };
}

interface Chat {
  aadObjectId: string;
  conversationId: string;
}

const chats: readonly Chat[] = Array.from({ length: CHATS }, (_, k) => ({
  aadObjectId: `e5555555-5555-4555-8555-${String(k).padStart(12, '0')}`,
  conversationId: `a:1bench-drain-${String(k)}-personal-conversation`,
}));

/** The text of notice `i`: unique, so that each delivery can be matched with what was queued. */
const noticeText = (i: number, chat: number, round: number): string => `Bench notice ${String(i)}: chat ${String(chat)}, number ${String(round + 1)} of ${String(PER_CHAT)}.`;

/** What the connector accepted, checked against what was queued. */
interface Tally {
  /** First delivery of each queued notice, by index. */
  first: Map<number, RecordedCall>;
  duplicated: number;
  unknown: number;
  /** Deliveries within a chat that came before an earlier-queued notice of that chat. */
  outOfOrder: number;
}

function tally(calls: readonly RecordedCall[], queued: ReadonlyMap<string, number>): Tally {
  const first = new Map<number, RecordedCall>();
  const lastInChat = new Map<string, number>();
  let duplicated = 0;
  let unknown = 0;
  let outOfOrder = 0;
  for (const call of calls) {
    if (call.kind !== 'send' || !call.delivered) continue;
    const i = queued.get(call.activity?.text ?? '');
    if (i === undefined) {
      unknown++;
      continue;
    }
    if (first.has(i)) {
      duplicated++;
      continue;
    }
    first.set(i, call);
    const chat = call.conversationId ?? '';
    if ((lastInChat.get(chat) ?? -1) > i) outOfOrder++;
    lastInChat.set(chat, Math.max(i, lastInChat.get(chat) ?? -1));
  }
  return { first, duplicated, unknown, outOfOrder };
}

/** Resolves with the call that completed the set of queued notices, or undefined after `timeoutMs`. */
async function allDelivered(connector: FakeConnector, queued: ReadonlyMap<string, number>, timeoutMs: number): Promise<RecordedCall | undefined> {
  const seen = new Set<number>();
  let scanned = 0;
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    for (; scanned < connector.calls.length; scanned++) {
      const call = connector.calls[scanned]!;
      const i = call.kind === 'send' && call.delivered ? queued.get(call.activity?.text ?? '') : undefined;
      if (i === undefined) continue;
      seen.add(i);
      if (seen.size === queued.size) return call;
    }
    await sleep(10);
  }
  return undefined;
}

/** The app process's setup, handed over in its environment. */
interface AppSetup {
  connectionString: string;
  prefix: string;
  serviceUrl: string;
}

type ToApp = { kind: 'start' } | { kind: 'stop' };
type FromApp = { kind: 'queued' } | { kind: 'started'; at: number } | { kind: 'stopped'; peakRssMb: number; tableTrips: number } | { kind: 'failed'; error: string };

/** The messages `source` receives, one at a time and in order. */
function inbox<T>(source: { on(event: 'message', listener: (message: T) => void): unknown }): () => Promise<T> {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  source.on('message', (message) => {
    queue.push(message);
    wake?.();
  });
  return async () => {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return queue.shift()!;
  };
}

function tell(message: FromApp): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send?.(message, undefined, {}, (error: Error | null) => {
      if (error) reject(error);
      else resolve();
    });
  });
}

/**
 * The process running Liaison: stores the chats' references and queues the notices, then on the bench's
 * word starts the worker, and on the next stops the app (what is in hand finishes) and reports its peak RSS.
 */
async function appProcess(setup: AppSetup): Promise<void> {
  const next = inbox<ToApp>(process);
  const tables = openTables({ kind: 'connectionString', connectionString: setup.connectionString }, setup.prefix);
  await tables.ensureCreated();
  const app = createApp({
    config: { bot: { kind: 'anonymous' }, admins: [], allowedTenants: [], allowedServiceHosts: [], timeZone: 'UTC' },
    tables,
    logger: createLogger('silent'),
    background: false,
  });
  const { services, outbox: worker } = app;
  const now = new Date();
  await Promise.all(
    chats.map((chat) =>
      services.references.save({
        target: { kind: 'user', aadObjectId: chat.aadObjectId },
        reference: {
          serviceUrl: setup.serviceUrl,
          channelId: 'msteams',
          conversation: { id: chat.conversationId, conversationType: 'personal', tenantId: TENANT },
          bot: { id: `28:${TEST_BOT_APP_ID}`, name: BOT_NAME },
          user: { id: `29:1bench-drain-${chat.aadObjectId}`, aadObjectId: chat.aadObjectId },
        },
        tenantId: TENANT,
        updatedAt: now,
      }),
    ),
  );
  // Round-robin over the chats, one notice (with its create-once marker) per transaction, in order.
  for (const [text, i] of queuedNotices()) {
    const notice: Notification = { kind: 'admin.notice', seq: 0, to: chats[i % CHATS]!.aadObjectId, text };
    if (!(await services.outbox.enqueueOnce(TENANT, { key: `bench-drain|${String(i)}`, payload: '' }, new Date(), [notice]))) throw new Error(`notice ${String(i)} was queued already`);
  }
  await tell({ kind: 'queued' });
  if ((await next()).kind !== 'start') throw new Error('expected the word to start');
  const at = Date.now();
  const trips = tables.roundTrips();
  services.outbox.kick(TENANT);
  worker.start();
  await tell({ kind: 'started', at });
  if ((await next()).kind !== 'stop') throw new Error('expected the word to stop');
  await worker.stop();
  // maxRSS is in kilobytes: the peak of this process over its whole life.
  await tell({ kind: 'stopped', peakRssMb: process.resourceUsage().maxRSS / 1024, tableTrips: tables.roundTrips() - trips });
}

/** Every notice's text and index, in the order they are queued: round by round, chat by chat. */
function queuedNotices(): Map<string, number> {
  const queued = new Map<string, number>();
  for (let round = 0; round < PER_CHAT; round++) {
    for (let k = 0; k < CHATS; k++) queued.set(noticeText(round * CHATS + k, k, round), round * CHATS + k);
  }
  return queued;
}

async function runDrain(connectionString: string, prefix: string): Promise<Measurement> {
  const connector = await startFakeConnector({ rateLimits: { conversation: TEAMS_CONVERSATION_WINDOWS, app: TEAMS_APP_WINDOWS } });
  const setup: AppSetup = { connectionString, prefix, serviceUrl: connector.url };
  const app = fork(__filename, [APP_ARG], { env: { ...process.env, [SETUP_ENV]: JSON.stringify(setup) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => app.once('exit', resolve));
  const next = inbox<FromApp>(app);
  const expect = async <K extends FromApp['kind']>(kind: K): Promise<Extract<FromApp, { kind: K }>> => {
    const message = await Promise.race([next(), exited.then((code) => ({ kind: 'failed', error: `the app process exited with code ${String(code)}` }) as const)]);
    if (message.kind === 'failed') throw new Error(`outbox drain: ${message.error}`);
    if (message.kind !== kind) throw new Error(`outbox drain: the app process said ${message.kind}, not ${kind}`);
    return message as Extract<FromApp, { kind: K }>;
  };
  try {
    const queued = queuedNotices();
    const theory = theoreticalDrainS();
    await expect('queued');
    app.send({ kind: 'start' } satisfies ToApp);
    const { at: startedAt } = await expect('started');
    const last = await allDelivered(connector, queued, Math.max(120_000, theory.governingS * 4_000));
    // Stopped before counting: what it had in hand finishes, nothing new is taken.
    app.send({ kind: 'stop' } satisfies ToApp);
    const { peakRssMb, tableTrips } = await expect('stopped');
    await exited;

    const t = tally(connector.calls, queued);
    // Rows still in the outbox would be sent (again) when their lease ends; failed rows never will be.
    const tables = openTables({ kind: 'connectionString', connectionString }, prefix);
    const left = await tableOutbox(tables.client('Requests')).pending(TENANT, TOTAL);
    const leftIndexes = left.map((item) => (item.notification.kind === 'admin.notice' ? queued.get(item.notification.text) : undefined));
    const leftDelivered = leftIndexes.filter((i) => i !== undefined && t.first.has(i)).length;
    let failedRows = 0;
    for await (const row of tables.client('Requests').listEntities({ queryOptions: { filter: prefixFilter(tableKey(TENANT), 'failed|'), select: ['rowKey'] } })) if (row.rowKey !== undefined) failedRows++;

    const lost = TOTAL - t.first.size;
    const duplicated = t.duplicated + t.unknown + leftDelivered;
    const sends = connector.calls.filter((c) => c.kind === 'send').length;
    const throttled429 = connector.throttledCount();
    const drainS = last ? (last.at.getTime() - startedAt) / 1_000 : Number.NaN;
    const delays = [...t.first.values()].map((call) => call.at.getTime() - startedAt);
    const figures = {
      drainS: Number(drainS.toFixed(2)),
      theoreticalS: Number(theory.governingS.toFixed(2)),
      efficiency: Number((theory.governingS / drainS).toFixed(3)),
      sends,
      throttled429,
      throttledShare: Number((throttled429 / Math.max(1, sends)).toFixed(4)),
      lost,
      duplicated,
      outOfOrder: t.outOfOrder,
      leftInOutbox: left.length,
      failedRows,
    };
    if (lost !== 0 || duplicated !== 0) throw new Error(`outbox drain: ${String(lost)} lost, ${String(duplicated)} duplicated (${JSON.stringify(figures)})`);
    const { p50Ms, p99Ms } = latency(delays);
    return { peakRssMb: Number(peakRssMb.toFixed(1)), p50Ms, p99Ms, roundTripsPerAction: Number((tableTrips / TOTAL).toFixed(2)), extra: figures };
  } finally {
    if (app.exitCode === null && app.signalCode === null) {
      app.kill('SIGKILL');
      await exited;
    }
    await connector.close();
  }
}

export const outboxDrain: Scenario = {
  id: 'outbox-drain',
  name: 'Outbox drain: 1,000 notices to 50 chats (Teams limits, 429s)',
  run: (env) => runDrain(env.azuriteConnectionString, env.prefix('drain')),
};

// Forked by runDrain: this module is then the process running Liaison.
if (require.main === module && process.argv[2] === APP_ARG) {
  appProcess(JSON.parse(process.env[SETUP_ENV] ?? '{}') as AppSetup).then(
    () => process.exit(0),
    async (error: unknown) => {
      await tell({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }).catch(() => undefined);
      process.exit(1);
    },
  );
}
