// Measures IT staff acting on request cards in their channels on this machine, through the real HTTP edge on
// loopback, with real Azurite and a fake Bot Connector. The presses are Take it, then Put on hold and Take off
// hold in turn, so that every press changes its request.
//
//   - Answer time and Table round trips per press, with the outbox off (an app with background: false), so
//     that only the press's own round trips are counted.
//   - End to end, with the outbox running by itself as in production: from sending the press until both the
//     card update (the PUT on the card's message) and the requester's personal message have reached the
//     connector. The presses are spread over channels, technicians and time so that no conversation, and not
//     the app, comes near Teams' rate limits, which Liaison's outbox paces itself by: what is measured is
//     Liaison, not a pacing wait. The output says how busy the busiest conversations were.
//
//   npm run bench      (300 presses, and 200 end-to-end actions at 5 a second; BENCH_IT_PRESSES / BENCH_IT_ACTIONS to change)
//
// Results print as a table and are written to .artifacts/bench/it-action.json (git-ignored).

import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_CATALOGUE } from '../../src/catalogue';
import { startAzurite } from '../../src/storage/azurite';
import { LIBRARY_TEAM, TEST_TENANT_ID, USERS, rosterEntry, teamChannelList, type TestUser } from '../support/activities';
import { TEAMS_APP_WINDOWS, TEAMS_CONVERSATION_WINDOWS, startFakeConnector, type FakeConnector, type RateWindow, type RecordedCall } from '../support/fakeConnector';
import { actionOf, type Card } from '../support/intakeData';
import { fileAtDesks, latency, report, run, startApp, type BenchApp, type Desk, type Pressed, type Row } from './common';

const PRESSES = Number(process.env.BENCH_IT_PRESSES ?? 300);
const ACTIONS = Number(process.env.BENCH_IT_ACTIONS ?? 200);
const WARM_UP = 20;
/** IT channels of one team, one per service, and as many technicians: technician k files about service k. */
const DESKS = 10;
/** Requests per app, pressed in turn: a request is pressed again only after all the others. */
const REQUESTS = 40;
/** One end-to-end action this often: 3 messages each, so 15 a second for the app (Teams allows 30). */
const INTERVAL_MS = 200;
const IT_STAFF = [USERS.itStaff, USERS.manager];
const HOLD = { holdReason: 'vendor', holdNote: 'Waiting for a replacement reader.' };
const ARRIVAL_TIMEOUT_MS = 15_000;
const POSTS: readonly RecordedCall['kind'][] = ['send', 'reply', 'update', 'createConversation'];

interface Request {
  reference: string;
  desk: Desk;
  /** The id of the card's message, the root of its thread in the channel. */
  messageId: string;
  /** The card as the last press left it. */
  card: Card;
  presses: number;
  /** The last press on it: the next one waits for its answer, which carries the card's new revision. */
  done: Promise<unknown>;
}

interface Desks {
  bench: BenchApp;
  connector: FakeConnector;
  requests: Request[];
  close(): Promise<void>;
}

function technician(k: number): TestUser {
  const key = `bench${String(k)}`;
  const upn = `bench.technician${String(k)}@library.example.org`;
  return {
    id: `29:1${key}-teams-user-id`,
    name: `Bench Technician ${String(k)}`,
    givenName: 'Bench',
    surname: `Technician ${String(k)}`,
    aadObjectId: `a1111111-1111-4111-8111-${String(k).padStart(12, '0')}`,
    email: upn,
    userPrincipalName: upn,
    tenantId: TEST_TENANT_ID,
    personalConversationId: `a:1${key}-personal-conversation`,
  };
}

const DESK_LIST: readonly Desk[] = DEFAULT_CATALOGUE.slice(0, DESKS).map((service, k) => ({
  service: service.id,
  channel: { id: `19:bench-it-${String(k)}@thread.tacv2`, name: `IT ${service.name}` },
  technician: technician(k),
}));

/** Whether a message is about the request: Liaison sums up each message it sends as `<reference>: ...`. */
const mentions = (call: RecordedCall, reference: string): boolean => call.activity?.summary?.startsWith(`${reference}:`) === true;

/**
 * Liaison with its IT channels connected, the IT team's roster set, and REQUESTS requests filed by the
 * technicians, each with its card posted in its channel.
 */
