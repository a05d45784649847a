// Drains the outbox: every instance runs one. Items of one conversation go out in order, by the one
// instance that holds the lease on the oldest of them; different conversations go out side by side,
// paced within Teams' limits. Retryable failures wait out their backoff; permanent ones are recorded,
// logged and reported (at most once a day per channel, thread or person).

import { randomUUID } from 'node:crypto';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Notification } from '../requests/notifications';
import { withDeadline } from '../lib/deadline';
import { NOT_PACED, type OutboxItem, type OutboxStore, type PostedCard } from '../storage/outbox';
import { backoffMs, classify, type Failure } from './failures';
import { APP_LIMITS, CONVERSATION_LIMITS, Pacer, paced, sleep } from './pacing';

/** Sends one item; resolves with the card's message when it posted a request card. */
export type Deliver = (item: OutboxItem) => Promise<PostedCard | undefined>;

/** A notification about an undeliverable item, sent once per `once` key (a channel, a person, a thread). */
export interface ReportNotice {
  once: string;
  notification: Notification;
}

/** What to do about an item that cannot be delivered; whom to tell, if anyone. */
export type Report = (item: OutboxItem, failure: Failure) => Promise<ReportNotice | undefined>;

export interface OutboxWorkerOptions {
  outbox: OutboxStore;
  deliver: Deliver;
  report: Report;
  /** The organisations whose outbox to drain (those with a registered channel). */
  tenants: () => Promise<string[]>;
  clock: Clock;
  logger: Logger;
  /** How often to look for work when nothing woke the worker. Default 2 s. */
  pollMs?: number;
  /** How long a claimed item stays with this instance. Default 2 min. */
  leaseMs?: number;
  /** Conversations worked on at once. Default 16. */
  parallel?: number;
  /** The first retry waits about this long, each next one twice as long (up to 5 min). Default 1 s. */
  retryBaseMs?: number;
  /** An item still failing after this long is given up. Default 24 h. */
  giveUpAfterMs?: number;
}

const BATCH = 200;
/** Pacing waits longer than this are not started with a claimed item in hand. */
const CLAIM_WAIT_MS = 2_000;
/** A delivery (roster, card, send) not done in this time is given up and retried, well inside a renewed lease. */
const DELIVERY_DEADLINE_MS = 45_000;
/** Attempts at recording a delivery before leaving it to the lease. */
const BOOKKEEPING_TRIES = 3;
const TENANTS_REFRESH_MS = 60_000;
const MAX_IDLE_MS = 60_000;

/** This instance's lease on an item ended before it could be sent. */
class LeaseLost extends Error {}

