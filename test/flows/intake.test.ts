import assert from 'node:assert/strict';
import { tableRequests } from '../../src/storage/requests';
import { TEST_TENANT_ID, USERS } from '../support/activities';
import { startFlow, textOf, type Flow } from '../support/flow';
import { P2_ANSWERS, Technician, actionOf, today } from '../support/intake';

describe('flow: filing a request in the personal chat', () => {
  let flow: Flow;
  afterEach(async () => {
    await flow.close();
  });

  it('walks every step to a submitted request with a reference, priority and service level', async () => {
    flow = await startFlow();
    const tess = new Technician(flow);
    const review = await tess.fillToReview();
    const reviewText = textOf(review);
    assert.match(reviewText, /Step 5 of 5/);
    assert.match(reviewText, /P2 High because: /);
    assert.match(reviewText, /IT aims to respond within 1 hour and resolve within 8 business hours/);

    const submitted = await tess.pressOn(review, 'intake.submit');
    const text = textOf(submitted);
    assert.match(text, /REQ-0001/);
    assert.match(text, /P2 High/);

    const store = tableRequests(flow.tables.client('Requests'));
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

  it('costs at most 2 Table round trips per step and 4 per submit', async () => {
    flow = await startFlow();
    const tess = new Technician(flow);
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
    assert.ok(submitCost <= 4, `round trips for submit: ${String(submitCost)}`);
  });
});
