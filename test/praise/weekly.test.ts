// What the weekly thanks post says (domain.md, Praise defaults): the week's thanks with names and
// messages, totals per team rather than rankings, and a few facts of the week. People who opted out are
// never named in it, and private thanks are never shown.

import assert from 'node:assert/strict';
import { DEFAULT_PRAISE, weekByKey, type Praise, type Thanked } from '../../src/praise/praise';
import { summarise, type Resolution } from '../../src/praise/weekly';

const HOUR_MS = 3_600_000;
const WEEK = weekByKey('2026-11-06', DEFAULT_PRAISE.weeklyPost, 'Europe/London')!;
/** Monday of the week, 09:00 in London. */
const MONDAY = Date.parse('2026-11-02T09:00:00Z');
const hoursIn = (hours: number): Date => new Date(MONDAY + hours * HOUR_MS);

const TESS = { aadObjectId: 'a1111111-1111-4111-8111-111111111111', name: 'Tess Nguyen' };
const RUTH = { aadObjectId: 'a3333333-3333-4333-8333-333333333333', name: 'Ruth Adeyemi' };
const IVAN: Thanked = { aadObjectId: 'b2222222-2222-4222-8222-222222222222', name: 'Ivan Brooks', teamId: 'team-desk', teamName: 'Service desk' };
const MEGAN: Thanked = { aadObjectId: 'e5555555-5555-4555-8555-555555555555', name: 'Megan Bowen', teamId: 'team-desk', teamName: 'Service desk' };
const NOOR: Thanked = { aadObjectId: 'c4444444-4444-4444-8444-444444444444', name: 'Noor Haddad', teamId: 'team-net', teamName: 'Networks' };
/** Asked not to be named in public posts. */
const OLGA: Thanked = { aadObjectId: 'd6666666-6666-4666-8666-666666666666', name: 'Olga Petrova', teamId: 'team-apps', teamName: 'Applications' };
const OPTED_OUT: ReadonlySet<string> = new Set([OLGA.aadObjectId]);

let nextId = 0;
function praise(overrides: Partial<Praise> = {}): Praise {
  nextId += 1;
  return {
    tenantId: 'tenant',
    id: `praise-${String(nextId).padStart(3, '0')}`,
    from: TESS,
    to: [IVAN],
    badge: 'Thank you',
    message: 'Thanks for your help!',
    visibility: 'weekly',
    at: hoursIn(nextId),
    ...overrides,
  };
}

function resolution(seq: number, hoursToResolve: number, withinHours = 8, createdAt = hoursIn(0)): Resolution {
  return { seq, createdAt, resolvedAt: new Date(createdAt.getTime() + hoursToResolve * HOUR_MS), resolveBy: new Date(createdAt.getTime() + withinHours * HOUR_MS) };
}