export class OutboxWorker {
  readonly instanceId = randomUUID();
  private readonly conversationPacer: Pacer;
  private readonly appPacer: Pacer;
  private readonly busy = new Map<string, Promise<void>>();
  private readonly known = new Set<string>();
  /** Organisations whose outbox was empty, and when to look again. */
  private readonly idle = new Map<string, { waitMs: number; nextAt: number }>();
  private tenantsReadAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private ticking: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: OutboxWorkerOptions) {
    const now = (): number => options.clock.now().getTime();
    this.conversationPacer = new Pacer(CONVERSATION_LIMITS, now);
    this.appPacer = new Pacer(APP_LIMITS, now);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops looking for work and waits for the conversations in hand to finish (up to `graceMs`). */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const inHand = Promise.all([this.ticking, ...this.busy.values()]);
    await Promise.race([inHand, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  }

  /**
   * A message sent in a turn (a reply to a person) counts against the same limits as the outbox's own
   * sends: it is counted here so that the deliveries that follow leave room for it.
   */
  async countSent<T>(pace: string, messages: number, send: () => Promise<T>): Promise<T> {
    const answered = Array.from({ length: messages }, () => [this.conversationPacer.record(pace), this.appPacer.record('app')]).flat();
    try {
      return await send();
    } finally {
      for (const done of answered) done();
    }
  }

  /** Sends within the conversation's and the app's limits, waiting for a slot if need be. */
  pacedSend<T>(pace: string, send: () => Promise<T>): Promise<T> {
    return paced(this.conversationPacer, this.appPacer, pace, send);
  }

  /** A change in `tenantId` wrote to the outbox: look now rather than at the next poll. */
  kick(tenantId: string): void {
    this.known.add(tenantId);
    this.idle.delete(tenantId);
    if (!this.running) return;
    if (this.ticking) this.again = true;
    else this.schedule(0);
  }

  /** One pass over every tenant, waiting until what it started is done (tests and benchmarks). */
  async drain(): Promise<void> {
    await this.tick();
    while (this.busy.size > 0) await Promise.all([...this.busy.values()]);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((error: unknown) => {
          this.options.logger.error({ err: error }, 'outbox pass failed');
        })
        .finally(() => {
          this.ticking = undefined;
          if (!this.running) return;
          const rerun = this.again;
          this.again = false;
          this.schedule(rerun ? 0 : (this.options.pollMs ?? 2_000));
        });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.conversationPacer.prune();
    this.appPacer.prune();
    const now = this.options.clock.now().getTime();
    for (const tenantId of await this.tenants()) {
      if (this.busy.size >= (this.options.parallel ?? 16)) return;
      // An organisation whose outbox was empty is looked at less and less often (up to once a
      // minute) until a change here kicks it; changes made on other instances wait at most that long.
      const idle = this.idle.get(tenantId);
      if (idle && now < idle.nextAt) continue;
      try {
        const found = await this.pass(tenantId);
        if (found > 0) this.idle.delete(tenantId);
        else {
          const waitMs = Math.min(MAX_IDLE_MS, idle ? idle.waitMs * 2 : (this.options.pollMs ?? 2_000));
          this.idle.set(tenantId, { waitMs, nextAt: now + waitMs });
        }
      } catch (error) {
        this.options.logger.warn({ err: error, tenantId }, 'could not read the outbox');
      }
    }
  }

  private async tenants(): Promise<string[]> {
    const now = this.options.clock.now().getTime();
    if (now - this.tenantsReadAt > TENANTS_REFRESH_MS) {
      try {
        for (const tenant of await this.options.tenants()) this.known.add(tenant);
        this.tenantsReadAt = now;
      } catch (error) {
        this.options.logger.warn({ err: error }, 'could not list the organisations to drain the outbox of');
      }
    }
    return [...this.known];
  }

  /** Starts work on each conversation whose oldest item this instance may take; returns how many items it saw. */
  private async pass(tenantId: string): Promise<number> {
    const items = await this.options.outbox.pending(tenantId, BATCH);
    const groups = new Map<string, OutboxItem[]>();
    for (const item of items) groups.set(item.group, [...(groups.get(item.group) ?? []), item]);
    for (const [group, queue] of groups) {
      const key = `${tenantId}|${group}`;
      if (this.busy.has(key)) continue;
      if (this.busy.size >= (this.options.parallel ?? 16)) break;
      const work = this.work(queue)
        .then((delivered) => {
          // Items written while this conversation was in hand were skipped by the passes meanwhile: look again now.
          if (delivered > 0) this.kick(tenantId);
        })
        .catch((error: unknown) => {
          // Storage failed while the conversation was in hand: its items wait for the next pass.
          this.options.logger.warn({ err: error, tenantId, group }, 'outbox work stopped by an error; it resumes on the next pass');
        })
        .finally(() => this.busy.delete(key));
      this.busy.set(key, work);
    }
    return items.length;
  }

  /** Delivers a conversation's items in order until one must wait. */
  private async work(queue: readonly OutboxItem[]): Promise<number> {
    let delivered = 0;
    for (const pending of queue) {
      // Stopping: the item in hand is finished, no new one is taken.
      if (this.stopped) return delivered;
      const now = this.options.clock.now();
      if (pending.notBefore && pending.notBefore > now) return delivered;
      // Leased (by another instance, or by this one when recording a delivery failed): wait for the lease to end.
      if (pending.leaseUntil && pending.leaseUntil > now) return delivered;
      // Teams asked this conversation to wait (Retry-After): leave it unclaimed rather than hold a slot.
      if (this.conversationPacer.delay(pending.pace) > CLAIM_WAIT_MS) return delivered;
      const item = await this.options.outbox.claim(pending, this.instanceId, new Date(now.getTime() + this.leaseMs()));
      if (!item) return delivered;
      if (!(await this.attempt(item))) return delivered;
      delivered++;
    }
    return delivered;
  }

  /** One delivery; false when the conversation must wait (a retry later). */
  private async attempt(claimed: OutboxItem): Promise<boolean> {
    const { logger, outbox } = this.options;
    const ids = { tenantId: claimed.tenantId, outboxKey: claimed.key, kind: claimed.notification.kind, seq: claimed.notification.seq, attempts: claimed.attempts };
    let item = claimed;
    let card: PostedCard | undefined;
    try {
      const send = async (): Promise<PostedCard | undefined> => {
        // The pacing wait may have eaten into the lease: renew it, or leave the item to whoever took it.
        const renewed = await this.renewIfShort(item);
        if (!renewed) throw new LeaseLost();
        item = renewed;
        return withDeadline(this.options.deliver(item), DELIVERY_DEADLINE_MS);
      };
      card = item.pace === NOT_PACED ? await send() : await this.pacedSend(item.pace, send);
    } catch (error) {
      if (error instanceof LeaseLost) {
        logger.warn(ids, 'lease on a notification ran out before it was sent; another instance has it');
        return false;
      }
      return this.failed(item, error, ids);
    }
    // Sent: from here on a failure must not send it again, so the bookkeeping is retried on its own.
    for (let tries = 1; ; tries++) {
      try {
        await outbox.delivered(item, card);
        break;
      } catch (error) {
        if (tries >= BOOKKEEPING_TRIES) {
          logger.error({ ...ids, err: error }, 'notification delivered but not marked so: it may be sent again when its lease ends');
          return false;
        }
        await sleep(backoffMs(tries, undefined, this.options.retryBaseMs));
      }
    }
    if (item.attempts > 0) logger.info(ids, 'notification delivered after retries');
    return true;
  }

  /** How long a claim lasts: long enough for a delivery that takes its whole deadline, twice. */
  private leaseMs(): number {
    return Math.max(this.options.leaseMs ?? 120_000, 2 * DELIVERY_DEADLINE_MS);
  }

  /**
   * The item, with its lease renewed unless more than the delivery deadline is left (so the lease
   * outlives the delivery); undefined if it is no longer ours.
   */
  private async renewIfShort(item: OutboxItem): Promise<OutboxItem | undefined> {
    const leaseMs = this.leaseMs();
    const now = this.options.clock.now().getTime();
    if ((item.leaseUntil?.getTime() ?? 0) - now > DELIVERY_DEADLINE_MS + 5_000) return item;
    return this.options.outbox.claim(item, this.instanceId, new Date(now + leaseMs));
  }

  /** A retryable failure waits out its backoff (false: the conversation waits); a permanent one is recorded and reported (true: go on). */
  private async failed(item: OutboxItem, error: unknown, ids: Record<string, unknown>): Promise<boolean> {
    const { logger, outbox, clock } = this.options;
    const now = clock.now();
    const failure = classify(error, now.getTime());
    const tooOld = now.getTime() - item.createdAt.getTime() > (this.options.giveUpAfterMs ?? 24 * 3_600_000);
    if (failure.kind === 'retry' && !tooOld) {
      // Teams' Retry-After is about the whole conversation, not only this message.
      if (failure.retryAfterMs !== undefined) this.conversationPacer.holdUntil(item.pace, now.getTime() + failure.retryAfterMs);
      const delay = backoffMs(item.attempts, failure.retryAfterMs, this.options.retryBaseMs);
      logger.warn({ ...ids, status: failure.status, retryInMs: Math.round(delay), reason: failure.reason }, 'notification not delivered; will retry');
      await outbox.retryLater(item, new Date(now.getTime() + delay), failure.reason);
      return false;
    }
    const final: Failure = failure.kind === 'retry' ? { kind: 'permanent', reason: `gave up after ${String(item.attempts + 1)} attempts: ${failure.reason}`, gone: false } : failure;
    logger.error({ ...ids, status: final.status, reason: final.reason }, 'notification cannot be delivered; recorded and reported');
    // The report is queued before the item leaves the outbox, so that nothing is ever lost between them.
    const report = await this.options.report(item, final);
    const reported = report !== undefined && (await outbox.reportOnce(item, report, now));
    await outbox.failed(item, final.reason, now);
    // What the report changed (a request waiting again) has notifications of its own.
    this.kick(item.tenantId);
    if (reported) logger.info({ ...ids, once: report.once }, 'reported an undeliverable notification');
    return true;
  }

}
