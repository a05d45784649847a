import { DateTime } from 'luxon';
import type { Duration, Policy, Priority } from '../policy/policy';
import { addDuration, openingOn, type BusinessCalendar } from './calendar';

/** When IT should first respond to a request and when it should be resolved. */
export interface DueTimes {
  responseBy: Date;
  resolveBy: Date;
}

/** Where the library is closed on the agreed date, planned work is due at this local time. */
const CLOSED_DAY_DUE = { hour: 17, minute: 0 };

/**
 * The service-level targets of a request submitted at `submittedAt`. `agreedDate` (YYYY-MM-DD) is needed
 * when the priority is resolved by an agreed date (P5 Planning): due when the library closes that day.
 */
export function dueTimes(priority: Priority, submittedAt: Date, policy: Policy, timeZone: string, agreedDate?: string): DueTimes {
  const calendar: BusinessCalendar = { openingHours: policy.openingHours, holidays: policy.holidays, timeZone };
  const level = policy.serviceLevels[priority];
  const responseBy = addDuration(submittedAt, level.response, calendar);
  if (level.resolution !== 'agreedDate') return { responseBy, resolveBy: addDuration(submittedAt, level.resolution, calendar) };

  if (agreedDate === undefined) throw new RangeError(`${priority} is resolved by an agreed date, and none was given`);
  const resolveBy = openingOn(agreedDate, calendar)?.close ?? DateTime.fromISO(agreedDate, { zone: timeZone }).set(CLOSED_DAY_DUE).toJSDate();
  return { responseBy, resolveBy };
}

/** "IT aims to respond within 1 hour and resolve within 8 business hours." */
export function describeServiceLevel(priority: Priority, policy: Policy): string {
  const { response, resolution } = policy.serviceLevels[priority];
  const resolve = resolution === 'agreedDate' ? 'by the agreed date' : `within ${describeDuration(resolution)}`;
  return `IT aims to respond within ${describeDuration(response)} and resolve ${resolve}.`;
}

const UNIT_WORDS: Record<Duration['unit'], readonly [one: string, many: string]> = {
  minutes: ['minute', 'minutes'],
  hours: ['hour', 'hours'],
  businessHours: ['business hour', 'business hours'],
  businessDays: ['business day', 'business days'],
};

/** "30 minutes", "1 hour", "8 business hours", "3 business days": the form the policy file is written in. */
export function describeDuration(duration: Duration): string {
  const [one, many] = UNIT_WORDS[duration.unit];
  return `${duration.amount} ${duration.amount === 1 ? one : many}`;
}

const DURATION = /^(\d{1,4}) +(minute|hour|business +hour|business +day)s?$/;
const UNIT_OF: Readonly<Record<string, Duration['unit']>> = {
  minute: 'minutes',
  hour: 'hours',
  'business hour': 'businessHours',
  'business day': 'businessDays',
};

/** Reads what describeDuration writes (singular or plural, any case); undefined for anything else. */
export function parseDuration(text: string): Duration | undefined {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = UNIT_OF[match[2]?.replace(/ +/, ' ') ?? ''];
  return amount > 0 && unit !== undefined ? { amount, unit } : undefined;
}
