import assert from 'node:assert/strict';
import { requestDetailCard } from '../../src/cards/intakeViews';
import { inert, type AdaptiveCard } from '../../src/cards/render';
import { itRequestCard, requestUpdateCard } from '../../src/cards/requestViews';
import { DEFAULT_POLICY } from '../../src/policy/policy';
import { describeEvent, threadLineText, type TellableEvent } from '../../src/requests/describe';
import type { PersonalUpdate, UpdateKind } from '../../src/requests/notifications';
import { type EventKind, type RequestEvent, type RequestStatus, type ServiceRequest } from '../../src/requests/request';
import { actionsOf, displayTexts, HOSTILE_PARTS, inputOf, nodesOf, type Card } from '../support/cards';
import { checkCard } from '../support/cardCheck';
import { CONTEXT, IVAN, MEGAN, NOW, TESS, after, hold, inEach, resolve, submitted, take } from '../support/requests';

const MEMBERS = [MEGAN, IVAN];
const HOSTILE = Object.values(HOSTILE_PARTS).join(' and ');

const verbsOf = (card: AdaptiveCard): string[] => actionsOf(card).map((a) => a.verb).sort();
const update = (kind: UpdateKind, extra: Partial<PersonalUpdate> = {}): PersonalUpdate => ({ kind, n: 2, actor: MEGAN.name, ...extra });

