// Measures the intake on this machine: server time per intake step and per submit (p50/p99 over many
// presses, through the real HTTP edge on loopback, real Azurite), and Table round trips per action.
//
//   npm run bench                       (1,000 steps and 100 submits; BENCH_STEPS / BENCH_SUBMITS to change)
//
// Results print as a table and are written to .artifacts/bench/intake.json (git-ignored).

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/lib/logger';
import { startAzurite } from '../../src/storage/azurite';
import { openTables } from '../../src/storage/tables';
import { USERS, cardAction } from '../support/activities';
import { P2_ANSWERS, TIME_ZONE, actionOf, today } from '../support/intakeData';

const STEPS = Number(process.env.BENCH_STEPS ?? 1_000);
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 100);
const SERVICE_URL = 'http://127.0.0.1:9/unused';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Series {
  name: string;
  times: number[];
  roundTrips: number[];
}

function summarise(s: Series): Record<string, number | string> {
  const times = [...s.times].sort((a, b) => a - b);
  const trips = [...s.roundTrips].sort((a, b) => a - b);
  return {
    action: s.name,
    count: times.length,
    p50Ms: Number(percentile(times, 50).toFixed(2)),
    p99Ms: Number(percentile(times, 99).toFixed(2)),
    roundTripsMax: trips[trips.length - 1] ?? 0,
    roundTripsP50: percentile(trips, 50),
  };
}

async function main(): Promise<void> {
  const azurite = await startAzurite({});
  const tables = openTables({ kind: 'connectionString', connectionString: azurite.connectionString }, 'bench');
  await tables.ensureCreated();
  const app = createApp({
    config: { bot: { kind: 'anonymous' }, admins: [], allowedTenants: [], allowedServiceHosts: [], timeZone: TIME_ZONE },
    tables,
    logger: createLogger('silent'),
  });
  const url = await app.listen(0, '127.0.0.1');

  type Card = Record<string, unknown>;
  const press = async (verb: string, data: Record<string, unknown>, from = USERS.technician): Promise<{ card: Card; ms: number; trips: number }> => {
    const body = JSON.stringify(cardAction({ serviceUrl: SERVICE_URL, from, verb, data }));
    const trips = tables.roundTrips();
    const started = process.hrtime.bigint();
    const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const json = (await response.json()) as { value: Card };
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (response.status !== 200) throw new Error(`${verb} answered ${String(response.status)}`);
    return { card: json.value, ms, trips: tables.roundTrips() - trips };
  };

  const step: Series = { name: 'intake step (Next, Back)', times: [], roundTrips: [] };
  const submit: Series = { name: 'submit', times: [], roundTrips: [] };
  const record = (s: Series, r: { ms: number; trips: number }): void => {
    s.times.push(r.ms);
    s.roundTrips.push(r.trips);
  };
  const what = { ...P2_ANSWERS.what, startedOn: today() };

  // Warm-up: the first turns create the conversation reference and fill caches.
  let card = (await press('intake.start', {})).card;
  for (let i = 0; i < 20; i++) {
    card = (await press('intake.next', { ...actionOf(card, 'intake.next'), ...what })).card;
    card = (await press('intake.back', actionOf(card, 'intake.back'))).card;
  }

  for (let i = 0; i < STEPS / 2; i++) {
    const next = await press('intake.next', { ...actionOf(card, 'intake.next'), ...what });
    record(step, next);
    const back = await press('intake.back', actionOf(next.card, 'intake.back'));
    record(step, back);
    card = back.card;
  }

  for (let i = 0; i < SUBMITS; i++) {
    let c = (await press('intake.start', {})).card;
    if (actionsInclude(c, 'intake.restart')) c = (await press('intake.restart', actionOf(c, 'intake.restart'))).card;
    c = (await press('intake.next', { ...actionOf(c, 'intake.next'), ...what })).card;
    c = (await press('intake.next', { ...actionOf(c, 'intake.next'), ...P2_ANSWERS.impact })).card;
    c = (await press('intake.next', { ...actionOf(c, 'intake.next'), ...P2_ANSWERS.urgency })).card;
    c = (await press('intake.next', { ...actionOf(c, 'intake.next'), ...P2_ANSWERS.risks })).card;
    record(submit, await press('intake.submit', actionOf(c, 'intake.submit')));
  }

  await app.close();
  await azurite.stop();

  const rows = [summarise(step), summarise(submit)];
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
  process.stdout.write(`${table(rows)}\nmachine: ${machine.cpuModel} x${String(machine.cpus)}, ${String(machine.memoryGb)} GB, Node ${machine.node}\n`);
  const out = resolve(__dirname, '..', '..', '.artifacts', 'bench');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'intake.json'), `${JSON.stringify({ at: new Date().toISOString(), machine, rows }, null, 2)}\n`);
}

function actionsInclude(card: Record<string, unknown>, verb: string): boolean {
  return JSON.stringify(card).includes(`"verb":"${verb}"`);
}

/** A plain text table: one header line, one line per row, columns padded. */
function table(rows: readonly Record<string, number | string>[]): string {
  const columns = Object.keys(rows[0] ?? {});
  const cells = [columns, ...rows.map((r) => columns.map((c) => String(r[c] ?? '')))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  return cells.map((line) => line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
