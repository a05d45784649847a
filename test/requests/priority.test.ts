import assert from 'node:assert/strict';
import type { Answers, ImpactAnswers, RiskAnswers, UrgencyAnswers, WhatAnswers } from '../../src/intake/answers';
import { DEFAULT_POLICY, type Level, type Policy } from '../../src/policy/policy';
import { assess, priorityLabel } from '../../src/requests/priority';

const TODAY = '2026-12-01'; // a Tuesday

interface Over {
  what?: Partial<WhatAnswers>;
  impact?: Partial<ImpactAnswers>;
  urgency?: Partial<UrgencyAnswers>;
  risks?: RiskAnswers;
}

/** An incident at one branch, nothing stopped, no risks: adjust what a case is about. */
function answers(over: Over = {}): Answers {
  return {
    what: { kind: 'incident', serviceId: 'self-check', title: 'Self-check rejects cards', description: 'Every card is rejected', ...over.what },
    impact: { reach: 'medium', ...over.impact },
    urgency: { stopped: false, ...over.urgency },
    risks: { ...over.risks },
  };
}

/** Answers giving each urgency level. */
const URGENCY: Record<Level, Over['urgency']> = {
  high: { stopped: true },
  medium: { stopped: true, workaround: 'Staff check out at the desk' },
  low: { stopped: false },
};

