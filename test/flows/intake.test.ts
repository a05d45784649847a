import assert from 'node:assert/strict';
import { LIMITS } from '../../src/intake/fields';
import { TEST_TENANT_ID, USERS, personalMessage } from '../support/activities';
import { cardOf, textOf } from '../support/flow';
import { P2_ANSWERS, actionOf, personalChat, today } from '../support/intake';

describe('flow: filing a request in the personal chat', () => {
  const chat = personalChat();

  it('walks every step to a submitted request with a reference, priority and service level', async () => {
    const { tess } = chat;
    const review = await tess.fillToReview();
    const reviewText = textOf(review);
    assert.match(reviewText, /Step 5 of 5/);
    assert.match(reviewText, /P2 High\n because: one branch, team or service affected; work has stopped with no workaround/);
    assert.match(reviewText, /IT aims to respond within 1 hour and resolve within 8 business hours/);

    const submitted = await tess.pressOn(review, 'intake.submit');
    const text = textOf(submitted);
    assert.match(text, /REQ-0001/);
    assert.match(text, /P2 High/);

    const store = chat.store();
    const stored = await store.getRequest(TEST_TENANT_ID, 1);
    assert.equal(stored?.value.status, 'New');
    assert.equal(stored.value.assessment.priority, 'P2');
    assert.equal(stored.value.requester.aadObjectId, USERS.technician.aadObjectId);
    const events = await store.events(TEST_TENANT_ID, 1);
    assert.deepEqual(events.map((e) => e.kind), ['submitted']);

    const again = await tess.press('intake.submit', actionOf(review, 'intake.submit'));
    assert.match(textOf(again), /already submitted this request as REQ-0001/);
    assert.equal(await store.getRequest(TEST_TENANT_ID, 2), undefined, 'no second request');
  });

  it('costs at most 2 Table round trips per step and 5 per submit (one finds the IT channel)', async () => {
    const { flow, tess } = chat;
    let card = await tess.say('new request');
    const costs: number[] = [];
    const measured = async (verb: string, inputs: Record<string, unknown> = {}): Promise<void> => {
      const before = flow.tables.roundTrips();
      card = await tess.pressOn(card, verb, inputs);
      costs.push(flow.tables.roundTrips() - before);
    };
    await measured('intake.next', { ...P2_ANSWERS.what, startedOn: today() });
    await measured('intake.back');
    await measured('intake.next', { ...P2_ANSWERS.what, startedOn: today() });
    await measured('intake.next', P2_ANSWERS.impact);
    await measured('intake.next', P2_ANSWERS.urgency);
    await measured('intake.next', P2_ANSWERS.risks);
    assert.ok(costs.every((c) => c <= 2), `round trips per step: ${costs.join(', ')}`);

    const before = flow.tables.roundTrips();
    await tess.pressOn(card, 'intake.submit');
    const submitCost = flow.tables.roundTrips() - before;
    assert.ok(submitCost <= 5, `round trips for submit: ${String(submitCost)}`);
  });

  it('keeps the largest review, confirmation and detail cards well under the 80 KB Teams allows', async () => {
    const { tess } = chat;
    const long = (n: number): string => 'Ünïcödé & <b>markdown</b> [x](https://e.example) '.repeat(n).slice(0, n);
    const review = await tess.fillToReview({
      what: { ...P2_ANSWERS.what, branch: long(LIMITS.branch), title: long(LIMITS.title), description: long(LIMITS.description) },
      impact: P2_ANSWERS.impact,
      urgency: { stopped: 'yes', hasWorkaround: 'yes', workaround: long(LIMITS.shortText), deadline: today(), deadlineReason: long(LIMITS.shortText) },
      risks: {
        financial: 'true',
        financialHow: long(LIMITS.shortText),
        compliance: 'true',
        complianceHow: long(LIMITS.shortText),
        reputation: 'true',
        reputationHow: long(LIMITS.shortText),
        serviceQuality: long(LIMITS.longText),
        staffHours: '1000',
      },
    });
    assert.match(textOf(review), /Step 5 of 5/);
    const submitted = await tess.pressOn(review, 'intake.submit');
    const detail = await tess.press('requests.show', { reference: 'REQ-0001' });
    for (const [name, card] of [['review', review], ['submitted', submitted], ['detail', detail]] as const) {
      const bytes = Buffer.byteLength(JSON.stringify(card));
      assert.ok(bytes < 40_000, `${name} card is ${String(bytes)} bytes`);
    }
  });

  it("starts from the welcome card's buttons, which send the command as the message's value", async () => {
    const { flow } = chat;
    const pressed = { ...personalMessage({ serviceUrl: flow.connector.url, text: '' }), text: undefined, value: { command: 'new request' } };
    assert.equal((await flow.post(pressed)).status, 200);
    const [call] = await flow.connector.waitForCalls(1, 5_000, ['send', 'reply']);
    assert.match(textOf(cardOf(call?.activity)), /Step 1 of 5/);
  });
});
