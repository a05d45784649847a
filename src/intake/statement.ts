// The business-impact statement: the answers retold in a few plain sentences, the way IT should read
// them (what is affected, who, since when, what it costs the library, what is needed).

import { formatIsoDay } from '../lib/dates';
import type { Policy } from '../policy/policy';
import type { Answers } from './answers';

export function serviceName(serviceId: string, policy: Policy): string {
  return policy.catalogue.find((s) => s.id === serviceId)?.name ?? serviceId;
}

/** Ends a piece of user text with exactly one full stop. */
function sentence(text: string): string {
  return `${text.replace(/[\s.!?;:,]+$/u, '')}.`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function who(patrons: number | undefined, staff: number | undefined): string {
  const parts = [
    ...(patrons === undefined ? [] : [`about ${patrons.toLocaleString('en-GB')} ${patrons === 1 ? 'patron' : 'patrons'}`]),
    ...(staff === undefined ? [] : [`${patrons === undefined ? 'about ' : ''}${staff.toLocaleString('en-GB')} staff`]),
  ];
  return parts.length === 0 ? '' : ` (${parts.join(' and ')})`;
}

export function businessImpact(answers: Answers, policy: Policy): string {
  const { what, impact, urgency, risks } = answers;
  const service = serviceName(what.serviceId, policy);
  const where = what.branch === undefined ? '' : ` at ${what.branch}`;
  const parts: string[] = [];

  if (what.kind === 'incident') {
    const since = what.startedOn === undefined ? '' : `, since ${formatIsoDay(what.startedOn)}${what.startedAt === undefined ? '' : ` at ${what.startedAt}`}`;
    parts.push(`A problem with ${service}${where}${since}.`);
  } else {
    parts.push(`Something new or changed is needed in ${service}${where}.`);
  }
  parts.push(`It affects ${lowerFirst(policy.wording.impact[impact.reach])}${who(impact.patrons, impact.staff)}.`);

  if (urgency.stopped) {
    parts.push(urgency.workaround === undefined ? 'Work has stopped and there is no workaround.' : `Work has stopped; for now the workaround is: ${sentence(urgency.workaround)}`);
  } else {
    parts.push(what.kind === 'incident' ? 'Nothing has stopped, but it gets in the way.' : 'Nothing has stopped meanwhile.');
  }
  if (urgency.deadline !== undefined) {
    parts.push(`It is needed by ${formatIsoDay(urgency.deadline)}${urgency.deadlineReason === undefined ? '.' : ` for ${sentence(urgency.deadlineReason)}`}`);
  }

  const atRisk = [
    ...(risks.financial === undefined ? [] : [`money (${risks.financial.replace(/[\s.]+$/u, '')})`]),
    ...(risks.compliance === undefined ? [] : [`compliance with legislation (${risks.compliance.replace(/[\s.]+$/u, '')})`]),
    ...(risks.reputation === undefined ? [] : [`the library's reputation (${risks.reputation.replace(/[\s.]+$/u, '')})`]),
  ];
  if (atRisk.length > 0) parts.push(`If it is not solved in time, it puts at risk ${atRisk.join('; ')}.`);
  if (risks.serviceQuality !== undefined) parts.push(`Effect on service and productivity: ${sentence(risks.serviceQuality)}`);
  if (risks.staffHoursPerDay !== undefined) parts.push(`About ${risks.staffHoursPerDay.toLocaleString('en-GB')} staff hours are lost each day.`);

  parts.push(what.kind === 'incident' ? `What is needed: ${service}${where} working again.` : `What is needed: ${sentence(what.title)}`);
  return parts.join(' ');
}