describe('priority', () => {
  describe('the default matrix (impact x urgency)', () => {
    const cells: [Level, Level, string][] = [
      ['high', 'high', 'P1 Critical'],
      ['high', 'medium', 'P2 High'],
      ['high', 'low', 'P3 Moderate'],
      ['medium', 'high', 'P2 High'],
      ['medium', 'medium', 'P3 Moderate'],
      ['medium', 'low', 'P4 Low'],
      ['low', 'high', 'P3 Moderate'],
      ['low', 'medium', 'P4 Low'],
      ['low', 'low', 'P4 Low'],
    ];
    for (const [impact, urgency, label] of cells) {
      it(`ranks ${impact} impact and ${urgency} urgency as ${label}`, () => {
        const result = assess(answers({ impact: { reach: impact }, urgency: URGENCY[urgency] }), DEFAULT_POLICY, TODAY);
        assert.equal(result.label, label);
        assert.equal(result.priority, label.slice(0, 2));
        assert.equal(result.impact, impact);
        assert.equal(result.baseImpact, impact);
        assert.equal(result.urgency, urgency);
      });
    }
  });

  describe('urgency', () => {
    const rules: [string, Over['urgency'], Level, string][] = [
      ['work stopped with no workaround', { stopped: true }, 'high', 'work has stopped with no workaround'],
      ['work stopped with a workaround', { stopped: true, workaround: 'Paper slips' }, 'medium', 'a workaround is in use'],
      ['a stop with a workaround and a near deadline', { stopped: true, workaround: 'Paper slips', deadline: '2026-12-02' }, 'medium', 'a workaround is in use'],
      ['a stop with no workaround and a far deadline', { stopped: true, deadline: '2027-01-30' }, 'high', 'work has stopped with no workaround'],
      ['a deadline today', { deadline: '2026-12-01' }, 'medium', 'the deadline is today'],
      ['a deadline tomorrow', { deadline: '2026-12-02' }, 'medium', 'the deadline is tomorrow'],
      ['a deadline exactly deadlineNearDays away', { deadline: '2026-12-04' }, 'medium', 'the deadline is in 3 days (Fri 4 Dec 2026)'],
      ['a deadline that has passed', { deadline: '2026-11-28' }, 'medium', 'the deadline has passed (Sat 28 Nov 2026)'],
      ['a deadline one day beyond near', { deadline: '2026-12-05' }, 'low', 'the deadline is in 4 days (Sat 5 Dec 2026)'],
      ['nothing stopped and no deadline', {}, 'low', 'nothing has stopped'],
    ];
    for (const [what, urgency, level, reason] of rules) {
      it(`is ${level} for ${what}`, () => {
        const result = assess(answers({ urgency }), DEFAULT_POLICY, TODAY);
        assert.equal(result.urgency, level);
        assert.ok(result.reasons.includes(reason), result.reasons.join(' | '));
      });
    }

    it('counts the deadline in calendar days from the library day given, not from UTC', () => {
      const result = assess(answers({ urgency: { deadline: '2026-12-09' } }), { ...DEFAULT_POLICY, deadlineNearDays: 7 }, '2026-12-02');
      assert.equal(result.urgency, 'medium');
    });

    it('treats only today as near when deadlineNearDays is 0', () => {
      const policy = { ...DEFAULT_POLICY, deadlineNearDays: 0 };
      assert.equal(assess(answers({ urgency: { deadline: TODAY } }), policy, TODAY).urgency, 'medium');
      assert.equal(assess(answers({ urgency: { deadline: '2026-12-02' } }), policy, TODAY).urgency, 'low');
    });
  });

  describe('the risk rule', () => {
    const raises: [string, Over, string][] = [
      ['a financial risk', { risks: { financial: 'Fines cannot be paid' } }, 'raised one level: financial risk'],
      ['a compliance risk', { risks: { compliance: 'Privacy law' } }, 'raised one level: compliance risk'],
      ['a reputational risk', { risks: { reputation: 'Complaints to the council' } }, 'raised one level: reputational risk'],
      ['many patrons', { impact: { reach: 'medium', patrons: 120 } }, 'raised one level: about 120 patrons affected'],
      ['exactly manyPatrons patrons', { impact: { reach: 'medium', patrons: 100 } }, 'raised one level: about 100 patrons affected'],
      [
        'several risks and many patrons, said once',
        { risks: { financial: 'x', compliance: 'y', reputation: 'z' }, impact: { reach: 'medium', patrons: 500 } },
        'raised one level: financial, compliance and reputational risks and about 500 patrons affected',
      ],
    ];
    for (const [what, over, reason] of raises) {
      it(`raises medium impact to high for ${what}`, () => {
        const result = assess(answers(over), DEFAULT_POLICY, TODAY);
        assert.equal(result.baseImpact, 'medium');
        assert.equal(result.impact, 'high');
        assert.equal(result.label, 'P3 Moderate'); // high x low
        assert.deepEqual(result.reasons, ['one branch, team or service affected', reason, 'nothing has stopped']);
      });
    }

    it('raises low impact to medium', () => {
      const result = assess(answers({ impact: { reach: 'low' }, risks: { compliance: 'x' }, urgency: URGENCY.high }), DEFAULT_POLICY, TODAY);
      assert.equal(result.impact, 'medium');
      assert.equal(result.label, 'P2 High');
    });

    it('does not raise for fewer patrons than manyPatrons, or for risks only described as service quality', () => {
      const result = assess(answers({ impact: { reach: 'medium', patrons: 99, staff: 40 }, risks: { serviceQuality: 'Queues', staffHoursPerDay: 6 } }), DEFAULT_POLICY, TODAY);
      assert.equal(result.impact, 'medium');
      assert.deepEqual(result.reasons, ['one branch, team or service affected', 'nothing has stopped']);
    });

    it('stops at high impact, still naming the risk', () => {
      const result = assess(answers({ impact: { reach: 'high' }, risks: { reputation: 'x' }, urgency: URGENCY.high }), DEFAULT_POLICY, TODAY);
      assert.equal(result.impact, 'high');
      assert.equal(result.label, 'P1 Critical');
      assert.deepEqual(result.reasons, ['the whole library affected', 'reputational risk (already the highest impact)', 'work has stopped with no workaround']);
    });

    it('uses the policy threshold for many patrons', () => {
      const result = assess(answers({ impact: { reach: 'low', patrons: 1 } }), { ...DEFAULT_POLICY, manyPatrons: 1 }, TODAY);
      assert.equal(result.impact, 'medium');
      assert.ok(result.reasons.includes('raised one level: about 1 patron affected'));
    });
  });

  describe('P5 Planning', () => {
    it('ranks a service request with a deadline beyond the near window as P5, whatever the impact', () => {
      const result = assess(answers({ what: { kind: 'request' }, impact: { reach: 'high' }, urgency: { deadline: '2026-12-15' }, risks: { compliance: 'x' } }), DEFAULT_POLICY, TODAY);
      assert.equal(result.priority, 'P5');
      assert.equal(result.label, 'P5 Planning');
      assert.equal(result.urgency, 'low');
      assert.equal(`${result.label} because: ${result.reasons.join(', ')}`, 'P5 Planning because: a planned request, nothing has stopped, needed by Tue 15 Dec 2026');
    });

    const notPlanning: [string, Over, string][] = [
      ['an incident with a far deadline', { urgency: { deadline: '2026-12-15' } }, 'P4 Low'],
      ['a request with a near deadline', { what: { kind: 'request' }, urgency: { deadline: '2026-12-03' } }, 'P3 Moderate'],
      ['a request without a deadline', { what: { kind: 'request' } }, 'P4 Low'],
      ['a request where work has stopped', { what: { kind: 'request' }, urgency: { stopped: true, deadline: '2026-12-15' } }, 'P2 High'],
    ];
    for (const [what, over, label] of notPlanning) {
      it(`uses the matrix for ${what}`, () => {
        assert.equal(assess(answers(over), DEFAULT_POLICY, TODAY).label, label);
      });
    }
  });

  describe('a custom policy', () => {
    const policy: Policy = {
      ...DEFAULT_POLICY,
      matrix: {
        high: { high: 'P1', medium: 'P1', low: 'P2' },
        medium: { high: 'P1', medium: 'P2', low: 'P3' },
        low: { high: 'P2', medium: 'P3', low: 'P4' },
      },
      priorityNames: { ...DEFAULT_POLICY.priorityNames, P1: 'Urgent', P3: 'Normal' },
    };

    it('ranks through the policy matrix and names', () => {
      assert.equal(assess(answers({ urgency: URGENCY.high }), policy, TODAY).label, 'P1 Urgent');
      assert.equal(assess(answers({ urgency: URGENCY.low }), policy, TODAY).label, 'P3 Normal');
      assert.equal(assess(answers({ impact: { reach: 'low' }, urgency: URGENCY.low }), policy, TODAY).label, 'P4 Low');
    });

    it('labels with the policy names', () => {
      assert.equal(priorityLabel('P1', policy), 'P1 Urgent');
      assert.equal(priorityLabel('P5', DEFAULT_POLICY), 'P5 Planning');
    });
  });

  it('explains the priority in plain words, in reading order', () => {
    const result = assess(answers({ risks: { compliance: 'Privacy law' }, urgency: URGENCY.medium }), DEFAULT_POLICY, TODAY);
    assert.equal(`${result.label} because: ${result.reasons.join(', ')}`, 'P2 High because: one branch, team or service affected, raised one level: compliance risk, a workaround is in use');
  });

  it('explains a low-impact request with a far deadline', () => {
    const result = assess(answers({ impact: { reach: 'low' }, urgency: { deadline: '2026-12-20' } }), DEFAULT_POLICY, TODAY);
    assert.equal(`${result.label} because: ${result.reasons.join(', ')}`, 'P4 Low because: one person or workstation affected, nothing has stopped, the deadline is in 19 days (Sun 20 Dec 2026)');
  });
});
