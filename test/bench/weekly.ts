// Measures building the weekly thanks post on this machine (issue 5's figures, issue 6's scenario 6): one week
// of 10,000 thanks in a history of 1,000,000, in real Azurite. Reported: WeeklyPoster.build's time (p50 and
// max of 5 runs after a warm-up), the card's render time, the praise rows read (must equal the week's rows,
// or the bench fails), the Table round trips a build costs, the card's size against platform.md's 80 KB,
// and peak RSS of this process and of Azurite.
//
// Azurite answers every page of a query by scanning the whole table (LokiJS `where` over all entities), so
// at a million rows a page outlasts the app's 3 s per try. The bench therefore tries one build through the
// app's own clients and reports how it went, measures through the same stores over clients without that
// timeout, and measures a control: the same week alone in its own tables, which is what Azure Tables'
// partition-and-row-key ranges make of the history.
//
// The history is seeded straight into the Praise table (praiseEntity rows, batches of 100 per day partition,
// many in flight), spread over 100 weeks of which the measured one is the second newest, so that rows of the
// weeks before and after it share its first and last UTC days. Data are the same every run (seeded random,
// fixed dates).
//
//   npm run bench:weekly      (BENCH_WEEKLY_HISTORY, default 1,000,000; BENCH_WEEKLY_WEEK, default 10,000;
//                              BENCH_WEEKLY_CONCURRENCY, batches in flight, default 24;
//                              BENCH_WEEKLY_LOCATION, a folder to keep Azurite's data in instead of memory)
//
// Results print as a table and are written to .artifacts/bench/weekly.json (git-ignored).

import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { weeklyThanksCard } from '../../src/cards/praiseViews';
import { WeeklyPoster } from '../../src/jobs/weekly';
import { systemClock } from '../../src/lib/clock';
import { createLogger } from '../../src/lib/logger';
import { DEFAULT_POLICY } from '../../src/policy/policy';
import { DEFAULT_PRAISE, lastClosedWeek, weekOf, type Praise, type PraiseWeek, type Thanked, type Visibility } from '../../src/praise/praise';
import { referenceOf } from '../../src/requests/request';
import { startAzurite } from '../../src/storage/azurite';
import { tableOutbox } from '../../src/storage/outbox';
import { praiseEntity, tablePraise } from '../../src/storage/praise';
import { resolvedKey, type ResolvedEntity } from '../../src/storage/requestRows';
import { tableRequests } from '../../src/storage/requests';
import { openTables, roundTripCounter, tableKey, type TableName, type Tables } from '../../src/storage/tables';
import { TEST_TENANT_ID } from '../support/activities';
import { TIME_ZONE } from '../support/intakeData';
import { percentile, report, run, type Row } from './common';

const HISTORY = Number(process.env.BENCH_WEEKLY_HISTORY ?? 1_000_000);
const WEEK_ROWS = Number(process.env.BENCH_WEEKLY_WEEK ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_WEEKLY_CONCURRENCY ?? 24);
const LOCATION = process.env.BENCH_WEEKLY_LOCATION;
const WEEKS = 100;
/** The measured week: the last one closed at NOW, with one (open) week of history after it. */
const MEASURED = WEEKS - 2;
const NOW = new Date('2026-03-16T02:00:00Z');
const RUNS = 5;
const BATCH = 100;
const RESOLVED_IN_WEEK = 300;
const RESOLVED_PER_OTHER_WEEK = 40;
const CARD_LIMIT_BYTES = 80 * 1024;
const TENANT = TEST_TENANT_ID;
const PREFIX = 'benchweekly';
/** The control: the same week alone in its own tables, to tell what the rest of the history costs. */
const CONTROL_PREFIX = 'benchweeklyonly';
const HOUR_MS = 3_600_000;

