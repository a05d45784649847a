// The request lifecycle (domain.md): which action each status allows, what an allowed action changes,
// the event it records, and how a refusal reads.

import assert from 'node:assert/strict';
import { apply, isSameChange, itActionsFor, requesterActionsFor, roleFor, type Action } from '../../src/requests/lifecycle';
import { NOTE_LIMIT, type RequestEvent, type RequestStatus, type ServiceRequest } from '../../src/requests/request';
import { after, changed, hold, inEach, IVAN, MEGAN, NOW, resolve, ROUTE, submitted, take, TESS, type Step } from '../support/requests';
import { LIAISON } from '../../src/requests/system';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const AUTO_CLOSE_DAYS = 7;
/** When the actions under test happen: an hour after the fixtures' changes. */
const LATER = new Date(NOW.getTime() + HOUR_MS);

const STATUSES: readonly RequestStatus[] = ['New', 'In progress', 'On hold', 'Resolved', 'Closed', 'Cancelled'];
const KINDS: readonly Action['kind'][] = ['take', 'assign', 'ask', 'hold', 'resume', 'resolve', 'duplicate', 'cancel', 'reply', 'confirm', 'reopen', 'route', 'unroute', 'autoClose'];
const OTHER = { seq: 7, reference: 'REQ-0007', status: 'New' } as const;

const QUESTION = 'Which card numbers does it reject?';
const ANSWER = 'Every card starting with 2900.';

/** One of each action, by the person who would take it: IT staff, the requester, or Liaison. */
const SAMPLE: Record<Action['kind'], Step> = {
  take: [{ kind: 'take' }, IVAN],
  assign: [{ kind: 'assign', to: IVAN }, MEGAN],
  ask: [{ kind: 'ask', question: QUESTION }, MEGAN],
  hold: [{ kind: 'hold', reason: 'change', note: 'A firmware update is planned for Friday.' }, MEGAN],
  resume: [{ kind: 'resume' }, MEGAN],
  resolve: [{ kind: 'resolve', note: 'Restarted the SIP2 service.' }, MEGAN],
  duplicate: [{ kind: 'duplicate', of: OTHER }, MEGAN],
  cancel: [{ kind: 'cancel', reason: 'No longer needed.' }, TESS],
  reply: [{ kind: 'reply', text: ANSWER }, TESS],
  confirm: [{ kind: 'confirm' }, TESS],
  reopen: [{ kind: 'reopen', reason: 'It rejects cards again since this morning.' }, TESS],
  route: [{ kind: 'route', route: ROUTE }, LIAISON],
  unroute: [{ kind: 'unroute', reason: '403 BotNotInConversationRoster' }, LIAISON],
  autoClose: [{ kind: 'autoClose' }, LIAISON],
};

/** domain.md's lifecycle, cell by cell (route: for a request not posted to IT yet). */
const ALLOWED: Record<RequestStatus, readonly Action['kind'][]> = {
  New: ['take', 'assign', 'ask', 'hold', 'resolve', 'duplicate', 'cancel', 'reply', 'route', 'unroute'],
  'In progress': ['assign', 'ask', 'hold', 'resolve', 'duplicate', 'cancel', 'reply', 'route', 'unroute'],
  'On hold': ['assign', 'resume', 'ask', 'resolve', 'duplicate', 'cancel', 'reply', 'route', 'unroute'],
  Resolved: ['confirm', 'reopen', 'autoClose'],
  Closed: [],
  Cancelled: [],
};

const at = (time: Date, [action, actor]: Step, request: ServiceRequest, autoCloseDays = AUTO_CLOSE_DAYS) => apply(request, action, actor, time, autoCloseDays);

