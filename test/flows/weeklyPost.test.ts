// The weekly thanks post through the real server, Azurite and the fake connector, with an injected
// clock: on time, empty, late (catch-up), exactly once with several instances and under connector
// failures (the admin told once), thanks still being stored, a channel without an address, registrations
// without a start, setup saved again, a week of 500 thanks, the rows a week's build reads, and the admins' preview.
// Library time is Australia/Perth; the week under test closes on Fri 5 Mar 2027 at 15:00.

import assert from 'node:assert/strict';
import { RestError } from '@azure/core-rest-pipeline';
import sinon from 'sinon';
import { DEFAULT_POLICY, type Policy } from '../../src/policy/policy';
import type { Thanked } from '../../src/praise/praise';
import { tableKey } from '../../src/storage/tables';
import { LIBRARY_TEAM, OTHER_TENANT_ID, TEST_TENANT_ID, USERS, cardAction, channelMessage, type TestChannel, type TestUser } from '../support/activities';
import { actionOf, actionsOf, type Card } from '../support/cards';
import { startFakeConnector, type FakeConnector, type RecordedCall } from '../support/fakeConnector';
import { cardOf, textOf, type Flow, type FlowOptions } from '../support/flow';
import { DAY_MS, P2_ANSWERS, Technician } from '../support/intake';
import { ItDesk, IT_CHANNEL, answerOf, connectItChannel, itInstances, personalCards } from '../support/itChannel';
import {
  ANNOUNCEMENTS,
  GENERAL,
  TestClock,
  bytesSent,
  instanceWithPolicy,
  libraryDay,
  libraryTime,
  markerKeys,
  markerOf,
  mentionsOf,
  postAttempts,
  postCard,
  registerForPraise,
  seed,
  seededPraise,
  seededStaff,
  setShowMyName,
  tagged,
  weekEnding,
  weeklyPosts,
} from '../support/weekly';

const { technician: TESS, itStaff: IVAN, manager: MARIA } = USERS;

/** Fri 26 Feb 2027 15:00 to Fri 5 Mar 2027 15:00, Perth. */
const WEEK = weekEnding('2027-03-05');
const NEXT_WEEK = weekEnding('2027-03-12');
const PREVIOUS_WEEK = weekEnding('2027-02-26');
/** The first sweep that posts: a minute after the post's time (thanks sent just before it are queued by then). */
const DUE = '2027-03-05T15:01';
const KB = 1024;
const HOUR_MS = 3_600_000;

/** IT staff as thanks name them (the IT channel's name is their team's). */
const thanked = (user: TestUser): Thanked => ({ aadObjectId: user.aadObjectId, name: user.name, userId: user.id, teamId: LIBRARY_TEAM.id, teamName: IT_CHANNEL.name });

const texts = (calls: readonly RecordedCall[]): string[] => calls.map((c) => textOf(postCard(c)));

