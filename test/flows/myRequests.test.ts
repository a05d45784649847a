// "my requests" in the personal chat: the list, one request in full with its history, and the requester
// cancelling an open request with a reason.

import assert from 'node:assert/strict';
import { TEST_TENANT_ID, USERS, cardAction } from '../support/activities';
import { nodesOf } from '../support/cards';
import { textOf } from '../support/flow';
import { DAY_MS, Technician, actionOf, actionsOf, personalChat, snapshot, today, type Card } from '../support/intake';

const TESS = USERS.technician;

/** The list's entries in the order shown: the reference each opens and the text it shows. */
function entries(card: Card): { reference: string; text: string }[] {
  const referenceOf = (node: Record<string, unknown>): string | undefined => {
    const select = node.selectAction as { verb?: unknown; data?: { reference?: unknown } } | undefined;
    return select?.verb === 'requests.show' && typeof select.data?.reference === 'string' ? select.data.reference : undefined;
  };
  // An entry is not looked into: what it shows is its text.
  const inside = (node: Record<string, unknown>): unknown[] => (referenceOf(node) === undefined ? Object.values(node) : []);
  const found: { reference: string; text: string }[] = [];
  for (const node of nodesOf(card, inside)) {
    const reference = referenceOf(node);
    if (reference !== undefined) found.push({ reference, text: textOf(node.items) });
  }
  return found;
}

/** Files a request through the cards and returns the submitted card. */
async function file(tess: Technician, title: string, answers: { reach: string; stopped: string }): Promise<Card> {
  let card = await tess.say('new request');
  card = await tess.pressOn(card, 'intake.next', { kind: 'incident', service: 'public-pcs', title, description: `${title}: details for IT.`, startedOn: today() });
  card = await tess.pressOn(card, 'intake.next', { reach: answers.reach });
  card = await tess.pressOn(card, 'intake.next', answers.stopped === 'yes' ? { stopped: 'yes', hasWorkaround: 'no' } : { stopped: 'no' });
  card = await tess.pressOn(card, 'intake.next', { financial: 'false', compliance: 'false', reputation: 'false' });
  return tess.pressOn(card, 'intake.submit');
}