/** A refusal a person reads: one plain sentence about this request, no codes or placeholders. */
function assertPlainSentence(reason: string): void {
  assert.match(reason, /^[A-Z][^\n]*[.]$/, reason);
  assert.doesNotMatch(reason, /undefined|null|\[object|[A-Z]{2,}_[A-Z]|\{|\}/, reason);
}

// Starting points, each reached through the lifecycle itself.
const NEW = submitted();
const WORKING = after(NEW, take);
const VENDOR_HOLD = after(WORKING, hold());
const ASKED = after(WORKING, [{ kind: 'ask', question: QUESTION }, MEGAN]);
const ASKED_NOBODY_TOOK = after(NEW, [{ kind: 'ask', question: QUESTION }, MEGAN]);
const RESOLVED = after(WORKING, resolve());
const UNROUTED = submitted({ routed: false });
const UNROUTED_ASKED = after(UNROUTED, [{ kind: 'ask', question: QUESTION }, MEGAN]);

type OptionalField = 'route' | 'assignee' | 'hold' | 'question' | 'resolution' | 'closesAt' | 'duplicateOf';

function without(request: ServiceRequest, fields: readonly OptionalField[]): ServiceRequest {
  const kept = Object.entries(request).filter(([key]) => !(fields as readonly string[]).includes(key));
  return Object.fromEntries(kept) as unknown as ServiceRequest;
}

describe('request lifecycle', () => {
  describe('which actions each status allows', () => {
    const posted = inEach();
    const notPosted = inEach(submitted({ routed: false }));

    for (const status of STATUSES) {
      it(`${status}: the card offers IT and the requester exactly what the lifecycle allows`, () => {
        const byRole = (role: string): string[] => ALLOWED[status].filter((kind) => roleFor(SAMPLE[kind][0]) === role).sort();
        assert.deepEqual([...itActionsFor(posted[status])].sort(), byRole('it'));
        assert.deepEqual([...requesterActionsFor(posted[status])].sort(), byRole('requester'));
      });

      for (const kind of KINDS) {
        const allowed = ALLOWED[status].includes(kind);
        it(`${status}: ${kind} is ${allowed ? 'allowed' : 'refused with a plain sentence'}`, () => {
          const request = (kind === 'route' ? notPosted : posted)[status];
          const t = at(LATER, SAMPLE[kind], request);
          assert.equal(t.ok, allowed, t.ok ? 'it was allowed' : t.reason);
          if (!t.ok) {
            assertPlainSentence(t.reason);
            assert.match(t.reason, /REQ-0042/);
            assert.equal(t.field, undefined, 'a refusal because of the state is about no input');
          }
        });
      }
    }

    it('route is refused once the request is posted to a channel', () => {
      for (const status of STATUSES) assert.equal(at(LATER, SAMPLE.route, posted[status]).ok, false, status);
    });
  });

  describe('refusals say why in plain words', () => {
    const all = inEach();
    const cases: [string, ServiceRequest, Step, string][] = [
      ['taking a request someone already took', all['In progress'], [{ kind: 'take' }, IVAN], 'Megan Bowen already took REQ-0042.'],
      ['IT acting on a resolved request', all.Resolved, SAMPLE.assign, 'REQ-0042 is resolved and waits for the requester to confirm it.'],
      ['IT acting on a cancelled request', all.Cancelled, SAMPLE.resolve, 'REQ-0042 is already cancelled, so nothing was changed.'],
      ['the requester cancelling a closed request', all.Closed, SAMPLE.cancel, 'REQ-0042 is already closed, so nothing was changed.'],
      ['the requester replying to a resolved request', all.Resolved, SAMPLE.reply, 'REQ-0042 is resolved: press Fixed, thank you, or Still not working.'],
      ['resuming a request that is not on hold', all['In progress'], SAMPLE.resume, 'REQ-0042 is not on hold.'],
      ['confirming a request not resolved yet', all['In progress'], SAMPLE.confirm, 'REQ-0042 is not resolved, so there is nothing to confirm.'],
      ['putting a request on hold that is on hold', all['On hold'], SAMPLE.hold, 'That cannot be done while REQ-0042 is on hold.'],
      ['closing an open request by itself', all.New, SAMPLE.autoClose, 'That cannot be done while REQ-0042 is new.'],
    ];
    for (const [what, request, step, reason] of cases) {
      it(`${what}: "${reason}"`, () => {
        assert.deepEqual(at(LATER, step, request), { ok: false, reason });
      });
    }
  });

  describe('what each allowed action changes, and the event it records', () => {
    interface Case {
      rule: string;
      from: ServiceRequest;
      step: Step;
      status: RequestStatus;
      set?: Partial<ServiceRequest>;
      cleared?: OptionalField[];
      event: Pick<RequestEvent, 'kind'> & Partial<RequestEvent>;
    }
    const closesAt = new Date(LATER.getTime() + AUTO_CLOSE_DAYS * DAY_MS);
    const asked = { hold: { reason: 'requester' as const, note: QUESTION }, question: QUESTION };
    const cases: Case[] = [
      { rule: 'take starts a new request with the taker as assignee', from: NEW, step: [{ kind: 'take' }, MEGAN], status: 'In progress', set: { assignee: MEGAN }, event: { kind: 'taken', assignee: MEGAN } },
      { rule: 'assign gives a new request to someone and starts it', from: NEW, step: SAMPLE.assign, status: 'In progress', set: { assignee: IVAN }, event: { kind: 'assigned', assignee: IVAN } },
      { rule: 'assign hands a request in progress over', from: WORKING, step: SAMPLE.assign, status: 'In progress', set: { assignee: IVAN }, event: { kind: 'assigned', assignee: IVAN } },
      { rule: 'assign leaves a request on hold on hold, with its hold and question', from: ASKED, step: SAMPLE.assign, status: 'On hold', set: { assignee: IVAN }, event: { kind: 'assigned', assignee: IVAN } },
      { rule: 'ask puts it on hold for the requester, with the question', from: WORKING, step: SAMPLE.ask, status: 'On hold', set: asked, event: { kind: 'asked', note: QUESTION, holdReason: 'requester' } },
      { rule: 'ask on a vendor hold replaces that hold with the question', from: VENDOR_HOLD, step: SAMPLE.ask, status: 'On hold', set: asked, event: { kind: 'asked', note: QUESTION, holdReason: 'requester' } },
      {
        rule: 'hold puts it on hold for a vendor or a change, with the note',
        from: WORKING,
        step: SAMPLE.hold,
        status: 'On hold',
        set: { hold: { reason: 'change', note: 'A firmware update is planned for Friday.' } },
        event: { kind: 'held', note: 'A firmware update is planned for Friday.', holdReason: 'change' },
      },
      { rule: 'resume takes it off hold and keeps who has it', from: VENDOR_HOLD, step: SAMPLE.resume, status: 'In progress', cleared: ['hold'], event: { kind: 'resumed' } },
      { rule: 'resume of a question drops the question', from: ASKED, step: SAMPLE.resume, status: 'In progress', cleared: ['hold', 'question'], event: { kind: 'resumed' } },
      {
        rule: 'resolve records the resolution and closes it by itself autoCloseDays after the resolve time',
        from: ASKED,
        step: SAMPLE.resolve,
        status: 'Resolved',
        set: { resolution: 'Restarted the SIP2 service.', closesAt },
        cleared: ['hold', 'question'],
        event: { kind: 'resolved', note: 'Restarted the SIP2 service.' },
      },
      { rule: 'duplicate cancels it, naming the other request', from: WORKING, step: SAMPLE.duplicate, status: 'Cancelled', set: { duplicateOf: 'REQ-0007' }, event: { kind: 'duplicate', target: 'REQ-0007' } },
      { rule: 'cancel by the requester records the reason', from: NEW, step: SAMPLE.cancel, status: 'Cancelled', event: { kind: 'cancelled', note: 'No longer needed.' } },
      { rule: 'cancel of a request on hold drops the hold', from: VENDOR_HOLD, step: SAMPLE.cancel, status: 'Cancelled', cleared: ['hold'], event: { kind: 'cancelled', note: 'No longer needed.' } },
      { rule: 'reply to a question moves it from On hold back to In progress', from: ASKED, step: SAMPLE.reply, status: 'In progress', cleared: ['hold', 'question'], event: { kind: 'replied', note: ANSWER } },
      { rule: 'reply to a question nobody took moves it back to New', from: ASKED_NOBODY_TOOK, step: SAMPLE.reply, status: 'New', cleared: ['hold', 'question'], event: { kind: 'replied', note: ANSWER } },
      { rule: 'reply leaves a request waiting for the vendor on hold', from: VENDOR_HOLD, step: SAMPLE.reply, status: 'On hold', event: { kind: 'replied', note: ANSWER } },
      { rule: 'reply while in progress only adds to the history', from: WORKING, step: SAMPLE.reply, status: 'In progress', event: { kind: 'replied', note: ANSWER } },
      { rule: 'confirm closes it and keeps the resolution', from: RESOLVED, step: SAMPLE.confirm, status: 'Closed', cleared: ['closesAt'], event: { kind: 'confirmed' } },
      { rule: 'reopen puts it back in progress with the reason, without the resolution', from: RESOLVED, step: SAMPLE.reopen, status: 'In progress', cleared: ['resolution', 'closesAt'], event: { kind: 'reopened', note: 'It rejects cards again since this morning.' } },
      { rule: 'route posts a waiting request to a channel and keeps its state', from: UNROUTED, step: SAMPLE.route, status: 'New', set: { route: ROUTE }, event: { kind: 'routed', target: 'Service desk' } },
      { rule: 'unroute takes a request off a channel it could not be posted to, keeping its state', from: NEW, step: SAMPLE.unroute, status: 'New', cleared: ['route'], event: { kind: 'unrouted', target: 'Service desk', note: '403 BotNotInConversationRoster' } },
      { rule: 'route keeps a hold and its question', from: UNROUTED_ASKED, step: SAMPLE.route, status: 'On hold', set: { route: ROUTE }, event: { kind: 'routed', target: 'Service desk' } },
      { rule: 'autoClose closes a resolved request and keeps the resolution', from: RESOLVED, step: SAMPLE.autoClose, status: 'Closed', cleared: ['closesAt'], event: { kind: 'closed' } },
    ];

    for (const c of cases) {
      it(c.rule, () => {
        const t = at(LATER, c.step, c.from);
        assert.ok(t.ok, t.ok ? '' : t.reason);
        const n = c.from.eventCount + 1;
        assert.deepEqual(t.event, { seq: 42, n, at: LATER, actor: c.step[1], ...c.event });
        assert.deepEqual(t.request, { ...without(c.from, c.cleared ?? []), ...c.set, status: c.status, updatedAt: LATER, eventCount: n });
      });
    }

    it('closesAt follows the configured number of days', () => {
      const t = at(LATER, SAMPLE.resolve, WORKING, 3);
      assert.ok(t.ok);
      assert.deepEqual(t.request.closesAt, new Date(LATER.getTime() + 3 * DAY_MS));
    });

    it('leaves the request it was given unchanged', () => {
      const before = structuredClone(ASKED);
      for (const kind of KINDS) at(LATER, SAMPLE[kind], ASKED);
      assert.deepEqual(ASKED, before);
    });
  });

  describe('event times', () => {
    const EARLIER = new Date(NOW.getTime() - HOUR_MS);

    it('an action on a clock behind the last change is dated at the last change, not before it', () => {
      const t = at(EARLIER, SAMPLE.assign, WORKING);
      assert.ok(t.ok);
      assert.deepEqual(t.event.at, WORKING.updatedAt);
      assert.deepEqual(t.request.updatedAt, WORKING.updatedAt);
    });

    it('a resolution on a clock behind closes autoCloseDays after the last change', () => {
      const t = at(EARLIER, SAMPLE.resolve, WORKING);
      assert.ok(t.ok);
      assert.deepEqual(t.request.closesAt, new Date(WORKING.updatedAt.getTime() + AUTO_CLOSE_DAYS * DAY_MS));
    });

    it('an action on a clock ahead is dated by that clock', () => {
      const t = at(LATER, SAMPLE.assign, WORKING);
      assert.ok(t.ok);
      assert.deepEqual(t.event.at, LATER);
    });
  });

  describe('notes', () => {
    const noted: [Action['kind'], string, ServiceRequest, (text: string) => Step][] = [
      ['ask', 'question', WORKING, (question) => [{ kind: 'ask', question }, MEGAN]],
      ['hold', 'note', WORKING, (note) => [{ kind: 'hold', reason: 'vendor', note }, MEGAN]],
      ['resolve', 'resolution note', WORKING, (note) => [{ kind: 'resolve', note }, MEGAN]],
      ['cancel', 'reason', NEW, (reason) => [{ kind: 'cancel', reason }, TESS]],
      ['reply', 'answer', ASKED, (text) => [{ kind: 'reply', text }, TESS]],
      ['reopen', 'reason', RESOLVED, (reason) => [{ kind: 'reopen', reason }, TESS]],
    ];

    for (const [kind, what, request, step] of noted) {
      it(`${kind} refuses an empty or blank ${what}, pointing at the note`, () => {
        for (const text of ['', '   ', ' \n\t ']) {
          const t = at(LATER, step(text), request);
          assert.ok(!t.ok, JSON.stringify(text));
          assert.equal(t.field, 'note');
          assertPlainSentence(t.reason);
        }
      });

      it(`${kind} accepts a ${what} of exactly ${NOTE_LIMIT} characters`, () => {
        const t = at(LATER, step('x'.repeat(NOTE_LIMIT)), request);
        assert.ok(t.ok, t.ok ? '' : t.reason);
        assert.equal(t.event.note, 'x'.repeat(NOTE_LIMIT));
      });

      it(`${kind} refuses a ${what} of ${NOTE_LIMIT + 1} characters, naming the limit`, () => {
        const t = at(LATER, step('x'.repeat(NOTE_LIMIT + 1)), request);
        assert.ok(!t.ok);
        assert.equal(t.field, 'note');
        assert.equal(t.reason, `The ${what} can be at most 1000 characters (it has 1001).`);
      });
    }
  });

  it('a request cannot duplicate itself', () => {
    const t = at(LATER, [{ kind: 'duplicate', of: { seq: 42, reference: 'REQ-0042', status: 'In progress' } }, MEGAN], WORKING);
    assert.ok(!t.ok);
    assert.equal(t.reason, 'A request cannot duplicate itself. Give the reference of the other request.');
  });

  describe('isSameChange: a double press is recognised by the event it made', () => {
    /** The request after `step`, and that step's event as its latest change. */
    const done = (from: ServiceRequest, step: Step): { request: ServiceRequest; latest: RequestEvent } => {
      const { request, event } = changed(from, step);
      return { request, latest: event };
    };
    const pressedTwice: [Action['kind'], ServiceRequest][] = [
      ['take', NEW],
      ['assign', WORKING],
      ['ask', WORKING],
      ['hold', WORKING],
      ['resume', VENDOR_HOLD],
      ['resolve', WORKING],
      ['duplicate', WORKING],
      ['cancel', NEW],
      ['reply', ASKED],
      ['confirm', RESOLVED],
      ['reopen', RESOLVED],
    ];

    for (const [kind, from] of pressedTwice) {
      it(`${kind}: the same action by the same person is recognised`, () => {
        const [action, actor] = SAMPLE[kind];
        const { latest } = done(from, SAMPLE[kind]);
        assert.equal(isSameChange(latest, action, actor), true);
      });

      it(`${kind}: the same action by someone else is not`, () => {
        const [action] = SAMPLE[kind];
        const { latest } = done(from, SAMPLE[kind]);
        const someoneElse = roleFor(action) === 'requester' ? { aadObjectId: 'c3333333-3333-4333-8333-333333333333', name: 'Tess Nguyen' } : { ...IVAN, aadObjectId: 'd4444444-4444-4444-8444-444444444444' };
        assert.equal(isSameChange(latest, action, someoneElse), false);
      });
    }

    const differentNote: [string, ServiceRequest, Step, Action][] = [
      ['ask with another question', WORKING, SAMPLE.ask, { kind: 'ask', question: 'Which branch?' }],
      ['hold with another note', WORKING, SAMPLE.hold, { kind: 'hold', reason: 'change', note: 'Another change.' }],
      ['resolve with another note', WORKING, SAMPLE.resolve, { kind: 'resolve', note: 'Another fix.' }],
      ['cancel with another reason', NEW, SAMPLE.cancel, { kind: 'cancel', reason: 'Another reason.' }],
      ['reply with another answer', ASKED, SAMPLE.reply, { kind: 'reply', text: 'Another answer.' }],
      ['reopen with another reason', RESOLVED, SAMPLE.reopen, { kind: 'reopen', reason: 'Another reason.' }],
    ];
    for (const [what, from, step, again] of differentNote) {
      it(`${what} is a different change`, () => {
        const { latest } = done(from, step);
        assert.equal(isSameChange(latest, again, step[1]), false);
      });
    }

    // The same kind of action by the same person, but aimed elsewhere, is a different action.
    const differentTarget: [string, ServiceRequest, Step, Action][] = [
      ['assign to someone else', WORKING, [{ kind: 'assign', to: IVAN }, MEGAN], { kind: 'assign', to: { aadObjectId: 'f6666666-6666-4666-8666-666666666666', name: 'Priya Shah' } }],
      ['hold for another reason with the same note', WORKING, [{ kind: 'hold', reason: 'vendor', note: 'Waiting.' }, MEGAN], { kind: 'hold', reason: 'change', note: 'Waiting.' }],
      ['duplicate of another request', WORKING, SAMPLE.duplicate, { kind: 'duplicate', of: { seq: 9, reference: 'REQ-0009', status: 'New' } }],
    ];
    for (const [what, from, step, again] of differentTarget) {
      it(`${what} is a different change`, () => {
        const { latest } = done(from, step);
        assert.equal(isSameChange(latest, again, step[1]), false);
      });
    }

    it('another kind of action by the same person is a different change', () => {
      const { latest } = done(WORKING, SAMPLE.resolve);
      assert.equal(isSameChange(latest, { kind: 'ask', question: 'Restarted the SIP2 service.' }, MEGAN), false);
    });

  });

  describe('a request nobody took goes back to New, so that someone can take it', () => {
    const NEW = submitted();
    it('when taken off hold', () => {
      assert.equal(after(NEW, hold(), [{ kind: 'resume' }, MEGAN]).status, 'New');
    });
    it('when reopened after a resolution', () => {
      assert.equal(after(NEW, resolve(), [{ kind: 'reopen', reason: 'Still broken.' }, TESS]).status, 'New');
    });
    it('while a request someone took goes back to In progress', () => {
      assert.equal(after(NEW, take, resolve(), [{ kind: 'reopen', reason: 'Still broken.' }, TESS]).status, 'In progress');
    });
  });
});
