import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parsePolicy } from '../../src/policy/parse';
import { DEFAULT_POLICY, type Policy } from '../../src/policy/policy';
import { DEFAULT_PRAISE } from '../../src/praise/praise';

function policyOf(json: unknown): Policy {
  const parsed = parsePolicy(json);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'));
  return parsed.value;
}

function problemsOf(json: unknown): string[] {
  const parsed = parsePolicy(json);
  assert.ok(!parsed.ok, 'expected the policy to be refused');
  return parsed.problems;
}

describe('policy file', () => {
  it('is the default policy when empty', () => {
    assert.deepEqual(policyOf({}), DEFAULT_POLICY);
  });

  it('deploy/policy.example.json parses and, apart from its example branches, is the default policy', () => {
    const example = policyOf(JSON.parse(readFileSync(resolve(__dirname, '../../deploy/policy.example.json'), 'utf8')));
    assert.ok(example.branches.length > 0);
    assert.deepEqual({ ...example, branches: [] }, DEFAULT_POLICY);
  });

  it('overrides only what it names, key by key', () => {
    const policy = policyOf({
      matrix: { low: { high: 'P2' } },
      priorityNames: { P1: 'Urgent' },
      manyPatrons: 50,
      deadlineNearDays: 0,
      wording: { urgency: { low: 'It can wait' } },
      serviceLevels: { P2: { resolution: '2 business days' }, P5: { resolution: '10 business days' } },
      openingHours: { sat: { open: '10:00', close: '13:00' } },
    });
    assert.deepEqual(policy.matrix, { ...DEFAULT_POLICY.matrix, low: { high: 'P2', medium: 'P4', low: 'P4' } });
    assert.deepEqual(policy.priorityNames, { ...DEFAULT_POLICY.priorityNames, P1: 'Urgent' });
    assert.equal(policy.manyPatrons, 50);
    assert.equal(policy.deadlineNearDays, 0);
    assert.deepEqual(policy.wording, { ...DEFAULT_POLICY.wording, urgency: { ...DEFAULT_POLICY.wording.urgency, low: 'It can wait' } });
    assert.deepEqual(policy.serviceLevels.P2, { response: { amount: 1, unit: 'hours' }, resolution: { amount: 2, unit: 'businessDays' } });
    assert.deepEqual(policy.serviceLevels.P5, { response: { amount: 2, unit: 'businessDays' }, resolution: { amount: 10, unit: 'businessDays' } });
    assert.deepEqual(policy.serviceLevels.P1, DEFAULT_POLICY.serviceLevels.P1);
    assert.deepEqual(policy.openingHours, { ...DEFAULT_POLICY.openingHours, sat: { open: '10:00', close: '13:00' } });
    assert.deepEqual(policy.catalogue, DEFAULT_POLICY.catalogue);
  });

  it('replaces lists whole, and trims names', () => {
    const policy = policyOf({
      catalogue: [{ id: 'lms', name: ' Koha ' }, { id: 'makerspace-3d', name: '3D printers' }],
      branches: [' Central ', 'Northside'],
      holidays: ['2026-12-25', '2027-01-01'],
    });
    assert.deepEqual(policy.catalogue, [{ id: 'lms', name: 'Koha' }, { id: 'makerspace-3d', name: '3D printers' }]);
    assert.deepEqual(policy.branches, ['Central', 'Northside']);
    assert.deepEqual(policy.holidays, ['2026-12-25', '2027-01-01']);
  });

  it('closes a day with null and keeps the other days', () => {
    const policy = policyOf({ openingHours: { mon: null } });
    assert.equal(policy.openingHours.mon, null);
    assert.deepEqual(policy.openingHours.tue, { open: '09:00', close: '17:00' });
  });

  const refused: [string, unknown, string][] = [
    ['a file that is not an object', ['P1'], '(top level): expected an object of policy settings such as {"manyPatrons": 100} (got a list of 1)'],
    ['a misspelt setting', { manyPatron: 5 }, 'manyPatron: unknown setting; expected one of catalogue, branches, matrix, priorityNames, manyPatrons, deadlineNearDays, autoCloseDays, wording, serviceLevels, openingHours, holidays, praise'],
    ['a misspelt nested setting', { serviceLevels: { P2: { respons: '1 hour' } } }, 'serviceLevels.P2.respons: unknown setting; expected one of response, resolution'],
    ['a duration in other words', { serviceLevels: { P2: { response: 'soon' } } }, 'serviceLevels.P2.response: expected a duration such as "4 business hours" (got "soon")'],
    ['a duration as a number', { serviceLevels: { P1: { resolution: 4 } } }, 'serviceLevels.P1.resolution: expected a duration such as "4 business hours" (got 4)'],
    ['an agreed date outside P5', { serviceLevels: { P3: { resolution: 'agreed date' } } }, 'serviceLevels.P3.resolution: expected a duration such as "4 business hours"; only P5 is resolved by "agreed date" (got "agreed date")'],
    ['an agreed date as a response', { serviceLevels: { P5: { response: 'agreed date' } } }, 'serviceLevels.P5.response: expected a duration such as "4 business hours" (got "agreed date")'],
    ['an unknown P5 resolution', { serviceLevels: { P5: { resolution: 'whenever' } } }, 'serviceLevels.P5.resolution: expected a duration such as "4 business hours", or "agreed date" (got "whenever")'],
    ['a service level for an unknown priority', { serviceLevels: { P6: {} } }, 'serviceLevels.P6: unknown setting; expected one of P1, P2, P3, P4, P5'],
    ['a matrix cell of P5', { matrix: { high: { high: 'P5' } } }, 'matrix.high.high: expected one of "P1", "P2", "P3", "P4" (got "P5")'],
    ['a matrix level that does not exist', { matrix: { critical: {} } }, 'matrix.critical: unknown setting; expected one of high, medium, low'],
    ['an empty priority name', { priorityNames: { P1: '  ' } }, 'priorityNames.P1: expected a name of 1 to 40 characters (got "")'],
    ['no patrons', { manyPatrons: 0 }, 'manyPatrons: expected a whole number of patrons, 1 or more (got 0)'],
    ['patrons as text', { manyPatrons: '100' }, 'manyPatrons: expected a whole number of patrons, 1 or more (got "100")'],
    ['a fraction of a day', { deadlineNearDays: 1.5 }, 'deadlineNearDays: expected a whole number of days from 0 to 60 (got 1.5)'],
    ['too many days', { deadlineNearDays: 61 }, 'deadlineNearDays: expected a whole number of days from 0 to 60 (got 61)'],
    ['wording that is not text', { wording: { impact: { high: 3 } } }, 'wording.impact.high: expected a sentence of 1 to 200 characters (got 3)'],
    ['an empty catalogue', { catalogue: [] }, 'catalogue: expected a list of 1 to 100 services (got a list of 0)'],
    ['a service id with capitals', { catalogue: [{ id: 'LMS', name: 'Koha' }] }, 'catalogue[0].id: expected an id of lowercase letters, digits and single dashes, such as "self-check" (got "LMS")'],
    ['a service id with a double dash', { catalogue: [{ id: 'self--check', name: 'Self-check' }] }, 'catalogue[0].id: expected an id of lowercase letters, digits and single dashes, such as "self-check" (got "self--check")'],
    ['a service without a name', { catalogue: [{ id: 'lms' }] }, 'catalogue[0].name: expected a service name of 1 to 80 characters (missing)'],
    ['a service with an extra key', { catalogue: [{ id: 'lms', name: 'Koha', vendor: 'ByWater' }] }, 'catalogue[0].vendor: unknown setting; expected one of id, name'],
    ['a service id used twice', { catalogue: [{ id: 'lms', name: 'Koha' }, { id: 'wifi', name: 'Wi-Fi' }, { id: 'lms', name: 'Alma' }] }, 'catalogue[2].id: expected a unique id ("lms" is also at [0])'],
    ['branches as one string', { branches: 'Central, Northside' }, 'branches: expected a list of at most 100 branch names (got "Central, Northside")'],
    ['a branch name over 80 characters', { branches: ['x'.repeat(81)] }, `branches[0]: expected a branch name of 1 to 80 characters (got "${'x'.repeat(56)}...)`],
    ['a branch listed twice in different case', { branches: ['Central', 'Northside', 'central'] }, 'branches[2]: expected a unique branch name ("central" is also at [0])'],
    ['more than 100 branches', { branches: Array.from({ length: 101 }, (_, i) => `Branch ${i}`) }, 'branches: expected a list of at most 100 branch names (got a list of 101)'],
    ['an opening time without minutes', { openingHours: { mon: { open: '9', close: '17:00' } } }, 'openingHours.mon.open: expected a time "HH:mm" such as "09:00" (got "9")'],
    ['a closing time of 24:00', { openingHours: { mon: { open: '09:00', close: '24:00' } } }, 'openingHours.mon.close: expected a time "HH:mm" such as "09:00" (got "24:00")'],
    ['a day without a closing time', { openingHours: { mon: { open: '09:00' } } }, 'openingHours.mon.close: expected a time "HH:mm" such as "09:00" (missing)'],
    ['closing before opening', { openingHours: { tue: { open: '17:00', close: '09:00' } } }, 'openingHours.tue.close: expected a closing time after the opening time "17:00" (got "09:00")'],
    ['closing at opening', { openingHours: { tue: { open: '09:00', close: '09:00' } } }, 'openingHours.tue.close: expected a closing time after the opening time "09:00" (got "09:00")'],
    ['a day closed in words', { openingHours: { sun: 'closed' } }, 'openingHours.sun: expected {"open": "09:00", "close": "17:00"}, or null when closed (got "closed")'],
    ['a weekday spelt out', { openingHours: { monday: null } }, 'openingHours.monday: unknown setting; expected one of mon, tue, wed, thu, fri, sat, sun'],
    ['every day closed', { openingHours: { mon: null, tue: null, wed: null, thu: null, fri: null } }, 'openingHours: expected at least one open day (every day is closed)'],
    ['a holiday that does not exist', { holidays: ['2026-02-30'] }, 'holidays[0]: expected a date YYYY-MM-DD such as "2026-12-25" (got "2026-02-30")'],
    ['a holiday written day first', { holidays: ['25/12/2026'] }, 'holidays[0]: expected a date YYYY-MM-DD such as "2026-12-25" (got "25/12/2026")'],
  ];
  for (const [what, json, problem] of refused) {
    it(`refuses ${what}, naming the path and what is expected`, () => {
      assert.deepEqual(problemsOf(json), [problem]);
    });
  }

  describe('praise settings', () => {
    it("are domain.md's defaults when the file names none, or names the section empty", () => {
      assert.deepEqual(policyOf({}).praise, DEFAULT_PRAISE);
      assert.deepEqual(policyOf({ praise: {} }).praise, DEFAULT_PRAISE);
      assert.deepEqual(policyOf({ praise: { weeklyPost: {} } }).praise, DEFAULT_PRAISE);
    });

    it('override only what they name, the weekly post key by key, and replace the badges whole, trimmed', () => {
      const praise = policyOf({ praise: { badges: [' Star ', 'Helper'], promptsPerWeek: 0, weeklyPost: { day: 'mon', time: '09:00' }, mentionLimit: 20 } }).praise;
      assert.deepEqual(praise, { badges: ['Star', 'Helper'], promptsPerWeek: 0, weeklyPost: { day: 'mon', time: '09:00', emptyWeek: 'note' }, mentionLimit: 20 });
      assert.deepEqual(policyOf({ praise: { weeklyPost: { emptyWeek: 'skip' } } }).praise, { ...DEFAULT_PRAISE, weeklyPost: { ...DEFAULT_PRAISE.weeklyPost, emptyWeek: 'skip' } });
      assert.deepEqual(policyOf({ praise: { mentionLimit: 0 } }).praise, { ...DEFAULT_PRAISE, mentionLimit: 0 });
    });

    it('leave the rest of the policy as it was', () => {
      assert.deepEqual({ ...policyOf({ praise: { promptsPerWeek: 5 } }), praise: DEFAULT_PRAISE }, DEFAULT_POLICY);
    });

    const weekdays = '"mon", "tue", "wed", "thu", "fri", "sat" or "sun"';
    const refusedPraise: [string, unknown, string][] = [
      ['a weekday spelt out', { weeklyPost: { day: 'friday' } }, `praise.weeklyPost.day: expected a weekday: ${weekdays} (got "friday")`],
      ['a weekday in capitals', { weeklyPost: { day: 'Fri' } }, `praise.weeklyPost.day: expected a weekday: ${weekdays} (got "Fri")`],
      ['a weekday as a number', { weeklyPost: { day: 5 } }, `praise.weeklyPost.day: expected a weekday: ${weekdays} (got 5)`],
      ['a time in words', { weeklyPost: { time: '3pm' } }, 'praise.weeklyPost.time: expected a time "HH:mm" such as "09:00" (got "3pm")'],
      ['a time of 24:00', { weeklyPost: { time: '24:00' } }, 'praise.weeklyPost.time: expected a time "HH:mm" such as "09:00" (got "24:00")'],
      ['a time without its leading zero', { weeklyPost: { time: '9:00' } }, 'praise.weeklyPost.time: expected a time "HH:mm" such as "09:00" (got "9:00")'],
      ['a time as a number', { weeklyPost: { time: 900 } }, 'praise.weeklyPost.time: expected a time "HH:mm" such as "09:00" (got 900)'],
      ['an empty week that is neither note nor skip', { weeklyPost: { emptyWeek: 'hide' } }, 'praise.weeklyPost.emptyWeek: expected "note" or "skip" (got "hide")'],
      ['a weekly post of null', { weeklyPost: null }, 'praise.weeklyPost: expected the weekly post, such as {"day": "fri", "time": "15:00", "emptyWeek": "note"} (got null)'],
      ['a time zone in the weekly post', { weeklyPost: { timeZone: 'Europe/London' } }, 'praise.weeklyPost.timeZone: unknown setting; expected one of day, time, emptyWeek'],
      ['a badge listed twice in different case', { badges: ['Thank you', 'Star', 'thank you'] }, 'praise.badges[2]: expected a unique badge ("thank you" is also at [0])'],
      ['a badge listed twice with spaces around it', { badges: ['Star', ' Star '] }, 'praise.badges[1]: expected a unique badge ("star" is also at [0])'],
      ['no badges', { badges: [] }, 'praise.badges: expected a list of 1 to 20 badge names (got a list of 0)'],
      ['more than 20 badges', { badges: Array.from({ length: 21 }, (_, i) => `Badge ${i}`) }, 'praise.badges: expected a list of 1 to 20 badge names (got a list of 21)'],
      ['badges as one string', { badges: 'Thank you, Star' }, 'praise.badges: expected a list of 1 to 20 badge names (got "Thank you, Star")'],
      ['an empty badge', { badges: ['Star', '  '] }, 'praise.badges[1]: expected a badge name of 1 to 40 characters (got "")'],
      ['a badge over 40 characters', { badges: ['x'.repeat(41)] }, `praise.badges[0]: expected a badge name of 1 to 40 characters (got "${'x'.repeat(41)}")`],
      ['a misspelt praise setting', { prompts: 3 }, 'praise.prompts: unknown setting; expected one of badges, promptsPerWeek, weeklyPost, mentionLimit'],
      ['more than 50 prompts a week', { promptsPerWeek: 51 }, 'praise.promptsPerWeek: expected a whole number of prompts from 0 to 50 (got 51)'],
      ['a negative number of prompts', { promptsPerWeek: -1 }, 'praise.promptsPerWeek: expected a whole number of prompts from 0 to 50 (got -1)'],
      ['a fraction of a prompt', { promptsPerWeek: 2.5 }, 'praise.promptsPerWeek: expected a whole number of prompts from 0 to 50 (got 2.5)'],
      ['a mention limit over 20', { mentionLimit: 21 }, 'praise.mentionLimit: expected a whole number of people from 0 to 20 (got 21)'],
      ['a mention limit as text', { mentionLimit: '10' }, 'praise.mentionLimit: expected a whole number of people from 0 to 20 (got "10")'],
    ];
    for (const [what, praise, problem] of refusedPraise) {
      it(`refuses ${what}, naming the path and what is expected`, () => {
        assert.deepEqual(problemsOf({ praise }), [problem]);
      });
    }

    it('refuses a praise section that is not an object', () => {
      assert.deepEqual(problemsOf({ praise: 'on' }), ['praise: expected praise settings such as {"promptsPerWeek": 3} (got "on")']);
    });

    it('lists every praise problem at once', () => {
      const problems = problemsOf({ praise: { weeklyPost: { day: 'friday', time: '3pm', at: 'noon' }, badges: ['Star', 'star'], mentionLimit: -1 } });
      assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), ['praise.badges[1]', 'praise.mentionLimit', 'praise.weeklyPost.at', 'praise.weeklyPost.day', 'praise.weeklyPost.time']);
    });
  });

  it('lists every problem at once, one per unknown key', () => {
    const problems = problemsOf({ manyPatrons: -1, colour: 'blue', font: 'serif', holidays: ['soon'] });
    assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), ['colour', 'font', 'holidays[0]', 'manyPatrons']);
  });
});
