import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { DEFAULT_POLICY, type Duration } from '../../src/policy/policy';
import { addDuration, openingOn, type BusinessCalendar } from '../../src/sla/calendar';

const PERTH: BusinessCalendar = { openingHours: DEFAULT_POLICY.openingHours, holidays: [], timeZone: 'Australia/Perth' };
const LONDON: BusinessCalendar = { ...PERTH, timeZone: 'Europe/London' };
/** Christmas Day (Friday) and the Boxing Day holiday moved to Monday 28 December 2026. */
const CHRISTMAS: BusinessCalendar = { ...PERTH, holidays: ['2026-12-25', '2026-12-28'] };
const SATURDAY_MORNINGS: BusinessCalendar = { ...PERTH, openingHours: { ...PERTH.openingHours, sat: { open: '10:00', close: '13:00' } } };

/** A library-local time, "2026-12-01T14:00", as an instant. */
function at(local: string, calendar: BusinessCalendar): Date {
  return DateTime.fromISO(local, { zone: calendar.timeZone }).toJSDate();
}

/** The instant as library-local "ccc yyyy-MM-dd HH:mm", so a failing case reads like its title. */
function local(date: Date, calendar: BusinessCalendar): string {
  return DateTime.fromJSDate(date, { zone: calendar.timeZone }).toFormat('ccc yyyy-MM-dd HH:mm');
}

const minutes = (amount: number): Duration => ({ amount, unit: 'minutes' });
const hours = (amount: number): Duration => ({ amount, unit: 'hours' });
const businessHours = (amount: number): Duration => ({ amount, unit: 'businessHours' });
const businessDays = (amount: number): Duration => ({ amount, unit: 'businessDays' });

type Case = [what: string, calendar: BusinessCalendar, start: string, duration: Duration, expected: string];

function check(cases: readonly Case[]): void {
  for (const [what, calendar, start, duration, expected] of cases) {
    it(what, () => {
      assert.equal(local(addDuration(at(start, calendar), duration, calendar), calendar), expected);
    });
  }
}

