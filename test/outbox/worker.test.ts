// The outbox worker against an in-memory outbox that behaves like the table one: every write changes the
// row's etag, a write with an old etag fails, and a lease is data on the row that the worker respects.

import assert from 'node:assert/strict';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import type pino from 'pino';
import { createLogger } from '../../src/lib/logger';
import { ConnectorFailure, type Failure } from '../../src/outbox/failures';
import { OutboxWorker, type Deliver, type OutboxWorkerOptions, type Report } from '../../src/outbox/worker';
import type { Notification } from '../../src/requests/notifications';
import type { OutboxItem, OutboxStore } from '../../src/storage/outbox';

const TENANT = 'tenant-1';
const T0 = Date.parse('2026-12-01T02:30:00Z');
const HOUR_MS = 3_600_000;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A repeatable sequence of numbers in [0, 1) (a linear congruential generator). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** The `n`th item of request `seq`'s thread, written at T0 + n ms. */
function item(seq: number, n: number, extra: Partial<OutboxItem> = {}): Omit<OutboxItem, 'etag'> {
  const group = `thread|${pad(seq, 8)}`;
  return {
    tenantId: TENANT,
    key: `outbox|${pad(T0 + n, 13)}|${pad(seq, 8)}|${pad(n, 4)}|00`,
    notification: { kind: 'card.update', seq },
    group,
    pace: group,
    attempts: 0,
    createdAt: new Date(T0),
    ...extra,
  };
}

interface FailedRow {
  item: OutboxItem;
  reason: string;
  at: Date;
}

/** An OutboxStore in memory, with the table store's etag semantics. Each call yields, so workers interleave. */
class MemoryOutbox implements OutboxStore {
  readonly rows = new Map<string, OutboxItem>();
  readonly failedRows: FailedRow[] = [];
  readonly reported = new Set<string>();
  /** What happened, in order: "claim <key>", "delivered <key>", "retryLater <key>", ... */
  readonly log: string[] = [];
  private version = 0;

  /** `random`: each call yields 1 to 4 turns, chosen by it, so that concurrent callers interleave in varied orders. */
  constructor(private readonly random?: () => number) {}

  add(...items: Omit<OutboxItem, 'etag'>[]): void {
    for (const i of items) this.rows.set(i.key, { ...i, etag: this.nextEtag() });
  }

  row(key: string): OutboxItem | undefined {
    return this.rows.get(key);
  }

  async pending(tenantId: string, limit: number): Promise<OutboxItem[]> {
    await this.turn();
    return [...this.rows.values()]
      .filter((i) => i.tenantId === tenantId)
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .slice(0, limit)
      .map((i) => ({ ...i }));
  }

  async claim(i: OutboxItem, owner: string, until: Date): Promise<OutboxItem | undefined> {
    await this.turn();
    const current = this.rows.get(i.key);
    if (current?.etag !== i.etag) return undefined;
    const claimed: OutboxItem = { ...current, leaseOwner: owner, leaseUntil: until, etag: this.nextEtag() };
    this.rows.set(i.key, claimed);
    this.log.push(`claim ${i.key}`);
    return { ...claimed };
  }

  async delivered(i: OutboxItem): Promise<void> {
    await this.turn();
    this.log.push(`delivered ${i.key}`);
    this.removeClaimed(i);
  }

  async retryLater(i: OutboxItem, notBefore: Date, error: string): Promise<void> {
    await this.turn();
    const current = this.rows.get(i.key);
    if (current?.etag !== i.etag) throw preconditionFailed();
    const next: OutboxItem = { ...current, attempts: current.attempts + 1, notBefore, lastError: error, etag: this.nextEtag() };
    delete next.leaseOwner;
    delete next.leaseUntil;
    this.rows.set(i.key, next);
    this.log.push(`retryLater ${i.key}`);
  }

  async failed(i: OutboxItem, reason: string, at: Date): Promise<void> {
    await this.turn();
    this.failedRows.push({ item: i, reason, at });
    this.log.push(`failed ${i.key}`);
    this.removeClaimed(i);
  }

  async reportOnce(failed: OutboxItem, report: { once: string; notification: Notification }, at: Date): Promise<boolean> {
    await this.turn();
    this.log.push(`reportOnce ${failed.key}`);
    const marker = `${failed.tenantId}|${report.once}`;
    if (this.reported.has(marker)) return false;
    this.reported.add(marker);
    const notification = report.notification;
    const group = notification.kind === 'person.update' || notification.kind === 'admin.notice' ? `user|${notification.to}` : `thread|${pad(notification.seq, 8)}`;
    const [, , seq = '0', n = '0', k = '0'] = failed.key.split('|');
    this.add({ tenantId: failed.tenantId, key: `outbox|${pad(at.getTime(), 13)}|${seq}|${n}|${pad(Number(k) + 50, 2)}`, notification, group, pace: group, attempts: 0, createdAt: at });
    return true;
  }