/** mulberry32: a small seeded generator, so that every run seeds the same history. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = random(20260316);
const between = (low: number, high: number): number => low + Math.floor(rnd() * (high - low + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
const hex = (digits: number): string => Array.from({ length: digits }, () => Math.floor(rnd() * 16).toString(16)).join('');
const guid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;

const FIRST = ['Aisha', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jack', 'Kiri', 'Liam', 'Maya', 'Noah', 'Olivia', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq', 'Uma', 'Vik', 'Wen', 'Yusuf', 'Zoe'];
const LAST = ['Ahmed', 'Brown', 'Chen', 'Dubois', 'Evans', 'Fraser', 'García', 'Hughes', 'Ivanova', 'Jones', 'Kaur', 'Lee', 'Murphy', 'Nguyen', "O'Brien", 'Patel', 'Rossi', 'Smith', 'Tanaka', 'Walker'];
const TEAMS = ['Service Desk', 'Library Systems', 'Networks & Wi-Fi', 'Devices', 'Accounts & Access'];
const SENTENCES = [
  'Thank you so much for sorting out the self-checkout at Central before the school holiday rush.',
  'The receipt printer works again and the queue at the desk is gone.',
  'You explained what went wrong in plain words, which helped me tell the patrons.',
  'Really appreciated you staying on the call until the catalogue came back.',
  'Quick fix on the public PCs this morning, the study group could start on time.',
  'You came over to the branch yourself when the scanner would not talk to the network.',
  'Our new starter has her account and her badge, and she felt welcome from day one.',
  'The Wi-Fi in the reading room has been solid all week since your change.',
  'Thanks for the patience while I described the problem three different ways.',
  'The label printer is a mystery to all of us, but not to you!',
  'You followed up the next day to check it was still working, which nobody asked you to do.',
  'Brilliant help with the room booking screens before the author talk.',
];

function messageOf(): string {
  const length = between(50, 300);
  let text = '';
  while (text.length < length) text += `${text === '' ? '' : ' '}${pick(SENTENCES)}`;
  return text.length <= length ? text : text.slice(0, text.lastIndexOf(' ', length) > 50 ? text.lastIndexOf(' ', length) : length);
}

const IT_STAFF: Thanked[] = Array.from({ length: 40 }, (_, i) => ({
  aadObjectId: guid(),
  name: `${pick(FIRST)} ${pick(LAST)}`,
  userId: `29:1${hex(40)}`,
  teamId: `19:${hex(32)}@thread.tacv2`,
  teamName: TEAMS[i % TEAMS.length] ?? 'Service Desk',
}));
const TECHNICIANS = Array.from({ length: 200 }, () => ({ aadObjectId: guid(), name: `${pick(FIRST)} ${pick(LAST)}` }));
/** IT staff who keep their names out of public posts, and a few who said yes explicitly. */
const OPTED_OUT = IT_STAFF.slice(0, 4);
const OPTED_IN = IT_STAFF.slice(4, 10);

function praiseAt(at: Date, n: number): Praise {
  const to = new Map<string, Thanked>();
  for (const count = between(2, 3); to.size < count; ) {
    const person = pick(IT_STAFF);
    to.set(person.aadObjectId, person);
  }
  const roll = rnd();
  const visibility: Visibility = roll < 0.1 ? 'private' : roll < 0.25 ? 'now' : 'weekly';
  const seq = rnd() < 0.4 ? between(1, 60_000) : undefined;
  return {
    tenantId: TENANT,
    id: `${n.toString(36)}${hex(10)}`,
    from: pick(TECHNICIANS),
    to: [...to.values()],
    badge: pick(DEFAULT_PRAISE.badges),
    message: messageOf(),
    visibility,
    at,
    ...(seq === undefined ? {} : { request: { seq, reference: referenceOf(seq), title: 'Self-checkout kiosk at Central keeps rebooting' } }),
  };
}

/** The 100 weeks of history, oldest first; WEEKS[MEASURED] is the week the post is built for. */
function weeksOfHistory(): PraiseWeek[] {
  const measured = lastClosedWeek(NOW, DEFAULT_PRAISE.weeklyPost, TIME_ZONE);
  const weeks = [measured];
  while (weeks.length <= MEASURED) weeks.unshift(weekOf(new Date((weeks[0]?.start.getTime() ?? 0) - 1), DEFAULT_PRAISE.weeklyPost, TIME_ZONE));
  while (weeks.length < WEEKS) weeks.push(weekOf(weeks[weeks.length - 1]?.end ?? NOW, DEFAULT_PRAISE.weeklyPost, TIME_ZONE));
  return weeks;
}

/** How many rows each week gets: WEEK_ROWS for the measured one, the rest of HISTORY spread evenly. */
function rowsPerWeek(): number[] {
  const others = HISTORY - WEEK_ROWS;
  return Array.from({ length: WEEKS }, (_, i) => {
    if (i === MEASURED) return WEEK_ROWS;
    const k = i < MEASURED ? i : i - 1;
    return Math.floor(others / (WEEKS - 1)) + (k < others % (WEEKS - 1) ? 1 : 0);
  });
}

