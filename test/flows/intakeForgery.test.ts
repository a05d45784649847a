// Card data is untrusted (reliability 5, 7, 8): forged, stale, malformed, out-of-order and repeated
// presses on the intake and on "my requests" are refused with a clear message and change nothing;
// a submit counts once however often it arrives, and references stay unique under concurrency.

import assert from 'node:assert/strict';
import { TEST_TENANT_ID, USERS, cardAction, randomGuid, type TestUser } from '../support/activities';
import { textOf } from '../support/flow';
import { Technician, actionOf, actionsOf, personalChat, snapshot, type Card } from '../support/intake';

const TESS = USERS.technician;
const IVAN = USERS.itStaff;

/** Another technician of the same organisation. */
function colleague(n: number): TestUser {
  return {
    ...TESS,
    id: `29:1tech${String(n)}-teams-user-id`,
    name: `Technician ${String(n)}`,
    givenName: 'Technician',
    surname: String(n),
    aadObjectId: randomGuid(),
    personalConversationId: `a:1tech${String(n)}-personal-conversation`,
  };
}

const references = (n: number): string[] => Array.from({ length: n }, (_, i) => `REQ-${String(i + 1).padStart(4, '0')}`);

describe('flow: forged, stale and repeated intake presses', () => {
  const chat = personalChat();

  /** Presses as `who` and asserts the answer matches `message` and nothing stored changed. */
  const refused = async (who: Technician, verb: string, data: Record<string, unknown>, message: RegExp): Promise<Card> => {
    const before = await snapshot(chat.flow);
    const answer = await who.press(verb, data);
    assert.match(textOf(answer), message);
    assert.equal(await snapshot(chat.flow), before, `${verb} changed nothing stored`);
    return answer;
  };

  it('answers an unknown verb with a clear notice and changes nothing', async () => {
    const card = await chat.tess.say('new request');
    const data = actionOf(card, 'intake.next');
    await refused(chat.tess, 'intake.explode', data, /That button is no longer active/);
    await refused(chat.tess, 'requests.delete', { reference: 'REQ-0001' }, /That button is no longer active/);
    await refused(chat.tess, 'x'.repeat(100), {}, /no longer active/);
  });

  it("refuses another person's draft: not found, nothing changes", async () => {
    let card = await chat.tess.say('new request');
    card = await chat.tess.pressOn(card, 'intake.next', { kind: 'incident', service: 'wifi', title: 'Wi-Fi drops', description: 'Staff Wi-Fi drops every ten minutes.', startedOn: '2024-01-01' });
    const ivan = new Technician(chat.flow, IVAN);
    const data = actionOf(card, 'intake.next');

    await refused(ivan, 'intake.next', { ...data, reach: 'high' }, /Draft not found/);
    await refused(ivan, 'intake.back', data, /Draft not found/);
    await refused(ivan, 'intake.goto', { ...data, target: 'what' }, /Draft not found/);
    await refused(ivan, 'intake.cancel', data, /Draft not found/);
    await refused(ivan, 'intake.resume', data, /Draft not found/);
    await refused(ivan, 'intake.restart', data, /Draft not found/);
    await refused(ivan, 'intake.submit', data, /Draft not found/);
    assert.equal(await chat.store().findOpenDraft(TEST_TENANT_ID, IVAN.aadObjectId), undefined, 'no draft for Ivan either');

    const tessDraft = await chat.store().getDraft(TEST_TENANT_ID, TESS.aadObjectId, data.draftId as string);
    assert.equal(tessDraft?.value.step, 'impact');
    assert.equal(tessDraft.value.status, 'open');
  });

  it("refuses another person's request in requests.show and requests.cancel", async () => {
    const submitted = await chat.tess.pressOn(await chat.tess.fillToReview(), 'intake.submit');
    assert.match(textOf(submitted), /REQ-0001/);
    const ivan = new Technician(chat.flow, IVAN);

    const shown = await refused(ivan, 'requests.show', { reference: 'REQ-0001' }, /Request not found/);
    assert.doesNotMatch(JSON.stringify(shown), /Self-check rejects every card/, 'nothing of the request is shown');
    await refused(ivan, 'requests.cancel', { reference: 'REQ-0001', reason: 'Not needed any more' }, /Request not found/);
    await refused(ivan, 'requests.cancel', { reference: 'req-1', reason: 'Not needed' }, /Request not found/);
    await refused(chat.tess, 'requests.show', { reference: 'REQ-0002' }, /Request not found/);
    await refused(chat.tess, 'requests.show', { reference: 'REQ-0000' }, /Request not found/);
    await refused(chat.tess, 'requests.show', { reference: { $ne: '' } }, /Request not found/);
    await refused(chat.tess, 'requests.cancel', { reference: 'REQ-0001; REQ-0002', reason: 'x' }, /Request not found/);
    assert.equal((await chat.store().getRequest(TEST_TENANT_ID, 1))?.value.status, 'New');
  });

  it('answers an out-of-date card with a banner and the current step, and changes nothing', async () => {
    const first = await chat.tess.say('new request');
    const second = await chat.tess.pressOn(first, 'intake.next', { kind: 'request', service: 'website', title: 'New page', description: 'A page for the winter reading challenge.' });
    const third = await chat.tess.pressOn(second, 'intake.next', { reach: 'low' });
    assert.match(textOf(third), /Step 3 of 5/);

    for (const [old, verb, extra] of [
      [first, 'intake.next', { kind: 'incident', service: 'lms', title: 'Other', description: 'Something else entirely.', startedOn: '2024-01-01' }],
      [first, 'intake.cancel', {}],
      [second, 'intake.next', { reach: 'high' }],
      [second, 'intake.back', {}],
      [second, 'intake.submit', {}],
    ] as const) {
      const answer = await refused(chat.tess, verb, { ...actionOf(old, verb === 'intake.submit' ? 'intake.next' : verb), ...extra }, /That card was out of date, so nothing changed/);
      assert.match(textOf(answer), /Step 3 of 5: Urgency/, `${verb} on an old card shows the current step`);
    }
    const draft = await chat.store().getDraft(TEST_TENANT_ID, TESS.aadObjectId, actionOf(first, 'intake.next').draftId as string);
    assert.equal(draft?.value.inputs.what?.title, 'New page');
    assert.equal(draft.value.inputs.impact?.reach, 'low');
    assert.equal(draft.value.status, 'open');
  });

  it('refuses steps out of order: submit before the review, goto review before it was reached, goto a step that does not exist', async () => {
    let card = await chat.tess.say('new request');
    card = await chat.tess.pressOn(card, 'intake.next', { kind: 'request', service: 'website', title: 'New page', description: 'A page for the winter reading challenge.' });
    const data = actionOf(card, 'intake.next');

    const early = await refused(chat.tess, 'intake.submit', data, /Step 2 of 5/);
    assert.doesNotMatch(textOf(early), /REQ-\d/);
    assert.equal(await chat.store().getRequest(TEST_TENANT_ID, 1), undefined, 'nothing submitted');

    const review = await refused(chat.tess, 'intake.goto', { ...data, target: 'review' }, /cannot be opened yet/);
    assert.match(textOf(review), /Step 2 of 5/);
    await refused(chat.tess, 'intake.goto', { ...data, target: 'risks' }, /cannot be opened yet/);
    const bogus = await refused(chat.tess, 'intake.goto', { ...data, target: 'bogus' }, /That step does not exist/);
    assert.match(textOf(bogus), /Step 2 of 5/);
    await refused(chat.tess, 'intake.goto', data, /That step does not exist/);
    await refused(chat.tess, 'intake.next', { ...data, step: 'review', reachedReview: true, reach: '' }, /Please choose how far it reaches/);
  });

  it('refuses malformed card data with a clear message', async () => {
    const card = await chat.tess.say('new request');
    const data = actionOf(card, 'intake.next');
    const inactive = /That button is not active/;
    await refused(chat.tess, 'intake.next', { ...data, draftId: 'not-a-uuid' }, inactive);
    await refused(chat.tess, 'intake.next', { ...data, draftId: `${String(data.draftId)}|x` }, inactive);
    await refused(chat.tess, 'intake.next', { ...data, rev: 'abc' }, inactive);
    await refused(chat.tess, 'intake.next', { ...data, rev: -1 }, inactive);
    await refused(chat.tess, 'intake.next', { ...data, rev: 1.5 }, inactive);
    await refused(chat.tess, 'intake.submit', { draftId: data.draftId }, inactive);
    await refused(chat.tess, 'intake.cancel', {}, inactive);
    await refused(chat.tess, 'intake.next', { ...data, draftId: randomGuid() }, /Draft not found/);
  });

  it('refuses a press whose data is missing entirely with a clear card, not an error', async () => {
    const card = await chat.tess.say('new request');
    const before = await snapshot(chat.flow);
    const activity = cardAction({ serviceUrl: chat.flow.connector.url, from: TESS, verb: 'intake.next' });
    delete (activity.value as { action: { data?: unknown } }).action.data;
    const response = await chat.flow.post(activity);
    assert.equal(response.status, 200, 'Teams shows "something went wrong" for anything but a card');
    const body = response.body as { type: string; value: unknown };
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(textOf(body.value), /That button is not active/);
    assert.equal(await snapshot(chat.flow), before);
    assert.ok(actionsOf(card).length > 0);
  });

  it('refuses data that is not an object', async () => {
    const card = await chat.tess.say('new request');
    const before = await snapshot(chat.flow);
    for (const data of ['intake', 42, null, [actionOf(card, 'intake.next')]]) {
      const response = await chat.flow.post(cardAction({ serviceUrl: chat.flow.connector.url, from: TESS, verb: 'intake.next', data: data as unknown as Record<string, unknown> }));
      assert.ok(response.status < 500, `no crash for data ${JSON.stringify(data)}`);
      if (response.status === 200) assert.match(textOf((response.body as { value: unknown }).value), /not active/);
    }
    assert.equal(await snapshot(chat.flow), before);
  });

  it('answers the old cards of a submitted draft with its reference, never a second request', async () => {
    let card = await chat.tess.say('new request');
    const first = card;
    card = await chat.tess.pressOn(card, 'intake.next', { kind: 'incident', service: 'wifi', title: 'Wi-Fi drops', description: 'Staff Wi-Fi drops every ten minutes.', startedOn: '2024-01-01' });
    card = await chat.tess.pressOn(card, 'intake.next', { reach: 'low' });
    card = await chat.tess.pressOn(card, 'intake.next', { stopped: 'no' });
    const review = await chat.tess.pressOn(card, 'intake.next', { financial: 'false', compliance: 'false', reputation: 'false' });
    const submitted = await chat.tess.pressOn(review, 'intake.submit');
    assert.match(textOf(submitted), /REQ-0001/);

    for (const [old, verb] of [[first, 'intake.next'], [review, 'intake.cancel'], [review, 'intake.back'], [review, 'intake.submit']] as const) {
      const answer = await refused(chat.tess, verb, actionOf(old, verb), /already submitted this request as REQ-0001/);
      assert.match(textOf(answer), /Your request is filed/);
    }
    assert.equal(await chat.store().getRequest(TEST_TENANT_ID, 2), undefined);
  });

  it('makes exactly one request of two Submit presses racing', async () => {
    const review = await chat.tess.fillToReview();
    const data = actionOf(review, 'intake.submit');
    const answers = await Promise.all([chat.tess.press('intake.submit', data), chat.tess.press('intake.submit', data)]);
    for (const answer of answers) assert.match(textOf(answer), /REQ-0001/, 'both presses show the one reference');
    assert.equal(answers.filter((a) => /already submitted/.test(textOf(a))).length, 1, 'the second press is told it was already submitted');

    assert.equal((await chat.store().getRequest(TEST_TENANT_ID, 1))?.value.status, 'New');
    assert.equal(await chat.store().getRequest(TEST_TENANT_ID, 2), undefined, 'no second request');
    assert.deepEqual((await chat.store().events(TEST_TENANT_ID, 1)).map((e) => e.kind), ['submitted'], 'one event');
    assert.deepEqual((await chat.store().listMine(TEST_TENANT_ID, TESS.aadObjectId, 10, () => true)).map((s) => s.reference), ['REQ-0001']);
  });

  it('makes exactly one request of the same submit activity delivered twice', async () => {
    const review = await chat.tess.fillToReview();
    const activity = cardAction({ serviceUrl: chat.flow.connector.url, from: TESS, verb: 'intake.submit', data: actionOf(review, 'intake.submit') });
    const first = await chat.flow.post(activity);
    const again = await chat.flow.post(activity);
    const racing = await Promise.all([chat.flow.post(activity), chat.flow.post(activity)]);
    for (const response of [first, again, ...racing]) {
      assert.equal(response.status, 200);
      assert.match(textOf((response.body as { value: unknown }).value), /REQ-0001/);
    }
    assert.equal(await chat.store().getRequest(TEST_TENANT_ID, 2), undefined, 'no second request');
    assert.equal((await chat.store().events(TEST_TENANT_ID, 1)).length, 1);
  });

  it('numbers sixteen requests submitted at once REQ-0001 to REQ-0016, each once', async function () {
    this.timeout(60_000);
    const people = Array.from({ length: 16 }, (_, i) => new Technician(chat.flow, colleague(i + 1)));
    // Typed messages are matched to answers by order at the fake connector, so the drafts are filled one by one.
    const reviews: Card[] = [];
    for (const person of people) reviews.push(await person.fillToReview());

    const answers = await Promise.all(people.map((person, i) => person.pressOn(reviews[i]!, 'intake.submit')));
    const given = answers.map((a) => /REQ-\d{4}/.exec(textOf(a))?.[0] ?? `not submitted: ${textOf(a).slice(0, 160)}`);
    const numbered = given.filter((g) => g.startsWith('REQ-'));
    assert.deepEqual([...numbered].sort(), references(numbered.length), 'no reference twice, no gaps');
    for (const [i, person] of people.entries()) {
      if (!given[i]!.startsWith('REQ-')) continue;
      const stored = await chat.store().getRequest(TEST_TENANT_ID, Number(given[i]!.slice(4)));
      assert.equal(stored?.value.requester.aadObjectId, person.user.aadObjectId, `${given[i]!} belongs to the one who was told it`);
    }
    // Storage was fine all along: nobody should be told to try again because others submitted at the same moment.
    assert.deepEqual([...given].sort(), references(16), 'every technician got a reference');

    for (const [i, person] of people.entries()) {
      const seq = Number(given[i]!.slice(4));
      const stored = await chat.store().getRequest(TEST_TENANT_ID, seq);
      assert.equal(stored?.value.requester.aadObjectId, person.user.aadObjectId, `${given[i]!} belongs to the one who was told it`);
      const mine = await chat.store().listMine(TEST_TENANT_ID, person.user.aadObjectId, 10, () => true);
      assert.deepEqual(mine.map((s) => s.reference), [given[i]]);
    }
    assert.equal(await chat.store().getRequest(TEST_TENANT_ID, 17), undefined, 'no extra request');
  });
});