  /** Deletes the row if this claim still holds it; otherwise whoever took it over finishes it. */
  private removeClaimed(i: OutboxItem): void {
    if (this.rows.get(i.key)?.etag === i.etag) this.rows.delete(i.key);
  }

  private async turn(): Promise<void> {
    const turns = this.random ? 1 + Math.floor(this.random() * 4) : 1;
    for (let i = 0; i < turns; i++) await yieldTurn();
  }

  private nextEtag(): string {
    this.version += 1;
    return `W/"${String(this.version)}"`;
  }
}

function preconditionFailed(): RestError {
  return new RestError('The update condition specified in the request was not satisfied.', { statusCode: 412 });
}

/** A Bot Connector error with a status, as core-client throws it. */
function httpError(statusCode: number, headers: Record<string, string> = {}): ConnectorFailure {
  const request = createPipelineRequest({ url: 'https://smba.trafficmanager.net/teams/v3/conversations/x/activities' });
  return new ConnectorFailure(new RestError(`Unexpected status code: ${String(statusCode)}`, { statusCode, request, response: { request, status: statusCode, headers: createHttpHeaders(headers) } }));
}

/** A request that never got an answer: the socket was reset. */
function networkError(): ConnectorFailure {
  return new ConnectorFailure(new RestError('read ECONNRESET', { code: 'ECONNRESET' }));
}

/** A clock the test moves. */
class Clock {
  t = T0;
  now(): Date {
    return new Date(this.t);
  }
}

/** Log lines at warn and above, parsed. */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination: pino.DestinationStream = {
    write(line: string) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  return { logger: createLogger('warn', destination), lines };
}

/** Outcome of delivering an item, by key: an error to throw, or a promise to wait for first. */
type Script = Map<string, Error | Promise<void>>;

interface Rig {
  store: MemoryOutbox;
  clock: Clock;
  worker: OutboxWorker;
  /** Keys in the order deliver was called. */
  sent: string[];
  reports: [OutboxItem, Failure][];
  lines: Record<string, unknown>[];
}

function rig(store = new MemoryOutbox(), script: Script = new Map(), options: Partial<OutboxWorkerOptions> = {}, clock = new Clock()): Rig {
  const sent: string[] = [];
  const reports: [OutboxItem, Failure][] = [];
  const deliver: Deliver = async (i) => {
    sent.push(i.key);
    store.log.push(`deliver ${i.key}`);
    await yieldTurn();
    const outcome = script.get(i.key);
    if (outcome instanceof Error) throw outcome;
    if (outcome) await outcome;
    return undefined;
  };
  const report: Report = (i, failure) => {
    reports.push([i, failure]);
    store.log.push(`report ${i.key}`);
    return Promise.resolve({ once: i.group, notification: { kind: 'admin.notice', seq: i.notification.seq, to: 'admin-1', text: `Could not deliver: ${failure.reason}` } });
  };
  const { logger, lines } = capturingLogger();
  const worker = new OutboxWorker({ outbox: store, deliver, report, tenants: () => Promise.resolve([TENANT]), clock, logger, ...options });
  return { store, clock, worker, sent, reports, lines };
}

const keys = (...items: { key: string }[]): string[] => items.map((i) => i.key);

