// Praise weeks and the checks a praise passes (domain.md, Praise defaults): a week ends when its post is
// due, on the configured local weekday and time, whatever the clocks do; a praise names IT staff that
// were offered, a configured badge, a short message and who may see it.

import assert from 'node:assert/strict';
import { checkChoice, DEFAULT_PRAISE, lastClosedWeek, MESSAGE_LIMIT, THANKED_LIMIT, weekByKey, weekOf, type PraiseChoice, type PraiseSettings, type PraiseWeek, type Thanked, type Visibility } from '../../src/praise/praise';

type Schedule = PraiseSettings['weeklyPost'];

const LONDON = 'Europe/London';
const SYDNEY = 'Australia/Sydney';
/** The default: Friday 15:00. */
const FRIDAY = DEFAULT_PRAISE.weeklyPost;
const MONDAY_9: Schedule = { day: 'mon', time: '09:00', emptyWeek: 'note' };
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const WEEK_MS = 7 * 24 * HOUR_MS;

const at = (iso: string): Date => new Date(iso);
const before = (iso: string): Date => new Date(Date.parse(iso) - 1);

/** A week as ISO instants, so a failure shows the times. */
function shown(week: PraiseWeek | undefined): { key: string; start: string; end: string } | undefined {
  return week && { key: week.key, start: week.start.toISOString(), end: week.end.toISOString() };
}