describe('weekly thanks summary', () => {
  it("lists the week's public thanks oldest first, with who thanked, whom, the badge, the message and the request", () => {
    const fromRequest = praise({ to: [MEGAN], badge: 'Quick fix', message: 'The self-check works again.', at: hoursIn(30), request: { seq: 42, reference: 'REQ-0042', title: 'Self-check rejects every card' } });
    const shownNow = praise({ from: RUTH, to: [NOOR], badge: 'Patient teacher', message: 'Thanks for showing me the VPN.', visibility: 'now', at: hoursIn(2) });
    const summary = summarise(WEEK, [fromRequest, shownNow], [], OPTED_OUT);
    assert.equal(summary.week, WEEK);
    assert.deepEqual(summary.thanks, [
      { from: 'Ruth Adeyemi', to: [NOOR], badge: 'Patient teacher', message: 'Thanks for showing me the VPN.', at: hoursIn(2) },
      { from: 'Tess Nguyen', to: [MEGAN], badge: 'Quick fix', message: 'The self-check works again.', reference: 'REQ-0042', title: 'Self-check rejects every card', at: hoursIn(30) },
    ]);
  });

  it('orders thanks given at the same moment by their id, so every instance posts the same list', () => {
    const same = hoursIn(5);
    const b = praise({ id: 'b', at: same, message: 'second' });
    const a = praise({ id: 'a', at: same, message: 'first' });
    assert.deepEqual(summarise(WEEK, [b, a], [], OPTED_OUT).thanks.map((t) => t.message), ['first', 'second']);
    assert.deepEqual(summarise(WEEK, [a, b], [], OPTED_OUT).thanks.map((t) => t.message), ['first', 'second']);
  });

  it('never shows private thanks, nor counts them for a team', () => {
    const summary = summarise(WEEK, [praise({ to: [NOOR], visibility: 'private', message: 'Between us: thank you.' }), praise({ to: [IVAN] })], [], OPTED_OUT);
    assert.deepEqual(summary.thanks.map((t) => t.to), [[IVAN]]);
    assert.deepEqual(summary.teams, [{ name: 'Service desk', count: 1 }]);
    assert.ok(!JSON.stringify(summary).includes('Between us'));
  });

  it('leaves out a thanks to someone who opted out, still counting it for their team', () => {
    const summary = summarise(WEEK, [praise({ to: [OLGA], message: 'Olga fixed the catalogue.' }), praise({ to: [IVAN] })], [], OPTED_OUT);
    assert.deepEqual(summary.thanks.map((t) => t.to), [[IVAN]]);
    assert.deepEqual(summary.teams, [{ name: 'Applications', count: 1 }, { name: 'Service desk', count: 1 }]);
    assert.ok(!JSON.stringify(summary.thanks).includes('Olga'));
  });

  it('shows a thanks to several people with only those who may be named', () => {
    const summary = summarise(WEEK, [praise({ to: [OLGA, NOOR], badge: 'Team player' })], [], OPTED_OUT);
    assert.deepEqual(summary.thanks.map((t) => t.to), [[NOOR]]);
    assert.deepEqual(summary.teams, [{ name: 'Applications', count: 1 }, { name: 'Networks', count: 1 }]);
  });

  it('counts thanks per team, a thanks to two people of one team once, in order of team name, with no ranking of people', () => {
    const summary = summarise(
      WEEK,
      [praise({ to: [IVAN, MEGAN] }), praise({ to: [MEGAN] }), praise({ to: [NOOR, IVAN] }), praise({ to: [IVAN], visibility: 'now' })],
      [],
      new Set(),
    );
    assert.deepEqual(summary.teams, [
      { name: 'Networks', count: 1 },
      { name: 'Service desk', count: 4 },
    ]);
    assert.equal(summary.thanks.length, 4);
  });

  it('an empty week: no thanks, no teams, nothing resolved', () => {
    assert.deepEqual(summarise(WEEK, [], [], OPTED_OUT), { week: WEEK, thanks: [], teams: [], facts: { resolved: 0 } });
    assert.deepEqual(summarise(WEEK, [praise({ visibility: 'private' })], [], OPTED_OUT).thanks, []);
  });

  describe('facts of the week', () => {
    it('counts the requests resolved, the median time to resolve (an odd count: the middle one) and the share within service level', () => {
      const facts = summarise(WEEK, [], [resolution(1, 10), resolution(2, 2), resolution(3, 5)], OPTED_OUT).facts;
      assert.deepEqual(facts, { resolved: 3, medianMs: 5 * HOUR_MS, metShare: 2 / 3 });
    });

    it('with an even count, the median is halfway between the middle two', () => {
      const facts = summarise(WEEK, [], [resolution(1, 1), resolution(2, 9), resolution(3, 3), resolution(4, 4)], OPTED_OUT).facts;
      assert.equal(facts.medianMs, 3.5 * HOUR_MS);
      assert.equal(facts.metShare, 3 / 4);
    });

    it('a request resolved exactly at its service level met it', () => {
      assert.equal(summarise(WEEK, [], [resolution(1, 8, 8)], OPTED_OUT).facts.metShare, 1);
      assert.equal(summarise(WEEK, [], [{ ...resolution(1, 8, 8), resolvedAt: new Date(hoursIn(8).getTime() + 1) }], OPTED_OUT).facts.metShare, 0);
    });

    it('a request resolved twice (reopened in between) counts once, by its last resolution, in whatever order they come', () => {
      // REQ 7: first resolved in 2 hours, within its 8; reopened and resolved again at 20 hours, late.
      const first = resolution(7, 2);
      const last = resolution(7, 20);
      const other = resolution(8, 4);
      for (const resolutions of [[first, last, other], [last, other, first]]) {
        assert.deepEqual(summarise(WEEK, [], resolutions, OPTED_OUT).facts, { resolved: 2, medianMs: 12 * HOUR_MS, metShare: 1 / 2 });
      }
    });
  });
});