async function openDesks(connectionString: string, prefix: string, background: boolean): Promise<Desks> {
  const connector = await startFakeConnector({ rateLimits: {} });
  connector.setRoster(IT_STAFF.map(rosterEntry), LIBRARY_TEAM.id);
  connector.setChannels(LIBRARY_TEAM.id, [...teamChannelList(), ...DESK_LIST.map((d) => ({ ...d.channel, type: 'standard' }))]);
  const bench = await startApp(connectionString, prefix, background);
  const serviceUrl = connector.url;

  const filed = await fileAtDesks(async (p) => (await bench.press(p)).card, serviceUrl, DESK_LIST, REQUESTS);

  const posted = (): number => connector.calls.filter((c) => c.kind === 'createConversation' && c.delivered).length;
  for (let pass = 0; !background && pass < 10 && posted() < REQUESTS; pass++) await bench.app.outbox.drain();
  const requests = await Promise.all(
    filed.map(async ({ reference, desk }): Promise<Request> => {
      const [call] = await connector.waitForCalls(1, ARRIVAL_TIMEOUT_MS, (c) => c.kind === 'createConversation' && c.delivered && mentions(c, reference));
      const card = call?.activity?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as Card | undefined;
      if (call?.assignedId === undefined || card === undefined) throw new Error(`the card of ${reference} was not posted`);
      return { reference, desk, messageId: call.assignedId, card, presses: 0, done: Promise.resolve() };
    }),
  );
  return {
    bench,
    connector,
    requests,
    async close() {
      await bench.close();
      await connector.close();
    },
  };
}

/** Take it first, then Put on hold and Take off hold in turn. */
const verbOf = (presses: number): string => (presses === 0 ? 'it.take' : presses % 2 === 1 ? 'it.hold' : 'it.resume');

/** Presses the request card's next button in its thread, as `by`; fails unless the press changed the request. */
async function pressIt(desks: Desks, r: Request, by: TestUser): Promise<Pressed> {
  const verb = verbOf(r.presses);
  const action = actionOf(r.card, verb);
  const pressed = await desks.bench.press({
    serviceUrl: desks.connector.url,
    from: by,
    verb,
    data: { ...action, ...(verb === 'it.hold' ? HOLD : {}) },
    messageId: r.messageId,
    conversation: { kind: 'channel', channelId: r.desk.channel.id, threadId: r.messageId },
  });
  r.presses += 1;
  r.card = pressed.card;
  if (Number(actionOf(r.card, verbOf(r.presses)).rev) !== Number(action.rev) + 1) throw new Error(`${verb} did not change ${r.reference}`);
  return pressed;
}

interface EndToEnd {
  answerMs: number;
  cardMs: number;
  personalMs: number;
}

/** A press, timed from sending it until its answer, its card update and the requester's message have arrived. */
async function endToEnd(desks: Desks, r: Request, by: TestUser): Promise<EndToEnd> {
  const { connector } = desks;
  const mark = connector.calls.length;
  const started = performance.now();
  const arrival = (what: (call: RecordedCall) => boolean): Promise<number> =>
    connector.waitForCalls(1, ARRIVAL_TIMEOUT_MS, (c) => c.seq > mark && c.delivered && what(c)).then(() => performance.now() - started);
  const [pressed, cardMs, personalMs] = await Promise.all([
    pressIt(desks, r, by),
    arrival((c) => c.kind === 'update' && c.activityId === r.messageId),
    arrival((c) => c.kind === 'send' && c.conversationId === r.desk.technician.personalConversationId && mentions(c, r.reference)),
  ]);
  return { answerMs: pressed.ms, cardMs, personalMs };
}

/** The most of the ascending `times` within any `ms` milliseconds that ends at or after `from`. */
function busiest(times: readonly number[], ms: number, from: number): number {
  let most = 0;
  let start = 0;
  times.forEach((t, end) => {
    while ((times[start] ?? t) <= t - ms) start += 1;
    if (t >= from) most = Math.max(most, end - start + 1);
  });
  return most;
}

/**
 * How close the posts delivered from `from` on (counting the earlier ones still in their windows) came to
 * Teams' limits: per IT channel (its threads count as the channel), per personal chat and for the app.
 * Liaison's pacer makes a send wait only when a window is already full.
 */