type Entity = { partitionKey: string; rowKey: string } & Record<string, unknown>;

/** A week's praise, generated when its turn comes, as batches of at most 100 rows of one partition (UTC day). */
function* praiseBatches(weeks: readonly PraiseWeek[], counts: readonly number[]): Generator<Entity[]> {
  let n = 0;
  for (const [i, week] of weeks.entries()) {
    const byPartition = new Map<string, Entity[]>();
    const span = week.end.getTime() - week.start.getTime();
    for (let r = 0; r < (counts[i] ?? 0); r++) {
      const entity = praiseEntity(praiseAt(new Date(week.start.getTime() + Math.floor(rnd() * span)), n++));
      const rows = byPartition.get(entity.partitionKey) ?? [];
      rows.push(entity);
      byPartition.set(entity.partitionKey, rows);
    }
    for (const rows of byPartition.values()) for (let at = 0; at < rows.length; at += BATCH) yield rows.slice(at, at + BATCH);
  }
}

/** Resolutions for the weekly facts: RESOLVED_IN_WEEK in the measured week, fewer in every other. */
function* resolvedBatches(weeks: readonly PraiseWeek[]): Generator<Entity[]> {
  const rows: ResolvedEntity[] = [];
  let seq = 0;
  for (const [i, week] of weeks.entries()) {
    for (let r = 0; r < (i === MEASURED ? RESOLVED_IN_WEEK : RESOLVED_PER_OTHER_WEEK); r++) {
      const resolvedAt = new Date(week.start.getTime() + Math.floor(rnd() * (week.end.getTime() - week.start.getTime())));
      const createdAt = new Date(resolvedAt.getTime() - between(10 * 60_000, 5 * 24 * HOUR_MS));
      const resolveBy = new Date(createdAt.getTime() + pick([4, 8, 24, 72]) * HOUR_MS);
      seq++;
      rows.push({ partitionKey: tableKey(TENANT), rowKey: resolvedKey(resolvedAt, seq), seq, createdAt, resolvedAt, resolveBy });
    }
  }
  for (let at = 0; at < rows.length; at += BATCH) yield rows.slice(at, at + BATCH);
}

/** Writes every batch with `workers` transactions in flight; upserts, so that a retried batch is harmless. */
async function seed(table: TableClient, batches: Iterator<Entity[]>, workers: number, progress: (rows: number) => void): Promise<number> {
  let written = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let next = batches.next(); next.done !== true; next = batches.next()) {
        await table.submitTransaction(next.value.map((entity): TransactionAction => ['upsert', entity, 'Replace']));
        written += next.value.length;
        progress(written);
      }
    }),
  );
  return written;
}

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

