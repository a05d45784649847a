// Work no person starts: posting requests that waited for an IT channel once one is connected,
// closing resolved requests whose requester did not answer within the configured days, and the weekly
// thanks post. Every instance
// runs it; each change is written with the request's etag, so two instances never apply it twice.

import type { Logger } from '../lib/logger';
import type { Clock } from '../lib/clock';
import { apply, type SystemAction } from '../requests/lifecycle';
import { isOpen, type ServiceRequest } from '../requests/request';
import { LIAISON } from '../requests/system';
import type { Policy } from '../policy/policy';
import { closingKey } from '../storage/requestRows';
import type { IndexRow, RequestStore } from '../storage/requests';
import { isConflict } from '../storage/tables';
import type { Routes } from './routing';
import type { WeeklyPoster } from './weekly';

const BATCH = 100;

export interface SweeperOptions {
  requests: RequestStore;
  routes: Routes;
  policy: Policy;
  tenants: () => Promise<string[]>;
  /** Called after a change wrote notifications for a tenant. */
  changed: (tenantId: string) => void;
  clock: Clock;
  logger: Logger;
  /** Posts each week's thanks when their time has come. */
  weekly?: Pick<WeeklyPoster, 'run'>;
  /** Default 60 s. */
  intervalMs?: number;
}

export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly options: SweeperOptions) {}

  /** Sweeps now and then every interval after the previous sweep ended (sweeps never overlap). */
  start(): void {
    this.stopping = false;
    const run = (): void => {
      this.running = this.sweep()
        .catch((error: unknown) => {
          this.options.logger.error({ err: error }, 'sweep failed');
        })
        .finally(() => {
          this.running = undefined;
          if (this.stopping) return;
          this.timer = setTimeout(run, this.options.intervalMs ?? 60_000);
          this.timer.unref();
        });
    };
    run();
  }

  /** Stops after the request in hand; the next sweep, on any instance, does the rest. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every organisation. */
  async sweep(): Promise<void> {
    for (const tenantId of await this.options.tenants()) {
      if (this.stopping) return;
      // One job's trouble, or one organisation's, holds up neither the other jobs nor the other organisations.
      for (const [job, run] of [
        ['routing', () => this.routeWaiting(tenantId)],
        ['closing', () => this.closeResolved(tenantId)],
        ['weekly post', () => this.options.weekly?.run(tenantId)],
      ] as const) {
        try {
          await run();
        } catch (error) {
          this.options.logger.error({ err: error, tenantId, job }, 'sweep failed for an organisation');
        }
      }
    }
  }

  /** Posts requests that waited for a channel to the channel now registered for them. */
  async routeWaiting(tenantId: string): Promise<void> {
    const { requests, routes } = this.options;
    const rows = await requests.waiting(tenantId, BATCH);
    // The channels as they are now (another instance may have found one unreachable meanwhile).
    if (rows.length > 0) routes.forget(tenantId);
    for (const row of rows) {
      if (this.stopping) return;
      await this.system(tenantId, row, async (request) => {
        if (request.route !== undefined) return undefined;
        const route = await routes.routeFor(tenantId, request.answers.what.serviceId);
        return route && { kind: 'route', route };
      });
    }
  }

  /** Closes resolved requests whose time has come. */
  async closeResolved(tenantId: string): Promise<void> {
    const now = this.options.clock.now();
    for (const row of await this.options.requests.closingDue(tenantId, now, BATCH)) {
      if (this.stopping) return;
      await this.system(tenantId, row, (request) => Promise.resolve(request.status === 'Resolved' && request.closesAt !== undefined && request.closesAt <= now ? { kind: 'autoClose' } : undefined));
    }
  }

  /**
   * Applies what `decide` asks for to the request an index row names. A row whose request no longer
   * needs it goes; a lost race means another instance did it.
   */
  private async system(tenantId: string, row: IndexRow, decide: (request: ServiceRequest) => Promise<SystemAction | undefined>): Promise<void> {
    const { requests, logger, clock, policy } = this.options;
    const stored = await requests.getRequest(tenantId, row.seq);
    const action = stored && (await decide(stored.value));
    if (!stored || !action) {
      if (!stored || !stillIndexed(row, stored.value)) await requests.dropIndex(tenantId, row.rowKey);
      return;
    }
    const t = apply(stored.value, action, LIAISON, clock.now(), policy.autoCloseDays);
    if (!t.ok) return;
    try {
      await requests.changeRequest(stored, t.request, t.event);
      await requests.dropIndex(tenantId, row.rowKey);
      logger.info({ tenantId, reference: t.request.reference, action: action.kind }, action.kind === 'route' ? 'waiting request posted to IT' : 'resolved request closed by itself');
      this.options.changed(tenantId);
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
}

/** Whether an index row still describes its request (a waiting row while it waits, a closing row while resolved). */
function stillIndexed(row: IndexRow, request: ServiceRequest): boolean {
  if (row.rowKey.startsWith('waiting|')) return request.route === undefined && isOpen(request);
  // A request reopened and resolved again has a later closing row of its own.
  return request.status === 'Resolved' && request.closesAt !== undefined && row.rowKey === closingKey(request.closesAt, request.seq);
}
