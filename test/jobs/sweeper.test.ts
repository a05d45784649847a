// The sweeper over several organisations: one organisation's failure is logged with its tenant and the
// others are still swept (waiting requests routed, resolved ones closed, the weekly post run).

import assert from 'node:assert/strict';
import sinon from 'sinon';
import { Routes } from '../../src/jobs/routing';
import { Sweeper } from '../../src/jobs/sweeper';
import { createLogger } from '../../src/lib/logger';
import { DEFAULT_POLICY } from '../../src/policy/policy';
import type { ChannelSettingsStore } from '../../src/storage/channelSettings';
import type { IndexRow, RequestStore } from '../../src/storage/requests';

const NOW = new Date('2027-03-05T07:01:00Z');
const clock = { now: () => NOW };

/** A sweeper over tenants 'a' and 'b' with nothing waiting or closing, its logs, and the calls made. */
function sweeperOver(weeklyRun: (tenantId: string) => Promise<void>, waiting: (tenantId: string) => Promise<IndexRow[]> = () => Promise.resolve([])) {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('debug', {
    write(line: string) {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  // The sweeper reads only these two of the store (each change it makes starts from a row they return).
  const waitingOf = sinon.spy((tenantId: string, _limit: number) => waiting(tenantId));
  const closingDueOf = sinon.spy((_tenantId: string, _now: Date, _limit: number) => Promise.resolve<IndexRow[]>([]));
  const requests: Pick<RequestStore, 'waiting' | 'closingDue'> = { waiting: waitingOf, closingDue: closingDueOf };
  const settings: Pick<ChannelSettingsStore, 'itChannels'> = { itChannels: () => Promise.resolve([]) };
  const run = sinon.spy(weeklyRun);
  const sweeper = new Sweeper({
    requests: requests as RequestStore,
    routes: new Routes(settings as ChannelSettingsStore, clock),
    policy: DEFAULT_POLICY,
    tenants: () => Promise.resolve(['a', 'b']),
    changed: () => undefined,
    clock,
    logger,
    weekly: { run },
  });
  const tenantsOf = <A extends [string, ...unknown[]]>(spy: sinon.SinonSpy<A>) => (): string[] => spy.getCalls().map((call) => call.args[0]);
  return { sweeper, logs, calls: { waiting: tenantsOf(waitingOf), closingDue: tenantsOf(closingDueOf), weekly: tenantsOf(run) } };
}

describe('jobs: the sweeper', () => {
  it("sweeps 'b' after the weekly post of 'a' threw, and logs the failure with tenant 'a'", async () => {
    const { sweeper, logs, calls } = sweeperOver((tenantId) => (tenantId === 'a' ? Promise.reject(new Error('Praise table unavailable')) : Promise.resolve()));
    await sweeper.sweep();

    assert.deepEqual(calls.weekly(), ['a', 'b'], "b's weekly post is run");
    assert.deepEqual(calls.waiting(), ['a', 'b'], "b's waiting requests are looked at");
    assert.deepEqual(calls.closingDue(), ['a', 'b'], "b's resolved requests are looked at");
    const errors = logs.filter((l) => l.level === 50);
    assert.equal(errors.length, 1, 'one error logged');
    const [error] = errors;
    assert.ok(error);
    assert.equal(error.tenantId, 'a');
    assert.equal(error.msg, 'sweep failed for an organisation');
    assert.equal((error.err as { message?: string } | undefined)?.message, 'Praise table unavailable');
  });

  it("when reading 'a''s waiting requests fails, still closes a's resolved requests, posts its week and sweeps 'b'", async () => {
    let down = true;
    const { sweeper, logs, calls } = sweeperOver(
      () => Promise.resolve(),
      (tenantId) => (tenantId === 'a' && down ? Promise.reject(new Error('Requests table unavailable')) : Promise.resolve([])),
    );
    await sweeper.sweep();
    assert.deepEqual(calls.waiting(), ['a', 'b']);
    assert.deepEqual(calls.closingDue(), ['a', 'b'], "a's other jobs do not wait for its routing");
    assert.deepEqual(calls.weekly(), ['a', 'b']);
    assert.deepEqual(
      logs.filter((l) => l.level === 50).map((l) => [l.tenantId, l.job]),
      [['a', 'routing']],
    );

    down = false;
    await sweeper.sweep();
    assert.deepEqual(calls.waiting(), ['a', 'b', 'a', 'b'], 'a is routed once its storage answers');
    assert.equal(logs.filter((l) => l.level === 50).length, 1, 'no new error');
  });
});
