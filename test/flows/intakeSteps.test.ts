// The intake step by step, as a technician sees it in the personal chat: each step with good answers,
// Back, Change from the review, Cancel, resuming a saved draft, starting over, a draft left for more
// than 14 days, and the checks that keep a step from advancing until its answers are right.

import assert from 'node:assert/strict';
import { tableRequests } from '../../src/storage/requests';
import { TEST_TENANT_ID, USERS } from '../support/activities';
import { startFlow, textOf, type Flow } from '../support/flow';
import { P2_ANSWERS, Technician, actionOf, actionsOf, today, type Card } from '../support/intake';

const DAY_MS = 24 * 60 * 60 * 1000;
const TESS = USERS.technician;

/** The first card element with this input id. */
function inputOf(card: unknown, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found) return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && record.type.startsWith('Input.') && record.id === id) {
      found = record;
      return;
    }
    Object.values(record).forEach(walk);
  };
  walk(card);
  return found;
}

/** The value the card shows in an input ('' for none). */
function valueOf(card: unknown, id: string): unknown {
  const input = inputOf(card, id);
  assert.ok(input, `the card has an input ${id}`);
  return input.value ?? '';
}

/** Every element of the card body in reading order. */
function elements(card: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string') out.push(record);
    for (const key of ['body', 'items', 'columns']) walk(record[key]);
  };
  walk((card as Record<string, unknown>).body);
  return out;
}

/** The red message shown right under an input (before the next input), or undefined. */
function errorUnder(card: unknown, id: string): string | undefined {
  const all = elements(card);
  const at = all.findIndex((e) => typeof e.type === 'string' && e.type.startsWith('Input.') && e.id === id);
  assert.ok(at >= 0, `the card has an input ${id}`);
  for (const element of all.slice(at + 1)) {
    if (typeof element.type === 'string' && element.type.startsWith('Input.')) return undefined;
    if (element.type === 'TextBlock' && element.color === 'Attention' && typeof element.text === 'string') return element.text;
  }
  return undefined;
}

/** Everything stored in the Requests table, etags included: equal snapshots mean nothing was written. */
async function snapshot(flow: Flow): Promise<string> {
  const rows: unknown[] = [];
  for await (const entity of flow.tables.client('Requests').listEntities()) rows.push(entity);
  return JSON.stringify(rows);
}

function draftIdOf(card: Card): string {
  const { draftId } = actionOf(card, 'intake.cancel');
  assert.equal(typeof draftId, 'string');
  return draftId as string;
}

const WHAT = { ...P2_ANSWERS.what, startedOn: '' };
const what = (): Record<string, string> => ({ ...WHAT, startedOn: today() });

