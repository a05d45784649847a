import type { Answers, RiskAnswers } from '../intake/answers';
import { daysBetween, formatIsoDay } from '../lib/dates';
import type { Level, Policy, Priority } from '../policy/policy';

/** The priority IT will see, with the reasons in plain words so the requester sees why. */
export interface Assessment {
  priority: Priority;
  /** "P2 High" */
  label: string;
  /** After the risk rule. */
  impact: Level;
  /** As the requester chose it. */
  baseImpact: Level;
  urgency: Level;
  /** Short plain phrases, in reading order. */
  reasons: string[];
}

const REACH: Record<Level, string> = {
  high: 'the whole library affected',
  medium: 'one branch, team or service affected',
  low: 'one person or workstation affected',
};

const RISKS: readonly (readonly [keyof RiskAnswers, string])[] = [
  ['financial', 'financial'],
  ['compliance', 'compliance'],
  ['reputation', 'reputational'],
];

const RAISED: Record<Level, Level> = { low: 'medium', medium: 'high', high: 'high' };

/**
 * Ranks a request the way IT does (domain.md): impact x urgency through the policy's matrix, impact raised
 * one level by a significant risk or many patrons, and P5 Planning for service requests with a date that
 * is not near. `today` is the library's calendar day, YYYY-MM-DD.
 */
export function assess(answers: Answers, policy: Policy, today: string): Assessment {
  const baseImpact = answers.impact.reach;
  const reasons = [REACH[baseImpact]];

  const raisedBy = raiseCauses(answers, policy);
  let impact = baseImpact;
  if (raisedBy !== undefined) {
    impact = RAISED[baseImpact];
    // At the top already: still say why, so the requester sees the risk was read.
    reasons.push(impact === baseImpact ? `${raisedBy} (already the highest impact)` : `raised one level: ${raisedBy}`);
  }

  const { stopped, workaround, deadline } = answers.urgency;
  const due = deadline === undefined ? undefined : { day: deadline, daysLeft: daysBetween(today, deadline) };
  const deadlineNear = due !== undefined && due.daysLeft <= policy.deadlineNearDays;
  let urgency: Level;
  if (stopped) {
    urgency = workaround === undefined ? 'high' : 'medium';
    reasons.push(workaround === undefined ? 'work has stopped with no workaround' : 'a workaround is in use');
  } else if (deadlineNear) {
    urgency = 'medium';
    reasons.push(deadlinePhrase(due));
  } else {
    urgency = 'low';
    reasons.push('nothing has stopped');
    if (due !== undefined) reasons.push(deadlinePhrase(due));
  }

  if (answers.what.kind === 'request' && !stopped && due !== undefined && !deadlineNear) {
    // Planned work: the agreed date, not the matrix, says when it is due.
    const planned = ['a planned request', 'nothing has stopped', `needed by ${formatIsoDay(due.day)}`];
    return explained({ priority: 'P5', impact, baseImpact, urgency }, planned, policy);
  }
  return explained({ priority: policy.matrix[impact][urgency], impact, baseImpact, urgency }, reasons, policy);
}

/** "P2 High" */
export function priorityLabel(priority: Priority, policy: Policy): string {
  return `${priority} ${policy.priorityNames[priority]}`;
}

/** What raises impact, in words ("compliance risk and about 120 patrons affected"), or undefined. */
function raiseCauses(answers: Answers, policy: Policy): string | undefined {
  const risks = RISKS.filter(([key]) => answers.risks[key] !== undefined).map(([, word]) => word);
  const patrons = answers.impact.patrons;
  const causes: string[] = [];
  if (risks.length > 0) causes.push(`${listWords(risks)} risk${risks.length === 1 ? '' : 's'}`);
  if (patrons !== undefined && patrons >= policy.manyPatrons) causes.push(`about ${patrons.toLocaleString('en-GB')} patron${patrons === 1 ? '' : 's'} affected`);
  return causes.length === 0 ? undefined : causes.join(' and ');
}

function deadlinePhrase({ day, daysLeft }: { day: string; daysLeft: number }): string {
  if (daysLeft < 0) return `the deadline has passed (${formatIsoDay(day)})`;
  if (daysLeft === 0) return 'the deadline is today';
  if (daysLeft === 1) return 'the deadline is tomorrow';
  return `the deadline is in ${daysLeft} days (${formatIsoDay(day)})`;
}

/** "a", "a and b", "a, b and c" */
function listWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

function explained(
  ranked: Pick<Assessment, 'priority' | 'impact' | 'baseImpact' | 'urgency'>,
  reasons: string[],
  policy: Policy,
): Assessment {
  const label = priorityLabel(ranked.priority, policy);
  return { ...ranked, label, reasons };
}
