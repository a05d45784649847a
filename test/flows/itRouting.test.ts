// Where requests go (the service's channel, else the default IT channel, else they wait), closing
// resolved requests by themselves on several instances at once, pacing within Teams' limits, and what
// an IT action costs in Table round trips.

import assert from 'node:assert/strict';
import { LIBRARY_TEAM, TEST_TENANT_ID, USERS } from '../support/activities';
import { startFakeConnector } from '../support/fakeConnector';
import { textOf, type Flow } from '../support/flow';
import { DAY_MS, P2_ANSWERS, Technician } from '../support/intake';
import { ItDesk, itInstances, IT_CHANNEL, connectItChannel, personalCards } from '../support/itChannel';

const { itStaff: IVAN } = USERS;
const ANNOUNCEMENTS = LIBRARY_TEAM.channels.announcements;

/** A clock the test moves forward. */
class TestClock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

async function submit(flow: Flow, service: string = P2_ANSWERS.what.service): Promise<string> {
  const tess = new Technician(flow);
  const card = await tess.pressOn(await tess.fillToReview({ ...P2_ANSWERS, what: { ...P2_ANSWERS.what, service } }), 'intake.submit');
  return textOf(card);
}

describe('flow: routing requests to IT channels', () => {
  const instances = itInstances({ background: false });
  const start = instances.start;

  it('keeps a request waiting while IT has no channel, and posts it when one is connected', async () => {
    const flow = await start();
    const desk = new ItDesk(flow);
    const submitted = await submit(flow);
    assert.match(submitted, /IT has not connected Liaison to a channel yet/);
    await desk.settle();
    assert.equal(desk.postedCount('REQ-0001'), 0, 'nothing posted yet');

    await connectItChannel(flow);
    // The setup posts waiting requests in the background; the sweep does it too.
    await flow.app.sweeper.sweep();
    await desk.settle();
    assert.equal(desk.postedCount('REQ-0001'), 1, 'posted once');
    assert.match(textOf(personalCards(flow).at(-1)), /REQ-0001 is now with IT/);
    const events = await flow.app.services.requests.events(TEST_TENANT_ID, 1);
    assert.deepEqual(events.map((e) => e.kind), ['submitted', 'routed']);
  });

  it("sends a request to its service's channel, and others to the channel taking every service", async () => {
    const flow = await start();
    const desk = new ItDesk(flow);
    await connectItChannel(flow);
    await connectItChannel(flow, 'printing', USERS.manager, ANNOUNCEMENTS);
    assert.match(await submit(flow, 'printing'), /in their channel Announcements/);
    assert.match(await submit(flow, 'self-check'), /in their channel IT Requests/);
    await desk.settle();
    assert.equal(desk.thread('REQ-0001').channelId, ANNOUNCEMENTS.id);
    assert.equal(desk.thread('REQ-0002').channelId, IT_CHANNEL.id);
  });

  it('closes a resolved request by itself after 7 days, once, with two instances sweeping at the same moment', async () => {
    const clock = new TestClock();
    const connector = await startFakeConnector();
    const a = await start({ clock, sharedConnector: connector });
    const b = await start({ clock, sharedConnector: connector, tables: a.tables });
    const desk = new ItDesk(a);
    await connectItChannel(a);
    await submit(a);
    await desk.settle();
    await desk.press(IVAN, 'REQ-0001', 'it.resolve', { resolution: 'Replaced the reader.' });
    await desk.settle();

    clock.offsetMs = 6 * DAY_MS;
    await Promise.all([a.app.sweeper.sweep(), b.app.sweeper.sweep()]);
    assert.equal((await a.app.services.requests.getRequest(TEST_TENANT_ID, 1))?.value.status, 'Resolved', 'not yet after 6 days');

    clock.offsetMs = 7 * DAY_MS + 60_000;
    await Promise.all([a.app.sweeper.sweep(), b.app.sweeper.sweep()]);
    await Promise.all([a.app.outbox.drain(), b.app.outbox.drain()]);
    await desk.settle();
    const events = await a.app.services.requests.events(TEST_TENANT_ID, 1);
    assert.deepEqual(events.map((e) => e.kind), ['submitted', 'resolved', 'closed'], 'one close');
    assert.match(textOf(desk.card('REQ-0001')), /Closed/);
    assert.equal(personalCards(a).filter((c) => /REQ-0001 is closed/.test(textOf(c))).length, 1, 'the technician is told once');
    assert.equal(desk.lines('REQ-0001').filter((l) => /[Cc]losed/.test(l)).length, 1, 'one line');
    await connector.close();
  });

  it('paces deliveries within Teams limits per conversation, losing and repeating nothing', async function () {
    this.timeout(60_000);
    const flow = await start({ background: true, connector: { rateLimits: { retryAfter: 'alternate' } } });
    const desk = new ItDesk(flow);
    await connectItChannel(flow);
    await submit(flow);
    await desk.settle();
    // Twelve changes in a row: 36 deliveries, most into one thread and one personal chat.
    let card = desk.card('REQ-0001');
    for (let i = 0; i < 6; i++) {
      for (const [verb, inputs] of [['it.hold', { holdReason: 'vendor', holdNote: `Waiting ${String(i)}` }], ['it.resume', {}]] as const) {
        const answer = await desk.press(IVAN, 'REQ-0001', verb, inputs, card);
        assert.ok(answer.card);
        card = answer.card;
      }
    }
    const until = Date.now() + 45_000;
    while (desk.lines('REQ-0001').length < 12 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    await desk.settle();
    assert.equal(desk.lines('REQ-0001').length, 12, 'every line once');
    assert.deepEqual(flow.connector.windowViolations(), [], 'no window of Teams limits was exceeded');
    assert.equal(flow.connector.throttledCount(), 0, 'Teams never had to throttle');
    assert.equal(personalCards(flow).filter((c) => /on hold|again/.test(textOf(c))).length, 12);
  });

  it('costs at most 3 Table round trips per IT action before the outbox takes over', async () => {
    const flow = await start();
    const desk = new ItDesk(flow);
    await connectItChannel(flow);
    await submit(flow);
    await submit(flow);
    await desk.settle();
    const costs: number[] = [];
    const measured = async (reference: string, verb: string, inputs: Record<string, unknown> = {}): Promise<void> => {
      const before = flow.tables.roundTrips();
      await desk.press(IVAN, reference, verb, inputs);
      costs.push(flow.tables.roundTrips() - before);
    };
    await measured('REQ-0001', 'it.take');
    await measured('REQ-0001', 'it.ask', { question: 'Which cards?' });
    await measured('REQ-0001', 'it.resolve', { resolution: 'Fixed.' });
    await measured('REQ-0002', 'it.duplicate', { duplicateOf: 'REQ-0001' });
    assert.ok(costs.every((c) => c <= 3), `round trips per IT action: ${costs.join(', ')}`);
  });
});
