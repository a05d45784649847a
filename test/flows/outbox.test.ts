// Durable delivery: every notification is written to the outbox with the change that causes it and
// delivered once, in order per conversation, through throttling and outages; a crash between the change
// and its delivery loses nothing; permanent failures are recorded and reported once.

import assert from 'node:assert/strict';
import { TEST_TENANT_ID, USERS } from '../support/activities';
import { textOf, type Flow } from '../support/flow';
import { Technician } from '../support/intake';
import { ItDesk, itInstances, connectItChannel, personalCards } from '../support/itChannel';

const { itStaff: IVAN } = USERS;

/** Rows of the Requests table whose key starts with `prefix`. */
async function rows(flow: Flow, prefix: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for await (const entity of flow.tables.client('Requests').listEntities()) {
    if (entity.rowKey?.startsWith(prefix)) found.push(entity);
  }
  return found;
}

/** Waits (real time) until the outbox is empty. */
async function drained(flow: Flow, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await rows(flow, 'outbox|')).length > 0) {
    if (Date.now() > until) assert.fail(`the outbox still holds ${String((await rows(flow, 'outbox|')).length)} item(s)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function fileOne(flow: Flow): Promise<void> {
  const tess = new Technician(flow);
  await tess.pressOn(await tess.fillToReview(), 'intake.submit');
}

describe('flow: the outbox', () => {
  const instances = itInstances();
  const start = instances.start;

  it('delivers everything once and in order through 429s (with and without Retry-After) and a 503 outage', async () => {
    const flow = await start({ background: false });
    const desk = new ItDesk(flow);
    await connectItChannel(flow);
    await fileOne(flow);
    await desk.settle();
    // Each press is on the card its previous press returned, as in Teams while the updates wait.
    let card = desk.card('REQ-0001');
    for (const [verb, inputs] of [
      ['it.take', {}],
      ['it.hold', { holdReason: 'vendor', holdNote: 'Waiting for a reader.' }],
      ['it.resume', {}],
      ['it.resolve', { resolution: 'Replaced the reader.' }],
    ] as const) {
      const answer = await desk.press(IVAN, 'REQ-0001', verb, inputs, card);
      assert.ok(answer.card, `${verb} answered with the card`);
      card = answer.card;
    }
    // Teams throttles and then fails for a while, as the outbox starts delivering.
    flow.connector.failNext('*', 429, { 'Retry-After': '1' }, { times: 2 });
    flow.connector.failNext('*', 429, {}, { times: 2 });
    flow.connector.failNext('*', 503, {}, { times: 3 });
    flow.app.outbox.start();
    await drained(flow);

    assert.ok(flow.connector.calls.filter((c) => c.status === 429).length >= 4, 'it was throttled');
    assert.deepEqual(
      desk.lines('REQ-0001').map((line) => ['off hold', 'took', 'On hold', 'resolved'].find((words) => line.includes(words))),
      ['took', 'On hold', 'off hold', 'resolved'],
      'each line once, in order',
    );
    const told = personalCards(flow).map((c) => ['again', 'working on', 'on hold', 'resolved'].find((words) => textOf(c).includes(words)));
    assert.deepEqual(told, ['working on', 'on hold', 'again', 'resolved'], 'the technician hears each change once, in order');
    assert.ok(flow.logs.some((l) => l.msg === 'notification not delivered; will retry' && l.status === 429), 'retries are logged');
    assert.deepEqual(await rows(flow, 'failed|'), []);
  });

  it('loses nothing when the instance stops between a change and its delivery', async () => {
    const first = await start({ background: false });
    const connector = first.connector;
    await connectItChannel(first);
    await fileOne(first);
    await first.app.outbox.drain();
    await new ItDesk(first).press(IVAN, 'REQ-0001', 'it.take');
    assert.equal((await rows(first, 'outbox|')).length, 3, 'the card update, the line and the message wait in the outbox');
    // The instance goes away (its connector stays: it is Teams).
    await first.app.close(1_000);
    instances.forget(first);

    const second = await start({ tables: first.tables, sharedConnector: connector });
    await drained(second);
    const desk = new ItDesk(second);
    assert.equal(desk.updates('REQ-0001').length, 1);
    assert.match(desk.lines('REQ-0001').join('\n'), /Ivan Brooks took REQ-0001/);
    assert.equal(personalCards(second).filter((c) => /working on REQ-0001/.test(textOf(c))).length, 1);
    await connector.close();
  });

  it('records a 403 on posting the card, tells the technician and an admin once, and posts it when the channel is set up again', async () => {
    const flow = await start({ admins: [USERS.manager.aadObjectId], background: false });
    const desk = new ItDesk(flow);
    // The admin has a personal chat with Liaison, where it can reach her.
    await new Technician(flow, USERS.manager).say('help');
    await connectItChannel(flow);
    flow.connector.failNext('createConversation', 403, {}, { times: 2 });
    // Two requests go to the channel before Liaison finds out it was removed from it.
    await fileOne(flow);
    await fileOne(flow);
    flow.app.outbox.start();
    await drained(flow);

    const failed = await rows(flow, 'failed|');
    assert.equal(failed.length, 2, 'both recorded as failed');
    assert.match(String(failed[0]?.reason), /403/);
    assert.equal(flow.connector.calls.filter((c) => c.kind === 'createConversation').length, 2, 'not retried');
    assert.equal(personalCards(flow).filter((c) => /could not be posted to IT/.test(textOf(c))).length, 2, 'the technician is told about each request once');
    const notices = flow.connector.calls.filter((c) => c.kind === 'send' && c.conversationId === USERS.manager.personalConversationId && /could not post REQ-000/.test(c.activity?.text ?? ''));
    assert.equal(notices.length, 1, 'the admin is told once for the channel');
    assert.ok(flow.logs.some((l) => l.msg === 'notification cannot be delivered; recorded and reported' && l.seq === 1 && l.tenantId === TEST_TENANT_ID));
    const stored = await flow.app.services.requests.getRequest(TEST_TENANT_ID, 1);
    assert.equal(stored?.value.route, undefined, 'the request waits for a channel again');
    await flow.app.sweeper.sweep();
    await drained(flow);
    assert.equal(flow.connector.calls.filter((c) => c.kind === 'createConversation').length, 2, 'the unreachable channel gets no more requests');

    // Liaison is back in the team; someone saves the setup again.
    await connectItChannel(flow);
    await flow.app.sweeper.sweep();
    await drained(flow);
    assert.equal(desk.postedCount('REQ-0001'), 1);
    assert.equal(desk.postedCount('REQ-0002'), 1);
    assert.equal(personalCards(flow).filter((c) => /REQ-0001 is now with IT/.test(textOf(c))).length, 1);
  });

  it('delivers each notification once when two instances drain the same outbox', async () => {
    const a = await start({ background: false });
    const b = await start({ tables: a.tables, sharedConnector: a.connector });
    const desk = new ItDesk(a);
    await connectItChannel(a);
    for (let i = 0; i < 4; i++) await fileOne(a);
    await Promise.all([a.app.outbox.drain(), b.app.outbox.drain()]);
    await drained(a);
    for (let seq = 1; seq <= 4; seq++) assert.equal(desk.postedCount(`REQ-000${String(seq)}`), 1, `REQ-000${String(seq)} posted once`);
  });

  it('delivers a change made while its conversation is being delivered without waiting for the next look', async () => {
    // The outbox never looks by itself in this test: only changes wake it.
    const flow = await start({ pollMs: 600_000 });
    const desk = new ItDesk(flow);
    await connectItChannel(flow);
    await fileOne(flow);
    await fileOne(flow);
    await desk.settle();
    await Promise.all([desk.press(IVAN, 'REQ-0001', 'it.take'), desk.press(USERS.manager, 'REQ-0002', 'it.take')]);
    const until = Date.now() + 10_000;
    while (personalCards(flow).filter((c) => /is working on/.test(textOf(c))).length < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(personalCards(flow).filter((c) => /is working on/.test(textOf(c))).length, 2, 'both messages arrived');
  });

  it("refuses one card for good (400) without taking the channel offline for the others", async () => {
    const flow = await start({ admins: [USERS.manager.aadObjectId], background: false });
    const desk = new ItDesk(flow);
    await new Technician(flow, USERS.manager).say('help');
    await connectItChannel(flow);
    flow.connector.failNext('createConversation', 400);
    await fileOne(flow);
    await fileOne(flow);
    flow.app.outbox.start();
    await drained(flow);
    assert.equal((await rows(flow, 'failed|')).length, 1);
    assert.equal(desk.postedCount('REQ-0002'), 1, 'the channel still takes requests');
    const settings = await flow.app.services.channelSettings.itChannels(TEST_TENANT_ID);
    assert.equal(settings[0]?.unreachableSince, undefined);
    const notices = flow.connector.calls.filter((c) => c.kind === 'send' && c.conversationId === USERS.manager.personalConversationId && /could not post REQ-0001 in its IT channel/.test(c.activity?.text ?? ''));
    assert.equal(notices.length, 1, 'the admin is told about that request');
  });
});
