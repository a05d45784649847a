// The IT channel workflow through the HTTP edge, against Azurite and the fake connector: a request is
// posted to the IT channel as a card, IT acts on it there, the card is updated in place, every change is
// a line in its thread, and the technician hears about it in their personal chat.

import assert from 'node:assert/strict';
import { USERS } from '../support/activities';
import { actionsOf } from '../support/cards';
import { startFlow, textOf, type Flow } from '../support/flow';
import { Technician, type Card } from '../support/intake';
import { ItDesk, IT_CHANNEL, answerOf, connectItChannel, personalCards, useItRoster } from '../support/itChannel';
import { cardAction } from '../support/activities';

const { technician: TESS, itStaff: IVAN, manager: MARIA } = USERS;

const verbs = (card: Card): string[] => actionsOf(card).map((a) => a.verb);
const last = <T>(items: readonly T[]): T => {
  const item = items[items.length - 1];
  assert.ok(item !== undefined, 'there is one');
  return item;
};

describe('flow: the IT channel', () => {
  let flow: Flow;
  let tess: Technician;
  let desk: ItDesk;

  beforeEach(async () => {
    flow = await startFlow({ background: false });
    useItRoster(flow);
    tess = new Technician(flow);
    desk = new ItDesk(flow);
  });
  afterEach(async () => {
    await flow.close();
  });

  /** Tess files the sample P2 request; resolves with its reference once its card is in the IT channel. */
  async function file(): Promise<string> {
    const submitted = await tess.pressOn(await tess.fillToReview(), 'intake.submit');
    const reference = /REQ-\d{4}/.exec(textOf(submitted))?.[0];
    assert.ok(reference, 'submitted with a reference');
    await desk.settle();
    return reference;
  }

  /** Tess's reply to the personal card's button for `verb`. */
  async function tessPresses(card: Card, verb: string, inputs: Record<string, unknown> = {}) {
    const response = await flow.post(cardAction({ serviceUrl: flow.connector.url, from: TESS, verb, data: { ...actionsOf(card).find((a) => a.verb === verb)?.data, ...inputs } }));
    assert.equal(response.status, 200);
    return answerOf(response.body);
  }

  it('posts a submitted request to the IT channel as a card with its details and the actions IT can take', async () => {
    await connectItChannel(flow);
    const reference = await file();
    const thread = desk.thread(reference);
    assert.equal(thread.channelId, IT_CHANNEL.id, 'a new thread in the IT channel');
    const card = desk.card(reference);
    const text = textOf(card);
    for (const expected of [reference, 'Self-check rejects every card', 'P2 High', 'Tess Nguyen']) assert.ok(text.includes(expected), `the card shows ${expected}`);
    assert.deepEqual(verbs(card).sort(), ['it.ask', 'it.assign', 'it.duplicate', 'it.hold', 'it.resolve', 'it.take']);
    const entities = (card.msteams as { entities?: { mentioned?: { id?: string } }[] } | undefined)?.entities ?? [];
    assert.ok(entities.some((e) => e.mentioned?.id === TESS.aadObjectId), 'the requester is mentioned');
    assert.equal(desk.postedCount(reference), 1);
  });

  it('takes a request: the card changes in place, the thread says who took it, and the technician is told', async () => {
    await connectItChannel(flow);
    const reference = await file();
    const taken = await desk.press(IVAN, reference, 'it.take');
    assert.ok(taken.card, 'the pressed card is replaced');
    assert.match(textOf(taken.card), /In progress/);
    assert.ok(!verbs(taken.card).includes('it.take'), 'no Take it once taken');

    await desk.settle();
    assert.match(textOf(desk.card(reference)), /Ivan Brooks/);
    assert.equal(desk.updates(reference).length, 1, 'the same message was updated once');
    assert.deepEqual(desk.lines(reference).length, 1);
    assert.match(last(desk.lines(reference)), new RegExp(`Ivan Brooks took ${reference}`));
    assert.match(textOf(last(personalCards(flow))), /Ivan Brooks is working on/);
  });

  it('walks the whole lifecycle: ask, reply, hold, resume, resolve, reopen, resolve, confirm', async () => {
    await connectItChannel(flow);
    const reference = await file();
    await desk.press(IVAN, reference, 'it.take');
    await desk.settle();

    // A question: On hold (waiting for the requester); Tess answers from her chat; back to In progress.
    await desk.press(IVAN, reference, 'it.ask', { question: 'Which card numbers fail?' });
    await desk.settle();
    assert.match(textOf(desk.card(reference)), /On hold/);
    const question = last(personalCards(flow));
    assert.match(textOf(question), /Which card numbers fail\?/);
    const replied = await tessPresses(question, 'requests.reply', { reply: 'All of them, even staff cards.' });
    assert.match(textOf(replied.card), /Sent to IT/);
    await desk.settle();
    assert.match(last(desk.lines(reference)), /All of them, even staff cards\./);
    assert.match(textOf(desk.card(reference)), /In progress/);

    // On hold for the vendor, then back.
    await desk.press(IVAN, reference, 'it.hold', { holdReason: 'vendor', holdNote: 'A new reader arrives on Thursday.' });
    await desk.settle();
    assert.match(textOf(last(personalCards(flow))), /A new reader arrives on Thursday\./);
    assert.ok(verbs(desk.card(reference)).includes('it.resume'));
    await desk.press(IVAN, reference, 'it.resume');
    await desk.settle();
    assert.match(textOf(desk.card(reference)), /In progress/);

    // Resolved; Tess says it still does not work; resolved again; Tess confirms.
    await desk.press(IVAN, reference, 'it.resolve', { resolution: 'Replaced the card reader.' });
    await desk.settle();
    const resolved = last(personalCards(flow));
    assert.match(textOf(resolved), /Replaced the card reader\./);
    assert.deepEqual(verbs(resolved).filter((v) => v === 'requests.confirm' || v === 'requests.reopen').sort(), ['requests.confirm', 'requests.reopen']);
    const reopened = await tessPresses(resolved, 'requests.reopen', { reason: 'Staff cards still fail.' });
    assert.match(textOf(reopened.card), /reopened/);
    await desk.settle();
    assert.match(last(desk.lines(reference)), /Staff cards still fail\./);
    assert.match(textOf(desk.card(reference)), /In progress/);

    await desk.press(IVAN, reference, 'it.resolve', { resolution: 'Updated the staff card range too.' });
    await desk.settle();
    const confirmed = await tessPresses(last(personalCards(flow)), 'requests.confirm');
    assert.match(textOf(confirmed.card), /closed/);
    await desk.settle();
    assert.match(textOf(desk.card(reference)), /Closed/);
    assert.deepEqual(verbs(desk.card(reference)), [], 'a closed request offers IT nothing');

    const events = await flow.app.services.requests.events('7d3e9a51-4c2b-4f1e-9a8d-2b6c0e5f1a01', 1);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['submitted', 'taken', 'asked', 'replied', 'held', 'resumed', 'resolved', 'reopened', 'resolved', 'confirmed'],
    );
    assert.equal(desk.lines(reference).length, events.length - 1, 'every change after the post is a line in the thread');
  });

  it('assigns to a member of the IT team and cancels as a duplicate of another request', async () => {
    await connectItChannel(flow);
    const first = await file();
    const second = await file();
    const assigned = await desk.press(MARIA, second, 'it.assign', { assignTo: IVAN.aadObjectId });
    assert.match(textOf(assigned.card), /Ivan Brooks/);
    await desk.settle();
    assert.match(textOf(last(personalCards(flow))), /assigned to Ivan Brooks/);

    const refused = await desk.press(MARIA, second, 'it.assign', { assignTo: TESS.aadObjectId });
    assert.match(refused.message ?? '', /someone from the IT team/);

    await desk.press(MARIA, second, 'it.duplicate', { duplicateOf: first });
    await desk.settle();
    assert.match(textOf(desk.card(second)), /Cancelled/);
    assert.match(textOf(desk.card(second)), new RegExp(first));
    assert.match(textOf(last(personalCards(flow))), new RegExp(`duplicate of ${first}`));
  });

  it("takes the requester's answer even when IT changed the request since asking, and only once", async () => {
    await connectItChannel(flow);
    const reference = await file();
    await desk.press(IVAN, reference, 'it.ask', { question: 'Which branch?' });
    await desk.settle();
    const question = last(personalCards(flow));
    await desk.press(IVAN, reference, 'it.assign', { assignTo: MARIA.aadObjectId });
    const answer = { reply: 'Branch 2, since Monday.' };
    const first = await tessPresses(question, 'requests.reply', answer);
    // IT moves on; then Tess's answer arrives again (the first answer to her press was lost).
    await desk.settle();
    await desk.press(MARIA, reference, 'it.hold', { holdReason: 'vendor', holdNote: 'Ordering a reader.' });
    const again = await tessPresses(question, 'requests.reply', answer);
    for (const replied of [first, again]) assert.match(textOf(replied.card), /Sent to IT/);
    const events = await flow.app.services.requests.events('7d3e9a51-4c2b-4f1e-9a8d-2b6c0e5f1a01', 1);
    assert.deepEqual(events.map((e) => e.kind), ['submitted', 'asked', 'assigned', 'replied', 'held']);
    assert.equal(events[3]?.note, answer.reply);
  });
});
