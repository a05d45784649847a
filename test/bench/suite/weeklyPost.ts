// Scenario 6: building the weekly thanks post for a week of 10,000 thanks in a history of 1,000,000
// (test/bench/weekly.ts in its suite mode, as a process of its own so that its peak RSS is the build's).
// The history is seeded into the suite's Azurite the first time, which takes a few minutes.

import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { SuiteFigures } from '../weekly';
import type { Scenario } from './scenario';

const SCRIPT = resolve(__dirname, '..', 'weekly.ts');
/** Seeding a million rows takes minutes; the builds themselves seconds. */
const TIMEOUT_MS = 20 * 60_000;

function figuresFrom(connectionString: string): Promise<SuiteFigures> {
  return new Promise((done, fail) => {
    const child = fork(SCRIPT, ['suite'], { env: { ...process.env, BENCH_WEEKLY_CONNECTION: connectionString }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error('the weekly post scenario took more than 20 minutes'));
    }, TIMEOUT_MS);
    let figures: SuiteFigures | undefined;
    child.on('message', (message) => {
      figures = message as SuiteFigures;
    });
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && figures) done(figures);
      else fail(new Error(`the weekly post scenario stopped with exit code ${String(code)}`));
    });
  });
}

export const weeklyPost: Scenario = {
  id: 'weekly-post',
  name: 'Weekly post: 10,000 thanks in 1,000,000',
  async run(env) {
    const f = await figuresFrom(env.azuriteConnectionString);
    return {
      p50Ms: f.buildP50Ms,
      // Five builds a run: their slowest stands in for the 99th percentile.
      p99Ms: f.buildMaxMs,
      roundTripsPerAction: f.roundTrips,
      peakRssMb: f.peakRssMb,
      extra: { rowsRead: f.rowsRead, weekRows: f.weekRows, cardBytes: f.cardBytes, cardP50Ms: f.cardP50Ms, ...(f.seededS === undefined ? {} : { seededS: f.seededS }) },
    };
  },
};
