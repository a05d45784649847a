// The intake step by step, as a technician sees it in the personal chat: each step with good answers,
// Back, Change from the review, Cancel, resuming a saved draft, starting over, a draft left for more
// than 14 days, and the checks that keep a step from advancing until its answers are right.

import assert from 'node:assert/strict';
import { TEST_TENANT_ID, USERS } from '../support/activities';
import { errorUnder, valueOf } from '../support/cards';
import { textOf } from '../support/flow';
import { DAY_MS, P2_ANSWERS, actionOf, actionsOf, draftIdOf, personalChat, snapshot, today, type Card } from '../support/intake';

const TESS = USERS.technician;

const WHAT = { ...P2_ANSWERS.what, startedOn: '' };
const what = (): Record<string, string> => ({ ...WHAT, startedOn: today() });

describe('flow: the intake step by step', () => {
  const chat = personalChat();

  it('takes every step with good answers and saves the draft after each', async () => {
    let card = await chat.tess.say('new request');
    assert.match(textOf(card), /Step 1 of 5: What it is about/);
    assert.match(textOf(card), /What is it about\?/);
    assert.equal(actionsOf(card).some((a) => a.verb === 'intake.back'), false, 'no Back on the first step');
    const draftId = draftIdOf(card);
    assert.equal((await chat.draftOf(card)).step, 'what');

    const whatAnswers = { kind: 'request', service: 'printing', branch: 'Branch 4, upstairs', title: 'Colour printing for the author event', description: 'We need colour printing enabled on the upstairs printer for the posters.' };
    card = await chat.tess.pressOn(card, 'intake.next', whatAnswers);
    assert.match(textOf(card), /Step 2 of 5: Impact/);
    assert.match(textOf(card), /Who and what does it affect\?/);
    let draft = await chat.draftOf(card);
    assert.equal(draft.draftId, draftId, 'the same draft goes on');
    assert.equal(draft.step, 'impact');
    assert.deepEqual(draft.inputs.what, whatAnswers);

    card = await chat.tess.pressOn(card, 'intake.next', { reach: 'low', patrons: '', staff: '3' });
    assert.match(textOf(card), /Step 3 of 5: Urgency/);
    draft = await chat.draftOf(card);
    assert.equal(draft.step, 'urgency');
    assert.deepEqual(draft.inputs.impact, { reach: 'low', staff: '3' });

    const deadline = new Date(Date.now() + 30 * DAY_MS).toISOString().slice(0, 10);
    card = await chat.tess.pressOn(card, 'intake.next', { stopped: 'no', hasWorkaround: 'yes', workaround: 'We print posters at the front desk', deadline, deadlineReason: 'the author event' });
    assert.match(textOf(card), /Step 4 of 5: Risks and effects/);
    draft = await chat.draftOf(card);
    assert.equal(draft.step, 'risks');
    assert.equal(draft.inputs.urgency?.deadline, deadline);

    card = await chat.tess.pressOn(card, 'intake.next', { financial: 'false', compliance: 'false', reputation: 'true', reputationHow: 'The event is advertised citywide', serviceQuality: 'Staff queue at the front desk', staffHours: '2' });
    const review = textOf(card);
    assert.match(review, /Step 5 of 5: Review and submit/);
    assert.match(review, /Colour printing for the author event/);
    assert.match(review, /Printing, copying, scanning and payment/);
    assert.match(review, /Branch 4, upstairs/);
    assert.match(review, /the library's reputation \\\(The event is advertised citywide\\\)/, 'parentheses are shown as typed (escaped for markdown)');
    assert.match(review, /About 2 staff hours are lost each day/);
    draft = await chat.draftOf(card);
    assert.equal(draft.step, 'review');
    assert.equal(draft.reachedReview, true);
    assert.equal(draft.status, 'open');
    assert.ok(actionOf(card, 'intake.submit'));
  });

  it('goes Back a step with the answers kept, and on again', async () => {
    let card = await chat.tess.say('new request');
    card = await chat.tess.pressOn(card, 'intake.next', what());
    card = await chat.tess.pressOn(card, 'intake.next', P2_ANSWERS.impact);
    card = await chat.tess.pressOn(card, 'intake.next', { stopped: 'yes', hasWorkaround: 'yes', workaround: 'Desk checkout by hand' });
    assert.match(textOf(card), /Step 4 of 5/);

    card = await chat.tess.pressOn(card, 'intake.back');
    assert.match(textOf(card), /Step 3 of 5: Urgency/);
    assert.equal(valueOf(card, 'stopped'), 'yes');
    assert.equal(valueOf(card, 'hasWorkaround'), 'yes');
    assert.equal(valueOf(card, 'workaround'), 'Desk checkout by hand');

    card = await chat.tess.pressOn(card, 'intake.back');
    assert.match(textOf(card), /Step 2 of 5: Impact/);
    assert.equal(valueOf(card, 'reach'), 'medium');
    assert.equal(Number(valueOf(card, 'patrons')), 40);
    assert.equal(Number(valueOf(card, 'staff')), 2);

    card = await chat.tess.pressOn(card, 'intake.back');
    assert.match(textOf(card), /Step 1 of 5/);
    assert.equal(valueOf(card, 'kind'), 'incident');
    assert.equal(valueOf(card, 'service'), 'self-check');
    assert.equal(valueOf(card, 'title'), WHAT.title);
    assert.equal(valueOf(card, 'description'), WHAT.description);
    assert.equal(valueOf(card, 'startedOn'), today());
    const draft = await chat.draftOf(card);
    assert.equal(draft.step, 'what');
    assert.deepEqual(draft.inputs.urgency, { stopped: 'yes', hasWorkaround: 'yes', workaround: 'Desk checkout by hand' }, 'later answers stay stored');

    card = await chat.tess.pressOn(card, 'intake.next', { ...what(), title: 'Self-check rejects cards' });
    assert.match(textOf(card), /Step 2 of 5/);
    assert.equal(valueOf(card, 'reach'), 'medium', 'the next step still shows its answers');
  });

  it('changes a step from the review and returns to the review on Next', async () => {
    const review = await chat.tess.fillToReview();
    assert.match(textOf(review), /P2 High/);

    let card = await chat.tess.press('intake.goto', actionsOf(review).find((a) => a.verb === 'intake.goto' && a.data.target === 'impact')!.data);
    assert.match(textOf(card), /Step 2 of 5: Impact/);
    assert.equal(valueOf(card, 'reach'), 'medium', 'the stored answer is shown to change');

    card = await chat.tess.pressOn(card, 'intake.next', { reach: 'high', patrons: '40', staff: '2' });
    const text = textOf(card);
    assert.match(text, /Step 5 of 5: Review and submit/, 'Next goes back to the review, not to urgency');
    assert.match(text, /P1 Critical/, 'the review shows the changed answer');
    const draft = await chat.draftOf(card);
    assert.equal(draft.step, 'review');
    assert.equal(draft.inputs.impact?.reach, 'high');
    assert.deepEqual(draft.inputs.urgency, P2_ANSWERS.urgency, 'the other answers are untouched');

    card = await chat.tess.press('intake.goto', actionsOf(card).find((a) => a.verb === 'intake.goto' && a.data.target === 'what')!.data);
    assert.match(textOf(card), /Step 1 of 5/);
    card = await chat.tess.pressOn(card, 'intake.next', { ...what(), title: 'Every self-check rejects cards' });
    assert.match(textOf(card), /Step 5 of 5/);
    assert.match(textOf(card), /Every self-check rejects cards/);
  });

  it('labels the review\'s Change buttons "Change <step>", once', async () => {
    const review = await chat.tess.fillToReview();
    const titles = actionsOf(review).filter((a) => a.verb === 'intake.goto').map((a) => a.title);
    assert.deepEqual(titles, ['Change what it is about', 'Change impact', 'Change urgency', 'Change risks and effects']);
  });

  it('cancels: the draft is discarded, nothing is sent to IT, and its old cards say so', async () => {
    let card = await chat.tess.say('new request');
    const first = await chat.tess.pressOn(card, 'intake.next', what());
    card = await chat.tess.pressOn(first, 'intake.next', P2_ANSWERS.impact);
    const cancelled = await chat.tess.pressOn(card, 'intake.cancel');
    const text = textOf(cancelled);
    assert.match(text, /Draft discarded/);
    assert.match(text, /Nothing was sent to IT/);

    const draft = await chat.draftOf(card);
    assert.equal(draft.status, 'discarded');
    assert.equal(draft.reference, undefined);
    assert.equal(await chat.store().getRequest(TEST_TENANT_ID, 1), undefined, 'no request');
    assert.deepEqual(await chat.store().listMine(TEST_TENANT_ID, TESS.aadObjectId, 10, () => true), []);

    const before = await snapshot(chat.flow);
    const old = await chat.tess.pressOn(first, 'intake.next', P2_ANSWERS.impact);
    assert.match(textOf(old), /discarded this draft, so nothing was sent to IT/);
    assert.equal(await snapshot(chat.flow), before, 'an old card changes nothing');

    card = await chat.tess.say('new request');
    assert.match(textOf(card), /Step 1 of 5/, 'a new request starts fresh, without offering the cancelled draft');
    assert.notEqual(draftIdOf(card), draft.draftId);
  });

  it('offers the saved draft on "new request", and Continue shows the step it was at', async () => {
    let card = await chat.tess.say('new request');
    card = await chat.tess.pressOn(card, 'intake.next', what());
    const draftId = draftIdOf(card);

    const resume = await chat.tess.say('new request');
    const text = textOf(resume);
    assert.match(text, /You have a request in progress/);
    assert.match(text, new RegExp(WHAT.title));
    assert.match(text, /at step 2 of 5 \(Impact\)/);
    assert.ok(actionOf(resume, 'intake.restart'));

    card = await chat.tess.pressOn(resume, 'intake.resume');
    assert.match(textOf(card), /Step 2 of 5: Impact/);
    assert.equal(draftIdOf(card), draftId);
    card = await chat.tess.pressOn(card, 'intake.next', P2_ANSWERS.impact);
    assert.match(textOf(card), /Step 3 of 5/, 'the resumed draft goes on');
  });

  it('starts over from the resume card: the old draft is discarded and a new one starts', async () => {
    let card = await chat.tess.say('new request');
    const old = await chat.tess.pressOn(card, 'intake.next', what());
    const oldId = draftIdOf(old);

    const resume = await chat.tess.say('new request');
    card = await chat.tess.pressOn(resume, 'intake.restart');
    assert.match(textOf(card), /Step 1 of 5/);
    assert.equal(valueOf(card, 'title'), '', 'the new draft is empty');
    assert.notEqual(draftIdOf(card), oldId);

    assert.equal((await chat.store().getDraft(TEST_TENANT_ID, TESS.aadObjectId, oldId))?.value.status, 'discarded');
    assert.equal((await chat.draftOf(card)).status, 'open');
    const open = await chat.store().findOpenDraft(TEST_TENANT_ID, TESS.aadObjectId);
    assert.equal(open?.value.draftId, draftIdOf(card), 'only the new draft is open');

    const pressedOld = await chat.tess.pressOn(old, 'intake.next', P2_ANSWERS.impact);
    assert.match(textOf(pressedOld), /nothing was sent to IT/i);
  });

  it('starts over with what was just typed as the description, from the offer card', async () => {
    let card = await chat.tess.say('new request');
    card = await chat.tess.pressOn(card, 'intake.next', what());
    const oldId = draftIdOf(card);

    const typed = 'The public PCs on level 2 will not log anyone in this morning';
    const offer = await chat.tess.say(typed);
    assert.match(textOf(offer), /Shall I make this an IT request\?/);
    const resume = await chat.tess.pressOn(offer, 'intake.start');
    assert.match(textOf(resume), /You have a request in progress/);
    assert.match(textOf(resume), /what you just typed becomes the description/);

    card = await chat.tess.pressOn(resume, 'intake.restart');
    assert.match(textOf(card), /Step 1 of 5/);
    assert.equal(valueOf(card, 'description'), typed);
    const draft = await chat.draftOf(card);
    assert.notEqual(draft.draftId, oldId);
    assert.deepEqual(draft.inputs.what, { description: typed });
    assert.equal((await chat.store().getDraft(TEST_TENANT_ID, TESS.aadObjectId, oldId))?.value.status, 'discarded');
  });

  it('starts from the offer card with the typed text as the description when there is no draft', async () => {
    const typed = 'The gate alarm at Branch 3 sounds for every patron';
    const offer = await chat.tess.say(typed);
    const card = await chat.tess.pressOn(offer, 'intake.start');
    assert.match(textOf(card), /Step 1 of 5/);
    assert.equal(valueOf(card, 'description'), typed);
  });

  describe('a draft untouched for more than 14 days', () => {
    const age = async (card: Card, days: number): Promise<void> => {
      const draft = await chat.draftOf(card);
      await chat.flow.tables.client('Requests').updateEntity(
        { partitionKey: TEST_TENANT_ID, rowKey: `draft|${TESS.aadObjectId}|${draft.draftId}`, updatedAt: new Date(Date.now() - days * DAY_MS) },
        'Merge',
      );
    };

    it('is still offered at 13 days', async () => {
      let card = await chat.tess.say('new request');
      card = await chat.tess.pressOn(card, 'intake.next', what());
      await age(card, 13);
      assert.match(textOf(await chat.tess.say('new request')), /You have a request in progress/);
    });

    it('is discarded on "new request", which starts a fresh draft; its old card says it was discarded', async () => {
      let card = await chat.tess.say('new request');
      const old = await chat.tess.pressOn(card, 'intake.next', what());
      await age(old, 15);

      card = await chat.tess.say('new request');
      assert.match(textOf(card), /Step 1 of 5/, 'a fresh draft, not the resume card');
      assert.equal(valueOf(card, 'title'), '');
      assert.notEqual(draftIdOf(card), draftIdOf(old));
      assert.equal((await chat.draftOf(old)).status, 'discarded');
      assert.equal((await chat.draftOf(card)).status, 'open');

      const before = await snapshot(chat.flow);
      const pressed = textOf(await chat.tess.pressOn(old, 'intake.next', P2_ANSWERS.impact));
      assert.match(pressed, /discarded/, `the old card says the draft was discarded: ${pressed}`);
      assert.doesNotMatch(pressed, /You cancelled/, 'Tess did not cancel it: it expired');
      assert.equal(await snapshot(chat.flow), before);
    });

    it('pressed on its own card: says it was discarded after 14 days, and marks it discarded', async () => {
      let card = await chat.tess.say('new request');
      const old = await chat.tess.pressOn(card, 'intake.next', what());
      await age(old, 15);

      card = await chat.tess.pressOn(old, 'intake.next', P2_ANSWERS.impact);
      assert.match(textOf(card), /untouched for 14 days, so I discarded it\. Nothing was sent to IT/);
      const draft = await chat.draftOf(old);
      assert.equal(draft.status, 'discarded');
      assert.equal(draft.inputs.impact, undefined, 'the answers pressed were not taken');
      assert.equal(await chat.store().getRequest(TEST_TENANT_ID, 1), undefined);
    });
  });

  describe('checks: the step does not advance until its answers are right', () => {
    /** Presses Next with `inputs`; asserts the same step came back, unchanged in storage, and returns the card. */
    const refused = async (card: Card, inputs: Record<string, unknown>, step: RegExp): Promise<Card> => {
      const before = await snapshot(chat.flow);
      const answer = await chat.tess.pressOn(card, 'intake.next', inputs);
      assert.match(textOf(answer), step, 'the same step is shown again');
      assert.match(textOf(answer), /Please check the fields marked below/);
      assert.equal(await snapshot(chat.flow), before, 'nothing stored changed');
      return answer;
    };
    const atStep = async (n: 1 | 2 | 3 | 4): Promise<Card> => {
      let card = await chat.tess.say('new request');
      if (n > 1) card = await chat.tess.pressOn(card, 'intake.next', what());
      if (n > 2) card = await chat.tess.pressOn(card, 'intake.next', P2_ANSWERS.impact);
      if (n > 3) card = await chat.tess.pressOn(card, 'intake.next', P2_ANSWERS.urgency);
      return card;
    };

    it('step 1 refuses missing required fields, naming each next to its field, and keeps what was typed', async () => {
      const card = await atStep(1);
      const answer = await refused(card, {}, /Step 1 of 5/);
      assert.equal(errorUnder(answer, 'kind'), 'Please choose what kind of request this is.');
      assert.equal(errorUnder(answer, 'service'), 'Please choose the service.');
      assert.equal(errorUnder(answer, 'title'), 'A short title is needed.');
      assert.equal(errorUnder(answer, 'description'), 'A description is needed.');

      const partly = await refused(card, { kind: 'incident', service: 'wifi', title: 'Wi-Fi down', description: '   ' }, /Step 1 of 5/);
      assert.equal(errorUnder(partly, 'description'), 'A description is needed.', 'blank counts as missing');
      assert.equal(errorUnder(partly, 'startedOn'), 'Please say on which day it started (a rough day is fine).', 'an incident needs its start day');
      assert.equal(errorUnder(partly, 'title'), undefined);
      assert.equal(valueOf(partly, 'title'), 'Wi-Fi down', 'what was typed is still there');
      assert.equal(valueOf(partly, 'service'), 'wifi');
    });

    it('step 1 refuses a title or description over the limit, saying the limit', async () => {
      const card = await atStep(1);
      const answer = await refused(card, { ...what(), title: 'T'.repeat(101), description: 'D'.repeat(2001) }, /Step 1 of 5/);
      assert.equal(errorUnder(answer, 'title'), 'A short title can be at most 100 characters (this one has 101).');
      assert.equal(errorUnder(answer, 'description'), 'A description can be at most 2000 characters (this one has 2001).');
      assert.equal(errorUnder(answer, 'kind'), undefined);
      const ok = await chat.tess.pressOn(card, 'intake.next', { ...what(), title: 'T'.repeat(100) });
      assert.match(textOf(ok), /Step 2 of 5/, 'exactly at the limit is fine');
    });

    it('step 1 refuses a start date in the future', async () => {
      const card = await atStep(1);
      const answer = await refused(card, { ...what(), startedOn: '2099-01-01' }, /Step 1 of 5/);
      assert.equal(errorUnder(answer, 'startedOn'), 'The day it started cannot be in the future.');
      await refused(card, { ...what(), startedOn: 'yesterday' }, /Step 1 of 5/);
    });

    it('step 1 refuses a service or kind not offered', async () => {
      const card = await atStep(1);
      const answer = await refused(card, { ...what(), service: 'nope', kind: 'emergency' }, /Step 1 of 5/);
      assert.equal(errorUnder(answer, 'service'), 'Please choose the service from the list.');
      assert.equal(errorUnder(answer, 'kind'), 'Please choose what kind of request this is from the list.');
    });

    it('step 2 refuses a missing or unknown reach and a count that is not a number', async () => {
      const card = await atStep(2);
      let answer = await refused(card, { patrons: '10' }, /Step 2 of 5/);
      assert.equal(errorUnder(answer, 'reach'), 'Please choose how far it reaches.');
      answer = await refused(card, { reach: 'extreme' }, /Step 2 of 5/);
      assert.equal(errorUnder(answer, 'reach'), 'Please choose how far it reaches from the list.');
      answer = await refused(card, { reach: 'low', patrons: '-5' }, /Step 2 of 5/);
      assert.match(errorUnder(answer, 'patrons') ?? '', /Patrons affected should be a number from 0 to/);
    });

    it('step 3 refuses a missing answer, a workaround without saying what, and a deadline in the past', async () => {
      const card = await atStep(3);
      let answer = await refused(card, {}, /Step 3 of 5/);
      assert.equal(errorUnder(answer, 'stopped'), 'Please choose yes or no.');
      answer = await refused(card, { stopped: 'yes' }, /Step 3 of 5/);
      assert.equal(errorUnder(answer, 'hasWorkaround'), 'Please say whether there is a workaround.');
      answer = await refused(card, { stopped: 'yes', hasWorkaround: 'yes' }, /Step 3 of 5/);
      assert.equal(errorUnder(answer, 'workaround'), 'Please say what the workaround is, in a few words.');
      answer = await refused(card, { stopped: 'maybe' }, /Step 3 of 5/);
      assert.equal(errorUnder(answer, 'stopped'), 'Please choose yes or no from the list.');
      answer = await refused(card, { stopped: 'no', deadline: '2000-01-01' }, /Step 3 of 5/);
      assert.equal(errorUnder(answer, 'deadline'), 'The deadline cannot be in the past.');
      answer = await refused(card, { stopped: 'yes', hasWorkaround: 'yes', workaround: 'W'.repeat(301) }, /Step 3 of 5/);
      assert.equal(errorUnder(answer, 'workaround'), 'The workaround can be at most 300 characters (this one has 301).');
    });

    it('step 4 refuses a risk ticked without saying how, next to that risk', async () => {
      const card = await atStep(4);
      let answer = await refused(card, { financial: 'true', financialHow: '', compliance: 'false', reputation: 'false' }, /Step 4 of 5/);
      assert.equal(errorUnder(answer, 'financialHow'), 'Please say how, in a sentence.');
      assert.equal(errorUnder(answer, 'complianceHow'), undefined);
      assert.equal(valueOf(answer, 'financial'), 'true', 'the tick is kept');
      answer = await refused(card, { financial: 'false', compliance: 'false', reputation: 'true', reputationHow: 'H'.repeat(301) }, /Step 4 of 5/);
      assert.equal(errorUnder(answer, 'reputationHow'), 'How can be at most 300 characters (this one has 301).');

      const ok = await chat.tess.pressOn(card, 'intake.next', { financial: 'true', financialHow: 'We cannot take fines', compliance: 'false', reputation: 'false' });
      assert.match(textOf(ok), /Step 5 of 5/);
      assert.match(textOf(ok), /money \\\(We cannot take fines\\\)/);
    });
  });
});
