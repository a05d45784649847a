// Reliability 11 on the intake: Table storage failing while a technician presses Next or Submit. The
// card comes back within Teams' 15 s saying it was not saved (or not sent), with what was typed still in
// it; nothing is half-written; pressing again once storage is back works, and makes exactly one request.

import assert from 'node:assert/strict';
import { RestError } from '@azure/core-rest-pipeline';
import sinon from 'sinon';
import { TEST_TENANT_ID, USERS, cardAction } from '../support/activities';
import type { FaultMode } from '../support/faultProxy';
import { valueOf } from '../support/cards';
import { faultyStorageFlow, textOf, type Flow } from '../support/flow';
import { P2_ANSWERS, Technician, actionOf, draftIdOf, personalChat, requestsOf, today, type Card } from '../support/intake';

const TESS = USERS.technician;
const WHAT = { ...P2_ANSWERS.what, title: 'Gates alarm for every patron', description: 'The security gates at Branch 1 alarm for every patron leaving.' };

/**
 * What Teams shows after a press: a card that replaces the pressed one, or a message beside the pressed
 * card, which Teams then leaves as it was, with whatever was typed in it.
 */
type Answer = { card: Card } | { message: string };

/** Presses a button the way Teams does, giving up after Teams' patience. */
async function pressInTime(flow: Flow, verb: string, data: Record<string, unknown>): Promise<Answer> {
  const activity = cardAction({ serviceUrl: flow.connector.url, from: TESS, verb, data });
  const response = await flow.postInTeamsTime(activity);
  assert.equal(response.status, 200);
  const body = response.body as { type: string; value: unknown };
  if (body.type === 'application/vnd.microsoft.activity.message') {
    assert.equal(typeof body.value, 'string');
    return { message: body.value as string };
  }
  assert.equal(body.type, 'application/vnd.microsoft.card.adaptive', 'a card or a message');
  return { card: body.value as Card };
}

/** The card an answer replaced the pressed one with; fails if it was a message. */
function cardOfAnswer(answer: Answer): Card {
  assert.ok('card' in answer, `the pressed card is replaced, not answered with: ${'message' in answer ? answer.message : ''}`);
  return answer.card;
}

