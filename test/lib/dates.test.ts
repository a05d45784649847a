import assert from 'node:assert/strict';
import { ageOf, daysBetween, formatDateTime, formatDay, formatIsoDay, todayIn } from '../../src/lib/dates';

describe('dates', () => {
  describe('todayIn', () => {
    it('gives the calendar day in the library, which may differ from the UTC day', () => {
      const at = new Date('2026-11-30T18:00:00Z');
      assert.equal(todayIn('UTC', at), '2026-11-30');
      assert.equal(todayIn('Australia/Perth', at), '2026-12-01');
      assert.equal(todayIn('America/Los_Angeles', new Date('2026-12-01T05:00:00Z')), '2026-11-30');
    });
  });

  describe('formatting', () => {
    it('writes a date and time in the library time zone, 24-hour clock', () => {
      assert.equal(formatDateTime(new Date('2026-12-01T02:30:00Z'), 'Australia/Perth'), 'Tue 1 Dec 2026, 10:30');
      assert.equal(formatDateTime(new Date('2026-07-01T16:05:00Z'), 'Europe/London'), 'Wed 1 Jul 2026, 17:05');
    });

    it('writes a day in the library time zone', () => {
      assert.equal(formatDay(new Date('2026-11-30T18:00:00Z'), 'Australia/Perth'), '1 Dec 2026');
      assert.equal(formatDay(new Date('2026-11-30T18:00:00Z'), 'Europe/London'), '30 Nov 2026');
    });

    it('writes a day as the setup card always has (Intl, en-GB), in every month', () => {
      for (let month = 0; month < 12; month += 1) {
        const date = new Date(Date.UTC(2026, month, 15, 12));
        const intl = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Europe/London' }).format(date);
        assert.equal(formatDay(date, 'Europe/London'), intl);
      }
    });

    it('writes a calendar day with its weekday', () => {
      assert.equal(formatIsoDay('2026-12-01'), 'Tue 1 Dec 2026');
      assert.equal(formatIsoDay('2027-01-31'), 'Sun 31 Jan 2027');
    });

    it('refuses a calendar day that does not exist rather than printing "Invalid DateTime"', () => {
      assert.throws(() => formatIsoDay('2026-02-30'), RangeError);
      assert.throws(() => formatIsoDay('1/12/2026'), RangeError);
    });
  });

  describe('daysBetween', () => {
    it('counts calendar days, negative into the past, ignoring clock changes', () => {
      assert.equal(daysBetween('2026-12-01', '2026-12-04'), 3);
      assert.equal(daysBetween('2026-12-01', '2026-12-01'), 0);
      assert.equal(daysBetween('2026-12-01', '2026-11-29'), -2);
      assert.equal(daysBetween('2026-03-28', '2026-03-30'), 2);
      assert.equal(daysBetween('2026-12-30', '2027-01-02'), 3);
    });
  });

  describe('ageOf', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const before = (ms: number) => new Date(now.getTime() - ms);
    const minutes = 60_000;
    const hours = 60 * minutes;
    const days = 24 * hours;
    const cases: [string, number, string][] = [
      ['0 s', 0, 'just now'],
      ['59 s', 59_000, 'just now'],
      ['1 min', 1 * minutes, '1 minute ago'],
      ['5 min', 5 * minutes, '5 minutes ago'],
      ['59 min', 59 * minutes, '59 minutes ago'],
      ['1 h', 1 * hours, '1 hour ago'],
      ['2 h 30 min', 2 * hours + 30 * minutes, '2 hours ago'],
      ['23 h', 23 * hours, '23 hours ago'],
      ['24 h', 1 * days, 'yesterday'],
      ['47 h', 47 * hours, 'yesterday'],
      ['3 days', 3 * days, '3 days ago'],
      ['6 days', 6 * days, '6 days ago'],
      ['7 days', 7 * days, '1 week ago'],
      ['15 days', 15 * days, '2 weeks ago'],
      ['59 days', 59 * days, '8 weeks ago'],
      ['60 days', 60 * days, '2 months ago'],
      ['364 days', 364 * days, '12 months ago'],
      ['365 days', 365 * days, '1 year ago'],
      ['800 days', 800 * days, '2 years ago'],
      ['-5 min (a clock running ahead)', -5 * minutes, 'just now'],
    ];
    for (const [label, elapsed, expected] of cases) {
      it(`says "${expected}" after ${label}`, () => {
        assert.equal(ageOf(before(elapsed), now), expected);
      });
    }
  });
});