/** Starts a new peak for a process's VmHWM (Linux 4.0+), so that Azurite's peak is the builds', not the seeding's. */
function resetPeakRss(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    writeFileSync(`/proc/${String(pid)}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak resident memory of a process on Linux (VmHWM), in MB; undefined elsewhere. */
function peakRssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) / 1024);
  } catch {
    return undefined;
  }
}

interface Seeded {
  praiseRows: number;
  controlRows: number;
  resolvedRows: number;
  seconds: number;
  peakRssMb: number;
}

const SEED_ARG = 'seed';
const SUITE_ARG = 'suite';
const CONNECTION_ENV = 'BENCH_WEEKLY_CONNECTION';

/** Writes a history (`counts` praise rows per week) and the resolutions and name settings into the tables of `prefix`. */
async function seedTables(connectionString: string, prefix: string, counts: readonly number[]): Promise<{ praiseRows: number; resolvedRows: number }> {
  const client = (name: TableName): TableClient => TableClient.fromConnectionString(connectionString, prefix + name, { allowInsecureConnection: true });
  const total = counts.reduce((sum, n) => sum + n, 0);
  const started = Date.now();
  let lastPrint = 0;
  const progress = (rows: number): void => {
    if (Date.now() - lastPrint < 5_000 && rows < total) return;
    lastPrint = Date.now();
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`seeding ${prefix}: ${rows.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} praise rows, ${seconds.toFixed(0)} s, ${Math.round(rows / seconds).toLocaleString('en-GB')} rows/s\n`);
  };
  const weeks = weeksOfHistory();
  const praiseRows = await seed(client('Praise'), praiseBatches(weeks, counts), CONCURRENCY, progress);
  const resolvedRows = await seed(client('Requests'), resolvedBatches(weeks), CONCURRENCY, () => undefined);
  const praise = tablePraise(client('Praise'));
  for (const person of OPTED_OUT) await praise.setShowsName(TENANT, person.aadObjectId, false, NOW);
  for (const person of OPTED_IN) await praise.setShowsName(TENANT, person.aadObjectId, true, NOW);
  return { praiseRows, resolvedRows };
}

/**
 * Seeds the history and the control. Runs in a child process of the bench, so that the memory seeding
 * takes is not counted in the builds' peak RSS. Seeding goes around the app's clients: their 3 s per try
 * is for answering Teams, not for bulk loads.
 */
async function seedAll(connectionString: string): Promise<Seeded> {
  const started = Date.now();
  const history = await seedTables(connectionString, PREFIX, rowsPerWeek());
  const seconds = (Date.now() - started) / 1000;
  const control = await seedTables(connectionString, CONTROL_PREFIX, rowsPerWeek().map((n, i) => (i === MEASURED ? n : 0)));
  return { praiseRows: history.praiseRows, controlRows: control.praiseRows, resolvedRows: history.resolvedRows, seconds, peakRssMb: mb(process.resourceUsage().maxRSS * 1024) };
}

/** Runs this file again as the seeding child (same loader, same arguments to node) and waits for its figures. */
function seedInChild(connectionString: string): Promise<Seeded> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [SEED_ARG], { env: { ...process.env, [CONNECTION_ENV]: connectionString } });
    let seeded: Seeded | undefined;
    child.on('message', (message) => {
      seeded = message as Seeded;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0 && seeded) resolve(seeded);
      else reject(new Error(`seeding stopped (exit code ${String(code)}, signal ${String(signal)})`));
    });
  });
}

type Reader = Pick<Tables, 'client' | 'roundTrips'>;

/**
 * The tables as the app reads them, minus the app's per-try timeout (3 s per request, not retried when it runs out): Azurite scans every
 * row of a table for each page of a query, whatever its partition, and at a million rows a page takes
 * longer than that. Round trips are counted as Tables.roundTrips() counts them.
 */
function unboundedTables(connectionString: string, prefix: string): Reader {
  const counter = roundTripCounter();
  const clients = new Map<TableName, TableClient>();
  return {
    client(name) {
      const known = clients.get(name);
      if (known) return known;
      const client = TableClient.fromConnectionString(connectionString, prefix + name, { allowInsecureConnection: true, additionalPolicies: [{ policy: counter.policy, position: 'perRetry' }] });
      clients.set(name, client);
      return client;
    },
    roundTrips: () => counter.count(),
  };
}

/** The poster with the real praise, request and outbox stores; what build() does not use is a stub that fails. */
function posterOn(tables: Reader): WeeklyPoster {
  const unused = (): Promise<never> => Promise.reject(new Error('not used by WeeklyPoster.build'));
  return new WeeklyPoster({
    praise: tablePraise(tables.client('Praise')),
    requests: tableRequests(tables.client('Requests')),
    channelSettings: { praiseChannels: unused },
    references: { get: unused },
    sender: { send: unused },
    queue: tableOutbox(tables.client('Requests')),
    admins: [],
    pace: unused,
    policy: DEFAULT_POLICY,
    timeZone: TIME_ZONE,
    clock: systemClock,
    logger: createLogger('silent'),
  });
}

interface Measured {
  row: Row;
  buildMaxMs: number;
  rowsRead: number[];
  shown: number;
  resolved: number;
}

/** Builds the week's post RUNS times after a warm-up, and renders its card each time. */
async function measure(label: string, tables: Reader, week: PraiseWeek): Promise<Measured> {
  const poster = posterOn(tables);
  const buildMs: number[] = [];
  const cardMs: number[] = [];
  const trips: number[] = [];
  const rowsRead: number[] = [];
  let cardBytes = 0;
  let shown = 0;
  let resolved = 0;
  for (let i = 0; i < 1 + RUNS; i++) {
    const tripsBefore = tables.roundTrips();
    const started = process.hrtime.bigint();
    const built = await poster.build(TENANT, week);
    const builtAt = process.hrtime.bigint();
    const card = weeklyThanksCard(built.summary, { timeZone: TIME_ZONE, mentionLimit: DEFAULT_PRAISE.mentionLimit, mode: { kind: 'post', lateDays: 0 } });
    const renderedAt = process.hrtime.bigint();
    cardBytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
    shown = built.summary.thanks.length;
    resolved = built.summary.facts.resolved;
    process.stdout.write(`${label}, ${i === 0 ? 'warm-up' : `run ${String(i)}`}: build ${(Number(builtAt - started) / 1e6).toFixed(0)} ms, ${String(built.praiseRowsRead)} rows read\n`);
    if (i === 0) continue;
    buildMs.push(Number(builtAt - started) / 1e6);
    cardMs.push(Number(renderedAt - builtAt) / 1e6);
    trips.push(tables.roundTrips() - tripsBefore);
    rowsRead.push(built.praiseRowsRead);
  }
  const sorted = [...buildMs].sort((a, b) => a - b);
  const buildMaxMs = Math.max(...buildMs);
  return {
    row: {
      scenario: label,
      runs: RUNS,
      buildP50Ms: Number(percentile(sorted, 50).toFixed(1)),
      buildMaxMs: Number(buildMaxMs.toFixed(1)),
      cardP50Ms: Number(percentile([...cardMs].sort((a, b) => a - b), 50).toFixed(2)),
      rowsRead: Math.max(...rowsRead),
      weekRows: WEEK_ROWS,
      roundTrips: Math.max(...trips),
      cardBytes,
      under80KB: cardBytes < CARD_LIMIT_BYTES ? 'yes' : 'NO',
      peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    },
    buildMaxMs,
    rowsRead,
    shown,
    resolved,
  };
}

/** One build through the app's own clients (3 s per request; a request that runs out is not retried): its time, or how it failed. */
async function throughAppClients(connectionString: string, week: PraiseWeek): Promise<string> {
  const tables = openTables({ kind: 'connectionString', connectionString }, PREFIX);
  const trips = tables.roundTrips();
  const started = Date.now();
  try {
    const built = await posterOn(tables).build(TENANT, week);
    return `built in ${String(Date.now() - started)} ms, ${String(built.praiseRowsRead)} rows read, ${String(tables.roundTrips() - trips)} round trips`;
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    return `FAILED after ${String(Date.now() - started)} ms and ${String(tables.roundTrips() - trips)} round trips (${name}: ${error instanceof Error ? error.message : String(error)})`;
  }
}

async function main(): Promise<void> {
  if (!(WEEK_ROWS > 0 && HISTORY >= WEEK_ROWS)) throw new Error('BENCH_WEEKLY_WEEK must be positive and at most BENCH_WEEKLY_HISTORY');
  const connection = process.env[CONNECTION_ENV];
  if (process.argv[2] === SEED_ARG && connection !== undefined) {
    await tellParent(await seedAll(connection));
    return;
  }
  if (process.argv[2] === SUITE_ARG && connection !== undefined) {
    await tellParent(await forSuite(connection));
    return;
  }
  const azurite = await startAzurite(LOCATION === undefined ? {} : { location: LOCATION });
  try {
    await bench(azurite.connectionString, azurite.pid);
  } finally {
    await azurite.stop();
  }
}

async function tellParent(message: object): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    process.send?.(message, undefined, {}, (error: Error | null) => {
      if (error) reject(error);
      else resolve();
    });
  });
  process.disconnect();
}

/** What one run of `npm run bench`'s weekly post scenario reports (test/bench/suite/weeklyPost.ts). */
export interface SuiteFigures {
  buildP50Ms: number;
  buildMaxMs: number;
  cardP50Ms: number;
  rowsRead: number;
  weekRows: number;
  roundTrips: number;
  cardBytes: number;
  peakRssMb: number;
  seededS?: number;
}

/**
 * The suite's run: the history is seeded once into the suite's Azurite (a child process, the first time),
 * then this process only builds and renders, so that its peak RSS is the build's.
 */
async function forSuite(connectionString: string): Promise<SuiteFigures> {
  const tables = openTables({ kind: 'connectionString', connectionString }, PREFIX);
  // The seeding writes the control's tables too.
  await Promise.all([tables, openTables({ kind: 'connectionString', connectionString }, CONTROL_PREFIX)].map((t) => t.ensureCreated()));
  const marker = tables.client('Praise');
  let seededS: number | undefined;
  try {
    await marker.getEntity('bench', 'seeded');
  } catch {
    seededS = (await seedInChild(connectionString)).seconds;
    await marker.upsertEntity({ partitionKey: 'bench', rowKey: 'seeded' });
  }
  const week = weeksOfHistory()[MEASURED];
  if (!week) throw new Error('no measured week');
  const measured = await measure('weekly post', unboundedTables(connectionString, PREFIX), week);
  if (!measured.rowsRead.every((n) => n === WEEK_ROWS)) throw new Error(`the builds read ${measured.rowsRead.join(', ')} praise rows; the week has ${String(WEEK_ROWS)}`);
  const row = measured.row;
  return {
    buildP50Ms: Number(row.buildP50Ms),
    buildMaxMs: Number(row.buildMaxMs),
    cardP50Ms: Number(row.cardP50Ms),
    rowsRead: Number(row.rowsRead),
    weekRows: WEEK_ROWS,
    roundTrips: Number(row.roundTrips),
    cardBytes: Number(row.cardBytes),
    peakRssMb: Number(row.peakRssMb),
    ...(seededS === undefined ? {} : { seededS }),
  };
}

async function bench(connectionString: string, azuritePid: number | undefined): Promise<void> {
  await Promise.all([PREFIX, CONTROL_PREFIX].map((prefix) => openTables({ kind: 'connectionString', connectionString }, prefix).ensureCreated()));
  const week = weeksOfHistory()[MEASURED];
  if (!week) throw new Error('no measured week');

  const seeded = await seedInChild(connectionString);
  const seedPeakAzurite = peakRssOf(azuritePid);
  const azuritePeakReset = resetPeakRss(azuritePid);
  process.stdout.write(`seeded ${seeded.praiseRows.toLocaleString('en-GB')} praise rows and ${seeded.resolvedRows.toLocaleString('en-GB')} resolutions in ${seeded.seconds.toFixed(1)} s\n`);

  const appClients = await throughAppClients(connectionString, week);
  process.stdout.write(`through the app's clients: ${appClients}\n`);
  const history = await measure(`weekly post, ${WEEK_ROWS.toLocaleString('en-GB')} of ${HISTORY.toLocaleString('en-GB')}`, unboundedTables(connectionString, PREFIX), week);
  const control = await measure(`control: the week alone (${seeded.controlRows.toLocaleString('en-GB')})`, unboundedTables(connectionString, CONTROL_PREFIX), week);
  const azuritePeak = peakRssOf(azuritePid);
  const exact = [...history.rowsRead, ...control.rowsRead].every((n) => n === WEEK_ROWS);

  await report('weekly.json', [history.row, control.row], {
    seeding: `${seeded.praiseRows.toLocaleString('en-GB')} praise rows over ${String(WEEKS)} weeks and ${seeded.resolvedRows.toLocaleString('en-GB')} resolutions in ${seeded.seconds.toFixed(1)} s (${Math.round(seeded.praiseRows / seeded.seconds).toLocaleString('en-GB')} rows/s, ${String(CONCURRENCY)} batches of ${String(BATCH)} in flight, in a child process with peak RSS ${String(seeded.peakRssMb)} MB; Azurite peak RSS by then ${String(seedPeakAzurite ?? '?')} MB)`,
    week: `${week.key} (${week.start.toISOString()} to ${week.end.toISOString()}, ${TIME_ZONE}): ${String(history.shown)} thanks shown in public lists, ${String(history.resolved)} requests resolved`,
    appClients: `one build through the app's clients (3 s per request; a request that runs out is not retried): ${appClients}`,
    clients: "the rows above use the app's stores over clients without the app's per-try timeout (Azurite scans the whole table for every page of a query)",
    peakRss: 'peakRssMb is the measuring process (it builds and renders; seeding ran in a child)',
    azurite: `${LOCATION === undefined ? 'in memory' : `data in ${LOCATION}`}, peak RSS ${azuritePeakReset ? 'during the builds' : 'over the run'} ${azuritePeak === undefined ? 'unknown' : `${String(azuritePeak)} MB`}`,
    target: `weekly post under 3 s: ${history.buildMaxMs < 3_000 ? 'yes' : 'no'}; rows read equal to the week's rows: ${exact ? 'yes' : 'no'}`,
  });
  if (!exact) throw new Error(`the builds read ${[...history.rowsRead, ...control.rowsRead].join(', ')} praise rows; the week has ${String(WEEK_ROWS)}`);
}

run(main);
