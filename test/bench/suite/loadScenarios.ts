// Scenarios 1 to 4 of `npm run bench`: requests per second, p50 and p99 under load, Table round trips per
// action and peak RSS, for the bare Bot Framework stack (baselines A and B) and for Liaison (an intake
// step, an IT action).
//
// Each run forks the process under test (target.ts), which sets up its server and slots on loopback
// against the suite's Azurite, then the load process (load.ts): autocannon with env.connections
// connections, pipelining 1, for the warm-up and then, as a second run, for the measurement, against
// POST /api/messages. Between the two the target settles, the load brings the slots the warm-up cut off up
// to date, and the target marks where its counts start. The bots' own posts go to a quick Bot Connector
// in this process. A non-2xx answer, an error or a press that changed nothing fails the run: a fast
// failure is no measurement.

import { resolve } from 'node:path';
import { Child } from './ipc';
import type { FromLoad, FromTarget, LoadFigures, LoadKind, ToLoad, ToTarget } from './presses';
import { startQuickConnector } from './quickConnector';
import type { BenchEnv, Measurement, Scenario } from './scenario';

const TARGET = resolve(__dirname, 'target.ts');
const LOAD = resolve(__dirname, 'load.ts');
/** Filing the IT scenario's requests and posting their cards takes a while on a slow machine. */
const SETUP_TIMEOUT_MS = 180_000;
const STEP_TIMEOUT_MS = 30_000;
/** Beyond its duration, an autocannon run ends within a second or two; more means something hangs. */
const RUN_SLACK_MS = 30_000;

/** Slots per connection: each connection needs one, and a spare for every cut-off press. */
const slotsFor = (connections: number): number => Math.max(connections + 2, 2 * connections);

const round = (n: number, digits: number): number => Number(n.toFixed(digits));

function mustBeClean(what: string, f: LoadFigures): void {
  if (f.requests === 0 || f.non2xx > 0 || f.errors > 0 || f.unchanged > 0) {
    throw new Error(
      `${what}: ${String(f.requests)} requests, ${String(f.non2xx)} non-2xx, ${String(f.errors)} errors (${String(f.timeouts)} timeouts), ` +
        `${String(f.unchanged)} presses that changed nothing; statuses ${f.statuses || 'none'}`,
    );
  }
}

async function runLoad(env: BenchEnv, kind: LoadKind): Promise<Measurement> {
  if (env.durationS < 10) throw new Error(`a load scenario needs at least 10 s of load, not ${String(env.durationS)}`);
  const connector = await startQuickConnector();
  let target: Child<ToTarget, FromTarget> | undefined;
  let load: Child<ToLoad, FromLoad> | undefined;
  try {
    target = Child.start<ToTarget, FromTarget>(`${kind} target`, TARGET);
    target.send({ type: 'setup', kind, connectionString: env.azuriteConnectionString, prefix: env.prefix(kind), slots: slotsFor(env.connections), serviceUrl: connector.url });
    const ready = await target.expect('ready', SETUP_TIMEOUT_MS);

    load = Child.start<ToLoad, FromLoad>(`${kind} load`, LOAD);
    const warmUpS = Math.max(1, env.warmUpS);
    load.send({ type: 'start', kind, url: ready.url, serviceUrl: ready.serviceUrl, slots: ready.slots, connections: env.connections, warmUpS });
    mustBeClean(`${kind} warm-up`, (await load.expect('warmedUp', warmUpS * 1_000 + RUN_SLACK_MS)).figures);
    target.send({ type: 'settle' });
    await target.expect('settled', STEP_TIMEOUT_MS);
    load.send({ type: 'resync' });
    const { slots: resynced } = await load.expect('resynced', STEP_TIMEOUT_MS);

    target.send({ type: 'mark' });
    await target.expect('marked', STEP_TIMEOUT_MS);
    const postedAtMark = connector.posted();
    load.send({ type: 'measure', durationS: env.durationS });
    const { figures } = await load.expect('measured', env.durationS * 1_000 + RUN_SLACK_MS);
    mustBeClean(`${kind} measured load`, figures);
    target.send({ type: 'stats' });
    const stats = await target.expect('stats', STEP_TIMEOUT_MS);

    const replies = connector.posted() - postedAtMark;
    if (kind === 'baseline-a' && replies < figures.requests) throw new Error(`baseline-a answered ${String(figures.requests)} messages but posted ${String(replies)} replies`);
    if (stats.handled < figures.requests) throw new Error(`the target counted ${String(stats.handled)} requests, the load ${String(figures.requests)}`);
    // Per request the target handled: the presses the load cut off at its end cost their round trips too.
    const perAction = stats.roundTrips === undefined ? undefined : stats.roundTrips / stats.handled;
    return {
      rps: round(figures.rps, 1),
      p50Ms: figures.p50Ms,
      p99Ms: figures.p99Ms,
      ...(perAction === undefined ? {} : { roundTripsPerAction: round(perAction, 3) }),
      peakRssMb: round(stats.maxRssKb / 1024, 1),
      extra: {
        requests: figures.requests,
        non2xx: figures.non2xx,
        handled: stats.handled,
        ...(stats.roundTrips === undefined ? {} : { tableRoundTrips: stats.roundTrips }),
        ...(kind === 'baseline-a' ? { replies } : {}),
        slots: ready.slots.length,
        resynced,
      },
    };
  } finally {
    await Promise.all([load?.stop(), target?.stop()]);
    await connector.close();
  }
}

function loadScenario(id: LoadKind, name: string): Scenario {
  return { id, name, run: (env) => runLoad(env, id) };
}

const baselineA = loadScenario('baseline-a', 'Baseline A: bare bot, one text reply');
const baselineB = loadScenario('baseline-b', 'Baseline B: bare bot, 1 read + 1 write + 1 card');
const intakeStep = loadScenario('intake-step', 'Liaison intake step (Next/Back)');
const itAction = loadScenario('it-action', 'Liaison IT action (take/hold/resume)');

export const LOAD_SCENARIOS: Scenario[] = [baselineA, baselineB, intakeStep, itAction];
