// Thanking IT through the HTTP edge, against Azurite and the fake connector: the invitation after a
// confirmed resolution and its caps, "praise" at any time, the thanks delivered privately (in a chat
// Liaison opens when the person never wrote to it), thanks posted at once in the team's thanks channel,
// opting out of public posts, the admins' switch, refused input, and Table storage failing mid-send; also
// "post it now" with no thanks channel in the IT team, a slow Teams during the invitation, and public posts
// switched off between a thanks and its delivery.

import assert from 'node:assert/strict';
import { RestError } from '@azure/core-rest-pipeline';
import sinon from 'sinon';
import { DEFAULT_POLICY } from '../../src/policy/policy';
import { weekOf } from '../../src/praise/praise';
import { TEST_TENANT_ID, USERS, cardAction, randomGuid } from '../support/activities';
import { HOSTILE_PARTS, actionsOf, assertInert, assertShownAsTyped, errorUnder, inputOf, valueOf, type Card } from '../support/cards';
import type { FaultMode } from '../support/faultProxy';
import { faultyStorageFlow, startFlow, textOf, type Flow, type FlowOptions } from '../support/flow';
import { TIME_ZONE } from '../support/intake';
import { ItDesk, answerOf, connectItChannel, useItRoster, type InvokeAnswer } from '../support/itChannel';
import { MEGAN, Requester, THANKS_CHANNEL, WeekClock, chatsOpenedWith, chatsWith, choicesOf, connectThanksChannel, mentionedIn, messageBlock, postsIn, renderedMessage, sentCount, thanksTo } from '../support/praise';

const { technician: TESS, itStaff: IVAN, manager: MARIA } = USERS;
const IT_TEAM = [IVAN, MARIA, MEGAN];
const BADGES = DEFAULT_POLICY.praise.badges;
const THANKS = 'Thank you for getting the self-check going again before the Saturday rush!';
/** Another team of the organisation, with channels that take thanks; no IT staff in it. */
const BRANCHES = { id: '19:branch-network-general@thread.tacv2', name: 'Branch Network' };
const KUDOS = { id: '19:branch-kudos@thread.tacv2', name: 'Kudos' };
const WINS = { id: '19:branch-wins@thread.tacv2', name: 'Wins' };

const verbs = (card: Card): string[] => actionsOf(card).map((a) => a.verb);

/** The card an answer replaced the pressed one with; fails if it was a message. */
function cardOf(answer: InvokeAnswer): Card {
  assert.ok(answer.card, `the pressed card is replaced, not answered with: ${answer.message ?? ''}`);
  return answer.card;
}

