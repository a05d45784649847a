// `npm run bench`: Liaison's cost per turn against the bare Bot Framework stack, side by side in one run on
// this machine (issue 6). It starts an in-memory Azurite, runs each scenario twice after its warm-up, keeps
// the medians, prints a table with the ratios and the targets, and writes the same to
// .artifacts/bench/suite.json (git-ignored). Load comes from a separate process (autocannon).
//
//   npm run bench                              all scenarios (about 15 minutes: the weekly post seeds a million rows)
//   BENCH_ONLY=baseline-b,intake-step npm run bench   some of them, by id
//   BENCH_DURATION_S=20 npm run bench          longer measured load per run (default 10 s, at least 10)

import { startAzurite } from '../../../src/storage/azurite';
import { report, run, type Row } from '../common';
import { coldStartConfigured, coldStartEmbedded } from './coldStart';
import { LOAD_SCENARIOS } from './loadScenarios';
import { outboxDrain } from './outboxDrain';
import { median, type BenchEnv, type Measurement, type Scenario } from './scenario';
import { weeklyPost } from './weeklyPost';

const RUNS = 2;
const SCENARIOS: readonly Scenario[] = [...LOAD_SCENARIOS, outboxDrain, weeklyPost, coldStartEmbedded, coldStartConfigured];

/** The medians of two runs: every number, in the figures and in `extra`. */
function medianOf(runs: readonly Measurement[]): Measurement {
  const numbers = (pick: (m: Measurement) => number | string | undefined): number | undefined => {
    const values = runs.map(pick).filter((v): v is number => typeof v === 'number');
    return values.length === 0 ? undefined : median(values);
  };
  const extraKeys = [...new Set(runs.flatMap((m) => Object.keys(m.extra ?? {})))];
  const extra = Object.fromEntries(extraKeys.map((key) => [key, numbers((m) => m.extra?.[key]) ?? String(runs.at(-1)?.extra?.[key] ?? '')]));
  const rps = numbers((m) => m.rps);
  const p50Ms = numbers((m) => m.p50Ms);
  const p99Ms = numbers((m) => m.p99Ms);
  const roundTripsPerAction = numbers((m) => m.roundTripsPerAction);
  return {
    ...(rps === undefined ? {} : { rps }),
    ...(p50Ms === undefined ? {} : { p50Ms }),
    ...(p99Ms === undefined ? {} : { p99Ms }),
    ...(roundTripsPerAction === undefined ? {} : { roundTripsPerAction }),
    peakRssMb: Math.max(...runs.map((m) => m.peakRssMb)),
    extra,
  };
}

const fixed = (n: number | undefined, digits: number): string => (n === undefined || Number.isNaN(n) ? '' : n.toFixed(digits));

function rowOf(scenario: Scenario, m: Measurement): Row {
  return {
    scenario: scenario.name,
    'req/s': fixed(m.rps, 0),
    'p50 ms': fixed(m.p50Ms, 1),
    'p99 ms': fixed(m.p99Ms, 1),
    'Table trips/action': fixed(m.roundTripsPerAction, 2),
    'peak RSS MB': fixed(m.peakRssMb, 0),
  };
}

