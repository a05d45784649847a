// Reliability 16: what a technician types is shown as text in every card. Markdown links and emphasis,
// `${...}` template expressions, Teams' {{DATE(...)}} functions and <at> mentions must reach Teams escaped
// by inert() (src/cards/render.ts), never evaluated by the templating, while inputs and storage keep the
// text exactly as typed.

import assert from 'node:assert/strict';
import { inert } from '../../src/cards/render';
import { TEST_TENANT_ID, USERS } from '../support/activities';
import { HOSTILE_PARTS, assertInert, assertShownAsTyped, displayTexts, valueOf } from '../support/cards';
import { actionOf, personalChat } from '../support/intake';

const { link: LINK, expression: EXPRESSION, date: DATE, bold: BOLD, mention: MENTION } = HOSTILE_PARTS;

/** Everything hostile at once, within the shorter limits where needed. */
const HOSTILE = [LINK, EXPRESSION, DATE, BOLD, MENTION].join(' ');
const TITLE = ['Desk', LINK, EXPRESSION, DATE, BOLD].join(' ');
const BRANCH = [LINK, DATE, MENTION].join(' ');
const DESCRIPTION = `${HOSTILE}\n# Not a heading\n- not a list\n1. not numbered\n    not code`;
const WORKAROUND = `Desk checkout ${HOSTILE}`;
const FINANCIAL = `Fines ${HOSTILE}`;
const REPUTATION = `Press ${HOSTILE}`;
const QUALITY = `Queues ${HOSTILE}`;
const REASON = `Fixed ${HOSTILE}`;

