// Who may do what, and exactly once: forged presses, people outside the IT team, invalid transitions,
// requester actions by someone else, racing and repeated presses, and oversize or markdown-laden notes.

import assert from 'node:assert/strict';
import { LIBRARY_TEAM, TEST_TENANT_ID, USERS, cardAction } from '../support/activities';
import { startFlow, textOf, type Flow } from '../support/flow';
import { Technician, snapshot } from '../support/intake';
import { ItDesk, connectItChannel, personalCards, useItRoster } from '../support/itChannel';

const { technician: TESS, itStaff: IVAN, manager: MARIA, outsider: OSCAR } = USERS;

describe('flow: IT actions refused or applied once', () => {
  let flow: Flow;
  let desk: ItDesk;
  let first: string;
  let second: string;

  beforeEach(async () => {
    flow = await startFlow({ background: false });
    useItRoster(flow);
    desk = new ItDesk(flow);
    await connectItChannel(flow);
    const tess = new Technician(flow);
    for (let i = 0; i < 2; i++) await tess.pressOn(await tess.fillToReview(), 'intake.submit');
    await desk.settle();
    [first, second] = ['REQ-0001', 'REQ-0002'];
  });
  afterEach(async () => {
    await flow.close();
  });

  const eventsOf = (seq: number) => flow.app.services.requests.events(TEST_TENANT_ID, seq);

  it('refuses someone outside the IT team, and changes nothing', async () => {
    const before = await snapshot(flow);
    const answer = await desk.press(TESS, first, 'it.take');
    assert.match(answer.message ?? '', /Only members of the IT team/);
    assert.equal(await snapshot(flow), before, 'nothing was written');
    assert.ok(flow.logs.some((l) => l.msg === 'refused an IT action by someone outside the IT team' && l.reference === first), 'logged with the reference');
  });

  it('refuses a press that names another request than the card it is on', async () => {
    const before = await snapshot(flow);
    // REQ-0002's id on REQ-0001's card: the message pressed is not REQ-0002's card.
    const forged = await desk.pressWith(IVAN, first, 'it.take', { reference: second, rev: 1 });
    assert.match(forged.message ?? '', /does not belong to REQ-0002/);
    // The right card, pressed from another channel.
    const elsewhere = await desk.pressWith(IVAN, first, 'it.take', { reference: first, rev: 1 }, { channelId: LIBRARY_TEAM.channels.announcements.id });
    assert.match(elsewhere.message ?? '', /does not belong/);
    // A request that does not exist.
    const missing = await desk.pressWith(IVAN, first, 'it.take', { reference: 'REQ-9999', rev: 1 });
    assert.match(missing.message ?? '', /cannot find that request/);
    assert.equal(await snapshot(flow), before);
  });

  it('refuses a transition the request is not in a state for', async () => {
    const before = await snapshot(flow);
    const resume = await desk.pressWith(IVAN, first, 'it.resume', { reference: first, rev: 1 });
    assert.match(resume.message ?? '', /not on hold/);
    await desk.press(IVAN, first, 'it.take');
    const again = await desk.pressWith(MARIA, first, 'it.take', { reference: first, rev: 2 });
    assert.match(again.message ?? '', /Ivan Brooks already took REQ-0001/);
    assert.notEqual(await snapshot(flow), before);
    assert.deepEqual((await eventsOf(1)).map((e) => e.kind), ['submitted', 'taken']);
  });

  it('refuses requester actions by anyone but the requester', async () => {
    await desk.press(IVAN, first, 'it.resolve', { resolution: 'Rebooted the reader.' });
    await desk.settle();
    const before = await snapshot(flow);
    for (const who of [IVAN, OSCAR]) {
      const response = await flow.post(cardAction({ serviceUrl: flow.connector.url, from: who, verb: 'requests.confirm', data: { reference: first, rev: 2 } }));
      const status = response.status;
      if (who === OSCAR) {
        assert.equal(status, 200, 'another tenant: a request of its own partition, which does not exist');
      }
      assert.doesNotMatch(JSON.stringify(response.body), /closed/);
    }
    assert.equal(await snapshot(flow), before);
  });

  it('applies two racing presses once: one wins, the other sees who took it', async () => {
    const [a, b] = await Promise.all([desk.press(IVAN, first, 'it.take'), desk.press(MARIA, first, 'it.take')]);
    const events = await eventsOf(1);
    assert.deepEqual(events.map((e) => e.kind), ['submitted', 'taken'], 'one change, one event');
    const winner = events[1]?.actor.name ?? '';
    const loser = [a, b].find((answer) => answer.card && /already took/.test(textOf(answer.card))) ?? [a, b].find((answer) => answer.message !== undefined);
    assert.ok(loser, 'the loser is told');
    assert.match(textOf(loser.card) + (loser.message ?? ''), new RegExp(`${winner} already took REQ-0001`));
    await desk.settle();
    assert.equal(desk.updates(first).length, 1, 'one card update');
    assert.equal(desk.lines(first).length, 1, 'one line');
    assert.equal(personalCards(flow).filter((c) => /is working on REQ-0001/.test(textOf(c))).length, 1, 'one message to the technician');
  });

  it('applies a double press or a redelivered press once', async () => {
    const card = desk.card(first);
    const once = await desk.press(IVAN, first, 'it.ask', { question: 'Which branch?' }, card);
    const twice = await desk.press(IVAN, first, 'it.ask', { question: 'Which branch?' }, card);
    assert.ok(once.card && twice.card);
    assert.doesNotMatch(textOf(twice.card), /changed meanwhile/, 'the repeat is answered as done');
    assert.deepEqual((await eventsOf(1)).map((e) => e.kind), ['submitted', 'asked']);
  });

  it('limits notes and questions, and keeps markdown in them inert', async () => {
    const long = await desk.press(IVAN, first, 'it.ask', { question: 'x'.repeat(1001) });
    assert.match(long.message ?? '', /at most 1000 characters/);
    const empty = await desk.press(IVAN, first, 'it.resolve', { resolution: '   ' });
    assert.match(empty.message ?? '', /Please write a resolution note/);

    const hostile = 'See [the fix](https://evil.example) and ${user.name} {{DATE(2020-01-01T00:00:00Z)}} **now**';
    await desk.press(IVAN, first, 'it.resolve', { resolution: hostile });
    await desk.settle();
    const line = desk.lines(first).at(-1) ?? '';
    assert.ok(!line.includes('[the fix](https://evil.example)'), `the thread line is inert: ${line}`);
    const card = JSON.stringify(desk.card(first));
    assert.ok(!card.includes('[the fix](https://evil.example)') && !card.includes('${user.name}') && !card.includes('{{DATE('), 'the card is inert');
    const stored = await flow.app.services.requests.getRequest(TEST_TENANT_ID, 1);
    assert.equal(stored?.value.resolution, hostile, 'stored exactly as typed');
  });

  it('refuses a press on a copy of a card Teams stored twice (its first answer was lost); the recorded card works', async () => {
    const tess = new Technician(flow);
    // Teams stores the card, then the answer is lost: the outbox posts it again.
    flow.connector.script('createConversation', { status: 502, deliver: true });
    await tess.pressOn(await tess.fillToReview(), 'intake.submit');
    // The retry waits out its backoff first.
    for (let pass = 0; pass < 50 && desk.postedCount('REQ-0003') < 2; pass++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await desk.settle();
    }
    assert.equal(desk.postedCount('REQ-0003'), 2, 'posted twice');
    const cards = flow.connector.calls.filter((c) => c.kind === 'createConversation' && c.delivered && textOf(c.activity?.attachments?.[0]?.content).includes('REQ-0003: '));
    const [copy, recorded] = cards.map((c) => c.assignedId ?? '');
    assert.ok(copy && recorded);

    const before = await snapshot(flow);
    const refused = await desk.pressWith(IVAN, 'REQ-0003', 'it.take', { reference: 'REQ-0003', rev: 1 }, { messageId: copy });
    assert.match(refused.message ?? '', /does not belong to REQ-0003's card/);
    assert.equal(await snapshot(flow), before);
    const taken = await desk.pressWith(IVAN, 'REQ-0003', 'it.take', { reference: 'REQ-0003', rev: 1 }, { messageId: recorded });
    assert.match(textOf(taken.card), /In progress/);
  });
});