describe('flow: Table storage failing during the intake', function () {
  this.timeout(60_000);

  describe('storage unreachable (fault proxy)', () => {
    const rig = faultyStorageFlow();
    const store = () => requestsOf(rig.flow);

    for (const [mode, what] of [['unavailable', 'answers 503'], ['reset', 'drops connections'], ['slow', 'answers after 20 s']] as [FaultMode, string][]) {
      it(`Next: says "Not saved" with the answers kept when storage ${what}, and works once it is back`, async () => {
        const tess = new Technician(rig.flow);
        const card = await tess.say('new request');
        const draftId = draftIdOf(card);
        const inputs = { ...WHAT, startedOn: today() };

        rig.proxy.mode = mode;
        const answer = await pressInTime(rig.flow, 'intake.next', { ...actionOf(card, 'intake.next'), ...inputs });
        rig.proxy.mode = 'pass';
        if ('message' in answer) {
          // Teams leaves the pressed card as it was, with everything typed in it, and shows the message.
          assert.match(answer.message, /Not saved/);
          assert.match(answer.message, /anything you typed is still on the card/);
        } else {
          const text = textOf(answer.card);
          assert.match(text, /Not saved/);
          assert.match(text, /Step 1 of 5/, 'the same step, to press again');
          assert.equal(valueOf(answer.card, 'title'), WHAT.title, 'the title typed is still there');
          assert.equal(valueOf(answer.card, 'description'), WHAT.description, 'the description typed is still there');
          assert.equal(valueOf(answer.card, 'service'), WHAT.service);
          assert.ok(actionOf(answer.card, 'intake.next'), 'Next can be pressed again');
        }

        const unchanged = await store().getDraft(TEST_TENANT_ID, TESS.aadObjectId, draftId);
        assert.equal(unchanged?.value.step, 'what', 'nothing half-written');
        assert.equal(unchanged.value.inputs.what, undefined);

        const again = await tess.pressOn(card, 'intake.next', inputs);
        assert.match(textOf(again), /Step 2 of 5/);
        const saved = await store().getDraft(TEST_TENANT_ID, TESS.aadObjectId, draftId);
        assert.equal(saved?.value.step, 'impact');
        assert.equal(saved.value.inputs.what?.title, WHAT.title);
      });
    }

    for (const [mode, what] of [['unavailable', 'answers 503'], ['reset', 'drops connections']] as [FaultMode, string][]) {
      it(`Submit: says "Not sent" with the request kept when storage ${what}; pressing again makes exactly one request`, async () => {
        const tess = new Technician(rig.flow);
        const review = await tess.fillToReview({ ...P2_ANSWERS, what: { ...WHAT, startedOn: today() } });

        rig.proxy.mode = mode;
        const answer = await pressInTime(rig.flow, 'intake.submit', actionOf(review, 'intake.submit'));
        rig.proxy.mode = 'pass';
        if ('message' in answer) {
          // The review card stays as it was, Submit included.
          assert.match(answer.message, /Not (sent|saved)/);
          assert.match(answer.message, /nothing was changed|still/);
        } else {
          const text = textOf(answer.card);
          assert.match(text, /Not sent/);
          assert.match(text, /Step 5 of 5/, 'the review is still there');
          assert.match(text, /Gates alarm for every patron/);
          assert.ok(actionOf(answer.card, 'intake.submit'), 'Submit can be pressed again');
        }

        assert.equal(await store().getRequest(TEST_TENANT_ID, 1), undefined, 'nothing half-written');
        assert.equal((await store().findOpenDraft(TEST_TENANT_ID, TESS.aadObjectId))?.value.step, 'review');

        const submitted = await tess.pressOn(review, 'intake.submit');
        assert.match(textOf(submitted), /REQ-0001/);
        const again = await tess.pressOn(review, 'intake.submit');
        assert.match(textOf(again), /already submitted this request as REQ-0001/);
        assert.equal((await store().getRequest(TEST_TENANT_ID, 1))?.value.answers.what.title, WHAT.title);
        assert.equal(await store().getRequest(TEST_TENANT_ID, 2), undefined, 'exactly one request');
        assert.equal((await store().events(TEST_TENANT_ID, 1)).length, 1);
      });
    }
  });

  describe('storage failing on the write only', () => {
    const chat = personalChat();
    const unavailable = (): RestError => new RestError('Service Unavailable', { statusCode: 503 });

    it('Next: "Not saved" with the answers kept; pressing again saves', async () => {
      const { tess } = chat;
      let card = await tess.say('new request');
      card = await tess.pressOn(card, 'intake.next', { ...WHAT, startedOn: today() });
      const draftId = draftIdOf(card);
      const impact = { reach: 'high', patrons: '250', staff: '4' };

      const failing = sinon.stub(chat.flow.tables.client('Requests'), 'updateEntity').rejects(unavailable());
      const answer = cardOfAnswer(await pressInTime(chat.flow, 'intake.next', { ...actionOf(card, 'intake.next'), ...impact }));
      failing.restore();
      assert.ok(failing.called, 'the save was attempted');
      assert.match(textOf(answer), /Not saved: Liaison could not reach its storage just now\. Your answers are still here/);
      assert.match(textOf(answer), /Step 2 of 5/);
      assert.equal(valueOf(answer, 'reach'), 'high');
      assert.equal(Number(valueOf(answer, 'patrons')), 250);
      assert.equal(Number(valueOf(answer, 'staff')), 4);
      assert.equal((await chat.store().getDraft(TEST_TENANT_ID, TESS.aadObjectId, draftId))?.value.step, 'impact', 'nothing changed');

      const again = await tess.pressOn(answer, 'intake.next', impact);
      assert.match(textOf(again), /Step 3 of 5/, 'the card that said "not saved" works');
      assert.deepEqual((await chat.store().getDraft(TEST_TENANT_ID, TESS.aadObjectId, draftId))?.value.inputs.impact, impact);
    });

    it('Submit: "Not sent" with the request kept; pressing again makes exactly one request', async () => {
      const { tess } = chat;
      const review = await tess.fillToReview();

      const failing = sinon.stub(chat.flow.tables.client('Requests'), 'submitTransaction').rejects(unavailable());
      const answer = cardOfAnswer(await pressInTime(chat.flow, 'intake.submit', actionOf(review, 'intake.submit')));
      failing.restore();
      assert.ok(failing.called);
      assert.match(textOf(answer), /Not sent: Liaison could not reach its storage just now\. Your request is still here; press Submit again/);
      assert.match(textOf(answer), /Step 5 of 5/);
      assert.equal(await chat.store().getRequest(TEST_TENANT_ID, 1), undefined);

      const submitted = await tess.pressOn(answer, 'intake.submit');
      assert.match(textOf(submitted), /REQ-0001/);
      assert.match(textOf(await tess.pressOn(review, 'intake.submit')), /already submitted this request as REQ-0001/);
      assert.equal(await chat.store().getRequest(TEST_TENANT_ID, 2), undefined, 'exactly one request');
    });
  });
});
