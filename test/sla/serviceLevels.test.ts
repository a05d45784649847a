import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { DEFAULT_POLICY, type Duration, type Policy, type Priority } from '../../src/policy/policy';
import { describeDuration, describeServiceLevel, dueTimes, parseDuration } from '../../src/sla/serviceLevels';

const PERTH = 'Australia/Perth';
const at = (local: string, zone = PERTH) => DateTime.fromISO(local, { zone }).toJSDate();
const local = (date: Date, zone = PERTH) => DateTime.fromJSDate(date, { zone }).toFormat('ccc yyyy-MM-dd HH:mm');

// 1 December 2026 is a Tuesday.
describe('service levels', () => {
  describe('dueTimes with the default policy', () => {
    const submitted = at('2026-12-01T10:00');
    const expected: [Priority, string, string][] = [
      ['P1', 'Tue 2026-12-01 10:30', 'Tue 2026-12-01 14:00'],
      ['P2', 'Tue 2026-12-01 11:00', 'Wed 2026-12-02 10:00'],
      ['P3', 'Tue 2026-12-01 14:00', 'Fri 2026-12-04 10:00'],
      ['P4', 'Wed 2026-12-02 10:00', 'Tue 2026-12-08 10:00'],
      ['P5', 'Thu 2026-12-03 10:00', 'Tue 2026-12-15 17:00'],
    ];
    for (const [priority, responseBy, resolveBy] of expected) {
      it(`sets ${priority}'s response and resolution targets`, () => {
        const due = dueTimes(priority, submitted, DEFAULT_POLICY, PERTH, '2026-12-15');
        assert.deepEqual({ responseBy: local(due.responseBy), resolveBy: local(due.resolveBy) }, { responseBy, resolveBy });
      });
    }

    it('runs P1 on the wall clock even when the library has closed', () => {
      const due = dueTimes('P1', at('2026-12-04T16:00'), DEFAULT_POLICY, PERTH);
      assert.equal(local(due.resolveBy), 'Fri 2026-12-04 20:00');
    });

    it('counts P2 in opening hours from the next opening when submitted at the weekend', () => {
      const due = dueTimes('P2', at('2026-12-05T11:00'), DEFAULT_POLICY, PERTH);
      assert.equal(local(due.responseBy), 'Sat 2026-12-05 12:00');
      assert.equal(local(due.resolveBy), 'Mon 2026-12-07 17:00');
    });

    it('uses the policy holidays and the time zone given', () => {
      const policy: Policy = { ...DEFAULT_POLICY, holidays: ['2026-03-30'] };
      const due = dueTimes('P3', at('2026-03-27T15:00', 'Europe/London'), policy, 'Europe/London');
      assert.equal(local(due.responseBy, 'Europe/London'), 'Tue 2026-03-31 11:00');
    });
  });

  describe('P5 Planning, due on the agreed date', () => {
    it('is due at closing time on an open day', () => {
      const policy: Policy = { ...DEFAULT_POLICY, openingHours: { ...DEFAULT_POLICY.openingHours, tue: { open: '10:00', close: '20:00' } } };
      assert.equal(local(dueTimes('P5', at('2026-12-01T10:00'), policy, PERTH, '2026-12-15').resolveBy), 'Tue 2026-12-15 20:00');
    });

    it('is due at 17:00 when the library is closed that day', () => {
      assert.equal(local(dueTimes('P5', at('2026-12-01T10:00'), DEFAULT_POLICY, PERTH, '2026-12-19').resolveBy), 'Sat 2026-12-19 17:00');
      const christmas: Policy = { ...DEFAULT_POLICY, holidays: ['2026-12-24'] };
      assert.equal(local(dueTimes('P5', at('2026-12-01T10:00'), christmas, PERTH, '2026-12-24').resolveBy), 'Thu 2026-12-24 17:00');
    });

    it('needs an agreed date', () => {
      assert.throws(() => dueTimes('P5', at('2026-12-01T10:00'), DEFAULT_POLICY, PERTH), /agreed date/);
    });

    it('follows a duration when the policy gives P5 one, ignoring the date', () => {
      const policy: Policy = { ...DEFAULT_POLICY, serviceLevels: { ...DEFAULT_POLICY.serviceLevels, P5: { response: { amount: 2, unit: 'businessDays' }, resolution: { amount: 10, unit: 'businessDays' } } } };
      assert.equal(local(dueTimes('P5', at('2026-12-01T10:00'), policy, PERTH, '2026-12-24').resolveBy), 'Tue 2026-12-15 10:00');
    });
  });

  describe('describing durations', () => {
    const words: [Duration, string][] = [
      [{ amount: 1, unit: 'minutes' }, '1 minute'],
      [{ amount: 30, unit: 'minutes' }, '30 minutes'],
      [{ amount: 1, unit: 'hours' }, '1 hour'],
      [{ amount: 4, unit: 'hours' }, '4 hours'],
      [{ amount: 1, unit: 'businessHours' }, '1 business hour'],
      [{ amount: 8, unit: 'businessHours' }, '8 business hours'],
      [{ amount: 1, unit: 'businessDays' }, '1 business day'],
      [{ amount: 3, unit: 'businessDays' }, '3 business days'],
    ];
    for (const [duration, text] of words) {
      it(`writes and reads "${text}"`, () => {
        assert.equal(describeDuration(duration), text);
        assert.deepEqual(parseDuration(text), duration);
      });
    }

    it('reads singular or plural, any case and spacing', () => {
      assert.deepEqual(parseDuration(' 2 Business  Day '), { amount: 2, unit: 'businessDays' });
      assert.deepEqual(parseDuration('1 hours'), { amount: 1, unit: 'hours' });
    });

    for (const text of ['soon', '0 hours', '-1 hours', '1.5 hours', '2 days', '3 business minutes', 'hours', '4', '10000 minutes', '4hours']) {
      it(`reads nothing from "${text}"`, () => {
        assert.equal(parseDuration(text), undefined);
      });
    }
  });

  describe('describeServiceLevel', () => {
    it('says what IT aims for, in the words of the policy', () => {
      assert.equal(describeServiceLevel('P1', DEFAULT_POLICY), 'IT aims to respond within 30 minutes and resolve within 4 hours.');
      assert.equal(describeServiceLevel('P2', DEFAULT_POLICY), 'IT aims to respond within 1 hour and resolve within 8 business hours.');
      assert.equal(describeServiceLevel('P3', DEFAULT_POLICY), 'IT aims to respond within 4 business hours and resolve within 3 business days.');
      assert.equal(describeServiceLevel('P4', DEFAULT_POLICY), 'IT aims to respond within 1 business day and resolve within 5 business days.');
      assert.equal(describeServiceLevel('P5', DEFAULT_POLICY), 'IT aims to respond within 2 business days and resolve by the agreed date.');
    });
  });
});
