// Review findings turned into tests: a draft whose answers went stale, a forged jump, a double start,
// and a write whose answer was lost after it was stored.

import assert from 'node:assert/strict';
import net from 'node:net';
import { azuriteConnectionString } from '../../src/storage/azurite';
import { TEST_TENANT_ID } from '../support/activities';
import { startFlow, textOf } from '../support/flow';
import { testAzurite } from '../support/global';
import { DAY_MS, P2_ANSWERS, Technician, actionsOf, draftIdOf, personalChat, requestsOf } from '../support/intake';

const isoDay = (offsetDays: number): string => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);

describe('flow: the intake recovers', () => {
  const chat = personalChat();

  it('moves a draft whose deadline went by back to that step, where Next works again', async () => {
    const review = await chat.tess.fillToReview({ ...P2_ANSWERS, urgency: { stopped: 'no', deadline: isoDay(2) } });
    assert.match(textOf(review), /Step 5 of 5/);
    // Days pass: the stored deadline is now in the past.
    const stored = await chat.store().getDraft(TEST_TENANT_ID, chat.tess.user.aadObjectId, draftIdOf(review));
    assert.ok(stored);
    await chat.store().saveDraft({ ...stored.value, inputs: { ...stored.value.inputs, urgency: { stopped: 'no', deadline: '2001-01-01' } } }, stored.etag);

    let card = await chat.tess.say('new request');
    card = await chat.tess.pressOn(card, 'intake.resume');
    assert.match(textOf(card), /Step 3 of 5/, 'the step that needs another look');
    assert.match(textOf(card), /needs another look/);
    assert.equal((await chat.draftOf(card)).step, 'urgency', 'and the draft is there too');

    card = await chat.tess.pressOn(card, 'intake.next', { stopped: 'no', deadline: isoDay(30) });
    assert.match(textOf(card), /Step 5 of 5/, 'Next works and returns to the review');
    const submitted = await chat.tess.pressOn(card, 'intake.submit');
    assert.match(textOf(submitted), /REQ-0001/);
  });

  it('refuses a forged jump past step 1 of a draft started from the offer card', async () => {
    let card = await chat.tess.press('intake.start', { description: 'the self-check at Branch 2 rejects every card' });
    const draft = await chat.draftOf(card);
    card = await chat.tess.press('intake.goto', { draftId: draft.draftId, rev: draft.rev, target: 'impact' });
    assert.match(textOf(card), /Step 1 of 5/);
    assert.match(textOf(card), /cannot be opened yet/);
    assert.equal((await chat.draftOf(card)).rev, draft.rev, 'nothing changed');
  });

  it('opens one draft however often a start button is pressed at once', async () => {
    const message = 'msg-offer-card-1';
    const cards = await Promise.all([1, 2, 3, 4, 5, 6].map(() => chat.tess.press('intake.start', { description: 'the self-check rejects every card' }, message)));
    // Each answer is the new draft's first step, or (once it exists) the offer to continue it.
    const drafts = new Set(cards.flatMap((card) => actionsOf(card).map((a) => a.data.draftId)).filter((id) => id !== undefined));
    assert.equal(drafts.size, 1, 'every press shows the same draft');
    let open = 0;
    for await (const entity of chat.flow.tables.client('Requests').listEntities<{ status?: string }>()) if (entity.status === 'open') open++;
    assert.equal(open, 1);
  });
});

/** Forwards to Azurite; when armed, lets the next transaction through but drops its answer and resets. */
async function lossyProxy(target: number): Promise<{ arm(): void; port: number; close(): Promise<void> }> {
  let armed = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect(target, '127.0.0.1');
    let drop = false;
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (armed && text.startsWith('POST') && text.includes('$batch')) {
        armed = false;
        drop = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!drop) {
        client.write(chunk);
        return;
      }
      client.resetAndDestroy();
      upstream.destroy();
    });
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    arm: () => {
      armed = true;
    },
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => { resolve(); }));
    },
  };
}

describe('flow: a change stored whose answer was lost', () => {
  it('reports a cancel that storage kept, though the answer to it was lost and the retry found it done', async () => {
    const proxy = await lossyProxy(testAzurite().port);
    const flow = await startFlow({ storageConnectionString: azuriteConnectionString('127.0.0.1', proxy.port) });
    try {
      const tess = new Technician(flow);
      const submitted = await tess.pressOn(await tess.fillToReview(), 'intake.submit');
      const detail = await tess.pressOn(submitted, 'requests.show');
      proxy.arm();
      const after = await tess.pressOn(detail, 'requests.cancel', { reason: 'It works again' });
      assert.match(textOf(after), /REQ-0001 is cancelled/);
      assert.doesNotMatch(textOf(after), /nothing was cancelled/);
      assert.equal((await requestsOf(flow).getRequest(TEST_TENANT_ID, 1))?.value.status, 'Cancelled');
    } finally {
      await flow.close();
      await proxy.close();
    }
  });
});