describe('flow: the weekly thanks post', () => {
  const instances = itInstances({ background: false });
  let connectors: FakeConnector[] = [];
  afterEach(async () => {
    for (const connector of connectors) await connector.close();
    connectors = [];
  });

  /** One instance, or several sharing tables and connector (`count`), all on `clock`. */
  async function deployment(clock: TestClock, count = 1, options: FlowOptions = {}): Promise<Flow[]> {
    const connector = await startFakeConnector();
    connectors.push(connector);
    const first = await instances.start({ ...options, clock, sharedConnector: connector });
    const flows = [first];
    for (let i = 1; i < count; i++) flows.push(await instances.start({ ...options, clock, sharedConnector: connector, tables: first.tables }));
    return flows;
  }

  /** On Sat 27 Feb (in the week): IT connects its channel, and the channels are registered for the post. */
  async function registered(flow: Flow, clock: TestClock, channels: readonly TestChannel[] = [ANNOUNCEMENTS, GENERAL]): Promise<void> {
    clock.set('2027-02-27T09:00');
    await connectItChannel(flow);
    for (const channel of channels) await registerForPraise(flow, channel);
  }

  async function sweepAt(clock: TestClock, local: string, ...flows: Flow[]): Promise<void> {
    clock.set(local);
    await Promise.all(flows.map((f) => f.app.sweeper.sweep()));
  }

  /** A few public thanks in the week, seeded directly. */
  async function someThanks(flow: Flow, tag = 'w'): Promise<void> {
    await seed(flow, [seededPraise(`${tag}1`, libraryTime('2027-03-01T11:00'), [thanked(MARIA)]), seededPraise(`${tag}2`, libraryTime('2027-03-03T16:00'), [thanked(IVAN)])]);
  }

  /** `count` instances with the channels registered for the post (on Sat 27 Feb) and a few thanks in the week. */
  async function withThanks(setup: { count?: number; channels?: readonly TestChannel[]; options?: FlowOptions } = {}): Promise<{ clock: TestClock; flows: [Flow, ...Flow[]] }> {
    const clock = new TestClock();
    const [first, ...others] = await deployment(clock, setup.count ?? 1, setup.options);
    assert.ok(first);
    await registered(first, clock, setup.channels);
    await someThanks(first);
    return { clock, flows: [first, ...others] };
  }

  describe('on time', () => {
    /** Tess files the sample P2 request now; resolves with its reference once IT has its card. */
    async function file(flow: Flow, clock: TestClock, title: string): Promise<string> {
      const tess = new Technician(flow);
      const review = await tess.fillToReview({ ...P2_ANSWERS, what: { ...P2_ANSWERS.what, title, startedOn: libraryDay(clock.now()) } });
      const reference = /REQ-\d{4}/.exec(textOf(await tess.pressOn(review, 'intake.submit')))?.[0];
      assert.ok(reference, 'submitted with a reference');
      await new ItDesk(flow).settle();
      return reference;
    }

    async function resolve(flow: Flow, by: TestUser, reference: string): Promise<void> {
      const desk = new ItDesk(flow);
      const answer = await desk.press(by, reference, 'it.resolve', { resolution: 'Replaced the card reader.' });
      assert.match(textOf(answer.card), /Resolved/);
      await desk.settle();
    }

    async function tessPresses(flow: Flow, verb: string, data: Record<string, unknown>): Promise<Card> {
      const response = await flow.post(cardAction({ serviceUrl: flow.connector.url, from: TESS, verb, data }));
      assert.equal(response.status, 200);
      const { card } = answerOf(response.body);
      assert.ok(card, `${verb} answers with a card`);
      return card;
    }

    /** Tess confirms the resolution ("Fixed, thank you") and thanks IT on the prompt that follows. */
    async function confirmAndThank(flow: Flow, reference: string, choice: Record<string, string>): Promise<void> {
      const resolved = personalCards(flow).filter((c) => textOf(c).includes(reference) && actionsOf(c).some((a) => a.verb === 'requests.confirm')).at(-1);
      assert.ok(resolved, `Tess was told ${reference} is resolved`);
      const prompt = await tessPresses(flow, 'requests.confirm', actionOf(resolved, 'requests.confirm'));
      const sent = await tessPresses(flow, 'praise.send', { ...actionOf(prompt, 'praise.send'), ...choice });
      assert.match(textOf(sent), /will get your thanks/);
    }

    /** Tess types praise and sends thanks from the card. */
    async function praise(flow: Flow, choice: Record<string, string>): Promise<void> {
      const card = await new Technician(flow).say('praise');
      const sent = await tessPresses(flow, 'praise.send', { ...actionOf(card, 'praise.send'), ...choice });
      assert.match(textOf(sent), /will get your thanks/);
    }

    it("posts at Friday 15:00, not before, once in each registered channel, with the week's public thanks, team totals and facts", async () => {
      const clock = new TestClock('2027-02-25T10:00');
      const [flow] = await deployment(clock);
      assert.ok(flow);
      // The week before: IT is connected and Tess thanks Maria (that post is not this week's).
      await connectItChannel(flow);
      await praise(flow, { people: MARIA.aadObjectId, badge: 'Thank you', message: 'Last week: the scanner works again.', visibility: 'weekly' });
      await registered(flow, clock);
      await setShowMyName(flow, IVAN, false);

      // REQ-0001: 2 h, within its service level (8 business hours); Maria resolves, Tess confirms and thanks her.
      clock.set('2027-03-01T10:00');
      const first = await file(flow, clock, 'Self-check rejects every card');
      clock.set('2027-03-01T12:00');
      await resolve(flow, MARIA, first);
      clock.set('2027-03-01T12:30');
      await confirmAndThank(flow, first, { people: MARIA.aadObjectId, badge: 'Problem solver', message: 'The self-check was back before the lunchtime rush.', visibility: 'weekly' });
      // REQ-0002: 31 h, past its service level (due Tue 17:00); Ivan resolves it.
      clock.set('2027-03-02T09:00');
      const second = await file(flow, clock, 'Printer jams at the front desk');
      clock.set('2027-03-03T16:00');
      await resolve(flow, IVAN, second);
      // Thanks to both (Ivan keeps his name out of posts), to Ivan alone, and a private one.
      clock.set('2027-03-03T17:00');
      await praise(flow, { people: `${IVAN.aadObjectId},${MARIA.aadObjectId}`, badge: 'Team player', message: 'Thank you both for the new scanner settings.', visibility: 'weekly' });
      clock.set('2027-03-04T10:00');
      await praise(flow, { people: IVAN.aadObjectId, badge: 'Quick fix', message: 'Ivan alone: the receipt printer is back.', visibility: 'weekly' });
      clock.set('2027-03-04T11:00');
      await praise(flow, { people: MARIA.aadObjectId, badge: 'Patient teacher', message: 'Just between us: thanks for listening.', visibility: 'private' });
      await new ItDesk(flow).settle();

      await sweepAt(clock, '2027-03-05T14:59', flow);
      assert.equal(weeklyPosts(flow).length, 0, 'nothing before Friday 15:00');
      await sweepAt(clock, '2027-03-05T15:00', flow);
      assert.equal(weeklyPosts(flow).length, 0, 'nor in the minute after, while thanks sent just before are queued');
      assert.deepEqual(await markerKeys(flow), [], 'and nothing claimed');

      await sweepAt(clock, DUE, flow);
      const posts = weeklyPosts(flow);
      assert.deepEqual(posts.map((c) => c.conversationId).sort(), [ANNOUNCEMENTS.id, GENERAL.id].sort(), 'one post in each registered channel');
      for (const post of posts) {
        const card = postCard(post);
        const text = textOf(card);
        assert.match(text, /Thanks to IT this week/);
        assert.match(text, /Fri 26 Feb to Fri 5 Mar 2027/);
        assert.match(text, /\*\*Tess Nguyen\*\* thanked <at>Maria Lopez<\/at>\n/, 'who thanked whom');
        assert.match(text, /Problem solver\n“The self-check was back before the lunchtime rush\.”\nFor REQ-0001 · Self-check rejects every card/, 'badge, message and request');
        assert.match(text, /\*\*Tess Nguyen\*\* thanked Maria Lopez\nTeam player\n“Thank you both for the new scanner settings\.”/, 'a thanks to two names only the one who may be named');
        assert.match(text, /IT Requests: 3 thanks/, 'totals per team count every public thanks');
        assert.match(text, /Requests resolved\n2\n/);
        assert.match(text, /Median[^\n]*\n16 h 30 min\n/);
        assert.match(text, /service level\n50%/);
        const json = JSON.stringify(card);
        for (const absent of ['Ivan', 'Last week: the scanner', 'Just between us', 'receipt printer', 'This post is']) assert.ok(!json.includes(absent), `the post does not show "${absent}"`);
        assert.deepEqual(mentionsOf(card).map((m) => m.mentioned?.id), [MARIA.aadObjectId], 'only Maria is mentioned, once');
        const marker = await markerOf(flow, post.conversationId === GENERAL.id ? GENERAL : ANNOUNCEMENTS, WEEK.key);
        assert.equal(marker?.state, 'posted');
        assert.equal(marker.activityId, post.assignedId);
      }
    });

    it("includes a thanks sent before the week's end whose place in the list is still in the outbox, once", async () => {
      const clock = new TestClock();
      const [flow] = await deployment(clock);
      assert.ok(flow);
      await registered(flow, clock, [ANNOUNCEMENTS]);
      const desk = new ItDesk(flow);
      const storedThisWeek = async (): Promise<number> => (await flow.app.services.praise.between(TEST_TENANT_ID, WEEK.start, WEEK.end)).praises.length;

      // Half a minute before the post's time Tess thanks Maria while the Praise table fails: the thanks is
      // queued, and its place in the week's list (praise.record) waits in the outbox for a retry.
      clock.set('2027-03-05T14:59:30');
      const failing = sinon.stub(flow.tables.client('Praise'), 'upsertEntity').rejects(new RestError('Service Unavailable', { statusCode: 503 }));
      await praise(flow, { people: MARIA.aadObjectId, badge: 'Quick fix', message: 'Just in time: the self-check is back.', visibility: 'weekly' });
      await desk.settle();
      assert.ok(failing.called, "the week's row was tried");
      assert.equal(await storedThisWeek(), 0, 'not in the week’s rows yet');

      await sweepAt(clock, DUE, flow);
      const posts = weeklyPosts(flow);
      assert.equal(posts.length, 1, 'the post does not wait');
      assert.match(textOf(postCard(posts[0])), /\*\*Tess Nguyen\*\* thanked <at>Maria Lopez<\/at>\nQuick fix\n“Just in time: the self-check is back\.”/);
      assert.equal((await markerOf(flow, ANNOUNCEMENTS, WEEK.key))?.state, 'posted');

      // Once stored, the week's list has it once (the outbox row is gone, the table row is there).
      failing.restore();
      for (let tries = 0; (await storedThisWeek()) === 0; tries++) {
        assert.ok(tries < 100, 'the outbox stores it once the table answers again');
        await new Promise((resolve) => setTimeout(resolve, 50));
        await desk.settle();
      }
      const built = await flow.app.services.weekly.build(TEST_TENANT_ID, WEEK);
      assert.equal(built.summary.thanks.length, 1, 'counted once');
    });
  });

  describe('an empty week', () => {
    it('gets a short friendly note', async () => {
      const clock = new TestClock();
      const [flow] = await deployment(clock);
      assert.ok(flow);
      await registered(flow, clock);
      await sweepAt(clock, DUE, flow);
      const posts = weeklyPosts(flow);
      assert.equal(posts.length, 2);
      for (const text of texts(posts)) {
        assert.match(text, /No thanks were shared this week\. When IT helps you, type praise to say thank you\./);
        assert.match(text, /Requests resolved\n0/);
        assert.doesNotMatch(text, /thanked/);
      }
    });

    const skipping: Policy = { ...DEFAULT_POLICY, praise: { ...DEFAULT_POLICY.praise, weeklyPost: { ...DEFAULT_POLICY.praise.weeklyPost, emptyWeek: 'skip' } } };

    it("gets nothing with praise.weeklyPost.emptyWeek 'skip', and the week is settled", async () => {
      const clock = new TestClock();
      const [flow] = await deployment(clock);
      assert.ok(flow);
      await registered(flow, clock);
      const app = await instanceWithPolicy(flow, skipping, clock);
      try {
        clock.set(DUE);
        await app.sweeper.sweep();
        await app.sweeper.sweep();
        assert.equal(postAttempts(flow).length, 0, 'nothing posted');
        assert.equal((await markerOf(flow, ANNOUNCEMENTS, WEEK.key))?.state, 'posted', 'the week is done for the channel');
        // The next week has thanks: it is posted as usual.
        await seed(flow, [seededPraise('next', libraryTime('2027-03-08T10:00'), [thanked(MARIA)])]);
        clock.set('2027-03-12T15:01');
        await app.sweeper.sweep();
        assert.equal(weeklyPosts(flow).length, 2);
        assert.match(textOf(postCard(weeklyPosts(flow)[0])), /ref:next;/);
      } finally {
        await app.close(1_000);
      }
    });

    it("with 'skip', still posts a week whose thanks all went to people who keep their names out of posts (the totals)", async () => {
      const clock = new TestClock();
      const [flow] = await deployment(clock);
      assert.ok(flow);
      await registered(flow, clock, [ANNOUNCEMENTS]);
      await setShowMyName(flow, IVAN, false);
      await seed(flow, [seededPraise('quiet', libraryTime('2027-03-02T10:00'), [thanked(IVAN)])]);
      const app = await instanceWithPolicy(flow, skipping, clock);
      try {
        clock.set(DUE);
        await app.sweeper.sweep();
      } finally {
        await app.close(1_000);
      }
      const [text] = texts(weeklyPosts(flow));
      assert.ok(text !== undefined, 'posted: the week had thanks');
      assert.match(text, /IT Requests: 1 thank-you/);
      assert.match(text, /prefer not to be named/);
      assert.doesNotMatch(text, /Ivan|ref:quiet;/);
    });
  });

  describe('late (Liaison was not running at 15:00)', () => {
    it('catches up on Saturday 10:00 without saying it is late', async () => {
      const { clock, flows: [flow] } = await withThanks();
      await sweepAt(clock, '2027-03-06T10:00', flow);
      const posts = weeklyPosts(flow);
      assert.equal(posts.length, 2);
      for (const text of texts(posts)) {
        assert.match(text, /ref:w1;/);
        assert.doesNotMatch(text, /This post is .* late/);
      }
    });

    it('says it is late when it goes out more than a day late (Sunday 16:00)', async () => {
      const { clock, flows: [flow] } = await withThanks();
      await sweepAt(clock, '2027-03-07T16:00', flow);
      const posts = weeklyPosts(flow);
      assert.equal(posts.length, 2);
      for (const text of texts(posts)) {
        assert.match(text, /This post is 2 days late\./);
        assert.match(text, /Fri 26 Feb to Fri 5 Mar 2027/);
      }
    });

    it('posts only the latest week when it comes back the following week', async () => {
      const clock = new TestClock();
      const [flow] = await deployment(clock);
      assert.ok(flow);
      await registered(flow, clock);
      await someThanks(flow, 'missed');
      await seed(flow, [seededPraise('latest', libraryTime('2027-03-09T10:00'), [thanked(MARIA)])]);
      await sweepAt(clock, '2027-03-13T10:00', flow);
      await sweepAt(clock, '2027-03-13T11:00', flow);
      const posts = weeklyPosts(flow);
      assert.equal(posts.length, 2, 'one post per channel');
      for (const text of texts(posts)) {
        assert.match(text, /Fri 5 Mar to Fri 12 Mar 2027/);
        assert.match(text, /ref:latest;/);
        assert.doesNotMatch(text, /ref:missed/);
      }
      assert.deepEqual((await markerKeys(flow)).sort(), [`${ANNOUNCEMENTS.id}|${NEXT_WEEK.key}`, `${GENERAL.id}|${NEXT_WEEK.key}`].sort(), 'the missed week is never posted');
    });
  });

  describe('exactly once', () => {
    it('two instances sweeping at the same instant post once per channel; sweeping again posts nothing', async () => {
      const { clock, flows: [a, b] } = await withThanks({ count: 2 });
      assert.ok(b);
      await sweepAt(clock, DUE, a, b);
      assert.deepEqual(weeklyPosts(a).map((c) => c.conversationId).sort(), [ANNOUNCEMENTS.id, GENERAL.id].sort());
      await sweepAt(clock, '2027-03-05T15:02', a, b);
      await sweepAt(clock, '2027-03-06T15:01', a, b);
      assert.equal(postAttempts(a).length, 2, 'no further attempt');
    });

    it('the scheduler firing twice within the same second, on each of two instances, posts once per channel', async () => {
      const { clock, flows: [a, b] } = await withThanks({ count: 2 });
      assert.ok(b);
      clock.set(DUE);
      await Promise.all([a.app.sweeper.sweep(), a.app.sweeper.sweep(), b.app.sweeper.sweep(), b.app.sweeper.sweep()]);
      assert.equal(postAttempts(a, ANNOUNCEMENTS).length, 1);
      assert.equal(postAttempts(a, GENERAL).length, 1);
      assert.equal(weeklyPosts(a).length, 2);
    });
  });

  describe('connector failures', () => {
    it('a post stored and then answered 500 is never sent again (uncertain)', async () => {
      const { clock, flows: [a, b] } = await withThanks({ count: 2, channels: [ANNOUNCEMENTS] });
      assert.ok(b);
      a.connector.failNext('send', 500, undefined, { deliver: true });
      await sweepAt(clock, DUE, a);
      assert.equal(weeklyPosts(a).length, 1, 'Teams has it');
      assert.equal((await markerOf(a, ANNOUNCEMENTS, WEEK.key))?.state, 'uncertain');
      await sweepAt(clock, '2027-03-05T16:00', a, b);
      await sweepAt(clock, '2027-03-07T16:00', a, b);
      assert.equal(postAttempts(a).length, 1, 'never retried');
      assert.equal((await markerOf(a, ANNOUNCEMENTS, WEEK.key))?.state, 'uncertain');
    });

    it('a 429 (nothing stored) is tried again on a later sweep once the wait is over, then posted once', async () => {
      const { clock, flows: [a, b] } = await withThanks({ count: 2, channels: [ANNOUNCEMENTS] });
      assert.ok(b);
      a.connector.failNext('send', 429, { 'Retry-After': '2' });
      await sweepAt(clock, DUE, a);
      assert.equal(postAttempts(a).length, 1);
      assert.equal(weeklyPosts(a).length, 0, 'a throttled post is not stored');
      const waiting = await markerOf(a, ANNOUNCEMENTS, WEEK.key);
      assert.equal(waiting?.state, 'claimed');
      assert.ok(waiting.leaseUntil.getTime() >= libraryTime(DUE).getTime() + 59_000, 'it waits a minute or more');

      await sweepAt(clock, '2027-03-05T15:01:30', a, b);
      assert.equal(postAttempts(a).length, 1, 'not while the wait lasts');

      await sweepAt(clock, '2027-03-05T15:03', b);
      assert.equal(postAttempts(a).length, 2);
      assert.equal(weeklyPosts(a).length, 1, 'posted once');
      assert.equal((await markerOf(a, ANNOUNCEMENTS, WEEK.key))?.state, 'posted');
      await sweepAt(clock, '2027-03-05T16:00', a, b);
      assert.equal(postAttempts(a).length, 2);
    });

    it('an instance that stopped after claiming and before sending: another posts once its lease is over', async () => {
      const { clock, flows: [a, b] } = await withThanks({ count: 2, channels: [ANNOUNCEMENTS] });
      assert.ok(b);
      const now = clock.set(DUE);
      const claimed = await a.app.services.praise.claimWeekly(TEST_TENANT_ID, ANNOUNCEMENTS.id, WEEK.key, 'stopped-instance', now, new Date(now.getTime() + 2 * 60_000));
      assert.ok(claimed);

      await sweepAt(clock, '2027-03-05T15:02', a, b);
      assert.equal(postAttempts(a).length, 0, 'not while its lease lasts');

      await sweepAt(clock, '2027-03-05T15:04', a, b);
      assert.equal(weeklyPosts(a).length, 1);
      assert.equal(postAttempts(a).length, 1);
      const marker = await markerOf(a, ANNOUNCEMENTS, WEEK.key);
      assert.equal(marker?.state, 'posted');
      assert.notEqual(marker.owner, 'stopped-instance');
      await sweepAt(clock, '2027-03-05T16:00', a, b);
      assert.equal(postAttempts(a).length, 1);
    });

    it('a post that reached "sending" is never sent again: not after a kill, not while a slow send is in flight', async () => {
      const { clock, flows: [a, b] } = await withThanks({ count: 2, channels: [ANNOUNCEMENTS, GENERAL] });
      assert.ok(b);

      // Announcements: an instance marked the post as sending and was killed then.
      const now = clock.set(DUE);
      const claimed = await a.app.services.praise.claimWeekly(TEST_TENANT_ID, ANNOUNCEMENTS.id, WEEK.key, 'killed-instance', now, new Date(now.getTime() + 2 * 60_000));
      assert.ok(claimed);
      assert.ok(await a.app.services.praise.updateWeekly(TEST_TENANT_ID, claimed, { state: 'sending' }));

      // General: a's send hangs for a while; meanwhile the lease runs out and b sweeps.
      a.connector.script('send', { status: 200, delayMs: 1_500 });
      const slow = a.app.sweeper.sweep();
      for (let tries = 0; (await markerOf(a, GENERAL, WEEK.key))?.state !== 'sending'; tries++) {
        assert.ok(tries < 100, 'a marks the post as sending');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      clock.set('2027-03-05T15:11');
      await b.app.sweeper.sweep();
      await slow;

      await sweepAt(clock, '2027-03-06T15:00', a, b);
      await sweepAt(clock, '2027-03-08T09:00', a, b);
      assert.equal(postAttempts(a, ANNOUNCEMENTS).length, 0, 'the killed post is not sent again');
      assert.equal((await markerOf(a, ANNOUNCEMENTS, WEEK.key))?.state, 'uncertain', 'given up as uncertain once its lease ran out');
      assert.equal(postAttempts(a, GENERAL).length, 1, 'the slow post went out once');
      assert.equal((await markerOf(a, GENERAL, WEEK.key))?.state, 'posted');
    });

    for (const { status, stored, state, notice } of [
      { status: 500, stored: true, state: 'uncertain', notice: /^Liaison may not have posted this week's thanks in Announcements: Teams answered with an error \(.+\) after it was sent, so it is not sent again in case it arrived\. Please look at the channel\.$/ },
      { status: 403, stored: false, state: 'failed', notice: /^Liaison could not post this week's thanks in Announcements \(.+\)\. It may have been removed from the team: mention Liaison there with setup and press Save\.$/ },
    ] as const) {
      it(`a post that ends ${state} (${String(status)}${stored ? ' after Teams stored it' : ''}) is told to the first admin once, in their personal chat`, async () => {
        const clock = new TestClock();
        const [a, b] = await deployment(clock, 2, { admins: [MARIA.aadObjectId] });
        assert.ok(a && b);
        await registered(a, clock, [ANNOUNCEMENTS]);
        // Maria, the admin, has a personal chat with Liaison, where it can reach her.
        await new Technician(a, MARIA).say('help');
        await someThanks(a);
        const before = a.connector.calls.length;
        const toMaria = (): RecordedCall[] => a.connector.calls.slice(before).filter((c) => c.kind === 'send' && c.delivered && c.conversationId === MARIA.personalConversationId);

        a.connector.failNext('send', status, undefined, { deliver: stored });
        await sweepAt(clock, DUE, a);
        await new ItDesk(a).settle();
        assert.equal((await markerOf(a, ANNOUNCEMENTS, WEEK.key))?.state, state);
        const told = toMaria();
        assert.equal(told.length, 1, 'one message to the admin');
        assert.match(told[0]?.activity?.text ?? '', notice);

        await sweepAt(clock, '2027-03-05T16:00', a, b);
        await sweepAt(clock, '2027-03-06T16:00', a, b);
        await Promise.all([new ItDesk(a).settle(), new ItDesk(b).settle()]);
        assert.equal(toMaria().length, 1, 'not told again');
        assert.equal(postAttempts(a).length, 1, 'and the post is not tried again');
      });
    }
  });

  describe('a week of 500 thanks', () => {
    it('stays under 80 KB, says "And N more", mentions at most 10, and "Show all thanks" pages show each public thanks once', async () => {
      const clock = new TestClock();
      const [flow] = await deployment(clock);
      assert.ok(flow);
      await registered(flow, clock, [ANNOUNCEMENTS]);
      const staff = seededStaff(40);
      const long = ' The branch was ready for the school visit because of you; the catalogue screens, the printers and the self-checks all worked all morning long.'.repeat(3);
      const tag = (i: number): string => `t${String(i).padStart(3, '0')}`;
      const publicOnes = Array.from({ length: 500 }, (_, i) =>
        seededPraise(tag(i), new Date(WEEK.start.getTime() + (i + 1) * 15 * 60_000), [staff[i % staff.length]!], { message: `${tagged(tag(i))}${long}`.slice(0, 480) }),
      );
      const privateOnes = Array.from({ length: 10 }, (_, i) => seededPraise(`p${String(i)}`, new Date(WEEK.start.getTime() + (i + 1) * 7 * 60_000), [staff[i]!], { visibility: 'private' }));
      await seed(flow, [...publicOnes, ...privateOnes]);

      await sweepAt(clock, DUE, flow);
      const [post] = weeklyPosts(flow);
      assert.ok(post);
      assert.ok(bytesSent(post) < 80 * KB, `the post is ${String(bytesSent(post))} bytes`);
      const card = postCard(post);
      const shown = textOf(card).match(/ref:t\d{3};/g) ?? [];
      assert.ok(shown.length > 10 && shown.length < 500, `${String(shown.length)} thanks shown`);
      assert.match(textOf(card), new RegExp(`And ${String(500 - shown.length)} more thanks this week\\.`));
      const mentioned = mentionsOf(card).map((m) => m.mentioned?.id);
      assert.ok(mentioned.length <= DEFAULT_POLICY.praise.mentionLimit, `${String(mentioned.length)} mentions`);
      assert.equal(new Set(mentioned).size, mentioned.length);
      assert.ok(new Set(shown.map((t) => Number(t.slice(5, 8)) % staff.length)).size > DEFAULT_POLICY.praise.mentionLimit, 'the shown thanks name more people than that');

      // "Show all thanks", then Next until the last page.
      const seen = new Map<string, number>();
      let data = actionOf(card, 'praise.page', /Show all/);
      for (let page = 1; ; page++) {
        assert.ok(page <= 50, 'the pages end');
        const response: { status: number; body: unknown } = await flow.post(
          cardAction({ serviceUrl: flow.connector.url, from: TESS, verb: 'praise.page', data, conversation: { kind: 'channel', channelId: ANNOUNCEMENTS.id, threadId: post.assignedId ?? '' }, messageId: post.assignedId ?? '' }),
        );
        assert.equal(response.status, 200);
        assert.ok(Buffer.byteLength(JSON.stringify(response.body)) < 80 * KB, `page ${String(page)} stays under 80 KB`);
        const pageCard = answerOf(response.body).card;
        assert.ok(pageCard, `page ${String(page)} is a card`);
        assert.match(textOf(pageCard), new RegExp(`Page ${String(page)} of \\d+`));
        assert.equal(mentionsOf(pageCard).length, 0, 'pages notify nobody');
        for (const t of textOf(pageCard).match(/ref:[tp]\d{1,3};/g) ?? []) seen.set(t, (seen.get(t) ?? 0) + 1);
        if (!actionsOf(pageCard).some((a) => a.verb === 'praise.page' && a.title === 'Next')) break;
        data = actionOf(pageCard, 'praise.page', /Next/);
      }
      assert.deepEqual([...seen.keys()].sort(), publicOnes.map((p) => tagged(p.id.slice(5))).sort(), 'every public thanks, and no private one');
      assert.deepEqual([...new Set(seen.values())], [1], 'each exactly once');
    });
  });

  describe('rows read', () => {
    it("build() reads exactly the week's praise rows: from its start (included) to its end (excluded)", async () => {
      const clock = new TestClock();
      const [flow] = await deployment(clock);
      assert.ok(flow);
      const to = seededStaff(2);
      const at = (tag: string, when: Date, visibility: 'weekly' | 'private' = 'weekly') => seededPraise(tag, when, to, { visibility });
      const previous = [at('prev-early', new Date(WEEK.start.getTime() - 3 * DAY_MS)), at('prev-last-ms', new Date(WEEK.start.getTime() - 1))];
      const inWeek = [
        at('at-start', WEEK.start),
        at('first-hour', new Date(WEEK.start.getTime() + HOUR_MS)),
        // Midnight UTC (08:00 in Perth): the first row of a new day partition.
        at('utc-midnight', libraryTime('2027-03-01T08:00')),
        at('private', libraryTime('2027-03-02T12:00'), 'private'),
        at('thursday-late', libraryTime('2027-03-04T23:30')),
        at('last-ms', new Date(WEEK.end.getTime() - 1)),
      ];
      const next = [at('at-end', WEEK.end), at('next-hour', new Date(WEEK.end.getTime() + HOUR_MS)), at('next-tuesday', libraryTime('2027-03-09T10:00'))];
      const otherTenant = seededPraise('elsewhere', libraryTime('2027-03-02T10:00'), to, { tenantId: OTHER_TENANT_ID });
      await seed(flow, [...previous, ...inWeek, ...next, otherTenant]);

      const built = await flow.app.services.weekly.build(TEST_TENANT_ID, WEEK);
      assert.equal(built.praiseRowsRead, inWeek.length);
      assert.deepEqual(
        built.summary.thanks.map((t) => /^ref:([^;]+);/.exec(t.message)?.[1]),
        ['at-start', 'first-hour', 'utc-midnight', 'thursday-late', 'last-ms'],
      );
      assert.equal((await flow.app.services.weekly.build(TEST_TENANT_ID, PREVIOUS_WEEK)).praiseRowsRead, previous.length);
      assert.equal((await flow.app.services.weekly.build(TEST_TENANT_ID, NEXT_WEEK)).praiseRowsRead, next.length);
      assert.equal((await flow.app.services.weekly.build(OTHER_TENANT_ID, WEEK)).praiseRowsRead, 1);
    });
  });

  describe('"weekly post now"', () => {
    it('previews the post for an admin, marked as a preview, without a marker; the real post still goes out', async () => {
      const { clock, flows: [flow] } = await withThanks({ count: 1, channels: [ANNOUNCEMENTS], options: { admins: [MARIA.aadObjectId] } });

      clock.set('2027-03-04T12:00');
      const asked = await flow.post(channelMessage({ serviceUrl: flow.connector.url, from: MARIA, text: 'weekly post now', channelId: ANNOUNCEMENTS.id, channelName: ANNOUNCEMENTS.name }));
      assert.equal(asked.status, 200);
      const reply = flow.connector.calls.filter((c) => c.delivered && c.conversationId?.startsWith(ANNOUNCEMENTS.id) && cardOf(c.activity)).at(-1);
      const preview = cardOf(reply?.activity);
      assert.ok(preview, 'a card in the channel');
      assert.match(textOf(preview), /Preview: this is how the weekly post looks so far\. It is not the weekly post\./);
      assert.match(textOf(preview), /ref:w1;/);
      assert.equal(mentionsOf(preview).length, 0, 'a preview notifies nobody');
      assert.equal(weeklyPosts(flow).length, 0, 'not the weekly post');
      assert.deepEqual(await markerKeys(flow), [], 'no marker');

      await sweepAt(clock, DUE, flow);
      const posts = weeklyPosts(flow, ANNOUNCEMENTS);
      assert.equal(posts.length, 1, 'the real post goes out');
      assert.doesNotMatch(textOf(postCard(posts[0])), /Preview/);
    });

    it('is refused politely to someone who is not an admin', async () => {
      const clock = new TestClock();
      const [flow] = await deployment(clock, 1, { admins: [MARIA.aadObjectId] });
      assert.ok(flow);
      await registered(flow, clock, [ANNOUNCEMENTS]);
      clock.set('2027-03-04T12:00');
      const before = flow.connector.calls.length;
      const asked = await flow.post(channelMessage({ serviceUrl: flow.connector.url, from: TESS, text: 'weekly post now', channelId: ANNOUNCEMENTS.id, channelName: ANNOUNCEMENTS.name }));
      assert.equal(asked.status, 200);
      const replies = flow.connector.calls.slice(before).filter((c) => c.delivered);
      assert.equal(replies.length, 1);
      const [reply] = replies;
      assert.ok(reply);
      assert.equal(reply.activity?.text, 'Only Liaison admins can preview the weekly thanks post. It goes out by itself each week.');
      assert.equal(cardOf(reply.activity), undefined, 'a sentence, no card');
      assert.deepEqual(await markerKeys(flow), []);
    });
  });

  describe('public posts switched off for the organisation', () => {
    it('the week that closes while they are off has no post, even once they are switched on again; the preview is refused', async () => {
      const { clock, flows: [flow] } = await withThanks({ count: 1, channels: [ANNOUNCEMENTS], options: { admins: [MARIA.aadObjectId] } });
      await flow.app.services.praise.setPublicPosts(TEST_TENANT_ID, false, MARIA.aadObjectId, clock.set('2027-03-04T12:00'));

      const before = flow.connector.calls.length;
      await flow.post(channelMessage({ serviceUrl: flow.connector.url, from: MARIA, text: 'weekly post now', channelId: ANNOUNCEMENTS.id, channelName: ANNOUNCEMENTS.name }));
      const replies = flow.connector.calls.slice(before).filter((c) => c.delivered);
      assert.equal(replies.length, 1);
      assert.match(replies[0]?.activity?.text ?? '', /^Public thanks posts are switched off for your organisation, so there is no weekly post to preview\./);

      await sweepAt(clock, DUE, flow);
      assert.equal(postAttempts(flow).length, 0, 'nothing posted while they are off');
      assert.equal((await markerOf(flow, ANNOUNCEMENTS, WEEK.key))?.state, 'posted', 'the week is settled: it had no post');

      await flow.app.services.praise.setPublicPosts(TEST_TENANT_ID, true, MARIA.aadObjectId, clock.set('2027-03-08T09:00'));
      await sweepAt(clock, '2027-03-08T09:01', flow);
      assert.equal(postAttempts(flow).length, 0, 'switching them on does not bring back a week that closed while they were off');
    });
  });

  describe('bookkeeping after the send', () => {
    it('a post Teams took is never sent again, even when marking it posted fails', async () => {
      const { clock, flows: [a, b] } = await withThanks({ count: 2, channels: [ANNOUNCEMENTS] });
      assert.ok(b);
      // Every write of the marker as posted fails (storage down right after the send).
      const table = a.tables.client('Praise');
      const update = table.updateEntity.bind(table);
      const failing = sinon.stub(table, 'updateEntity').callsFake((entity, mode, options) =>
        (entity as { state?: string }).state === 'posted' ? Promise.reject(new RestError('Service Unavailable', { statusCode: 503 })) : update(entity, mode, options),
      );
      await sweepAt(clock, DUE, a);
      failing.restore();
      assert.equal(weeklyPosts(a).length, 1, 'posted');
      assert.equal((await markerOf(a, ANNOUNCEMENTS, WEEK.key))?.state, 'sending', 'not marked posted');
      assert.ok(a.logs.some((l) => l.msg === 'weekly thanks posted but not marked so; it is not sent again'));

      await sweepAt(clock, '2027-03-05T15:10', a, b);
      await sweepAt(clock, '2027-03-06T10:00', a, b);
      assert.equal(postAttempts(a).length, 1, 'never sent again');
      assert.equal((await markerOf(a, ANNOUNCEMENTS, WEEK.key))?.state, 'uncertain', 'given up as uncertain once its lease ran out');
    });
  });

  describe('a channel Liaison has not heard from yet (no address)', () => {
    it('is not posted, tried again after 10 minutes, and posted once a message in the channel stores its address', async () => {
      const clock = new TestClock();
      const [flow] = await deployment(clock);
      assert.ok(flow);
      await registered(flow, clock, []);
      // Announcements is registered without Liaison ever hearing from it: no address is stored.
      await flow.app.services.channelSettings.save({
        tenantId: TEST_TENANT_ID,
        teamId: LIBRARY_TEAM.id,
        channelId: ANNOUNCEMENTS.id,
        channelName: ANNOUNCEMENTS.name,
        itRequests: false,
        services: [],
        praisePosts: true,
        updatedBy: { aadObjectId: MARIA.aadObjectId, name: MARIA.name },
        updatedAt: clock.now(),
      });
      const address = () => flow.app.services.references.get({ kind: 'channel', channelId: ANNOUNCEMENTS.id });
      assert.equal(await address(), undefined);
      await someThanks(flow);

      await sweepAt(clock, DUE, flow);
      assert.equal(postAttempts(flow).length, 0, 'nothing sent without an address');
      const waiting = await markerOf(flow, ANNOUNCEMENTS, WEEK.key);
      assert.equal(waiting?.state, 'claimed', 'the week is still to be posted there');
      assert.equal(waiting.reason, 'no address for the channel');
      const due = libraryTime(DUE).getTime();
      assert.ok(waiting.leaseUntil.getTime() >= due + 10 * 60_000 && waiting.leaseUntil.getTime() < due + 11 * 60_000, 'it waits 10 minutes');
      assert.ok(flow.logs.some((l) => l.msg === 'weekly thanks post waits: no address for the channel yet (mention Liaison there once)' && l.channelId === ANNOUNCEMENTS.id));

      await sweepAt(clock, '2027-03-05T15:10', flow);
      assert.deepEqual(await markerOf(flow, ANNOUNCEMENTS, WEEK.key), waiting, 'not tried again within the 10 minutes');

      await sweepAt(clock, '2027-03-05T15:11:30', flow);
      const again = await markerOf(flow, ANNOUNCEMENTS, WEEK.key);
      assert.equal(again?.state, 'claimed');
      assert.ok(again.leaseUntil.getTime() >= libraryTime('2027-03-05T15:21:30').getTime(), 'tried again after 10 minutes: still no address, so it waits again');
      assert.equal(postAttempts(flow).length, 0);

      // Someone mentions Liaison in the channel: Teams tells it the channel's address, which is stored.
      clock.set('2027-03-05T15:15');
      const said = await flow.post(channelMessage({ serviceUrl: flow.connector.url, from: MARIA, text: 'help', channelId: ANNOUNCEMENTS.id, channelName: ANNOUNCEMENTS.name }));
      assert.equal(said.status, 200);
      assert.ok(await address(), 'the address is stored');

      await sweepAt(clock, '2027-03-05T15:22', flow);
      const posts = weeklyPosts(flow, ANNOUNCEMENTS);
      assert.equal(posts.length, 1, 'posted once the address is known');
      assert.match(textOf(postCard(posts[0])), /ref:w1;/);
      assert.doesNotMatch(textOf(postCard(posts[0])), /late/, 'on the same afternoon, not late');
      assert.equal((await markerOf(flow, ANNOUNCEMENTS, WEEK.key))?.state, 'posted');
      await sweepAt(clock, '2027-03-05T16:00', flow);
      assert.equal(postAttempts(flow).length, 1, 'once');
    });
  });

  describe('a registration saved before the weekly post kept its start (no praiseSince)', () => {
    /** Announcements registered on Sat 27 Feb, its row then stripped of praiseSince as older rows are. */
    async function registeredLongAgo(flow: Flow, clock: TestClock): Promise<void> {
      await registered(flow, clock, [ANNOUNCEMENTS]);
      const table = flow.tables.client('ChannelSettings');
      const [partitionKey, rowKey] = [tableKey(LIBRARY_TEAM.id), tableKey(ANNOUNCEMENTS.id)];
      const row = await table.getEntity(partitionKey, rowKey);
      assert.ok(row.praiseSince instanceof Date, 'setup wrote praiseSince');
      const older = Object.fromEntries(Object.entries(row).filter(([key]) => !['praiseSince', 'etag', 'timestamp', 'odata.metadata'].includes(key)));
      await table.upsertEntity({ ...older, partitionKey, rowKey }, 'Replace');
      const [channel] = await flow.app.services.channelSettings.praiseChannels(TEST_TENANT_ID);
      assert.equal(channel?.channelId, ANNOUNCEMENTS.id, 'still registered for the post');
      assert.equal(channel.praiseSince, undefined, 'as a row saved before praiseSince');
    }

    for (const [first, posted, when] of [
      [DUE, true, 'on time'],
      ['2027-03-06T14:59', true, 'less than a day late'],
      ['2027-03-06T15:01', false, 'a day late'],
      ['2027-03-08T09:00', false, 'three days late'],
    ] as const) {
      it(`${posted ? 'gets' : 'does not get'} the week when the first sweep after it is ${when} (${first})${posted ? '' : ', and gets the next week'}`, async () => {
        const clock = new TestClock();
        const [flow] = await deployment(clock);
        assert.ok(flow);
        await registeredLongAgo(flow, clock);
        await someThanks(flow);
        await sweepAt(clock, first, flow);
        if (posted) {
          assert.equal(weeklyPosts(flow, ANNOUNCEMENTS).length, 1);
          assert.equal((await markerOf(flow, ANNOUNCEMENTS, WEEK.key))?.state, 'posted');
          return;
        }
        assert.equal(postAttempts(flow).length, 0, 'an old week is not posted late to a channel of unknown start');
        assert.deepEqual(await markerKeys(flow), [], 'nor claimed');
        await seed(flow, [seededPraise('next', libraryTime('2027-03-09T10:00'), [thanked(MARIA)])]);
        await sweepAt(clock, '2027-03-12T15:01', flow);
        const posts = weeklyPosts(flow, ANNOUNCEMENTS);
        assert.equal(posts.length, 1, 'the next week, on time, is posted');
        assert.match(textOf(postCard(posts[0])), /Fri 5 Mar to Fri 12 Mar 2027/);
      });
    }
  });

  describe('setup saved again after the week ended', () => {
    it('still posts the week when the weekly post stayed on; not when it was switched off and on again', async () => {
      const { clock, flows: [flow] } = await withThanks();
      const since = async (channel: TestChannel): Promise<Date | undefined> => (await flow.app.services.channelSettings.get(LIBRARY_TEAM.id, channel.id))?.praiseSince;
      const registeredAt = await since(ANNOUNCEMENTS);
      assert.ok(registeredAt && registeredAt < WEEK.end, 'switched on in the week');

      // Liaison was not running at Friday 15:00. On Saturday, before its first sweep, Maria saves
      // Announcements' setup again as it was, and switches General's weekly post off and on again.
      clock.set('2027-03-06T09:00');
      await registerForPraise(flow, ANNOUNCEMENTS);
      const off = await flow.post(
        cardAction({ serviceUrl: flow.connector.url, from: MARIA, verb: 'setup.save', conversation: { kind: 'channel', channelId: GENERAL.id, threadId: `setup-${GENERAL.id}` }, data: { itRequests: 'false', services: '', praisePosts: 'false' } }),
      );
      assert.match(textOf(answerOf(off.body).card), /Saved\./);
      await registerForPraise(flow, GENERAL);
      assert.deepEqual(await since(ANNOUNCEMENTS), registeredAt, 'saving again keeps when the post was switched on');
      const generalSince = await since(GENERAL);
      assert.ok(generalSince && generalSince >= libraryTime('2027-03-06T09:00'), 'switched on again: from now');

      await sweepAt(clock, '2027-03-06T09:01', flow);
      const posts = weeklyPosts(flow, ANNOUNCEMENTS);
      assert.equal(posts.length, 1, 'Announcements gets the week');
      assert.match(textOf(postCard(posts[0])), /ref:w1;/);
      assert.equal(postAttempts(flow, GENERAL).length, 0, 'General had a break: the week before it is not posted there');
    });
  });
});