function week(key: string, start: string, end: string): { key: string; start: string; end: string } {
  return { key, start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

describe('praise weeks', () => {
  describe('lastClosedWeek', () => {
    // Friday 6 November 2026, 15:00 in London (GMT) is 15:00Z.
    const NOV_6 = week('2026-11-06', '2026-10-30T15:00:00Z', '2026-11-06T15:00:00Z');

    it('at the post time exactly, that week is closed', () => {
      assert.deepEqual(shown(lastClosedWeek(at('2026-11-06T15:00:00Z'), FRIDAY, LONDON)), NOV_6);
    });

    it('one millisecond before the post time, the latest closed week is the one before', () => {
      assert.deepEqual(shown(lastClosedWeek(before('2026-11-06T15:00:00Z'), FRIDAY, LONDON)), week('2026-10-30', '2026-10-23T14:00:00Z', '2026-10-30T15:00:00Z'));
    });

    it('on every other day until the next post, it is the last Friday post', () => {
      const moments = [
        '2026-11-06T23:59:59Z', // Friday evening
        '2026-11-07T00:00:00Z', // Saturday
        '2026-11-08T12:00:00Z', // Sunday
        '2026-11-09T09:00:00Z', // Monday
        '2026-11-10T15:00:00Z', // Tuesday at the post time, but not the post day
        '2026-11-11T18:00:00Z', // Wednesday
        '2026-11-12T23:59:59Z', // Thursday
        '2026-11-13T14:59:59.999Z', // Friday, just before the next post
      ];
      for (const moment of moments) assert.deepEqual(shown(lastClosedWeek(at(moment), FRIDAY, LONDON)), NOV_6, moment);
    });

    it('Europe/London, end of October: the post is at 15:00 local on both sides, so that week lasts 7 days and an hour', () => {
      // Clocks go back on Sunday 25 October 2026: Friday 23rd 15:00 is 14:00Z (BST), Friday 30th is 15:00Z (GMT).
      const OCT_30 = week('2026-10-30', '2026-10-23T14:00:00Z', '2026-10-30T15:00:00Z');
      assert.deepEqual(shown(lastClosedWeek(at('2026-10-30T15:00:00Z'), FRIDAY, LONDON)), OCT_30);
      assert.deepEqual(shown(lastClosedWeek(at('2026-10-30T14:00:00Z'), FRIDAY, LONDON)), week('2026-10-23', '2026-10-16T14:00:00Z', '2026-10-23T14:00:00Z'), '14:00Z is 14:00 local on the 30th: not yet');
      assert.deepEqual(shown(lastClosedWeek(at('2026-10-25T01:30:00Z'), FRIDAY, LONDON)), week('2026-10-23', '2026-10-16T14:00:00Z', '2026-10-23T14:00:00Z'), 'during the repeated hour');
      const closed = lastClosedWeek(at('2026-10-30T15:00:00Z'), FRIDAY, LONDON);
      assert.equal(closed.end.getTime() - closed.start.getTime(), WEEK_MS + HOUR_MS);
    });

    it('Europe/London, end of March: the week the clocks go forward lasts 7 days less an hour', () => {
      const closed = lastClosedWeek(at('2026-04-03T14:00:00Z'), FRIDAY, LONDON);
      assert.deepEqual(shown(closed), week('2026-04-03', '2026-03-27T15:00:00Z', '2026-04-03T14:00:00Z'));
      assert.equal(closed.end.getTime() - closed.start.getTime(), WEEK_MS - HOUR_MS);
    });

    it('Australia/Sydney, clocks forward on 4 October 2026: the week lasts 7 days less an hour', () => {
      // Friday 2 October 15:00 AEST (+10) is 05:00Z; Friday 9 October 15:00 AEDT (+11) is 04:00Z.
      const OCT_9 = week('2026-10-09', '2026-10-02T05:00:00Z', '2026-10-09T04:00:00Z');
      assert.deepEqual(shown(lastClosedWeek(at('2026-10-09T04:00:00Z'), FRIDAY, SYDNEY)), OCT_9);
      assert.deepEqual(shown(lastClosedWeek(before('2026-10-09T04:00:00Z'), FRIDAY, SYDNEY)), week('2026-10-02', '2026-09-25T05:00:00Z', '2026-10-02T05:00:00Z'));
    });

    it('Australia/Sydney, clocks back on 5 April 2026: the week lasts 7 days and an hour', () => {
      // Friday 3 April 15:00 AEDT is 04:00Z; Friday 10 April 15:00 AEST is 05:00Z.
      assert.deepEqual(shown(lastClosedWeek(at('2026-04-10T05:00:00Z'), FRIDAY, SYDNEY)), week('2026-04-10', '2026-04-03T04:00:00Z', '2026-04-10T05:00:00Z'));
      assert.deepEqual(shown(lastClosedWeek(at('2026-04-10T04:30:00Z'), FRIDAY, SYDNEY)), week('2026-04-03', '2026-03-27T04:00:00Z', '2026-04-03T04:00:00Z'), '14:30 local on the 10th: not yet');
    });

    it("takes the weekday in the library's time zone, not in UTC", () => {
      // Thursday 20:00Z is Friday 07:00 in Sydney: this Friday's post is still to come.
      assert.equal(lastClosedWeek(at('2026-10-08T20:00:00Z'), FRIDAY, SYDNEY).key, '2026-10-02');
      // Friday 13:30Z is Saturday 00:30 in Sydney: Friday's post has gone.
      assert.equal(lastClosedWeek(at('2026-10-09T13:30:00Z'), FRIDAY, SYDNEY).key, '2026-10-09');
    });

    it('a configured Monday 09:00: weeks end on Mondays at 09:00 local, across the change in October', () => {
      // Monday 19 October 09:00 BST is 08:00Z; Monday 26 October 09:00 GMT is 09:00Z.
      const OCT_26 = week('2026-10-26', '2026-10-19T08:00:00Z', '2026-10-26T09:00:00Z');
      assert.deepEqual(shown(lastClosedWeek(at('2026-10-26T09:00:00Z'), MONDAY_9, LONDON)), OCT_26);
      assert.deepEqual(shown(lastClosedWeek(at('2026-11-01T20:00:00Z'), MONDAY_9, LONDON)), OCT_26, 'the Sunday after');
      assert.deepEqual(shown(lastClosedWeek(before('2026-11-02T09:00:00Z'), MONDAY_9, LONDON)), OCT_26, 'just before the next Monday post');
      assert.equal(lastClosedWeek(at('2026-11-02T09:00:00Z'), MONDAY_9, LONDON).key, '2026-11-02');
      assert.equal(lastClosedWeek(at('2026-10-26T08:30:00Z'), MONDAY_9, LONDON).key, '2026-10-19', '08:30 local on the Monday: not yet');
    });
  });

  describe('weekOf', () => {
    it('a praise at the post time belongs to the next week, which that post does not show', () => {
      assert.deepEqual(shown(weekOf(at('2026-11-06T15:00:00Z'), FRIDAY, LONDON)), week('2026-11-13', '2026-11-06T15:00:00Z', '2026-11-13T15:00:00Z'));
      assert.deepEqual(shown(weekOf(before('2026-11-06T15:00:00Z'), FRIDAY, LONDON)), week('2026-11-06', '2026-10-30T15:00:00Z', '2026-11-06T15:00:00Z'));
    });

    it('a praise in the week the clocks go back belongs to the week that ends at 15:00 local', () => {
      assert.deepEqual(shown(weekOf(at('2026-10-27T10:00:00Z'), FRIDAY, LONDON)), week('2026-10-30', '2026-10-23T14:00:00Z', '2026-10-30T15:00:00Z'));
      assert.equal(weekOf(at('2026-10-30T14:30:00Z'), FRIDAY, LONDON).key, '2026-10-30', '14:30 local on the Friday');
    });

    it('Sydney: a praise on Friday morning local (Thursday in UTC) belongs to that Friday', () => {
      assert.equal(weekOf(at('2026-10-08T20:00:00Z'), FRIDAY, SYDNEY).key, '2026-10-09');
    });

    it('a post time that the clocks skip or repeat: the weeks still meet, and a praise in between has a week', () => {
      // London skips 01:00-02:00 on 29 March and repeats it on 25 October 2026; Sydney skips 02:00-03:00 on
      // 4 October and repeats it on 5 April.
      const sunday0130: Schedule = { day: 'sun', time: '01:30', emptyWeek: 'note' };
      const sunday0230: Schedule = { day: 'sun', time: '02:30', emptyWeek: 'note' };
      const cases: [Schedule, string, string, string][] = [
        [sunday0130, LONDON, '2026-10-25', '2026-11-01'],
        [sunday0130, LONDON, '2026-03-22', '2026-03-29'],
        [sunday0230, SYDNEY, '2026-09-27', '2026-10-04'],
        [sunday0230, SYDNEY, '2026-04-05', '2026-04-12'],
      ];
      for (const [schedule, zone, first, second] of cases) {
        const one = weekByKey(first, schedule, zone)!;
        const two = weekByKey(second, schedule, zone)!;
        assert.equal(two.start.toISOString(), one.end.toISOString(), `${zone} ${second}`);
      }
      // 01:00Z on 25 October is 01:00 GMT, in the repeated hour and after the post at 01:30 BST (00:30Z).
      const repeated = weekOf(at('2026-10-25T01:00:00Z'), sunday0130, LONDON);
      assert.deepEqual(shown(repeated), week('2026-11-01', '2026-10-25T00:30:00Z', '2026-11-01T01:30:00Z'));
    });

    it('every moment falls in the week weekOf names, which starts at the last closed post, across DST in both hemispheres', () => {
      const common: Schedule[] = [FRIDAY, MONDAY_9, { day: 'sat', time: '00:00', emptyWeek: 'note' }];
      // The four days around each change in each zone, with a post time the clocks skip or repeat there.
      const zones: [string, Schedule, string[]][] = [
        [LONDON, { day: 'sun', time: '01:30', emptyWeek: 'note' }, ['2026-03-26T00:00:00Z', '2026-10-22T00:00:00Z']],
        [SYDNEY, { day: 'sun', time: '02:30', emptyWeek: 'skip' }, ['2026-04-02T00:00:00Z', '2026-10-01T00:00:00Z']],
      ];
      for (const [zone, changing, stretches] of zones) {
        for (const schedule of [...common, changing]) {
          for (const from of stretches) {
            // A step that is no divisor of an hour, so the moments fall at many different minutes.
            for (let t = Date.parse(from); t < Date.parse(from) + 4 * 24 * HOUR_MS; t += 47 * MINUTE_MS) {
              const moment = new Date(t);
              const label = `${zone} ${schedule.day} ${schedule.time} ${moment.toISOString()}`;
              const own = weekOf(moment, schedule, zone);
              const closed = lastClosedWeek(moment, schedule, zone);
              assert.ok(own.start <= moment && moment < own.end, label);
              assert.ok(closed.end <= moment, label);
              assert.equal(own.start.getTime(), closed.end.getTime(), label);
              assert.deepEqual(shown(weekByKey(own.key, schedule, zone)), shown(own), label);
            }
          }
        }
      }
    });
  });

  describe('weekByKey', () => {
    it("names the week that ends at the post time on that local date, as the card's key says", () => {
      assert.deepEqual(shown(weekByKey('2026-10-30', FRIDAY, LONDON)), week('2026-10-30', '2026-10-23T14:00:00Z', '2026-10-30T15:00:00Z'));
      assert.deepEqual(shown(weekByKey('2026-10-09', FRIDAY, SYDNEY)), shown(lastClosedWeek(at('2026-10-09T04:00:00Z'), FRIDAY, SYDNEY)));
    });

    it('a key that is no date is no week', () => {
      const malformed = ['', 'next week', '2026-10-3', '20261030', '2026/10/30', '30-10-2026', '2026-10-30T15:00', ' 2026-10-30', '2026-10-30 ', '2026-10-30\n', '2026-02-30', '2026-13-01', '2026-00-10', '٢٠٢٦-١٠-٣٠'];
      for (const key of malformed) assert.equal(weekByKey(key, FRIDAY, LONDON), undefined, JSON.stringify(key));
    });
  });
});

describe('checkChoice', () => {
  const staff = (n: number, team = 'Service desk'): Thanked => ({
    aadObjectId: `b2222222-2222-4222-8222-${String(n).padStart(12, '0')}`,
    name: `IT person ${String(n)}`,
    teamId: `team-${team}`,
    teamName: team,
  });
  const IVAN = staff(1);
  const MEGAN = staff(2, 'Networks');
  /** An id as a directory may spell it, in capitals. */
  const OLGA: Thanked = { aadObjectId: 'C3D4E5F6-0000-4000-8000-0000000000AB', name: 'Olga Petrova', teamId: 'team-apps', teamName: 'Applications' };
  const OFFERED: Thanked[] = [IVAN, MEGAN, OLGA, ...Array.from({ length: 10 }, (_, i) => staff(i + 10))];
  const BADGES = DEFAULT_PRAISE.badges;

  const choice = (overrides: Partial<PraiseChoice> = {}): PraiseChoice => ({ people: [IVAN.aadObjectId], badge: 'Quick fix', message: 'Thanks for getting the self-check back up before opening!', visibility: 'weekly', ...overrides });
  const refusal = (result: ReturnType<typeof checkChoice>): { field: string; reason: string } => {
    assert.ok(!result.ok, 'expected the choice to be refused');
    return { field: result.field, reason: result.reason };
  };

  it('accepts people offered, a configured badge and a message, keeping the message as typed', () => {
    const message = '  *Thank you* <b>so</b> much!\nIt works again.  ';
    const result = checkChoice(choice({ people: [MEGAN.aadObjectId, IVAN.aadObjectId], message, visibility: 'private' }), OFFERED, BADGES);
    assert.deepEqual(result, { ok: true, value: { to: [MEGAN, IVAN], badge: 'Quick fix', message, visibility: 'private' } });
  });

  it('accepts every visibility', () => {
    for (const visibility of ['weekly', 'now', 'private'] as const) assert.ok(checkChoice(choice({ visibility }), OFFERED, BADGES).ok, visibility);
  });

  it('refuses a choice of nobody', () => {
    for (const people of [[], [''], ['  ', '']]) {
      assert.deepEqual(refusal(checkChoice(choice({ people }), OFFERED, BADGES)), { field: 'people', reason: 'Choose at least one person to thank.' }, JSON.stringify(people));
    }
  });

  it(`accepts ${String(THANKED_LIMIT)} people and refuses more`, () => {
    const ids = OFFERED.map((p) => p.aadObjectId);
    assert.equal(THANKED_LIMIT, 10);
    const ten = checkChoice(choice({ people: ids.slice(0, 10) }), OFFERED, BADGES);
    assert.ok(ten.ok);
    assert.equal(ten.value.to.length, 10);
    assert.deepEqual(refusal(checkChoice(choice({ people: ids.slice(0, 11) }), OFFERED, BADGES)), { field: 'people', reason: 'Choose at most 10 people to thank at once.' });
  });

  it('counts a person chosen twice once, whatever the case or spaces of the id', () => {
    const result = checkChoice(choice({ people: [IVAN.aadObjectId, IVAN.aadObjectId.toUpperCase(), ` ${IVAN.aadObjectId} `, MEGAN.aadObjectId] }), OFFERED, BADGES);
    assert.ok(result.ok);
    assert.deepEqual(result.value.to, [IVAN, MEGAN]);
    // Eleven ids naming ten people are ten people.
    const tenTwice = OFFERED.slice(0, 10).map((p) => p.aadObjectId);
    const eleven = checkChoice(choice({ people: [...tenTwice, tenTwice[0]!.toUpperCase()] }), OFFERED, BADGES);
    assert.ok(eleven.ok);
    assert.equal(eleven.value.to.length, 10);
  });

  it('matches ids without regard to case, on either side', () => {
    for (const id of [OLGA.aadObjectId, OLGA.aadObjectId.toLowerCase()]) {
      const result = checkChoice(choice({ people: [id] }), OFFERED, BADGES);
      assert.ok(result.ok, id);
      assert.deepEqual(result.value.to, [OLGA], id);
    }
    const upper = checkChoice(choice({ people: [IVAN.aadObjectId.toUpperCase()] }), OFFERED, BADGES);
    assert.ok(upper.ok);
    assert.deepEqual(upper.value.to, [IVAN]);
  });

  it('refuses anyone who was not offered, even alongside people who were, and names from the card', () => {
    const notOffered = { field: 'people', reason: 'You can thank IT staff in the IT channels Liaison serves. Please choose from the list.' };
    assert.deepEqual(refusal(checkChoice(choice({ people: [IVAN.aadObjectId, 'a1111111-1111-4111-8111-111111111111'] }), OFFERED, BADGES)), notOffered);
    assert.deepEqual(refusal(checkChoice(choice({ people: [IVAN.name] }), OFFERED, BADGES)), notOffered);
    assert.deepEqual(refusal(checkChoice(choice(), [MEGAN], BADGES)), notOffered);
  });

  it('refuses a badge that is not configured', () => {
    for (const badge of ['Hero', '', 'Quick fix ']) {
      assert.deepEqual(refusal(checkChoice(choice({ badge }), OFFERED, BADGES)), { field: 'badge', reason: 'Please choose a badge from the list.' }, JSON.stringify(badge));
    }
    assert.ok(checkChoice(choice({ badge: 'Hero' }), OFFERED, ['Hero']).ok, 'a badge the policy configures');
    assert.equal(refusal(checkChoice(choice({ badge: 'Quick fix' }), OFFERED, ['Hero'])).field, 'badge', 'a default badge the policy replaced');
  });

  it(`accepts a message of ${String(MESSAGE_LIMIT)} characters and refuses one of ${String(MESSAGE_LIMIT + 1)}, saying how long it is`, () => {
    assert.equal(MESSAGE_LIMIT, 500);
    assert.ok(checkChoice(choice({ message: 'x'.repeat(500) }), OFFERED, BADGES).ok);
    const refused = refusal(checkChoice(choice({ message: 'x'.repeat(501) }), OFFERED, BADGES));
    assert.equal(refused.field, 'message');
    assert.match(refused.reason, /\b501 characters\b/);
    assert.match(refused.reason, /\b500\b/);
  });

  it('refuses a visibility that is not offered', () => {
    for (const visibility of ['public', '', 'Weekly']) {
      assert.deepEqual(refusal(checkChoice(choice({ visibility: visibility as Visibility }), OFFERED, BADGES)), { field: 'visibility', reason: 'Please choose who may see your thanks.' }, visibility);
    }
  });

  it('reports the people first, then the badge, the message and the visibility', () => {
    const allWrong = choice({ people: [], badge: 'Hero', message: 'x'.repeat(501), visibility: 'public' as Visibility });
    assert.equal(refusal(checkChoice(allWrong, OFFERED, BADGES)).field, 'people');
    assert.equal(refusal(checkChoice({ ...allWrong, people: [IVAN.aadObjectId] }, OFFERED, BADGES)).field, 'badge');
    assert.equal(refusal(checkChoice({ ...allWrong, people: [IVAN.aadObjectId], badge: 'Thank you' }, OFFERED, BADGES)).field, 'message');
    assert.equal(refusal(checkChoice({ ...allWrong, people: [IVAN.aadObjectId], badge: 'Thank you', message: 'Thanks!' }, OFFERED, BADGES)).field, 'visibility');
  });
});

describe('DEFAULT_PRAISE', () => {
  it("has domain.md's badges and a weekly post on Friday afternoon", () => {
    assert.deepEqual(DEFAULT_PRAISE.badges, ['Thank you', 'Problem solver', 'Clear communicator', 'Quick fix', 'Went the extra mile', 'Patient teacher', 'Team player']);
    assert.deepEqual(DEFAULT_PRAISE.weeklyPost, { day: 'fri', time: '15:00', emptyWeek: 'note' });
    assert.ok(DEFAULT_PRAISE.promptsPerWeek > 0, 'a cap per person per week, not none');
  });
});