// 1 December 2026 is a Tuesday.
describe('the business calendar', () => {
  describe('minutes and hours run on the wall clock', () => {
    check([
      ['30 minutes near closing run past it', PERTH, '2026-12-01T16:50', minutes(30), 'Tue 2026-12-01 17:20'],
      ['4 hours on a Saturday are 4 hours', PERTH, '2026-12-05T10:00', hours(4), 'Sat 2026-12-05 14:00'],
      ['4 hours across the spring-forward night are 4 real hours', LONDON, '2026-03-28T23:00', hours(4), 'Sun 2026-03-29 04:00'],
      ['4 hours across the fall-back night are 4 real hours', LONDON, '2026-10-24T23:00', hours(4), 'Sun 2026-10-25 02:00'],
    ]);
  });

  describe('business hours count only opening hours', () => {
    check([
      ['8 hours from opening end at closing', PERTH, '2026-12-01T09:00', businessHours(8), 'Tue 2026-12-01 17:00'],
      ['8 hours from mid-morning end next mid-morning', PERTH, '2026-12-01T10:00', businessHours(8), 'Wed 2026-12-02 10:00'],
      ['a Friday afternoon continues on Monday', PERTH, '2026-12-04T15:00', businessHours(4), 'Mon 2026-12-07 11:00'],
      ['a start on Saturday counts from Monday opening', PERTH, '2026-12-05T10:00', businessHours(4), 'Mon 2026-12-07 13:00'],
      ['a start before opening counts from opening', PERTH, '2026-12-01T07:00', businessHours(1), 'Tue 2026-12-01 10:00'],
      ['a start after closing counts from the next opening', PERTH, '2026-12-01T18:00', businessHours(1), 'Wed 2026-12-02 10:00'],
      ['a start at closing time counts from the next opening', PERTH, '2026-12-01T17:00', businessHours(1), 'Wed 2026-12-02 10:00'],
      ['holidays are skipped', CHRISTMAS, '2026-12-24T15:00', businessHours(4), 'Tue 2026-12-29 11:00'],
      ['a start on a holiday counts from the next opening', CHRISTMAS, '2026-12-25T10:00', businessHours(2), 'Tue 2026-12-29 11:00'],
      ['a short Saturday counts its three hours', SATURDAY_MORNINGS, '2026-12-04T16:00', businessHours(3), 'Sat 2026-12-05 12:00'],
      ['40 hours are a working week', PERTH, '2026-12-01T14:00', businessHours(40), 'Tue 2026-12-08 14:00'],
      ['a weekend across spring forward', LONDON, '2026-03-27T15:00', businessHours(4), 'Mon 2026-03-30 11:00'],
      ['a weekend across fall back', LONDON, '2026-10-23T16:00', businessHours(2), 'Mon 2026-10-26 10:00'],
    ]);

    it('measures a Sunday opening that spans the clock change in real hours', () => {
      const nightOwls: BusinessCalendar = { ...LONDON, openingHours: { ...LONDON.openingHours, sun: { open: '00:00', close: '04:00' } } };
      // 00:00 GMT to 04:00 BST is three real hours: the hour from 01:00 to 02:00 never happens.
      assert.equal(local(addDuration(at('2026-03-29T00:00', nightOwls), businessHours(3), nightOwls), nightOwls), 'Sun 2026-03-29 04:00');
      assert.equal(local(addDuration(at('2026-03-29T00:00', nightOwls), businessHours(4), nightOwls), nightOwls), 'Mon 2026-03-30 10:00');
    });

    it('keeps the exact instant, to the millisecond, inside opening hours', () => {
      const start = new Date(at('2026-12-01T10:15', PERTH).getTime() + 1234);
      assert.equal(addDuration(start, businessHours(1), PERTH).getTime() - start.getTime(), 3_600_000);
    });
  });

  describe('business days land on the same time of day that many opening days later', () => {
    check([
      ['Tuesday 14:00 plus 3 is Friday 14:00', PERTH, '2026-12-01T14:00', businessDays(3), 'Fri 2026-12-04 14:00'],
      ['Thursday 14:00 plus 3 skips the weekend', PERTH, '2026-12-03T14:00', businessDays(3), 'Tue 2026-12-08 14:00'],
      ['5 are a week', PERTH, '2026-12-01T14:00', businessDays(5), 'Tue 2026-12-08 14:00'],
      ['from opening time', PERTH, '2026-12-01T09:00', businessDays(1), 'Wed 2026-12-02 09:00'],
      ['a start before opening counts from that opening', PERTH, '2026-12-01T07:30', businessDays(1), 'Wed 2026-12-02 09:00'],
      ['a start after closing counts from the next opening', PERTH, '2026-12-01T17:30', businessDays(1), 'Thu 2026-12-03 09:00'],
      ['a start at closing time counts from the next opening', PERTH, '2026-12-01T17:00', businessDays(1), 'Thu 2026-12-03 09:00'],
      ['a start on Saturday counts from Monday opening', PERTH, '2026-12-05T10:00', businessDays(1), 'Tue 2026-12-08 09:00'],
      ['holidays are skipped', CHRISTMAS, '2026-12-23T14:00', businessDays(2), 'Tue 2026-12-29 14:00'],
      ['a day that closes earlier ends at its closing', SATURDAY_MORNINGS, '2026-12-04T16:00', businessDays(1), 'Sat 2026-12-05 13:00'],
      ['a day that opens later starts at its opening', SATURDAY_MORNINGS, '2026-12-04T09:30', businessDays(1), 'Sat 2026-12-05 10:00'],
      ['the time of day holds across spring forward', LONDON, '2026-03-27T14:00', businessDays(1), 'Mon 2026-03-30 14:00'],
      ['the time of day holds across fall back', LONDON, '2026-10-23T14:00', businessDays(1), 'Mon 2026-10-26 14:00'],
    ]);

    it('lands on the right instant when the clock changed in between', () => {
      const start = at('2026-03-27T14:00', LONDON);
      const end = addDuration(start, businessDays(1), LONDON);
      assert.equal(end.toISOString(), '2026-03-30T13:00:00.000Z');
    });
  });

  it('refuses opening hours with no open day instead of searching forever', () => {
    const closed: BusinessCalendar = { ...PERTH, openingHours: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null } };
    const start = at('2026-12-01T10:00', closed);
    assert.throws(() => addDuration(start, businessHours(1), closed), /no open day/);
    assert.throws(() => addDuration(start, businessDays(1), closed), /no open day/);
    assert.equal(local(addDuration(start, hours(1), closed), closed), 'Tue 2026-12-01 11:00');
  });

  it('refuses an unknown time zone rather than computing with an invalid date', () => {
    const nowhere: BusinessCalendar = { ...PERTH, timeZone: 'Mars/Olympus' };
    assert.throws(() => addDuration(new Date(), businessHours(1), nowhere), RangeError);
  });

  describe('openingOn', () => {
    it('gives the opening hours of a day as instants', () => {
      const opening = openingOn('2026-12-01', PERTH);
      assert.ok(opening);
      assert.equal(opening.open.toISOString(), '2026-12-01T01:00:00.000Z');
      assert.equal(opening.close.toISOString(), '2026-12-01T09:00:00.000Z');
    });

    it('gives nothing on a closed weekday or a holiday', () => {
      assert.equal(openingOn('2026-12-05', PERTH), undefined);
      assert.equal(openingOn('2026-12-25', CHRISTMAS), undefined);
    });
  });
});
