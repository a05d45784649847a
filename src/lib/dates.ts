import { DateTime } from 'luxon';

/** Dates people read are British English: "Tue 1 Dec 2026", day before month, 24-hour clock. */
const LOCALE = 'en-GB';
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Formatters by time zone: making one is the costly part, and every intake card asks for today. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) it is in `timeZone` at the instant `at`. */
export function todayIn(timeZone: string, at: Date): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** "Tue 1 Dec 2026, 10:30" in the library's time zone. */
export function formatDateTime(date: Date, timeZone: string): string {
  return local(date, timeZone).toFormat('ccc d LLL yyyy, HH:mm');
}

/** "1 Dec 2026" in the library's time zone. */
export function formatDay(date: Date, timeZone: string): string {
  return local(date, timeZone).toFormat('d LLL yyyy');
}

/** "Tue 1 Dec 2026" for a calendar day written YYYY-MM-DD. */
export function formatIsoDay(isoDate: string): string {
  return isoDay(isoDate).setLocale(LOCALE).toFormat('ccc d LLL yyyy');
}

/** Whole calendar days from one YYYY-MM-DD to another: negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return isoDay(to).diff(isoDay(from), 'days').days;
}

/** A calendar day YYYY-MM-DD as midnight UTC, where every day has 24 hours. Throws on anything else. */
export function isoDay(isoDate: string): DateTime<true> {
  const day = ISO_DAY.test(isoDate) ? DateTime.fromISO(isoDate, { zone: 'utc' }) : undefined;
  if (day?.isValid !== true) throw new RangeError(`Not a calendar day YYYY-MM-DD: "${isoDate}"`);
  return day;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago, roughly, as a person would say it: "just now", "5 minutes ago", "2 hours ago",
 * "yesterday", "3 days ago", "1 week ago", "4 months ago", "2 years ago". Counts elapsed time, so
 * "yesterday" means 24 to 48 hours ago. A time in the future (clock skew) reads "just now".
 */
export function ageOf(from: Date, now: Date): string {
  const elapsed = now.getTime() - from.getTime();
  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return ago(Math.floor(elapsed / MINUTE), 'minute');
  if (elapsed < DAY) return ago(Math.floor(elapsed / HOUR), 'hour');
  const days = Math.floor(elapsed / DAY);
  if (days === 1) return 'yesterday';
  if (days < 7) return ago(days, 'day');
  if (days < 60) return ago(Math.floor(days / 7), 'week');
  if (days < 365) return ago(Math.floor(days / 30), 'month');
  return ago(Math.floor(days / 365), 'year');
}

function ago(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
}

function local(date: Date, timeZone: string): DateTime {
  return DateTime.fromJSDate(date, { zone: timeZone }).setLocale(LOCALE);
}