describe('flow: thanking IT', function () {
  this.timeout(60_000);
  let flow: Flow;
  let clock: WeekClock;
  let desk: ItDesk;
  let tess: Requester;
  let started: Flow | undefined;

  /** Ivan, Maria and Megan in the IT team; Tess and the IT desk at work on `on`. */
  function use(on: Flow): void {
    flow = on;
    useItRoster(flow, IT_TEAM);
    desk = new ItDesk(flow);
    tess = new Requester(flow, desk);
  }

  /** A flow on a clock at the start of a praise week, with the outbox driven by the test. */
  async function start(options: FlowOptions = {}): Promise<Flow> {
    clock = new WeekClock();
    started = await startFlow({ background: false, clock, ...options });
    use(started);
    return started;
  }

  afterEach(async () => {
    sinon.restore();
    await started?.close();
    started = undefined;
  });

  /** The thanks stored for the week the clock is in. */
  async function thanksThisWeek() {
    const week = weekOf(clock.now(), DEFAULT_POLICY.praise.weeklyPost, TIME_ZONE);
    return (await flow.app.services.praise.between(TEST_TENANT_ID, week.start, week.end)).praises;
  }

  /** Tess's request, resolved by Ivan and confirmed: the invitation to thank IT. */
  async function prompted(): Promise<{ reference: string; card: Card }> {
    const reference = await tess.fileResolved();
    const card = cardOf(await tess.confirm(reference));
    // The IT channel hears that the request is closed.
    await desk.settle();
    return { reference, card };
  }

  /** "praise" typed by `who` in their personal chat: the card to thank someone in IT. */
  async function praiseCard(who = TESS): Promise<Card> {
    const said = await tess.say('praise', who);
    assert.ok(said.card, `Liaison answered praise with a card, not: ${said.text}`);
    return said.card;
  }

  describe('the invitation after a resolution', () => {
    it('offers to thank the assignee and the others who acted, with the badges and this week’s post; "Not now" ends it kindly', async () => {
      await start();
      await connectItChannel(flow);
      const reference = await tess.file();
      await desk.press(MARIA, reference, 'it.assign', { assignTo: IVAN.aadObjectId });
      await tess.resolve(reference, IVAN);

      const card = cardOf(await tess.confirm(reference));
      const text = textOf(card);
      assert.match(text, /Would you like to thank IT for REQ-0001\?/);
      assert.match(text, /Thank you! REQ-0001 is closed\./, 'the confirmation is said on the same card');
      assert.match(text, /Self-check rejects every card/);
      assert.deepEqual(choicesOf(card, 'people').map((c) => c.title), ['Ivan Brooks', 'Maria Lopez'], 'who acted on it, not Megan who did not');
      assert.equal(valueOf(card, 'people'), IVAN.aadObjectId, 'the assignee is chosen');
      assert.deepEqual(choicesOf(card, 'badge').map((c) => c.value), [...BADGES]);
      assert.equal(valueOf(card, 'badge'), 'Thank you');
      assert.deepEqual(choicesOf(card, 'visibility').map((c) => c.value), ['weekly', 'now', 'private']);
      assert.equal(valueOf(card, 'visibility'), 'weekly', "this week's post by default");
      assert.deepEqual(verbs(card), ['praise.send', 'praise.dismiss']);
      const events = await flow.app.services.requests.events(TEST_TENANT_ID, 1);
      assert.equal(events.at(-1)?.kind, 'confirmed', 'the request is closed whatever Tess does next');
      await desk.settle();

      const sent = sentCount(flow);
      const dismissed = cardOf(await tess.press(card, 'praise.dismiss'));
      assert.match(textOf(dismissed), /Maybe another time/);
      assert.match(textOf(dismissed), /No problem\. Whenever you want to thank someone in IT, type praise\./);
      assert.deepEqual(verbs(dismissed), [], 'nothing left to press');
      await desk.settle();
      assert.equal(sentCount(flow), sent, 'nothing sent');
      assert.deepEqual(await thanksThisWeek(), []);
    });

    it('sends the thanks to the person thanked in a chat opened through the IT channel; a second press sends nothing more', async () => {
      await start();
      await connectItChannel(flow);
      const { card } = await prompted();
      assert.equal(chatsOpenedWith(flow, IVAN).length, 0, 'Ivan never wrote to Liaison in a personal chat');

      const choice = { badge: 'Problem solver', message: THANKS };
      const sent = cardOf(await tess.sendThanks(card, choice));
      assert.match(textOf(sent), /Thanks sent/);
      // No channel takes thanks in this flow: there is no weekly post to promise.
      assert.match(textOf(sent), /Ivan Brooks will get your thanks in their Teams chat\.$/);
      await desk.settle();

      // Teams is asked for a 1:1 conversation with Ivan's Teams id, at the IT channel's service URL and tenant.
      const opened = chatsOpenedWith(flow, IVAN);
      assert.equal(opened.length, 1, 'one personal chat opened');
      const [call] = opened;
      assert.ok(call?.parameters, 'with conversation parameters');
      const { parameters } = call;
      assert.equal(call.status, 201);
      assert.equal(parameters.isGroup, false);
      assert.deepEqual(parameters.members?.map((m) => m.id), [IVAN.id]);
      assert.equal(parameters.tenantId, TEST_TENANT_ID);
      assert.equal(parameters.activity, undefined, 'the thanks follows as a message in the new chat');

      const received = thanksTo(flow, IVAN);
      assert.equal(received.length, 1);
      const thanks = textOf(received[0]);
      // No channel takes the weekly post in this flow, so nobody else sees it.
      for (const expected of ['Tess Nguyen thanked you', 'Problem solver', 'For REQ-0001 · Self-check rejects every card', 'Only you can see this.']) {
        assert.ok(thanks.includes(expected), `the thanks shows ${expected}: ${thanks}`);
      }
      assert.equal(renderedMessage(received[0] ?? {}), THANKS);
      assert.deepEqual(thanksTo(flow, MARIA), [], 'only the person chosen');

      const before = sentCount(flow);
      const again = cardOf(await tess.sendThanks(card, choice));
      assert.match(textOf(again), /Thanks sent/, 'the second press is answered as done');
      await desk.settle();
      assert.equal(sentCount(flow), before, 'nothing more sent');
      assert.equal(thanksTo(flow, IVAN).length, 1);
      const stored = await thanksThisWeek();
      assert.equal(stored.length, 1, 'stored once');
      assert.deepEqual({ to: stored[0]?.to.map((p) => p.aadObjectId), badge: stored[0]?.badge, reference: stored[0]?.request?.reference }, { to: [IVAN.aadObjectId], badge: 'Problem solver', reference: 'REQ-0001' });

      // Later thanks go to the chat Liaison opened, without opening another.
      await tess.sendThanks(await praiseCard(), { people: IVAN.aadObjectId, message: 'And thanks for the new reader.' });
      await desk.settle();
      assert.equal(chatsOpenedWith(flow, IVAN).length, 1);
      assert.equal(thanksTo(flow, IVAN).length, 2);
    });

    it('does not invite thanks for a request that was reopened, and invites once per request', async () => {
      await start();
      await connectItChannel(flow);
      const reopened = await tess.fileResolved();
      await tess.press(tess.resolvedCard(reopened), 'requests.reopen', { reason: 'Staff cards still fail.' });
      await desk.settle();
      await tess.resolve(reopened, IVAN, 'Updated the staff card range too.');
      const closed = cardOf(await tess.confirm(reopened));
      assert.match(textOf(closed), /Thank you! REQ-0001 is closed\./);
      assert.ok(!verbs(closed).includes('praise.send'), 'no invitation after a reopening');

      const reference = await tess.fileResolved();
      const resolved = tess.resolvedCard(reference);
      // Teams delivers the press twice at once, then Tess presses the old card once more.
      const twice = await Promise.all([tess.press(resolved, 'requests.confirm'), tess.press(resolved, 'requests.confirm')]);
      const again = await tess.press(resolved, 'requests.confirm');
      const answers = [...twice, again].map(cardOf);
      for (const answer of answers) assert.match(textOf(answer), /REQ-0002 is closed/);
      assert.deepEqual(answers.map((answer) => verbs(answer).includes('praise.send')).sort(), [false, false, true], 'invited once for one request');
    });

    it('invites at most promptsPerWeek times a week (default 3), and again in the next week', async () => {
      assert.equal(DEFAULT_POLICY.praise.promptsPerWeek, 3, 'the flow harness takes no policy: the default cap');
      await start();
      await connectItChannel(flow);
      const references: string[] = [];
      for (let i = 0; i < 4; i++) references.push(await tess.file());
      for (const reference of references) await tess.resolve(reference);

      const invited: boolean[] = [];
      for (const reference of references) {
        const answer = cardOf(await tess.confirm(reference));
        assert.match(textOf(answer), new RegExp(`${reference} is closed`));
        invited.push(verbs(answer).includes('praise.send'));
      }
      assert.deepEqual(invited, [true, true, true, false], 'the fourth in the week is not invited');

      clock.nextWeek();
      const next = await tess.fileResolved();
      assert.ok(verbs(cardOf(await tess.confirm(next))).includes('praise.send'), 'a new week, a new invitation');
    });

    it("answers the confirmation with the plain detail card when Teams is slow to list the IT team's members", async () => {
      await start();
      await connectItChannel(flow);
      const reference = await tess.fileResolved();
      // Three minutes on, the IT team's members (remembered for two) are asked of Teams again, which takes 5 s.
      const now = clock.now.bind(clock);
      sinon.stub(clock, 'now').callsFake(() => new Date(now().getTime() + 3 * 60_000));
      flow.connector.script('members', { status: 200, delayMs: 5_000 });

      const card = cardOf(await tess.confirm(reference));
      const text = textOf(card);
      assert.match(text, new RegExp(`Thank you! ${reference} is closed\\.`));
      assert.match(text, /Status: Closed/);
      assert.doesNotMatch(text, /Would you like to thank/);
      assert.ok(!verbs(card).includes('praise.send'), 'no invitation');
      assert.ok(flow.logs.some((l) => l.msg === 'could not offer to thank IT' && l.reference === reference), 'the invitation was given up');
      const events = await flow.app.services.requests.events(TEST_TENANT_ID, 1);
      assert.equal(events.at(-1)?.kind, 'confirmed', 'the request is closed');
    });

    it('does not count an invitation it gave up on (Teams too slow) against the weekly cap', async () => {
      await start();
      await connectItChannel(flow);
      const slow = await tess.fileResolved();
      const now = clock.now.bind(clock);
      sinon.stub(clock, 'now').callsFake(() => new Date(now().getTime() + 3 * 60_000));
      const asked = flow.connector.calls.filter((c) => c.kind === 'members').length;
      flow.connector.script('members', { status: 200, delayMs: 5_000 });
      assert.ok(!verbs(cardOf(await tess.confirm(slow))).includes('praise.send'), 'Tess was not invited for the slow one');
      // Teams answers in the end, after the confirmation was answered without the invitation.
      await flow.connector.waitForCalls(asked + 1, 10_000, 'members');
      await new Promise((resolve) => setTimeout(resolve, 300));

      const invited: boolean[] = [];
      for (let i = 0; i < DEFAULT_POLICY.praise.promptsPerWeek; i++) {
        const reference = await tess.fileResolved();
        invited.push(verbs(cardOf(await tess.confirm(reference))).includes('praise.send'));
      }
      assert.deepEqual(invited, [true, true, true], 'the three invitations of the week are still there to be shown');
    });
  });

  describe('"praise" at any time', () => {
    it('offers the IT staff of the registered IT channels, never the person thanking; in a channel it points to the personal chat', async () => {
      await start();
      const early = await tess.say('praise');
      assert.match(early.text, /nobody to thank here yet: IT has not connected a channel/);

      await connectItChannel(flow);
      const card = await praiseCard();
      assert.match(textOf(card), /Thank someone in IT/);
      assert.deepEqual(choicesOf(card, 'people').map((c) => c.title), ['Ivan Brooks', 'Maria Lopez', 'Megan Bowen'], 'the IT team, not Tess');
      assert.equal(valueOf(card, 'people'), '', 'nobody chosen yet');
      assert.deepEqual(choicesOf(card, 'badge').map((c) => c.value), [...BADGES]);
      assert.equal(valueOf(card, 'visibility'), 'weekly');
      assert.deepEqual(verbs(card), ['praise.send'], 'no "Not now" without a request');

      const ivans = await praiseCard(IVAN);
      assert.deepEqual(choicesOf(ivans, 'people').map((c) => c.title), ['Maria Lopez', 'Megan Bowen'], 'not Ivan himself');

      const inChannel = await tess.sayInChannel('praise');
      assert.equal(inChannel.card, undefined);
      assert.match(inChannel.text, /Thanks are sent from a personal chat with me\. Open a chat with Liaison and type praise\./);
    });
  });

  describe('refused or inert input', () => {
    it('refuses thanks for a request by someone who did not make it, and sends nothing', async () => {
      await start();
      await connectItChannel(flow);
      const { card } = await prompted();
      const before = sentCount(flow);
      const forged = { ...actionsOf(card).find((a) => a.verb === 'praise.send')?.data, people: IVAN.aadObjectId, badge: 'Thank you', message: 'From Maria, as Tess.', visibility: 'now' };

      // Maria presses the card's Send with Tess's request (a forwarded card or forged data).
      const refused = cardOf(await tess.pressWith(MARIA, 'praise.send', forged));
      assert.match(textOf(refused), /You can thank IT for your own requests only\. Type praise to thank someone in IT\./);
      const missing = cardOf(await tess.pressWith(TESS, 'praise.send', { ...forged, token: randomGuid(), reference: 'REQ-9999' }));
      assert.match(textOf(missing), /your own requests only/, 'a request that does not exist is nobody’s');

      await desk.settle();
      assert.equal(sentCount(flow), before, 'nothing sent');
      assert.deepEqual(await thanksThisWeek(), []);
      assert.ok(flow.logs.some((l) => l.msg === 'refused thanks for a request by someone who did not make it'), 'logged');

      // Tess's own card still works: the refused presses left nothing behind.
      assert.match(textOf(cardOf(await tess.sendThanks(card, { message: THANKS }))), /Thanks sent/);
      await desk.settle();
      assert.equal(thanksTo(flow, IVAN).length, 1);
      assert.match(textOf(thanksTo(flow, IVAN)[0]), /Tess Nguyen thanked you/, 'from Tess, never from Maria');
    });

    it('refuses a person who is not IT staff in a registered channel (forged values), and keeps the card', async () => {
      await start();
      await connectItChannel(flow);
      const card = await praiseCard();
      const before = sentCount(flow);
      for (const person of [randomGuid(), TESS.aadObjectId, `${IVAN.aadObjectId},${randomGuid()}`]) {
        const refused = cardOf(await tess.sendThanks(card, { people: person, message: THANKS }));
        assert.equal(errorUnder(refused, 'people'), 'You can thank IT staff in the IT channels Liaison serves. Please choose from the list.', `refused ${person}`);
        assert.equal(valueOf(refused, 'message'), THANKS, 'the message typed is kept');
        assert.ok(verbs(refused).includes('praise.send'), 'Send can be pressed again');
      }
      const nobody = cardOf(await tess.sendThanks(card, { people: '' }));
      assert.equal(errorUnder(nobody, 'people'), 'Choose at least one person to thank.');
      await desk.settle();
      assert.equal(sentCount(flow), before, 'nothing sent');
      assert.deepEqual(await thanksThisWeek(), []);
    });

    it('refuses a badge that is not offered, and a visibility that is not offered', async () => {
      await start();
      await connectItChannel(flow);
      const card = await praiseCard();
      const before = sentCount(flow);
      const badge = cardOf(await tess.sendThanks(card, { people: IVAN.aadObjectId, badge: 'Employee of the month', message: THANKS }));
      assert.equal(errorUnder(badge, 'badge'), 'Please choose a badge from the list.');
      assert.equal(valueOf(badge, 'people'), IVAN.aadObjectId, 'the choice of person is kept');
      assert.equal(valueOf(badge, 'message'), THANKS);
      const visibility = cardOf(await tess.sendThanks(card, { people: IVAN.aadObjectId, visibility: 'everyone' }));
      assert.equal(errorUnder(visibility, 'visibility'), 'Please choose who may see your thanks.');
      await desk.settle();
      assert.equal(sentCount(flow), before, 'nothing sent');
      assert.deepEqual(await thanksThisWeek(), []);
    });

    it('refuses a message over 500 characters with an error under the message, keeping what was typed', async () => {
      await start();
      await connectItChannel(flow);
      const card = await praiseCard();
      const before = sentCount(flow);
      const long = `${THANKS} ${'Really. '.repeat(60)}`.trim();
      assert.ok(long.length > 500);
      const refused = cardOf(await tess.sendThanks(card, { people: IVAN.aadObjectId, badge: 'Quick fix', message: long }));
      assert.equal(errorUnder(refused, 'message'), `Your message is ${String(long.length)} characters; please shorten it to 500 at most.`);
      assert.equal(valueOf(refused, 'message'), long, 'the text typed is still there to shorten');
      assert.equal(valueOf(refused, 'badge'), 'Quick fix');
      await desk.settle();
      assert.equal(sentCount(flow), before, 'nothing sent');

      const fitting = long.slice(0, 500);
      assert.match(textOf(cardOf(await tess.sendThanks(refused, { message: fitting }))), /Thanks sent/, 'the same card, shortened, goes');
      await desk.settle();
      assert.equal(renderedMessage(thanksTo(flow, IVAN)[0] ?? {}), fitting.trim());
    });

    it('delivers a message with markdown links, ${...} and {{DATE(...)}} as the text typed, evaluated nowhere', async () => {
      await start();
      await connectItChannel(flow);
      await connectThanksChannel(flow);
      const hostile = `Thanks ${HOSTILE_PARTS.link} ${HOSTILE_PARTS.expression} ${HOSTILE_PARTS.date} ${HOSTILE_PARTS.bold} ${HOSTILE_PARTS.mention}\n# not a heading\n- not a list`;
      const { card } = await prompted();
      assert.match(textOf(cardOf(await tess.sendThanks(card, { message: hostile, visibility: 'now' }))), /Thanks sent/);
      await desk.settle();

      const [received] = thanksTo(flow, IVAN);
      const [posted] = postsIn(flow);
      assert.ok(received && posted, 'thanked privately and in the thanks channel');
      assertShownAsTyped(assertInert(received, 'the private thanks'), 'the private thanks');
      // The post's heading mentions Ivan on purpose; its message must not mention or link anything.
      const where = 'the message posted in the channel';
      assertShownAsTyped(assertInert({ type: 'AdaptiveCard', body: [messageBlock(posted)] }, where), where);
      for (const shown of [received, posted]) assert.equal(renderedMessage(shown), hostile, 'rendered as typed');
      assert.deepEqual(mentionedIn(posted), [IVAN.aadObjectId], 'the typed <at>Tess</at> mentions nobody');
      assert.equal((await thanksThisWeek())[0]?.message, hostile, 'stored as typed');
    });
  });

  describe('thanks in public', () => {
    it('posts "also post it now" in the IT team’s thanks channel with a mention; private thanks stay private', async () => {
      await start();
      await connectItChannel(flow);
      await connectThanksChannel(flow);

      const now = cardOf(await tess.sendThanks(await praiseCard(), { people: IVAN.aadObjectId, badge: 'Quick fix', message: THANKS, visibility: 'now' }));
      assert.match(textOf(now), /It is also posted in [^.]+\./);
      await desk.settle();
      const posts = postsIn(flow);
      assert.equal(posts.length, 1, 'posted once in the thanks channel');
      const post = textOf(posts[0]);
      for (const expected of ['Tess Nguyen thanked <at>Ivan Brooks</at>', 'Quick fix']) assert.ok(post.includes(expected), `the post shows ${expected}: ${post}`);
      assert.equal(renderedMessage(posts[0] ?? {}), THANKS);
      assert.deepEqual(mentionedIn(posts[0] ?? {}), [IVAN.aadObjectId], 'Ivan is mentioned');
      assert.match(textOf(thanksTo(flow, IVAN)[0]), /It was also posted in Announcements\. /);

      for (const visibility of ['private', 'weekly']) {
        const answer = cardOf(await tess.sendThanks(await praiseCard(), { people: IVAN.aadObjectId, message: `${visibility} thanks`, visibility }));
        assert.match(textOf(answer), /Thanks sent/);
      }
      await desk.settle();
      assert.equal(postsIn(flow).length, 1, 'nothing more posted in the channel');
      const [, privately, weekly] = thanksTo(flow, IVAN);
      assert.match(textOf(privately), /Only you can see this\./);
      assert.match(textOf(weekly), /It will also appear in this week's thanks post\./);
    });

    it('keeps someone who opted out out of posts, while their thanks still arrive privately', async () => {
      await start({ admins: [MARIA.aadObjectId] });
      await connectItChannel(flow);
      await connectThanksChannel(flow);

      const settings = (await tess.say('praise settings', IVAN)).card;
      assert.ok(settings, 'a settings card');
      assert.equal(valueOf(settings, 'showMyName'), 'true', 'named by default');
      assert.equal(inputOf(settings, 'publicPosts'), undefined, 'no organisation switch for someone who is not an admin');
      const saved = cardOf(await tess.press(settings, 'praise.settings.save', { showMyName: 'false' }, IVAN));
      assert.match(textOf(saved), /Saved\./);
      assert.equal(valueOf(saved, 'showMyName'), 'false');
      assert.equal(await flow.app.services.praise.showsName(TEST_TENANT_ID, IVAN.aadObjectId), false);

      await tess.sendThanks(await praiseCard(), { people: IVAN.aadObjectId, message: THANKS, visibility: 'now' });
      await desk.settle();
      const [received] = thanksTo(flow, IVAN);
      assert.ok(received, 'the thanks arrives privately');
      assert.match(textOf(received), /Your praise settings keep your name out of public posts/);
      assert.equal(chatsOpenedWith(flow, IVAN).length, 0, 'in the chat Ivan opened when he typed');
      assert.deepEqual(postsIn(flow), [], 'nothing posted when nobody can be named');

      await tess.sendThanks(await praiseCard(), { people: `${IVAN.aadObjectId},${MARIA.aadObjectId}`, badge: 'Team player', message: 'Both of you, thank you.', visibility: 'now' });
      await desk.settle();
      const posts = postsIn(flow);
      assert.equal(posts.length, 1);
      assert.match(textOf(posts[0]), /Tess Nguyen thanked <at>Maria Lopez<\/at>/);
      assert.doesNotMatch(textOf(posts[0]), /Ivan/, 'Ivan is not named');
      assert.deepEqual(mentionedIn(posts[0] ?? {}), [MARIA.aadObjectId]);
      assert.equal(thanksTo(flow, IVAN).length, 2, 'Ivan still gets it privately');
      assert.equal(thanksTo(flow, MARIA).length, 1);
    });

    it('lets an admin switch public thanks off: only private is offered, a forged "now" is private, and others cannot switch it', async () => {
      await start({ admins: [MARIA.aadObjectId] });
      await connectItChannel(flow);
      await connectThanksChannel(flow);

      const mine = (await tess.say('praise settings', MARIA)).card;
      assert.ok(mine);
      assert.equal(valueOf(mine, 'publicPosts'), 'true', 'the admin sees the organisation switch, on');
      const off = cardOf(await tess.press(mine, 'praise.settings.save', { showMyName: 'true', publicPosts: 'false' }, MARIA));
      assert.match(textOf(off), /Saved\./);
      assert.equal(valueOf(off, 'publicPosts'), 'false');

      const card = await praiseCard();
      assert.deepEqual(choicesOf(card, 'visibility').map((c) => c.value), ['private'], 'only private is offered');
      assert.equal(valueOf(card, 'visibility'), 'private');
      assert.match(textOf(card), /Your organisation has switched public thanks off/);

      const forged = cardOf(await tess.sendThanks(card, { people: IVAN.aadObjectId, message: THANKS, visibility: 'now' }));
      assert.match(textOf(forged), /Thanks sent/);
      assert.match(textOf(forged), /Only they will see it\./, 'treated as private');
      await desk.settle();
      assert.deepEqual(postsIn(flow), [], 'nothing posted');
      assert.match(textOf(thanksTo(flow, IVAN)[0]), /Only you can see this\./);
      assert.equal((await thanksThisWeek())[0]?.visibility, 'private', 'stored as private, so the weekly post leaves it out');

      // Ivan is no admin: his own setting is saved, the organisation's is not.
      const refused = cardOf(await tess.pressWith(IVAN, 'praise.settings.save', { showMyName: 'false', publicPosts: 'true' }));
      assert.match(textOf(refused), /Your own setting is saved\. Only Liaison admins can switch public thanks posts for the organisation\./);
      assert.equal(await flow.app.services.praise.publicPosts(TEST_TENANT_ID), false, 'still off');
      assert.equal(await flow.app.services.praise.showsName(TEST_TENANT_ID, IVAN.aadObjectId), false, 'his own choice saved');
    });

    it('posts "post it now" in every thanks channel of the organisation when the IT team has none, and says where', async () => {
      await start();
      await connectItChannel(flow);
      // The Branch Network team has two channels that take thanks; the IT team has none.
      flow.connector.setChannels(BRANCHES.id, [{ id: BRANCHES.id, type: 'standard' }, ...[KUDOS, WINS].map((c) => ({ id: c.id, name: c.name, type: 'standard' }))]);
      for (const channel of [KUDOS, WINS]) {
        const saved = await flow.post(
          cardAction({ serviceUrl: flow.connector.url, from: MARIA, verb: 'setup.save', conversation: { kind: 'channel', teamId: BRANCHES.id, channelId: channel.id, threadId: `setup-${channel.id}` }, data: { itRequests: 'false', services: '', praisePosts: 'true' } }),
        );
        assert.match(textOf(answerOf(saved.body).card), new RegExp(`Saved\\. ${channel.name} receives the weekly thanks post`));
      }

      const answer = cardOf(await tess.sendThanks(await praiseCard(), { people: IVAN.aadObjectId, badge: 'Quick fix', message: THANKS, visibility: 'now' }));
      assert.match(textOf(answer), /Ivan Brooks will get your thanks in their Teams chat\. It is also posted in Kudos and Wins\./);
      await desk.settle();
      for (const channel of [KUDOS, WINS]) {
        const [post, ...more] = postsIn(flow, channel.id);
        assert.ok(post, `posted in ${channel.name}`);
        assert.equal(more.length, 0, `once in ${channel.name}`);
        assert.match(textOf(post), /Tess Nguyen thanked <at>Ivan Brooks<\/at>/);
        assert.equal(renderedMessage(post), THANKS);
      }
      assert.equal(thanksTo(flow, IVAN).length, 1, 'and privately to Ivan');

      // Once the IT team has a thanks channel of its own, "post it now" goes there only.
      await connectThanksChannel(flow);
      const own = cardOf(await tess.sendThanks(await praiseCard(), { people: IVAN.aadObjectId, message: 'And thanks for the new reader.', visibility: 'now' }));
      assert.match(textOf(own), /It is also posted in Announcements\./);
      await desk.settle();
      assert.equal(postsIn(flow).length, 1);
      assert.deepEqual([postsIn(flow, KUDOS.id).length, postsIn(flow, WINS.id).length], [1, 1], 'nothing more in the other team’s channels');
    });

    it('says that no channel takes thanks yet when none does, and posts nothing', async () => {
      await start();
      await connectItChannel(flow);
      const card = await praiseCard();
      const before = flow.connector.calls.length;
      const answer = cardOf(await tess.sendThanks(card, { people: IVAN.aadObjectId, message: THANKS, visibility: 'now' }));
      assert.match(textOf(answer), /Ivan Brooks will get your thanks in their Teams chat\. No channel takes thanks yet, so it is not posted now\./);
      await desk.settle();
      const ivan = chatsWith(flow, IVAN);
      const messages = flow.connector.calls.slice(before).filter((c) => c.delivered && (c.kind === 'send' || c.kind === 'reply'));
      assert.equal(messages.length, 1, 'one message went out');
      assert.ok(messages[0]?.conversationId !== undefined && ivan.includes(messages[0].conversationId), "in Ivan's chat");
      assert.equal(thanksTo(flow, IVAN).length, 1);
    });

    it('does not post a "post it now" thanks delivered after an admin switched public posts off; the person thanked still hears', async () => {
      await start({ admins: [MARIA.aadObjectId] });
      await connectItChannel(flow);
      await connectThanksChannel(flow);
      const queued = cardOf(await tess.sendThanks(await praiseCard(), { people: IVAN.aadObjectId, message: THANKS, visibility: 'now' }));
      assert.match(textOf(queued), /It is also posted in Announcements\./, 'public posts were on when it was sent');

      // Before the outbox delivers it, Maria switches public thanks off for the organisation.
      const settings = (await tess.say('praise settings', MARIA)).card;
      assert.ok(settings);
      assert.match(textOf(cardOf(await tess.press(settings, 'praise.settings.save', { showMyName: 'true', publicPosts: 'false' }, MARIA))), /Saved\./);
      await desk.settle();
      assert.deepEqual(postsIn(flow), [], 'nothing posted in the thanks channel');
      const [received, ...more] = thanksTo(flow, IVAN);
      assert.ok(received, 'Ivan gets the thanks privately');
      assert.equal(more.length, 0);
      assert.equal(renderedMessage(received), THANKS);
    });

    it('refuses "Show all thanks" pages once an admin has switched public posts off', async () => {
      await start({ admins: [MARIA.aadObjectId] });
      await connectItChannel(flow);
      await connectThanksChannel(flow);
      await tess.sendThanks(await praiseCard(), { people: IVAN.aadObjectId, message: THANKS, visibility: 'weekly' });
      await desk.settle();
      const week = weekOf(clock.now(), DEFAULT_POLICY.praise.weeklyPost, TIME_ZONE);
      // Pressed on the weekly post in the thanks channel.
      const showAll = async (): Promise<Card> => {
        const response = await flow.post(
          cardAction({ serviceUrl: flow.connector.url, from: TESS, verb: 'praise.page', data: { week: week.key, page: 1 }, conversation: { kind: 'channel', channelId: THANKS_CHANNEL.id, threadId: 'weekly-post' }, messageId: 'weekly-post' }),
        );
        assert.equal(response.status, 200);
        return cardOf(answerOf(response.body));
      };
      const shown = textOf(await showAll());
      assert.match(shown, /Page 1 of 1/);
      assert.match(shown, /thanked Ivan Brooks/, 'while public posts are on, the list is shown');

      const settings = (await tess.say('praise settings', MARIA)).card;
      assert.ok(settings);
      await tess.press(settings, 'praise.settings.save', { showMyName: 'true', publicPosts: 'false' }, MARIA);
      const refused = textOf(await showAll());
      assert.match(refused, /Public thanks posts are switched off for your organisation, so the list is not shown\./);
      assert.doesNotMatch(refused, /Ivan Brooks|Page 1/);
    });

    it("does not tell the person thanked that it was posted in their team's thanks channel when it was not", async () => {
      await start({ admins: [MARIA.aadObjectId] });
      await connectItChannel(flow);
      // No channel takes thanks: "post it now" is posted nowhere.
      await tess.sendThanks(await praiseCard(), { people: IVAN.aadObjectId, message: 'Nowhere to post this one.', visibility: 'now' });
      await desk.settle();
      // A channel takes thanks, but public posts are switched off before the thanks is delivered.
      await connectThanksChannel(flow);
      await tess.sendThanks(await praiseCard(), { people: IVAN.aadObjectId, message: 'Switched off before it went out.', visibility: 'now' });
      const settings = (await tess.say('praise settings', MARIA)).card;
      assert.ok(settings);
      await tess.press(settings, 'praise.settings.save', { showMyName: 'true', publicPosts: 'false' }, MARIA);
      await desk.settle();

      assert.deepEqual(postsIn(flow), [], 'posted in no channel');
      const received = thanksTo(flow, IVAN).map((card) => textOf(card));
      assert.equal(received.length, 2);
      assert.deepEqual(
        received.filter((text) => /It was also posted in your team's thanks channel\./.test(text)).map((text) => /Nowhere|Switched off/.exec(text)?.[0]),
        [],
        'neither private thanks claims a post that was not made',
      );
    });
  });

  describe('Table storage failing while sending', () => {
    const unavailable = (): RestError => new RestError('Service Unavailable', { statusCode: 503 });

    it('says "Not sent" when the thanks cannot be queued; pressing again later sends exactly one', async () => {
      await start();
      await connectItChannel(flow);
      const { card } = await prompted();

      const failing = sinon.stub(flow.tables.client('Requests'), 'submitTransaction').rejects(unavailable());
      const answer = await tess.sendThanks(card, { message: THANKS });
      failing.restore();
      assert.ok(failing.called, 'the queueing was attempted');
      assert.match(answer.message ?? '', /^Not sent: Liaison could not reach its storage just now\. Your message is still on the card; press Send thanks again in a moment\.$/);
      await desk.settle();
      assert.deepEqual(thanksTo(flow, IVAN), [], 'nothing went out');
      assert.deepEqual(await thanksThisWeek(), []);

      assert.match(textOf(cardOf(await tess.sendThanks(card, { message: THANKS }))), /Thanks sent/);
      assert.match(textOf(cardOf(await tess.sendThanks(card, { message: THANKS }))), /Thanks sent/);
      await desk.settle();
      assert.equal(thanksTo(flow, IVAN).length, 1, 'exactly one thanks');
      assert.equal((await thanksThisWeek()).length, 1);
    });

    it('adds the thanks to its week through the outbox, retrying while the Praise table fails; the person thanked hears at once', async () => {
      await start();
      await connectItChannel(flow);
      const { card } = await prompted();

      const failing = sinon.stub(flow.tables.client('Praise'), 'upsertEntity').rejects(unavailable());
      assert.match(textOf(cardOf(await tess.sendThanks(card, { message: THANKS }))), /Thanks sent/);
      await desk.settle();
      assert.ok(failing.called, 'the week’s row was tried');
      assert.equal(thanksTo(flow, IVAN).length, 1, 'the person thanked has it already');
      assert.equal((await thanksThisWeek()).length, 0, 'not in the week’s list yet');

      failing.restore();
      for (let tries = 0; (await thanksThisWeek()).length === 0; tries++) {
        assert.ok(tries < 100, 'the outbox stores it once the table answers again');
        await new Promise((resolve) => setTimeout(resolve, 50));
        await desk.settle();
      }
      const stored = await thanksThisWeek();
      assert.equal(stored.length, 1, 'in this week’s thanks, once');
      assert.equal(stored[0]?.message, THANKS);
      assert.equal(thanksTo(flow, IVAN).length, 1, 'and still one message');
    });

    describe('storage unreachable (fault proxy)', () => {
      const rig = faultyStorageFlow();

      for (const [mode, what] of [['unavailable', 'answers 503'], ['reset', 'drops connections']] as [FaultMode, string][]) {
        it(`answers within Teams' time that nothing was sent when storage ${what}; pressing again sends exactly one`, async () => {
          use(rig.flow);
          await connectItChannel(flow);
          const { card } = await prompted();
          const data = { ...actionsOf(card).find((a) => a.verb === 'praise.send')?.data, people: IVAN.aadObjectId, badge: 'Thank you', message: THANKS, visibility: 'weekly' };

          rig.proxy.mode = mode;
          const response = await flow.postInTeamsTime(cardAction({ serviceUrl: flow.connector.url, from: TESS, verb: 'praise.send', data }));
          rig.proxy.mode = 'pass';
          assert.equal(response.status, 200);
          // Storage fails on the first read, before the thanks is queued: the turn's own answer for that.
          const { message } = answerOf(response.body);
          assert.match(message ?? '', /^Not (sent|saved)/);
          assert.match(message ?? '', /press (Send thanks|the button) again/i);
          await desk.settle();
          assert.deepEqual(thanksTo(flow, IVAN), [], 'nothing went out');

          assert.match(textOf(cardOf(await tess.pressWith(TESS, 'praise.send', data))), /Thanks sent/);
          await desk.settle();
          assert.equal(thanksTo(flow, IVAN).length, 1, 'exactly one thanks');
        });
      }
    });
  });
});
