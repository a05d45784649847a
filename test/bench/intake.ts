// Measures the intake on this machine: server time per intake step and per submit (p50/p99 over many
// presses, through the real HTTP edge on loopback, real Azurite), and Table round trips per action.
//
//   npm run bench                       (1,000 steps and 100 submits; BENCH_STEPS / BENCH_SUBMITS to change)
//
// Results print as a table and are written to .artifacts/bench/intake.json (git-ignored).

import { startAzurite } from '../../src/storage/azurite';
import { USERS } from '../support/activities';
import { P2_ANSWERS, actionOf, today } from '../support/intakeData';
import { fillToReview, latency, percentile, report, run, startApp, type Pressed, type Row } from './common';

const STEPS = Number(process.env.BENCH_STEPS ?? 1_000);
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 100);
const SERVICE_URL = 'http://127.0.0.1:9/unused';

interface Series {
  name: string;
  times: number[];
  roundTrips: number[];
}

function summarise(s: Series): Row {
  const trips = [...s.roundTrips].sort((a, b) => a - b);
  return {
    action: s.name,
    ...latency(s.times),
    roundTripsMax: trips[trips.length - 1] ?? 0,
    roundTripsP50: percentile(trips, 50),
  };
}

async function main(): Promise<void> {
  const azurite = await startAzurite({});
  const bench = await startApp(azurite.connectionString, 'bench');
  const press = (verb: string, data: Record<string, unknown>): Promise<Pressed> => bench.press({ serviceUrl: SERVICE_URL, from: USERS.technician, verb, data });
  const cardOf = async (verb: string, data: Record<string, unknown>) => (await press(verb, data)).card;

  const step: Series = { name: 'intake step (Next, Back)', times: [], roundTrips: [] };
  const submit: Series = { name: 'submit', times: [], roundTrips: [] };
  const record = (s: Series, r: { ms: number; trips: number }): void => {
    s.times.push(r.ms);
    s.roundTrips.push(r.trips);
  };
  const what = { ...P2_ANSWERS.what, startedOn: today() };

  // Warm-up: the first turns create the conversation reference and fill caches.
  let card = await cardOf('intake.start', {});
  for (let i = 0; i < 20; i++) {
    card = await cardOf('intake.next', { ...actionOf(card, 'intake.next'), ...what });
    card = await cardOf('intake.back', actionOf(card, 'intake.back'));
  }

  for (let i = 0; i < STEPS / 2; i++) {
    const next = await press('intake.next', { ...actionOf(card, 'intake.next'), ...what });
    record(step, next);
    const back = await press('intake.back', actionOf(next.card, 'intake.back'));
    record(step, back);
    card = back.card;
  }

  for (let i = 0; i < SUBMITS; i++) {
    const review = await fillToReview(cardOf, what);
    record(submit, await press('intake.submit', actionOf(review, 'intake.submit')));
  }

  await bench.close();
  await azurite.stop();
  await report('intake.json', [summarise(step), summarise(submit)]);
}

run(main);