describe('outbox worker', () => {
  it("delivers a conversation's items in key order, whatever order they were written in", async () => {
    const [a1, a2, a3, b1, b2] = [item(1, 1), item(1, 2), item(1, 3), item(2, 1), item(2, 2)];
    const { store, worker, sent } = rig();
    store.add(a3, b2, a1, b1, a2);
    await worker.drain();
    assert.deepEqual(sent.filter((k) => k.includes('|00000001|')), keys(a1, a2, a3));
    assert.deepEqual(sent.filter((k) => k.includes('|00000002|')), keys(b1, b2));
    assert.equal(store.rows.size, 0);
  });

  it('claims each item for itself before delivering it, and removes it once delivered', async () => {
    const one = item(1, 1);
    const { store, worker } = rig();
    store.add(one);
    await worker.drain();
    assert.deepEqual(store.log, [`claim ${one.key}`, `deliver ${one.key}`, `delivered ${one.key}`]);
  });

  it('a retryable failure gives the item back with its retry time and holds the rest of its conversation', async () => {
    const [a1, a2, b1] = [item(1, 1), item(1, 2), item(2, 1)];
    const { store, worker, sent, clock, reports } = rig(new MemoryOutbox(), new Map([[a1.key, httpError(503, { 'retry-after': '30' })]]));
    store.add(a1, a2, b1);
    await worker.drain();

    assert.deepEqual(sent.sort(), keys(a1, b1).sort(), 'the next item of the failed conversation waits; other conversations go on');
    const back = store.row(a1.key);
    assert.equal(back?.attempts, 1);
    assert.deepEqual(back.notBefore, new Date(clock.t + 30_000), 'Retry-After (30 s) is longer than the first backoff');
    assert.match(back.lastError ?? '', /^503/);
    assert.equal(back.leaseOwner, undefined, 'given back: any instance may take it when its time comes');
    assert.equal(back.leaseUntil, undefined);
    assert.ok(store.row(a2.key), 'the next item is still waiting');
    assert.deepEqual(reports, []);
  });

  it('an item waiting out its retry time holds its conversation until then', async () => {
    const [a1, a2] = [item(1, 1), item(1, 2)];
    const { store, worker, sent, clock } = rig();
    store.add(item(1, 1, { attempts: 1, notBefore: new Date(T0 + 30_000) }), a2);
    await worker.drain();
    assert.deepEqual(sent, []);
    clock.t = T0 + 30_000;
    await worker.drain();
    assert.deepEqual(sent, keys(a1, a2));
    assert.equal(store.rows.size, 0);
  });

  it('a permanent failure is reported, recorded once and moved to the failed rows, and the conversation moves on', async () => {
    const [a1, a2] = [item(1, 1), item(1, 2)];
    const { store, worker, sent, reports } = rig(new MemoryOutbox(), new Map([[a1.key, httpError(403)]]));
    store.add(a1, a2);
    await worker.drain();

    assert.deepEqual(sent, keys(a1, a2));
    assert.deepEqual(
      store.log.filter((line) => line.endsWith(a1.key)),
      [`claim ${a1.key}`, `deliver ${a1.key}`, `report ${a1.key}`, `reportOnce ${a1.key}`, `failed ${a1.key}`],
      'the report is queued before the item leaves the outbox',
    );
    assert.equal(reports.length, 1);
    assert.equal(reports[0]![0].key, a1.key);
    assert.deepEqual(reports[0]![1], { kind: 'permanent', reason: '403 RestError', status: 403, gone: true });
    assert.deepEqual(store.failedRows.map((f) => [f.item.key, f.reason]), [[a1.key, '403 RestError']]);
    const queued = [...store.rows.values()];
    assert.deepEqual(queued.map((q) => q.notification.kind), ['admin.notice'], 'only the report is left to deliver');
  });

  it('a second undeliverable item of the same conversation is not reported again', async () => {
    const [a1, a2] = [item(1, 1), item(1, 2)];
    const { store, worker } = rig(new MemoryOutbox(), new Map([[a1.key, httpError(404)], [a2.key, httpError(404)]]));
    store.add(a1, a2);
    await worker.drain();
    assert.deepEqual(store.failedRows.map((f) => f.item.key), keys(a1, a2));
    assert.equal([...store.rows.values()].filter((q) => q.notification.kind === 'admin.notice').length, 1);
  });

  it('skips a conversation whose oldest item another instance holds', async () => {
    const [a1, a2, b1] = [item(1, 1, { leaseOwner: 'other-instance', leaseUntil: new Date(T0 + 60_000) }), item(1, 2), item(2, 1)];
    const { store, worker, sent } = rig();
    store.add(a1, a2, b1);
    const before = store.row(a1.key);
    await worker.drain();
    assert.deepEqual(sent, keys(b1));
    assert.deepEqual(store.row(a1.key), before, 'the other instance keeps its lease');
    assert.ok(store.row(a2.key));
  });

  it('takes over an item whose lease ran out', async () => {
    const a1 = item(1, 1, { leaseOwner: 'crashed-instance', leaseUntil: new Date(T0 - 1) });
    const { store, worker, sent } = rig();
    store.add(a1);
    await worker.drain();
    assert.deepEqual(sent, keys(a1));
    assert.equal(store.rows.size, 0);
  });

  it('leases an item for leaseMs while delivering it', async () => {
    const a1 = item(1, 1);
    let release = (): void => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const { store, worker } = rig(new MemoryOutbox(), new Map([[a1.key, slow]]), { leaseMs: 150_000 });
    store.add(a1);
    const draining = worker.drain();
    while (!store.log.includes(`deliver ${a1.key}`)) await yieldTurn();
    assert.equal(store.row(a1.key)?.leaseOwner, worker.instanceId);
    assert.deepEqual(store.row(a1.key)?.leaseUntil, new Date(T0 + 150_000));
    release();
    await draining;
  });

  it('gives up on an item still failing after giveUpAfterMs, reporting it as permanent', async () => {
    const old = item(1, 1, { attempts: 9, createdAt: new Date(T0 - 2 * HOUR_MS) });
    const { store, worker, reports } = rig(new MemoryOutbox(), new Map([[old.key, httpError(503)]]), { giveUpAfterMs: HOUR_MS });
    store.add(old);
    await worker.drain();
    assert.equal(reports.length, 1);
    assert.deepEqual(reports[0]![1], { kind: 'permanent', reason: 'gave up after 10 attempts: 503 RestError', gone: false });
    assert.deepEqual(store.failedRows.map((f) => f.item.key), keys(old));
    assert.ok(!store.log.includes(`retryLater ${old.key}`));
  });

  it('retries a failing item younger than giveUpAfterMs (default 24 h)', async () => {
    const young = item(1, 1, { attempts: 9, createdAt: new Date(T0 - 23 * HOUR_MS) });
    const { store, worker, reports } = rig(new MemoryOutbox(), new Map([[young.key, httpError(503)]]));
    store.add(young);
    await worker.drain();
    assert.deepEqual(reports, []);
    assert.equal(store.row(young.key)?.attempts, 10);
  });

  it('gives up on an item older than 24 h by default', async () => {
    const old = item(1, 1, { createdAt: new Date(T0 - 25 * HOUR_MS) });
    const { store, worker, reports } = rig(new MemoryOutbox(), new Map([[old.key, networkError()]]));
    store.add(old);
    await worker.drain();
    assert.equal(reports[0]?.[1].kind, 'permanent');
    assert.equal(store.rows.size, 1, 'only the report is left');
  });

  it('stop() lets the item in hand finish and takes no new one', async () => {
    const [a1, a2] = [item(1, 1), item(1, 2)];
    let release = (): void => undefined;
    const inHand = new Promise<void>((resolve) => (release = resolve));
    const { store, worker, sent } = rig(new MemoryOutbox(), new Map([[a1.key, inHand]]));
    store.add(a1, a2);
    const draining = worker.drain();
    while (!sent.includes(a1.key)) await yieldTurn();

    const stopping = worker.stop(5_000);
    release();
    await stopping;
    await draining;

    assert.deepEqual(sent, keys(a1));
    assert.equal(store.row(a1.key), undefined, 'the item in hand was delivered and removed');
    const next = store.row(a2.key);
    assert.ok(next, 'the next item waits in the outbox');
    assert.equal(next.leaseOwner, undefined, 'and was not claimed');
  });

  it('two workers on the same outbox deliver every item exactly once, in order per conversation', async () => {
    const byWorker: [number, number] = [0, 0];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const random = seeded(seed);
      const store = new MemoryOutbox(random);
      const clock = new Clock();
      const all = [1, 2, 3, 4].flatMap((seq) => [1, 2, 3, 4, 5].map((n) => item(seq, n)));
      store.add(...all);
      const workers = [rig(store, new Map(), {}, clock), rig(store, new Map(), {}, clock)] as const;
      for (let round = 0; round < 10 && store.rows.size > 0; round++) {
        // The second instance looks a little later each time, as instances do.
        const first = workers[0].worker.drain();
        for (let i = Math.floor(random() * 12); i > 0; i--) await yieldTurn();
        await Promise.all([first, workers[1].worker.drain()]);
        clock.t += HOUR_MS; // leaves every pacing window behind
      }
      assert.equal(store.rows.size, 0, `seed ${String(seed)}: all delivered`);
      const sent = [...workers[0].sent, ...workers[1].sent];
      assert.deepEqual([...sent].sort(), keys(...all).sort(), `seed ${String(seed)}: each item once`);
      const order = store.log.filter((line) => line.startsWith('delivered ')).map((line) => line.slice('delivered '.length));
      for (const seq of [1, 2, 3, 4]) {
        const mine = order.filter((k) => k.includes(`|${pad(seq, 8)}|`));
        assert.deepEqual(mine, [...mine].sort(), `seed ${String(seed)}: request ${String(seq)} in order`);
      }
      byWorker[0] += workers[0].sent.length;
      byWorker[1] += workers[1].sent.length;
    }
    assert.ok(byWorker[0] > 0 && byWorker[1] > 0, `both instances delivered some (${byWorker.join(' and ')})`);
  });

  it('a storage error while giving an item back is logged, and other conversations still go out', async () => {
    const [a1, b1] = [item(1, 1), item(2, 1)];
    const store = new MemoryOutbox();
    store.retryLater = () => Promise.reject(new RestError('Service Unavailable', { statusCode: 503 }));
    const { worker, sent, lines } = rig(store, new Map([[a1.key, httpError(503)]]));
    store.add(a1, b1);
    await worker.drain();
    assert.deepEqual([...sent].sort(), keys(a1, b1).sort());
    assert.ok(
      lines.some((line) => JSON.stringify(line).includes('Service Unavailable')),
      'the storage error is logged',
    );
  });
});