/** Each target of the issue: what was measured, and whether it holds. */
function targets(results: ReadonlyMap<string, Measurement>): Record<string, string> {
  const out: Record<string, string> = {};
  const check = (name: string, holds: boolean | undefined, figure: string): void => {
    out[`target ${name}`] = holds === undefined ? 'not measured' : `${holds ? 'holds' : 'MISSED'} (${figure})`;
  };
  const b = results.get('baseline-b');
  const intake = results.get('intake-step');
  const it = results.get('it-action');
  const drain = results.get('outbox-drain');
  const weekly = results.get('weekly-post');
  const ratio = (x: number | undefined, y: number | undefined): number | undefined => (x === undefined || y === undefined ? undefined : x / y);
  const rpsRatio = ratio(intake?.rps, b?.rps);
  const p99Ratio = ratio(intake?.p99Ms, b?.p99Ms);
  check('intake step req/s >= 0.85 x Baseline B', rpsRatio === undefined ? undefined : rpsRatio >= 0.85, fixed(rpsRatio, 2));
  check('intake step p99 <= 1.2 x Baseline B', p99Ratio === undefined ? undefined : p99Ratio <= 1.2, fixed(p99Ratio, 2));
  check('<= 2 Table trips per intake step', intake?.roundTripsPerAction === undefined ? undefined : intake.roundTripsPerAction <= 2, fixed(intake?.roundTripsPerAction, 2));
  check('<= 3 Table trips per IT action', it?.roundTripsPerAction === undefined ? undefined : it.roundTripsPerAction <= 3, fixed(it?.roundTripsPerAction, 2));
  const efficiency = drain?.extra?.efficiency;
  const sends = drain?.extra?.sends;
  const throttled = drain?.extra?.throttled429;
  check(
    'outbox drain >= 0.9 of the theoretical rate, 0 lost, 0 duplicated, 429s < 1%',
    typeof efficiency === 'number' && typeof sends === 'number' && typeof throttled === 'number' ? efficiency >= 0.9 && drain?.extra?.lost === 0 && drain.extra.duplicated === 0 && throttled / sends < 0.01 : undefined,
    `efficiency ${String(efficiency)}, lost ${String(drain?.extra?.lost)}, duplicated ${String(drain?.extra?.duplicated)}, 429s ${String(throttled)} of ${String(sends)}`,
  );
  check('weekly post under 3 s, rows read = the week', weekly?.p99Ms === undefined ? undefined : weekly.p99Ms < 3_000 && weekly.extra?.rowsRead === weekly.extra?.weekRows, `slowest build ${fixed(weekly?.p99Ms, 0)} ms, ${String(weekly?.extra?.rowsRead)} of ${String(weekly?.extra?.weekRows)} rows`);
  const peak = Math.max(...[...results.values()].map((m) => m.peakRssMb));
  check('peak RSS under 200 MB', results.size === 0 ? undefined : peak < 200, `${fixed(peak, 0)} MB at most`);
  return out;
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim());
  const chosen = SCENARIOS.filter((s) => only === undefined || only.includes(s.id));
  if (chosen.length === 0) throw new Error(`BENCH_ONLY names no scenario; the ids are ${SCENARIOS.map((s) => s.id).join(', ')}`);
  const azurite = await startAzurite({});
  let runs = 0;
  const env: BenchEnv = {
    azuriteConnectionString: azurite.connectionString,
    durationS: Math.max(10, Number(process.env.BENCH_DURATION_S ?? 10)),
    warmUpS: 3,
    connections: 10,
    prefix: (id) => `bench${id.replace(/[^a-z0-9]/gi, '')}${String(++runs)}`,
  };
  const measured = new Map<string, Measurement[]>(chosen.map((s) => [s.id, []]));
  const failed: Record<string, string> = {};
  try {
    // Round by round, so that a slow patch of a noisy machine falls on every scenario alike and the ratios hold.
    for (let i = 1; i <= RUNS; i++) {
      for (const scenario of chosen.filter((s) => failed[`FAILED ${s.id}`] === undefined)) {
        process.stdout.write(`${scenario.name}: run ${String(i)} of ${String(RUNS)}\n`);
        try {
          measured.get(scenario.id)?.push(await scenario.run(env));
        } catch (error) {
          // The other scenarios still run and are reported; the bench fails at the end.
          failed[`FAILED ${scenario.id}`] = error instanceof Error ? error.message : String(error);
          process.stderr.write(`${scenario.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        }
      }
    }
  } finally {
    await azurite.stop();
  }
  const results = new Map([...measured].filter(([id, runs]) => runs.length === RUNS && failed[`FAILED ${id}`] === undefined).map(([id, runs]) => [id, medianOf(runs)]));
  const extras = Object.fromEntries(chosen.flatMap((s) => {
    const extra = results.get(s.id)?.extra ?? {};
    return Object.keys(extra).length === 0 ? [] : [[s.id, Object.entries(extra).map(([k, v]) => `${k} ${typeof v === 'number' ? String(Number(v.toFixed(3))) : v}`).join(', ')]];
  }));
  await report('suite.json', chosen.flatMap((s) => {
    const m = results.get(s.id);
    return m ? [rowOf(s, m)] : [];
  }), {
    method: `each scenario ${String(RUNS)} times, in rounds, medians (peak RSS: the highest); load from autocannon in its own process, ${String(env.connections)} connections, ${String(env.warmUpS)} s warm-up, ${String(env.durationS)} s measured`,
    ...extras,
    ...targets(results),
    ...failed,
  });
  if (Object.keys(failed).length > 0) throw new Error(`${String(Object.keys(failed).length)} scenario(s) failed: ${Object.keys(failed).join(', ')}`);
}

run(main);