describe('request cards', () => {
  describe('the IT card', () => {
    const IT_VERBS: Record<RequestStatus, string[]> = {
      New: ['it.take', 'it.assign', 'it.ask', 'it.hold', 'it.resolve', 'it.duplicate'],
      'In progress': ['it.assign', 'it.ask', 'it.hold', 'it.resolve', 'it.duplicate'],
      'On hold': ['it.assign', 'it.resume', 'it.ask', 'it.resolve', 'it.duplicate'],
      Resolved: [],
      Closed: [],
      Cancelled: [],
    };

    for (const [status, request] of Object.entries(inEach())) {
      it(`offers only what can be done while ${status}, each button naming the request and its revision`, () => {
        const card = itRequestCard(request, CONTEXT, { members: MEMBERS });
        assert.deepEqual(verbsOf(card), [...IT_VERBS[status as RequestStatus]].sort());
        for (const action of actionsOf(card)) assert.deepEqual(action.data, { reference: 'REQ-0042', rev: request.eventCount });
        assert.deepEqual(checkCard(card), []);
      });
    }

    it('shows who has it, what it waits for, the resolution and the duplicate', () => {
      const all = inEach();
      const text = (request: ServiceRequest): string => displayTexts(itRequestCard(request, CONTEXT, { members: MEMBERS })).join('\n');
      assert.match(text(all.New), /Status: New · Nobody has taken it yet/);
      assert.match(text(all.New), /Respond by Tue 1 Dec 2026, 11:30 · Resolve by/);
      assert.match(text(all['In progress']), /Status: In progress · Megan Bowen is on it/);
      assert.match(text(all['On hold']), /On hold, waiting for the vendor\nThe vendor sends a new card reader on Thursday\./);
      assert.match(text(all.Resolved), /Resolution\nReplaced the card reader/);
      assert.doesNotMatch(text(all.Resolved), /Resolve by/, 'no targets once it is resolved');
      const asked = after(all['In progress'], [{ kind: 'ask', question: 'Which branch?' }, MEGAN]);
      assert.match(text(asked), /Open question\nWhich branch\?/);
      const duplicate = after(all.New, [{ kind: 'duplicate', of: { seq: 7, reference: 'REQ-0007', status: 'New' } }, MEGAN]);
      assert.match(text(duplicate), /Status: Cancelled · duplicate of REQ-0007/);
    });

    it('offers the team by name to assign to, without the person who has it, at most 100', () => {
      const many = Array.from({ length: 150 }, (_, i) => ({ aadObjectId: `id-${String(i)}`, name: `Member ${String(i).padStart(3, '0')}` }));
      const card = itRequestCard(inEach()['In progress'], CONTEXT, { members: [...many, IVAN, MEGAN] });
      const choices = inputOf(card, 'assignTo')?.choices as { title: string; value: string }[];
      assert.equal(choices.length, 100);
      assert.deepEqual(choices.slice(0, 2), [{ title: 'Ivan Brooks', value: IVAN.aadObjectId }, { title: 'Member 000', value: 'id-0' }]);
      assert.ok(!choices.some((c) => c.value === MEGAN.aadObjectId), 'Megan has it already');
    });

    it('leaves Assign out when there is nobody else to give it to', () => {
      const card = itRequestCard(inEach()['In progress'], CONTEXT, { members: [MEGAN] });
      assert.ok(!verbsOf(card).includes('it.assign'));
    });

    it('mentions the requester with the same safe name in the text and the entity', () => {
      const requester = { aadObjectId: TESS.aadObjectId, name: `Tess ${HOSTILE}` };
      const card = itRequestCard(submitted({ requester }), CONTEXT, { members: MEMBERS });
      const entities = (card.msteams as { entities: { text: string; mentioned: { id: string; name: string } }[] }).entities;
      assert.equal(entities.length, 1);
      const [entity] = entities;
      const line = displayTexts(card).find((t) => t.startsWith('Requested by '));
      assert.equal(line, `Requested by ${entity!.text}`);
      assert.equal(entity!.text, `<at>${entity!.mentioned.name}</at>`);
      assert.equal(entity!.mentioned.id, TESS.aadObjectId);
      assert.doesNotMatch(entity!.mentioned.name, /[<>[\]()*{}$\\]/);
      assert.match(entity!.mentioned.name, /^Tess click/);
    });

    it('shows a banner and a problem with what was typed', () => {
      const card = itRequestCard(submitted(), CONTEXT, { members: MEMBERS, banner: { text: 'Megan Bowen took it first.', style: 'warning' }, fieldError: 'Please write the resolution note.' });
      const texts = displayTexts(card);
      assert.ok(texts.includes('Megan Bowen took it first.'));
      assert.ok(texts.includes('Please write the resolution note.'));
    });
  });

  describe("the requester's cards", () => {
    const DETAIL_VERBS: Record<RequestStatus, string[]> = {
      New: ['requests.cancel', 'requests.list', 'requests.reply'],
      'In progress': ['requests.cancel', 'requests.list', 'requests.reply'],
      'On hold': ['requests.cancel', 'requests.list', 'requests.reply'],
      Resolved: ['requests.confirm', 'requests.list', 'requests.reopen'],
      Closed: ['requests.list'],
      Cancelled: ['requests.list'],
    };

    for (const [status, request] of Object.entries(inEach())) {
      it(`the full view offers only what the requester can do while ${status}`, () => {
        const card = requestDetailCard(request, [], CONTEXT);
        assert.deepEqual(verbsOf(card), DETAIL_VERBS[status as RequestStatus]);
        for (const action of actionsOf(card).filter((a) => a.verb !== 'requests.list')) assert.deepEqual(action.data, { reference: 'REQ-0042', rev: request.eventCount });
        assert.deepEqual(checkCard(card), []);
      });
    }

    it('the full view shows who has it, the hold note, the open question and the resolution', () => {
      const all = inEach();
      const text = (request: ServiceRequest): string => displayTexts(requestDetailCard(request, [], CONTEXT)).join('\n');
      assert.match(text(all['On hold']), /Status: On hold · Megan Bowen is on it/);
      assert.match(text(all['On hold']), /On hold, waiting for the vendor\nThe vendor sends/);
      const asked = after(all['In progress'], [{ kind: 'ask', question: 'Which branch?' }, MEGAN]);
      assert.match(text(asked), /Open question\nWhich branch\?/);
      assert.match(text(all.Resolved), /Resolution\nReplaced the card reader/);
    });

    it('an update answers a question only while the request is open', () => {
      const asked = after(submitted(), take, [{ kind: 'ask', question: 'Which branch?' }, MEGAN]);
      const message = update('asked', { note: 'Which branch?' });
      const card = requestUpdateCard(asked, message, CONTEXT);
      assert.deepEqual(verbsOf(card), ['requests.reply', 'requests.show']);
      assert.equal(inputOf(card, 'reply')?.label, 'Your answer');
      assert.match(displayTexts(card).join('\n'), /IT has a question about REQ-0042[\s\S]*Question from Megan Bowen\nWhich branch\?/);

      const cancelled = after(asked, [{ kind: 'cancel', reason: 'Not needed any more.' }, TESS]);
      assert.deepEqual(verbsOf(requestUpdateCard(cancelled, message, CONTEXT)), ['requests.show']);
    });

    it('an update about a resolution offers Fixed and Still not working only while it is resolved', () => {
      const resolved = after(submitted(), take, resolve());
      const message = update('resolved', { note: 'Replaced the card reader.' });
      const card = requestUpdateCard(resolved, message, CONTEXT);
      assert.deepEqual(verbsOf(card), ['requests.confirm', 'requests.reopen', 'requests.show']);
      assert.match(displayTexts(card).join('\n'), /If it works, press Fixed, thank you/);

      const closed = after(resolved, [{ kind: 'confirm' }, TESS]);
      const later = requestUpdateCard(closed, message, CONTEXT);
      assert.deepEqual(verbsOf(later), ['requests.show']);
      const text = displayTexts(later).join('\n');
      assert.doesNotMatch(text, /press Fixed/);
      assert.match(text, /Status: Closed/);
    });

    it('an update keeps a refused answer and says what was wrong with it, under the answer box', () => {
      const asked = after(submitted(), take, [{ kind: 'ask', question: 'Which branch?' }, MEGAN]);
      const card = requestUpdateCard(asked, update('asked', { note: 'Which branch?' }), CONTEXT, { reply: 'Branch', fieldError: 'The reply can be at most 1000 characters.' });
      assert.equal(inputOf(card, 'reply')?.value, 'Branch');
      const body = card.body as Card[];
      const at = body.findIndex((e) => e.id === 'reply');
      assert.deepEqual(body[at + 1], { type: 'TextBlock', text: 'The reply can be at most 1000 characters.', color: 'Attention', wrap: true, spacing: 'Small' });
    });

    it('an update has a heading for every kind of change', () => {
      const request = after(submitted(), take);
      const headings: Record<UpdateKind, string> = {
        posted: 'REQ-0042 is now with IT',
        taken: 'Megan Bowen is working on REQ-0042',
        assigned: 'REQ-0042 is assigned to Ivan Brooks',
        asked: 'IT has a question about REQ-0042',
        held: 'REQ-0042 is on hold',
        resumed: 'IT is working on REQ-0042 again',
        resolved: 'REQ-0042 is resolved',
        duplicate: 'REQ-0042 was closed as a duplicate of REQ-0007',
        closed: 'REQ-0042 is closed',
        unreachable: 'REQ-0042 could not be posted to IT',
      };
      for (const [kind, heading] of Object.entries(headings)) {
        const target = kind === 'assigned' ? IVAN.name : kind === 'duplicate' ? 'REQ-0007' : undefined;
        const card = requestUpdateCard(request, update(kind as UpdateKind, { note: 'A note', ...(target === undefined ? {} : { target }) }), CONTEXT);
        assert.equal(displayTexts(card)[0], heading);
        assert.deepEqual(checkCard(card), [], kind);
      }
      const closed = requestUpdateCard(request, update('closed'), { ...CONTEXT, policy: { ...DEFAULT_POLICY, autoCloseDays: 5 } });
      assert.ok(displayTexts(closed).includes('It closed by itself 5 days after it was resolved.'));
    });
  });

  describe('typed text', () => {
    /** Every status, with hostile text in every field a person typed and every name. */
    function hostileCards(): AdaptiveCard[] {
      const requester = { aadObjectId: TESS.aadObjectId, name: HOSTILE };
      const it = { aadObjectId: MEGAN.aadObjectId, name: HOSTILE };
      const base = submitted({ title: HOSTILE, description: HOSTILE, requester });
      const states = [
        ...Object.values(inEach(base)),
        after(base, [{ kind: 'take' }, it], [{ kind: 'ask', question: HOSTILE }, it]),
        after(base, [{ kind: 'take' }, it], [{ kind: 'hold', reason: 'change', note: HOSTILE }, it]),
        after(base, [{ kind: 'take' }, it], [{ kind: 'resolve', note: HOSTILE }, it]),
      ];
      const members = [it, { aadObjectId: 'x', name: HOSTILE }];
      return states.flatMap((request) => [
        itRequestCard(request, CONTEXT, { members, banner: { text: inert(HOSTILE), style: 'warning' }, fieldError: inert(HOSTILE) }),
        requestDetailCard(request, [], CONTEXT),
        requestUpdateCard(request, update('resolved', { actor: HOSTILE, note: HOSTILE, target: HOSTILE }), CONTEXT, { reply: HOSTILE }),
        requestUpdateCard(request, update('assigned', { actor: HOSTILE, target: HOSTILE }), CONTEXT),
      ]);
    }

    it('shows title, description, notes and names as typed, never as links, formatting, mentions or expressions', () => {
      for (const card of hostileCards()) {
        const entities = (card.msteams as { entities?: { text: string; mentioned: { name: string } }[] } | undefined)?.entities ?? [];
        const texts = displayTexts(card).filter((t) => !t.startsWith('Requested by <at>'));
        for (const text of texts) {
          for (const raw of ['[click](', '](https://', '{{DATE(', '${', '**bold**', '<at>', '</at>']) {
            assert.ok(!text.includes(raw), `"${raw}" appears unescaped in ${JSON.stringify(text)}`);
          }
        }
        assert.ok(texts.join('\n').includes('2017-02-14T06:08:39Z,SHORT'), 'the text is shown, not dropped');
        for (const { text, mentioned } of entities) {
          assert.doesNotMatch(mentioned.name, /[<>[\]()*{}$\\]/, 'the mention name is plain');
          assert.equal(text, `<at>${mentioned.name}</at>`);
        }
        assert.deepEqual(checkCard(card), []);
      }
    });

    it('keeps a reply as typed in the answer box (inputs show text as it is)', () => {
      const asked = after(submitted(), take, [{ kind: 'ask', question: 'Which branch?' }, MEGAN]);
      assert.equal(inputOf(requestUpdateCard(asked, update('asked'), CONTEXT, { reply: HOSTILE }), 'reply')?.value, HOSTILE);
    });
  });

  it('stays small with every field at its longest and 100 people to assign to', () => {
    const long = (n: number): string => 'Wörd '.repeat(n).slice(0, n);
    const base = submitted({ title: long(100), description: long(2000), requester: { aadObjectId: TESS.aadObjectId, name: long(100) } });
    const members = Array.from({ length: 100 }, (_, i) => ({ aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: long(60) }));
    const waiting = after(base, take, [{ kind: 'ask', question: long(1000) }, MEGAN]);
    for (const request of [base, waiting, after(waiting, [{ kind: 'reply', text: long(1000) }, TESS], hold(long(1000)))]) {
      const card = itRequestCard(request, CONTEXT, { members, banner: { text: long(300), style: 'warning' }, fieldError: long(300) });
      const size = JSON.stringify(card).length;
      assert.ok(size < 40 * 1024, `the IT card is ${String(size)} characters`);
      assert.deepEqual(checkCard(card), []);
    }
  });
});