describe('flow: my requests', () => {
  const chat = personalChat();

  it('says so when there are none, and offers to start one', async () => {
    const card = await chat.tess.say('my requests');
    const text = textOf(card);
    assert.match(text, /My requests/);
    assert.match(text, /You have no open requests/);
    assert.match(text, /new request/);
    assert.deepEqual(entries(card), []);
    assert.ok(actionOf(card, 'intake.start'));
  });

  it('lists open requests newest first with reference, title, priority, status and age', async () => {
    assert.match(textOf(await file(chat.tess, 'Booking screen frozen', { reach: 'medium', stopped: 'yes' })), /REQ-0001/);
    assert.match(textOf(await file(chat.tess, 'One PC has a sticky key', { reach: 'low', stopped: 'no' })), /REQ-0002/);
    // Someone else's request is not in Tess's list.
    await file(new Technician(chat.flow, USERS.manager), 'Manager laptop slow', { reach: 'low', stopped: 'no' });

    const card = await chat.tess.say('my requests');
    assert.match(textOf(card), /newest first/);
    const list = entries(card);
    assert.deepEqual(list.map((e) => e.reference), ['REQ-0002', 'REQ-0001']);
    assert.match(list[0]!.text, /One PC has a sticky key/);
    assert.match(list[0]!.text, /P4 Low/);
    assert.match(list[0]!.text, /New, opened just now/);
    assert.match(list[1]!.text, /Booking screen frozen/);
    assert.match(list[1]!.text, /P2 High/);
    assert.match(list[1]!.text, /New, opened just now/);

    const viaButton = await chat.tess.press('requests.list', {});
    assert.deepEqual(entries(viaButton).map((e) => e.reference), ['REQ-0002', 'REQ-0001'], 'the card button shows the same list');
  });

  it('shows one request in full with its history', async () => {
    const submitted = await file(chat.tess, 'Booking screen frozen', { reach: 'medium', stopped: 'yes' });
    const detail = await chat.tess.pressOn(submitted, 'requests.show');
    const text = textOf(detail);
    assert.match(text, /REQ-0001: Booking screen frozen/);
    assert.match(text, /Status: New/);
    assert.match(text, /P2 High/);
    assert.match(text, /Public PCs and booking/);
    assert.match(text, /Booking screen frozen: details for IT\./);
    assert.match(text, /IT aims to respond by/);
    assert.match(text, /History/);
    assert.match(text, /Tess Nguyen submitted the request \(P2 High\)\./);
    assert.ok(actionsOf(detail).some((a) => a.verb === 'requests.cancel'), 'an open request can be cancelled');

    const fromList = await chat.tess.press('requests.show', { reference: entries(await chat.tess.say('my requests'))[0]!.reference });
    assert.match(textOf(fromList), /REQ-0001: Booking screen frozen/, 'the list entry opens the same request');
  });

  it('cancels an open request with a reason: status Cancelled, an event, and the card says so; still listed', async () => {
    await file(chat.tess, 'Booking screen frozen', { reach: 'medium', stopped: 'yes' });
    const detail = await chat.tess.press('requests.show', { reference: 'REQ-0001' });
    const cancelled = await chat.tess.pressOn(detail, 'requests.cancel', { reason: 'It works again after a restart' });
    const text = textOf(cancelled);
    assert.match(text, /REQ-0001 is cancelled\./);
    assert.match(text, /Status: Cancelled/);
    assert.match(text, /Tess Nguyen cancelled the request: It works again after a restart/);
    assert.equal(actionsOf(cancelled).some((a) => a.verb === 'requests.cancel'), false, 'no Cancel button on a cancelled request');

    const stored = await chat.store().getRequest(TEST_TENANT_ID, 1);
    assert.equal(stored?.value.status, 'Cancelled');
    const events = await chat.store().events(TEST_TENANT_ID, 1);
    assert.deepEqual(events.map((e) => [e.kind, e.actor.aadObjectId, e.note]), [
      ['submitted', TESS.aadObjectId, undefined],
      ['cancelled', TESS.aadObjectId, 'It works again after a restart'],
    ]);

    const list = entries(await chat.tess.say('my requests'));
    assert.deepEqual(list.map((e) => e.reference), ['REQ-0001'], 'a recently cancelled request is still listed');
    assert.match(list[0]!.text, /Cancelled/);
  });

  it('lists open requests however old, and closed ones for 30 days', async () => {
    await file(chat.tess, 'Old but open', { reach: 'low', stopped: 'no' });
    await file(chat.tess, 'Cancelled long ago', { reach: 'low', stopped: 'no' });
    await file(chat.tess, 'Cancelled lately', { reach: 'low', stopped: 'no' });
    for (const seq of [2, 3]) await chat.tess.press('requests.cancel', { reference: `REQ-000${String(seq)}`, reason: 'No longer needed' });
    const backdate = async (seq: number, days: number): Promise<void> => {
      const when = new Date(Date.now() - days * DAY_MS);
      const rowKey = `mine|${TESS.aadObjectId}|${String(99_999_999 - seq).padStart(8, '0')}`;
      await chat.flow.tables.client('Requests').updateEntity({ partitionKey: TEST_TENANT_ID, rowKey, createdAt: when, updatedAt: when }, 'Merge');
    };
    await backdate(1, 90);
    await backdate(2, 31);
    await backdate(3, 29);

    const list = entries(await chat.tess.say('my requests'));
    assert.deepEqual(list.map((e) => e.reference), ['REQ-0003', 'REQ-0001']);
    assert.match(list[1]!.text, /New, opened 3 months ago/);
  });

  it('answers the buttons that carry no data ("My requests", "New request") when Teams sends no data field', async () => {
    await file(chat.tess, 'Booking screen frozen', { reach: 'medium', stopped: 'yes' });
    for (const [verb, expected] of [['requests.list', /REQ-0001/], ['intake.start', /Step 1 of 5/]] as const) {
      const activity = cardAction({ serviceUrl: chat.flow.connector.url, from: TESS, verb });
      // The card defines no data and the button sends no inputs, so there is nothing to send.
      delete (activity.value as { action: { data?: unknown } }).action.data;
      const response = await chat.flow.post(activity);
      assert.equal(response.status, 200, `${verb} without data answered ${String(response.status)}`);
      assert.match(textOf((response.body as { value: unknown }).value), expected);
    }
  });

  it('refuses to cancel without a reason, and changes nothing', async () => {
    await file(chat.tess, 'Booking screen frozen', { reach: 'medium', stopped: 'yes' });
    const detail = await chat.tess.press('requests.show', { reference: 'REQ-0001' });
    const before = await snapshot(chat.flow);
    for (const reason of [undefined, '', '   \n ', 42]) {
      const answer = await chat.tess.pressOn(detail, 'requests.cancel', reason === undefined ? {} : { reason });
      const text = textOf(answer);
      assert.match(text, /Please say in a few words why you are cancelling it/, `reason ${JSON.stringify(reason)}`);
      assert.match(text, /Status: New/);
    }
    const long = await chat.tess.pressOn(detail, 'requests.cancel', { reason: 'r'.repeat(1001) });
    assert.match(textOf(long), /The reason can be at most 1000 characters \(it has 1001\)/);
    assert.equal(await snapshot(chat.flow), before, 'nothing stored changed');
    assert.equal((await chat.store().getRequest(TEST_TENANT_ID, 1))?.value.status, 'New');
  });

  it('refuses to cancel a request already cancelled, clearly, without a second event', async () => {
    await file(chat.tess, 'Booking screen frozen', { reach: 'medium', stopped: 'yes' });
    const detail = await chat.tess.press('requests.show', { reference: 'REQ-0001' });
    await chat.tess.pressOn(detail, 'requests.cancel', { reason: 'Fixed itself' });
    const before = await snapshot(chat.flow);

    const again = await chat.tess.pressOn(detail, 'requests.cancel', { reason: 'Fixed itself, really' });
    const text = textOf(again);
    assert.match(text, /REQ-0001 is already cancelled, so nothing was changed/);
    assert.match(text, /Status: Cancelled/);
    assert.equal(await snapshot(chat.flow), before, 'nothing stored changed');
    assert.equal((await chat.store().events(TEST_TENANT_ID, 1)).length, 2, 'still one cancellation');
  });
});