function pacing(connector: FakeConnector, from: number): string {
  const byConversation = new Map<string, number[]>();
  const app: number[] = [];
  for (const call of connector.calls) {
    if (!call.delivered || !POSTS.includes(call.kind) || call.conversationId === undefined) continue;
    const key = call.conversationId.split(';messageid=')[0] ?? call.conversationId;
    byConversation.set(key, [...(byConversation.get(key) ?? []), call.at.getTime()]);
    app.push(call.at.getTime());
  }
  const peaks = (lists: readonly number[][], windows: readonly RateWindow[]): { window: RateWindow; most: number }[] =>
    windows.map((window) => ({ window, most: Math.max(0, ...lists.map((times) => busiest(times, window.ms, from))) }));
  const lists = [...byConversation];
  const channels = peaks(lists.filter(([key]) => key.startsWith('19:')).map(([, times]) => times), TEAMS_CONVERSATION_WINDOWS);
  const chats = peaks(lists.filter(([key]) => !key.startsWith('19:')).map(([, times]) => times), TEAMS_CONVERSATION_WINDOWS);
  const whole = peaks([app], TEAMS_APP_WINDOWS);
  const text = (found: readonly { window: RateWindow; most: number }[]): string =>
    found.map(({ window, most }) => `${String(most)}/${String(window.count)} per ${String(window.ms / 1_000)} s`).join(', ');
  const full = [...channels, ...chats, ...whole].some(({ window, most }) => most >= window.count);
  const verdict = full ? 'a window was full at times, so some sends may have waited for pacing' : 'every window stayed below its limit, so no send waited for pacing';
  return `busiest IT channel ${text(channels)}; busiest personal chat ${text(chats)}; app ${text(whole)}; ${String(connector.throttledCount())} throttled; ${verdict}`;
}

function row(action: string, times: readonly number[], trips?: readonly number[]): Row {
  const none = '-';
  return {
    action,
    ...latency(times),
    roundTripsMin: trips ? Math.min(...trips) : none,
    roundTripsMax: trips ? Math.max(...trips) : none,
    roundTripsMean: trips ? Number((trips.reduce((a, b) => a + b, 0) / trips.length).toFixed(2)) : none,
  };
}

async function main(): Promise<void> {
  const azurite = await startAzurite({});

  // Outbox off: the press alone.
  const off = await openDesks(azurite.connectionString, 'itoff', false);
  const answerOff: number[] = [];
  const trips: number[] = [];
  for (let k = 0; k < WARM_UP + PRESSES; k++) {
    const pressed = await pressIt(off, off.requests[k % REQUESTS]!, IT_STAFF[k % IT_STAFF.length]!);
    if (k < WARM_UP) continue;
    answerOff.push(pressed.ms);
    trips.push(pressed.trips);
  }
  await off.close();

  // Outbox on: one action every INTERVAL_MS whatever the earlier ones are doing, on the requests in turn.
  const on = await openDesks(azurite.connectionString, 'iton', true);
  const timings: EndToEnd[] = [];
  const runs: Promise<void>[] = [];
  const started = performance.now();
  let measuredFrom = Date.now();
  for (let k = 0; k < WARM_UP + ACTIONS; k++) {
    await sleep(Math.max(0, started + k * INTERVAL_MS - performance.now()));
    if (k === WARM_UP) measuredFrom = Date.now();
    const r = on.requests[k % REQUESTS]!;
    const by = IT_STAFF[k % IT_STAFF.length]!;
    const done = r.done
      .then(() => endToEnd(on, r, by))
      .then((t) => {
        if (k >= WARM_UP) timings.push(t);
      });
    r.done = done;
    runs.push(done);
  }
  await Promise.all(runs);
  const pacingNote = pacing(on.connector, measuredFrom);
  await on.close();
  await azurite.stop();

  await report(
    'it-action.json',
    [
      row('IT action, answer (outbox off)', answerOff, trips),
      row('IT action, answer (outbox on)', timings.map((t) => t.answerMs)),
      row('IT action to card update (PUT)', timings.map((t) => t.cardMs)),
      row('IT action to personal message', timings.map((t) => t.personalMs)),
      row('IT action end to end (both)', timings.map((t) => Math.max(t.cardMs, t.personalMs))),
    ],
    {
      spread:
        `${String(PRESSES)} presses with the outbox off, then ${String(ACTIONS)} end-to-end actions with it on, one every ${String(INTERVAL_MS)} ms ` +
        `(${String(WARM_UP)} warm-up presses before each); on ${String(REQUESTS)} requests in turn (each pressed again after ${String((REQUESTS * INTERVAL_MS) / 1_000)} s), ` +
        `in ${String(DESKS)} IT channels of one team, filed by ${String(DESKS)} technicians (one personal chat each), pressed by ${String(IT_STAFF.length)} IT staff; ` +
        'each action posts a card update and a thread line in its channel and a message in its requester\'s chat',
      pacing: pacingNote,
    },
  );
}

run(main);