describe('describeEvent and threadLineText', () => {
  const EVENTS: Record<EventKind, TellableEvent> = {
    submitted: { kind: 'submitted', actor: 'Tess Nguyen', priority: 'P2' },
    cancelled: { kind: 'cancelled', actor: 'Tess Nguyen', note: 'It works again.' },
    routed: { kind: 'routed', actor: 'Liaison', target: 'Service desk' },
    unrouted: { kind: 'unrouted', actor: 'Liaison', target: 'Service desk', note: '403' },
    taken: { kind: 'taken', actor: 'Megan Bowen', assignee: 'Megan Bowen' },
    assigned: { kind: 'assigned', actor: 'Megan Bowen', assignee: 'Ivan Brooks' },
    asked: { kind: 'asked', actor: 'Megan Bowen', note: 'Which branch?', holdReason: 'requester' },
    replied: { kind: 'replied', actor: 'Tess Nguyen', note: 'Branch 2.' },
    held: { kind: 'held', actor: 'Megan Bowen', note: 'New reader on Thursday.', holdReason: 'vendor' },
    resumed: { kind: 'resumed', actor: 'Megan Bowen' },
    resolved: { kind: 'resolved', actor: 'Megan Bowen', note: 'Replaced the reader.' },
    confirmed: { kind: 'confirmed', actor: 'Tess Nguyen' },
    reopened: { kind: 'reopened', actor: 'Tess Nguyen', note: 'Self-check 2 fails now.' },
    closed: { kind: 'closed', actor: 'Liaison' },
    duplicate: { kind: 'duplicate', actor: 'Megan Bowen', target: 'REQ-0007' },
  };
  const HISTORY: Record<EventKind, string> = {
    submitted: 'Tess Nguyen submitted the request (P2 High).',
    cancelled: 'Tess Nguyen cancelled the request: It works again.',
    routed: 'Posted to IT in Service desk.',
    unrouted: 'Could not be posted to IT in Service desk; it waits until IT connects a channel again.',
    taken: 'Megan Bowen took it.',
    assigned: 'Megan Bowen assigned it to Ivan Brooks.',
    asked: 'Megan Bowen asked: Which branch?',
    replied: 'Tess Nguyen replied: Branch 2.',
    held: 'On hold, waiting for the vendor: New reader on Thursday.',
    resumed: 'Megan Bowen took it off hold.',
    resolved: 'Resolved by Megan Bowen: Replaced the reader.',
    confirmed: 'Tess Nguyen confirmed the fix. Closed.',
    reopened: 'Tess Nguyen reopened it: Self-check 2 fails now.',
    closed: 'Closed automatically after the resolution was not disputed.',
    duplicate: 'Cancelled as a duplicate of REQ-0007 by Megan Bowen.',
  };

  it('tells every kind of change in one sentence', () => {
    for (const [kind, event] of Object.entries(EVENTS)) assert.equal(describeEvent(event, DEFAULT_POLICY, inert), HISTORY[kind as EventKind]);
  });

  it('gives IT a thread line for every kind of change, naming the request where it reads naturally', () => {
    const lines = Object.values(EVENTS).map((event) => threadLineText({ ...event, n: 2 }, 'REQ-0042', DEFAULT_POLICY, inert));
    assert.equal(new Set(lines).size, lines.length, 'each kind reads differently');
    const line = (kind: EventKind): string => threadLineText({ ...EVENTS[kind], n: 2 }, 'REQ-0042', DEFAULT_POLICY, inert);
    assert.equal(line('taken'), 'Megan Bowen took REQ-0042.');
    assert.equal(line('held'), 'On hold: waiting for the vendor. New reader on Thursday. (Megan Bowen)');
    assert.equal(line('assigned'), 'Megan Bowen assigned REQ-0042 to Ivan Brooks.');
    assert.equal(line('resolved'), 'Megan Bowen resolved REQ-0042: Replaced the reader.');
    assert.equal(line('duplicate'), 'Megan Bowen cancelled REQ-0042 as a duplicate of REQ-0007.');
  });

  it('escapes names and notes with the escape it is given', () => {
    const event = (kind: EventKind): TellableEvent => ({ ...EVENTS[kind], actor: HOSTILE, note: HOSTILE, assignee: HOSTILE, target: HOSTILE });
    const kinds = Object.keys(EVENTS) as EventKind[];
    for (const text of [...kinds.map((k) => describeEvent(event(k), DEFAULT_POLICY, inert)), ...kinds.map((k) => threadLineText({ ...event(k), n: 2 }, 'REQ-0042', DEFAULT_POLICY, inert))]) {
      assert.ok(!text.includes('[click]('), text);
      assert.ok(!text.includes('${'), text);
      assert.ok(!text.includes('<at>'), text);
    }
  });
});

/** Every history entry of a request that went through every IT action reads as a sentence. */
describe('request detail history', () => {
  it('tells each stored event, with names from the people involved', () => {
    const at = NOW;
    const events: RequestEvent[] = [
      { seq: 42, n: 1, at, actor: TESS, kind: 'submitted', priority: 'P2' },
      { seq: 42, n: 2, at, actor: MEGAN, kind: 'assigned', assignee: IVAN },
    ];
    const card = requestDetailCard(after(submitted(), [{ kind: 'assign', to: IVAN }, MEGAN]), events, CONTEXT);
    const texts = displayTexts(card);
    assert.ok(texts.includes('Tess Nguyen submitted the request (P2 High).'));
    assert.ok(texts.includes('Megan Bowen assigned it to Ivan Brooks.'));
    assert.equal([...nodesOf(card)].filter((n) => n.type === 'Input.Text' && n.id === 'reason').length, 1, 'one reason box, for cancelling');
  });
});
