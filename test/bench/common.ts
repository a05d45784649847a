// What the benchmarks share: Liaison on loopback against Azurite, card presses timed through the real HTTP
// edge (with the Table round trips they cost), the intake up to its review card, percentiles, and the
// report: a printed table and a JSON file in .artifacts/bench (git-ignored).

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp, type App } from '../../src/app';
import { createLogger } from '../../src/lib/logger';
import { openTables, type Tables } from '../../src/storage/tables';
import { USERS, cardAction, type CardActionParams, type TestChannel, type TestUser } from '../support/activities';
import { P2_ANSWERS, TIME_ZONE, actionOf, today, type Card } from '../support/intakeData';

export type Row = Record<string, number | string>;

/** A press answered with a card: the card, the time until the whole answer was read, the Table round trips meanwhile. */
export interface Pressed {
  card: Card;
  ms: number;
  trips: number;
}

export interface BenchApp {
  app: App;
  /** Presses an Action.Execute button as Teams would; fails unless the answer is a card that replaces the pressed one. */
  press(p: CardActionParams): Promise<Pressed>;
  close(): Promise<void>;
}

const CARD_ANSWER = 'application/vnd.microsoft.card.adaptive';

/**
 * Liaison on a free loopback port, with its own tables (`prefix`) in the Azurite at `connectionString`.
 * `background: false` leaves the outbox and the sweeper to be driven by hand.
 */
export async function startApp(connectionString: string, prefix: string, background = true): Promise<BenchApp> {
  const tables: Tables = openTables({ kind: 'connectionString', connectionString }, prefix);
  await tables.ensureCreated();
  const app = createApp({
    config: { bot: { kind: 'anonymous' }, admins: [], allowedTenants: [], allowedServiceHosts: [], timeZone: TIME_ZONE },
    tables,
    logger: createLogger('silent'),
    background,
  });
  const url = await app.listen(0, '127.0.0.1');
  return {
    app,
    async press(p) {
      const body = JSON.stringify(cardAction(p));
      const trips = tables.roundTrips();
      const started = process.hrtime.bigint();
      const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await response.text();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (response.status !== 200) throw new Error(`${p.verb} answered ${String(response.status)}: ${text.slice(0, 200)}`);
      const answer = JSON.parse(text) as { type?: string; value?: unknown };
      if (answer.type !== CARD_ANSWER) throw new Error(`${p.verb} answered without a card: ${text.slice(0, 300)}`);
      return { card: answer.value as Card, ms, trips: tables.roundTrips() - trips };
    },
    close: () => app.close(),
  };
}

/** From a new intake (or a restarted one) to the review card of a P2 request; `what` answers the first step. */
export async function fillToReview(press: (verb: string, data: Record<string, unknown>) => Promise<Card>, what: Record<string, string>): Promise<Card> {
  let card = await press('intake.start', {});
  if (JSON.stringify(card).includes('"verb":"intake.restart"')) card = await press('intake.restart', actionOf(card, 'intake.restart'));
  card = await press('intake.next', { ...actionOf(card, 'intake.next'), ...what });
  card = await press('intake.next', { ...actionOf(card, 'intake.next'), ...P2_ANSWERS.impact });
  card = await press('intake.next', { ...actionOf(card, 'intake.next'), ...P2_ANSWERS.urgency });
  return press('intake.next', { ...actionOf(card, 'intake.next'), ...P2_ANSWERS.risks });
}

/** An IT channel for one service, and the technician who files requests about it. */
export interface Desk {
  service: string;
  channel: TestChannel;
  technician: TestUser;
}

/**
 * Connects each desk's channel for its service (setup saved by the IT manager) and files `count` P2
 * requests over the desks in turn; resolves with each request's reference and desk.
 */
export async function fileAtDesks<D extends Desk>(press: (p: CardActionParams) => Promise<Card>, serviceUrl: string, desks: readonly D[], count: number): Promise<{ reference: string; desk: D }[]> {
  for (const { channel, service } of desks) {
    const conversation = { kind: 'channel', channelId: channel.id, threadId: `setup-${channel.id}` } as const;
    await press({ serviceUrl, from: USERS.manager, verb: 'setup.save', conversation, data: { itRequests: 'true', services: service, praisePosts: 'false' } });
  }
  const filed: { reference: string; desk: D }[] = [];
  for (let i = 0; i < count; i++) {
    const desk = desks[i % desks.length];
    if (desk === undefined) throw new Error('no desk to file at');
    const at = (verb: string, data: Record<string, unknown>): Promise<Card> => press({ serviceUrl, from: desk.technician, verb, data });
    const review = await fillToReview(at, { ...P2_ANSWERS.what, startedOn: today(), service: desk.service });
    const reference = /REQ-\d+/.exec(JSON.stringify(await at('intake.submit', actionOf(review, 'intake.submit'))))?.[0];
    if (reference === undefined) throw new Error('the submit answer names no reference');
    filed.push({ reference, desk });
  }
  return filed;
}

/** The `p`th percentile of ascending `sorted` values (NaN for none). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** How many times, and their median and 99th percentile in ms. */
export function latency(times: readonly number[]): { count: number; p50Ms: number; p99Ms: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: Number(percentile(sorted, 50).toFixed(2)), p99Ms: Number(percentile(sorted, 99).toFixed(2)) };
}

/**
 * Prints the rows as a table, the machine, and one `name: text` line per note; writes all of it to
 * .artifacts/bench/<file>.
 */
export async function report(file: string, rows: readonly Row[], notes: Record<string, string> = {}): Promise<void> {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
  const lines = [
    table(rows),
    `machine: ${machine.cpuModel} x${String(machine.cpus)}, ${String(machine.memoryGb)} GB, Node ${machine.node}`,
    ...Object.entries(notes).map(([name, text]) => `${name}: ${text}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const out = resolve(__dirname, '..', '..', '.artifacts', 'bench');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, file), `${JSON.stringify({ at: new Date().toISOString(), machine, rows, ...notes }, null, 2)}\n`);
}

/** A plain text table: one header line, one line per row, columns padded. */
function table(rows: readonly Row[]): string {
  const columns = Object.keys(rows[0] ?? {});
  const cells = [columns, ...rows.map((r) => columns.map((c) => String(r[c] ?? '')))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  return cells.map((line) => line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

/** Runs a benchmark's main; a failure is printed and ends the process, servers and Azurite still running or not. */
export function run(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