describe('flow: the intake step by step', () => {
  let flow: Flow;
  let tess: Technician;
  beforeEach(async () => {
    flow = await startFlow();
    tess = new Technician(flow);
  });
  afterEach(async () => {
    await flow.close();
  });
  const store = () => tableRequests(flow.tables.client('Requests'));
  const draftOf = async (card: Card) => {
    const stored = await store().getDraft(TEST_TENANT_ID, TESS.aadObjectId, draftIdOf(card));
    assert.ok(stored, 'the draft is stored');
    return stored.value;
  };

  it('takes every step with good answers and saves the draft after each', async () => {
    let card = await tess.say('new request');
    assert.match(textOf(card), /Step 1 of 5: What it is about/);
    assert.match(textOf(card), /What is it about\?/);
    assert.equal(actionsOf(card).some((a) => a.verb === 'intake.back'), false, 'no Back on the first step');
    const draftId = draftIdOf(card);
    assert.equal((await draftOf(card)).step, 'what');

    const whatAnswers = { kind: 'request', service: 'printing', branch: 'Branch 4, upstairs', title: 'Colour printing for the author event', description: 'We need colour printing enabled on the upstairs printer for the posters.' };
    card = await tess.pressOn(card, 'intake.next', whatAnswers);
    assert.match(textOf(card), /Step 2 of 5: Impact/);
    assert.match(textOf(card), /Who and what does it affect\?/);
    let draft = await draftOf(card);
    assert.equal(draft.draftId, draftId, 'the same draft goes on');
    assert.equal(draft.step, 'impact');
    assert.deepEqual(draft.inputs.what, whatAnswers);

    card = await tess.pressOn(card, 'intake.next', { reach: 'low', patrons: '', staff: '3' });
    assert.match(textOf(card), /Step 3 of 5: Urgency/);
    draft = await draftOf(card);
    assert.equal(draft.step, 'urgency');
    assert.deepEqual(draft.inputs.impact, { reach: 'low', staff: '3' });

    const deadline = new Date(Date.now() + 30 * DAY_MS).toISOString().slice(0, 10);
    card = await tess.pressOn(card, 'intake.next', { stopped: 'no', hasWorkaround: 'yes', workaround: 'We print posters at the front desk', deadline, deadlineReason: 'the author event' });
    assert.match(textOf(card), /Step 4 of 5: Risks and effects/);
    draft = await draftOf(card);
    assert.equal(draft.step, 'risks');
    assert.equal(draft.inputs.urgency?.deadline, deadline);

    card = await tess.pressOn(card, 'intake.next', { financial: 'false', compliance: 'false', reputation: 'true', reputationHow: 'The event is advertised citywide', serviceQuality: 'Staff queue at the front desk', staffHours: '2' });
    const review = textOf(card);
    assert.match(review, /Step 5 of 5: Review and submit/);
    assert.match(review, /Colour printing for the author event/);
    assert.match(review, /Printing, copying, scanning and payment/);
    assert.match(review, /Branch 4, upstairs/);
    assert.match(review, /the library's reputation \\\(The event is advertised citywide\\\)/, 'parentheses are shown as typed (escaped for markdown)');
    assert.match(review, /About 2 staff hours are lost each day/);
    draft = await draftOf(card);
    assert.equal(draft.step, 'review');
    assert.equal(draft.reachedReview, true);
    assert.equal(draft.status, 'open');
    assert.ok(actionOf(card, 'intake.submit'));
  });

  it('goes Back a step with the answers kept, and on again', async () => {
    let card = await tess.say('new request');
    card = await tess.pressOn(card, 'intake.next', what());
    card = await tess.pressOn(card, 'intake.next', P2_ANSWERS.impact);
    card = await tess.pressOn(card, 'intake.next', { stopped: 'yes', hasWorkaround: 'yes', workaround: 'Desk checkout by hand' });
    assert.match(textOf(card), /Step 4 of 5/);

    card = await tess.pressOn(card, 'intake.back');
    assert.match(textOf(card), /Step 3 of 5: Urgency/);
    assert.equal(valueOf(card, 'stopped'), 'yes');
    assert.equal(valueOf(card, 'hasWorkaround'), 'yes');
    assert.equal(valueOf(card, 'workaround'), 'Desk checkout by hand');

    card = await tess.pressOn(card, 'intake.back');
    assert.match(textOf(card), /Step 2 of 5: Impact/);
    assert.equal(valueOf(card, 'reach'), 'medium');
    assert.equal(Number(valueOf(card, 'patrons')), 40);
    assert.equal(Number(valueOf(card, 'staff')), 2);

    card = await tess.pressOn(card, 'intake.back');
    assert.match(textOf(card), /Step 1 of 5/);
    assert.equal(valueOf(card, 'kind'), 'incident');
    assert.equal(valueOf(card, 'service'), 'self-check');
    assert.equal(valueOf(card, 'title'), WHAT.title);
    assert.equal(valueOf(card, 'description'), WHAT.description);
    assert.equal(valueOf(card, 'startedOn'), today());
    const draft = await draftOf(card);
    assert.equal(draft.step, 'what');
    assert.deepEqual(draft.inputs.urgency, { stopped: 'yes', hasWorkaround: 'yes', workaround: 'Desk checkout by hand' }, 'later answers stay stored');

    card = await tess.pressOn(card, 'intake.next', { ...what(), title: 'Self-check rejects cards' });
    assert.match(textOf(card), /Step 2 of 5/);
    assert.equal(valueOf(card, 'reach'), 'medium', 'the next step still shows its answers');
  });

  it('changes a step from the review and returns to the review on Next', async () => {
    const review = await tess.fillToReview();
    assert.match(textOf(review), /P2 High/);

    let card = await tess.press('intake.goto', actionsOf(review).find((a) => a.verb === 'intake.goto' && a.data.target === 'impact')!.data);
    assert.match(textOf(card), /Step 2 of 5: Impact/);
    assert.equal(valueOf(card, 'reach'), 'medium', 'the stored answer is shown to change');

    card = await tess.pressOn(card, 'intake.next', { reach: 'high', patrons: '40', staff: '2' });
    const text = textOf(card);
    assert.match(text, /Step 5 of 5: Review and submit/, 'Next goes back to the review, not to urgency');
    assert.match(text, /P1 Critical/, 'the review shows the changed answer');
    const draft = await draftOf(card);
    assert.equal(draft.step, 'review');
    assert.equal(draft.inputs.impact?.reach, 'high');
    assert.deepEqual(draft.inputs.urgency, P2_ANSWERS.urgency, 'the other answers are untouched');

    card = await tess.press('intake.goto', actionsOf(card).find((a) => a.verb === 'intake.goto' && a.data.target === 'what')!.data);
    assert.match(textOf(card), /Step 1 of 5/);
    card = await tess.pressOn(card, 'intake.next', { ...what(), title: 'Every self-check rejects cards' });
    assert.match(textOf(card), /Step 5 of 5/);
    assert.match(textOf(card), /Every self-check rejects cards/);
  });

  it('labels the review\'s Change buttons "Change <step>", once', async () => {
    const review = await tess.fillToReview();
    const titles = actionsOf(review).filter((a) => a.verb === 'intake.goto').map((a) => a.title);
    assert.deepEqual(titles, ['Change what it is about', 'Change impact', 'Change urgency', 'Change risks and effects']);
  });

  it('cancels: the draft is discarded, nothing is sent to IT, and its old cards say so', async () => {
    let card = await tess.say('new request');
    const first = await tess.pressOn(card, 'intake.next', what());
    card = await tess.pressOn(first, 'intake.next', P2_ANSWERS.impact);
    const cancelled = await tess.pressOn(card, 'intake.cancel');
    const text = textOf(cancelled);
    assert.match(text, /Request cancelled/);
    assert.match(text, /Nothing was sent to IT/);

    const draft = await draftOf(card);
    assert.equal(draft.status, 'discarded');
    assert.equal(draft.reference, undefined);
    assert.equal(await store().getRequest(TEST_TENANT_ID, 1), undefined, 'no request');
    assert.deepEqual(await store().listMine(TEST_TENANT_ID, TESS.aadObjectId, 10, () => true), []);

    const before = await snapshot(flow);
    const old = await tess.pressOn(first, 'intake.next', P2_ANSWERS.impact);
    assert.match(textOf(old), /cancelled this draft, so nothing was sent to IT/);
    assert.equal(await snapshot(flow), before, 'an old card changes nothing');

    card = await tess.say('new request');
    assert.match(textOf(card), /Step 1 of 5/, 'a new request starts fresh, without offering the cancelled draft');
    assert.notEqual(draftIdOf(card), draft.draftId);
  });

  it('offers the saved draft on "new request", and Continue shows the step it was at', async () => {
    let card = await tess.say('new request');
    card = await tess.pressOn(card, 'intake.next', what());
    const draftId = draftIdOf(card);

    const resume = await tess.say('new request');
    const text = textOf(resume);
    assert.match(text, /You have a request in progress/);
    assert.match(text, new RegExp(WHAT.title));
    assert.match(text, /at step 2 of 5 \(Impact\)/);
    assert.ok(actionOf(resume, 'intake.restart'));

    card = await tess.pressOn(resume, 'intake.resume');
    assert.match(textOf(card), /Step 2 of 5: Impact/);
    assert.equal(draftIdOf(card), draftId);
    card = await tess.pressOn(card, 'intake.next', P2_ANSWERS.impact);
    assert.match(textOf(card), /Step 3 of 5/, 'the resumed draft goes on');
  });

  it('starts over from the resume card: the old draft is discarded and a new one starts', async () => {
    let card = await tess.say('new request');
    const old = await tess.pressOn(card, 'intake.next', what());
    const oldId = draftIdOf(old);

    const resume = await tess.say('new request');
    card = await tess.pressOn(resume, 'intake.restart');
    assert.match(textOf(card), /Step 1 of 5/);
    assert.equal(valueOf(card, 'title'), '', 'the new draft is empty');
    assert.notEqual(draftIdOf(card), oldId);

    assert.equal((await store().getDraft(TEST_TENANT_ID, TESS.aadObjectId, oldId))?.value.status, 'discarded');
    assert.equal((await draftOf(card)).status, 'open');
    const open = await store().findOpenDraft(TEST_TENANT_ID, TESS.aadObjectId);
    assert.equal(open?.value.draftId, draftIdOf(card), 'only the new draft is open');

    const pressedOld = await tess.pressOn(old, 'intake.next', P2_ANSWERS.impact);
    assert.match(textOf(pressedOld), /nothing was sent to IT/i);
  });

  it('starts over with what was just typed as the description, from the offer card', async () => {
    let card = await tess.say('new request');
    card = await tess.pressOn(card, 'intake.next', what());
    const oldId = draftIdOf(card);

    const typed = 'The public PCs on level 2 will not log anyone in this morning';
    const offer = await tess.say(typed);
    assert.match(textOf(offer), /Shall I make this an IT request\?/);
    const resume = await tess.pressOn(offer, 'intake.start');
    assert.match(textOf(resume), /You have a request in progress/);
    assert.match(textOf(resume), /what you just typed becomes the description/);

    card = await tess.pressOn(resume, 'intake.restart');
    assert.match(textOf(card), /Step 1 of 5/);
    assert.equal(valueOf(card, 'description'), typed);
    const draft = await draftOf(card);
    assert.notEqual(draft.draftId, oldId);
    assert.deepEqual(draft.inputs.what, { description: typed });
    assert.equal((await store().getDraft(TEST_TENANT_ID, TESS.aadObjectId, oldId))?.value.status, 'discarded');
  });

  it('starts from the offer card with the typed text as the description when there is no draft', async () => {
    const typed = 'The gate alarm at Branch 3 sounds for every patron';
    const offer = await tess.say(typed);
    const card = await tess.pressOn(offer, 'intake.start');
    assert.match(textOf(card), /Step 1 of 5/);
    assert.equal(valueOf(card, 'description'), typed);
  });

  describe('a draft untouched for more than 14 days', () => {
    const age = async (card: Card, days: number): Promise<void> => {
      const draft = await draftOf(card);
      await flow.tables.client('Requests').updateEntity(
        { partitionKey: TEST_TENANT_ID, rowKey: `draft|${TESS.aadObjectId}|${draft.draftId}`, updatedAt: new Date(Date.now() - days * DAY_MS) },
        'Merge',
      );
    };

    it('is still offered at 13 days', async () => {
      let card = await tess.say('new request');
      card = await tess.pressOn(card, 'intake.next', what());
      await age(card, 13);
      assert.match(textOf(await tess.say('new request')), /You have a request in progress/);
    });

    it('is discarded on "new request", which starts a fresh draft; its old card says it was discarded', async () => {
      let card = await tess.say('new request');
      const old = await tess.pressOn(card, 'intake.next', what());
      await age(old, 15);

      card = await tess.say('new request');
      assert.match(textOf(card), /Step 1 of 5/, 'a fresh draft, not the resume card');
      assert.equal(valueOf(card, 'title'), '');
      assert.notEqual(draftIdOf(card), draftIdOf(old));
      assert.equal((await draftOf(old)).status, 'discarded');
      assert.equal((await draftOf(card)).status, 'open');

      const before = await snapshot(flow);
      const pressed = textOf(await tess.pressOn(old, 'intake.next', P2_ANSWERS.impact));
      assert.match(pressed, /discarded/, `the old card says the draft was discarded: ${pressed}`);
      assert.doesNotMatch(pressed, /You cancelled/, 'Tess did not cancel it: it expired');
      assert.equal(await snapshot(flow), before);
    });

    it('pressed on its own card: says it was discarded after 14 days, and marks it discarded', async () => {
      let card = await tess.say('new request');
      const old = await tess.pressOn(card, 'intake.next', what());
      await age(old, 15);

      card = await tess.pressOn(old, 'intake.next', P2_ANSWERS.impact);
      assert.match(textOf(card), /untouched for 14 days, so I discarded it\. Nothing was sent to IT/);
      const draft = await draftOf(old);
      assert.equal(draft.status, 'discarded');
      assert.equal(draft.inputs.impact, undefined, 'the answers pressed were not taken');
      assert.equal(await store().getRequest(TEST_TENANT_ID, 1), undefined);
    });
  });

  describe('checks: the step does not advance until its answers are right', () => {
    /** Presses Next with `inputs`; asserts the same step came back, unchanged in storage, and returns the card. */
    const refused = async (card: Card, inputs: Record<string, unknown>, step: RegExp): Promise<Card> => {
      const before = await snapshot(flow);
      const answer = await tess.pressOn(card, 'intake.next', inputs);
      assert.match(textOf(answer), step, 'the same step is shown again');
      assert.match(textOf(answer), /Please check the fields marked below/);
      assert.equal(await snapshot(flow), before, 'nothing stored changed');
      return answer;
    };
    const atStep = async (n: 1 | 2 | 3 | 4): Promise<Card> => {
      let card = await tess.say('new request');
      if (n > 1) card = await tess.pressOn(card, 'intake.next', what());
      if (n > 2) card = await tess.pressOn(card, 'intake.next', P2_ANSWERS.impact);
      if (n > 3) card = await tess.pressOn(card, 'intake.next', P2_ANSWERS.urgency);
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
      const ok = await tess.pressOn(card, 'intake.next', { ...what(), title: 'T'.repeat(100) });
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

      const ok = await tess.pressOn(card, 'intake.next', { financial: 'true', financialHow: 'We cannot take fines', compliance: 'false', reputation: 'false' });
      assert.match(textOf(ok), /Step 5 of 5/);
      assert.match(textOf(ok), /money \\\(We cannot take fines\\\)/);
    });
  });
});