describe('flow: user text is shown as text in every card', () => {
  const chat = personalChat();

  it('keeps markdown, template expressions, DATE functions and mentions inert from the offer card to the request detail', async () => {
    const { tess } = chat;
    assert.ok(TITLE.length <= 100 && BRANCH.length <= 80, 'the hostile texts fit the limits');

    // The offer card quotes what was typed.
    const offer = await tess.say(DESCRIPTION);
    let texts = assertInert(offer, 'offer card');
    assertShownAsTyped(texts, 'offer card');
    assert.ok(texts.includes(inert(DESCRIPTION)), 'the quote is the typed text, escaped');
    assert.equal(actionOf(offer, 'intake.start').description, DESCRIPTION, 'the button carries the text as typed');

    let card = await tess.pressOn(offer, 'intake.start');
    assertInert(card, 'step 1');
    assert.equal(valueOf(card, 'description'), DESCRIPTION, 'the input shows the text as typed');

    // A refused step shows the typed text back in its inputs, and the error messages stay plain.
    card = await tess.pressOn(card, 'intake.next', { kind: 'incident', service: 'self-check', branch: BRANCH, title: `${TITLE} ${'x'.repeat(10)}`, description: DESCRIPTION, startedOn: '2024-03-01' });
    texts = assertInert(card, 'step 1 with a problem');
    assert.ok(texts.some((t) => t.startsWith('A short title can be at most 100 characters')));
    assert.equal(valueOf(card, 'branch'), BRANCH);

    card = await tess.pressOn(card, 'intake.next', { kind: 'incident', service: 'self-check', branch: BRANCH, title: TITLE, description: DESCRIPTION, startedOn: '2024-03-01', startedAt: '09:15' });
    assertInert(card, 'step 2');
    card = await tess.pressOn(card, 'intake.next', { reach: 'medium', patrons: '12', staff: '1' });
    assertInert(card, 'step 3');
    card = await tess.pressOn(card, 'intake.next', { stopped: 'yes', hasWorkaround: 'yes', workaround: WORKAROUND });
    assertInert(card, 'step 4');
    const review = await tess.pressOn(card, 'intake.next', { financial: 'true', financialHow: FINANCIAL, compliance: 'false', reputation: 'true', reputationHow: REPUTATION, serviceQuality: QUALITY });

    texts = assertInert(review, 'review');
    assertShownAsTyped(texts, 'review');
    assert.match(texts.join('\n'), /Step 5 of 5/);
    assert.ok(texts.includes(inert(TITLE)), 'the title is the typed text, escaped');
    assert.ok(texts.includes(inert(BRANCH)), 'Where is the typed text, escaped');
    assert.ok(texts.includes(inert(DESCRIPTION)), 'the description fact is the typed text, escaped');
    const statement = texts.find((t) => t.includes('workaround is'));
    assert.ok(statement, 'the review has the business-impact statement');
    for (const part of [WORKAROUND, FINANCIAL, REPUTATION, QUALITY]) assert.ok(statement.includes(inert(part)), `the statement holds ${part} escaped`);
    assert.ok(!texts.some((t) => t.includes('Tess Nguyen')), 'no expression was evaluated against any data');

    // The resume card names the draft by its title.
    const resume = await tess.say('new request');
    texts = assertInert(resume, 'resume card');
    assert.ok(texts.includes(inert(TITLE)));
    const back = await tess.pressOn(resume, 'intake.resume');
    assert.match(displayTexts(back).join('\n'), /Step 5 of 5/);

    const submitted = await tess.pressOn(back, 'intake.submit');
    texts = assertInert(submitted, 'submitted card');
    assertShownAsTyped(texts, 'submitted card');
    assert.ok(texts.includes('REQ-0001'));
    assert.ok(texts.includes(inert(TITLE)));

    const mine = await tess.say('my requests');
    texts = assertInert(mine, 'my requests');
    assert.ok(texts.includes(inert(TITLE)));

    const detail = await tess.press('requests.show', { reference: 'REQ-0001' });
    texts = assertInert(detail, 'request detail');
    assertShownAsTyped(texts, 'request detail');
    assert.ok(texts.includes(`REQ-0001: ${inert(TITLE)}`));
    assert.ok(texts.includes(inert(BRANCH)));
    assert.ok(texts.includes(inert(DESCRIPTION)));
    assert.ok(texts.some((t) => t.includes(inert(WORKAROUND)) && t.includes(inert(FINANCIAL))), 'the statement IT reads is escaped');

    const cancelled = await tess.press('requests.cancel', { reference: 'REQ-0001', reason: REASON });
    texts = assertInert(cancelled, 'cancelled detail');
    assert.ok(texts.some((t) => t === `Tess Nguyen cancelled the request: ${inert(REASON)}`), 'the reason in the history is escaped');

    // Storage keeps exactly what was typed.
    const store = chat.store();
    const stored = await store.getRequest(TEST_TENANT_ID, 1);
    assert.ok(stored);
    const { what, urgency, risks } = stored.value.answers;
    assert.deepEqual(
      { title: what.title, description: what.description, branch: what.branch, workaround: urgency.workaround, financial: risks.financial, reputation: risks.reputation, quality: risks.serviceQuality },
      { title: TITLE, description: DESCRIPTION, branch: BRANCH, workaround: WORKAROUND, financial: FINANCIAL, reputation: REPUTATION, quality: QUALITY },
    );
    const events = await store.events(TEST_TENANT_ID, 1);
    assert.equal(events.at(-1)?.note, REASON);
    const [summary] = await store.listMine(TEST_TENANT_ID, USERS.technician.aadObjectId, 5, () => true);
    assert.equal(summary?.title, TITLE);
  });

  it('keeps a request kind\'s title inert where the statement repeats it ("What is needed")', async () => {
    const { tess } = chat;
    let card = await tess.say('new request');
    card = await tess.pressOn(card, 'intake.next', { kind: 'request', service: 'website', title: TITLE, description: 'A new page.' });
    card = await tess.pressOn(card, 'intake.next', { reach: 'low' });
    card = await tess.pressOn(card, 'intake.next', { stopped: 'no', deadlineReason: '', deadline: '' });
    const review = await tess.pressOn(card, 'intake.next', { financial: 'false', compliance: 'false', reputation: 'false' });
    const texts = assertInert(review, 'review of a service request');
    assert.ok(texts.some((t) => t.includes(`What is needed: ${inert(TITLE)}`)), 'the statement ends with the escaped title');
  });
});
