// Who hears about each change: the IT thread always (once the request is posted), the requester when
// IT or Liaison acted, nobody while the request is posted nowhere.

import assert from 'node:assert/strict';
import { notificationsFor, type Notification, type PersonalUpdate, type ThreadLine } from '../../src/requests/notifications';
import type { ServiceRequest } from '../../src/requests/request';
import { after, changed, hold, IVAN, MEGAN, resolve, ROUTE, submission, submitted, take, TESS, type Step } from '../support/requests';
import { LIAISON } from '../../src/requests/system';

const QUESTION = 'Which card numbers does it reject?';
const VENDOR_NOTE = 'The vendor sends a new card reader on Thursday.';
const RESOLUTION = 'Replaced the card reader; it reads every card again.';

const NEW = submitted();
const WORKING = after(NEW, take); // event 2
const ON_HOLD = after(WORKING, hold()); // event 3
const ASKED = after(WORKING, [{ kind: 'ask', question: QUESTION }, MEGAN]); // event 3
const RESOLVED = after(WORKING, resolve()); // event 3

/** What a change to a posted request tells: the card and thread in IT's channel, then maybe the requester. */
function expected(line: ThreadLine['event'], update?: PersonalUpdate): Notification[] {
  const out: Notification[] = [
    { kind: 'card.update', seq: 42 },
    { kind: 'thread.line', seq: 42, line: { event: line } },
  ];
  if (update) out.push({ kind: 'person.update', seq: 42, to: TESS.aadObjectId, update });
  return out;
}

function notified(before: ServiceRequest, step: Step): Notification[] {
  const { request, event } = changed(before, step);
  return notificationsFor(before, request, event);
}

describe('notifications', () => {
  describe('a new request', () => {
    it('submitted with a channel to go to: starts its thread in IT and tells nobody else', () => {
      const { request, event } = submission();
      assert.deepEqual(notificationsFor(undefined, request, event), [{ kind: 'thread.start', seq: 42 }]);
    });

    it('submitted while IT has no channel: tells nobody yet', () => {
      const { request, event } = submission({ routed: false });
      assert.deepEqual(notificationsFor(undefined, request, event), []);
    });

    it('posted later: starts its thread and tells the requester where it went', () => {
      assert.deepEqual(notified(submitted({ routed: false }), [{ kind: 'route', route: ROUTE }, LIAISON]), [
        { kind: 'thread.start', seq: 42 },
        { kind: 'person.update', seq: 42, to: TESS.aadObjectId, update: { kind: 'posted', n: 2, actor: 'Liaison', target: 'Service desk' } },
      ]);
    });
  });

  describe('IT acting: updates the card, adds a thread line, and tells the requester', () => {
    const cases: [string, ServiceRequest, Step, ThreadLine['event'], PersonalUpdate][] = [
      ['take', NEW, take, { kind: 'taken', actor: 'Megan Bowen', assignee: 'Megan Bowen', n: 2 }, { kind: 'taken', n: 2, actor: 'Megan Bowen' }],
      [
        'assign',
        WORKING,
        [{ kind: 'assign', to: IVAN }, MEGAN],
        { kind: 'assigned', actor: 'Megan Bowen', assignee: 'Ivan Brooks', n: 3 },
        { kind: 'assigned', n: 3, actor: 'Megan Bowen', target: 'Ivan Brooks' },
      ],
      [
        'ask',
        WORKING,
        [{ kind: 'ask', question: QUESTION }, MEGAN],
        { kind: 'asked', actor: 'Megan Bowen', note: QUESTION, holdReason: 'requester', n: 3 },
        { kind: 'asked', n: 3, actor: 'Megan Bowen', note: QUESTION },
      ],
      [
        'hold for the vendor',
        WORKING,
        hold(),
        { kind: 'held', actor: 'Megan Bowen', note: VENDOR_NOTE, holdReason: 'vendor', n: 3 },
        { kind: 'held', n: 3, actor: 'Megan Bowen', note: `Waiting for the vendor: ${VENDOR_NOTE}` },
      ],
      [
        'hold for a change',
        WORKING,
        [{ kind: 'hold', reason: 'change', note: 'Friday night.' }, MEGAN],
        { kind: 'held', actor: 'Megan Bowen', note: 'Friday night.', holdReason: 'change', n: 3 },
        { kind: 'held', n: 3, actor: 'Megan Bowen', note: 'Waiting for a planned change: Friday night.' },
      ],
      ['resume', ON_HOLD, [{ kind: 'resume' }, MEGAN], { kind: 'resumed', actor: 'Megan Bowen', n: 4 }, { kind: 'resumed', n: 4, actor: 'Megan Bowen' }],
      ['resolve', WORKING, resolve(), { kind: 'resolved', actor: 'Megan Bowen', note: RESOLUTION, n: 3 }, { kind: 'resolved', n: 3, actor: 'Megan Bowen', note: RESOLUTION }],
      [
        'duplicate',
        NEW,
        [{ kind: 'duplicate', of: { seq: 7, reference: 'REQ-0007', status: 'New' } }, MEGAN],
        { kind: 'duplicate', actor: 'Megan Bowen', target: 'REQ-0007', n: 2 },
        { kind: 'duplicate', n: 2, actor: 'Megan Bowen', target: 'REQ-0007' },
      ],
    ];
    for (const [what, before, step, line, update] of cases) {
      it(`${what}: the requester gets a '${update.kind}' update`, () => {
        assert.deepEqual(notified(before, step), expected(line, update));
      });
    }
  });

  describe('the requester acting: updates the card and adds a thread line, without telling them what they did', () => {
    const cases: [string, ServiceRequest, Step, ThreadLine['event']][] = [
      ['cancel', NEW, [{ kind: 'cancel', reason: 'It works again.' }, TESS], { kind: 'cancelled', actor: 'Tess Nguyen', note: 'It works again.', n: 2 }],
      ['reply', ASKED, [{ kind: 'reply', text: 'Cards starting with 2900.' }, TESS], { kind: 'replied', actor: 'Tess Nguyen', note: 'Cards starting with 2900.', n: 4 }],
      ['confirm', RESOLVED, [{ kind: 'confirm' }, TESS], { kind: 'confirmed', actor: 'Tess Nguyen', n: 4 }],
      ['reopen', RESOLVED, [{ kind: 'reopen', reason: 'It fails again.' }, TESS], { kind: 'reopened', actor: 'Tess Nguyen', note: 'It fails again.', n: 4 }],
    ];
    for (const [what, before, step, line] of cases) {
      it(what, () => {
        assert.deepEqual(notified(before, step), expected(line));
      });
    }
  });

  it('cancelling a request that was never posted tells nobody', () => {
    assert.deepEqual(notified(submitted({ routed: false }), [{ kind: 'cancel', reason: 'It works again.' }, TESS]), []);
  });

  it('closing by itself updates the card and the thread and tells the requester it closed', () => {
    assert.deepEqual(notified(RESOLVED, [{ kind: 'autoClose' }, LIAISON]), expected({ kind: 'closed', actor: 'Liaison', n: 4 }, { kind: 'closed', n: 4, actor: 'Liaison' }));
  });

  it('the requester is addressed by their Teams id, whoever acted', () => {
    const requester = { aadObjectId: '0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f', name: 'Sam Lee' };
    const before = submitted({ requester });
    const sent = notified(before, take).find((n) => n.kind === 'person.update');
    assert.equal(sent?.kind === 'person.update' ? sent.to : undefined, requester.aadObjectId);
  });
});
