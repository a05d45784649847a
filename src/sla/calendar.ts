import { DateTime, type WeekdayNumbers } from 'luxon';
import type { Duration, OpeningHours, Weekday } from '../policy/policy';

/** When the library is open: the policy's opening hours and holidays, in the library's time zone. */
export interface BusinessCalendar {
  openingHours: Readonly<Record<Weekday, OpeningHours | null>>;
  /** YYYY-MM-DD */
  holidays: readonly string[];
  timeZone: string;
}

/** One day's opening, as instants. */
interface Opening {
  open: DateTime<true>;
  close: DateTime<true>;
}

const WEEKDAY: Record<WeekdayNumbers, Weekday> = { 1: 'mon', 2: 'tue', 3: 'wed', 4: 'thu', 5: 'fri', 6: 'sat', 7: 'sun' };

/**
 * The instant `duration` after `start`. Minutes and hours run on the wall clock; business hours count
 * only opening hours; business days land that many opening days later at the same time of day.
 */
export function addDuration(start: Date, duration: Duration, calendar: BusinessCalendar): Date {
  switch (duration.unit) {
    case 'minutes':
      return new Date(start.getTime() + duration.amount * 60_000);
    case 'hours':
      return new Date(start.getTime() + duration.amount * 3_600_000);
    case 'businessHours':
      return addBusinessMinutes(start, duration.amount * 60, calendar).toJSDate();
    case 'businessDays':
      return addBusinessDays(start, duration.amount, calendar).toJSDate();
  }
}

/** The opening hours of a calendar day (YYYY-MM-DD) as instants, or undefined when the library is closed. */
export function openingOn(isoDate: string, calendar: BusinessCalendar): { open: Date; close: Date } | undefined {
  const opening = openingOfDay(valid(DateTime.fromISO(isoDate, { zone: calendar.timeZone }), isoDate), calendar);
  return opening && { open: opening.open.toJSDate(), close: opening.close.toJSDate() };
}

function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar): DateTime {
  const from = inZone(start, calendar);
  let remaining = minutes;
  let opening = nextOpening(from, calendar);
  for (;;) {
    const begin = from > opening.open ? from : opening.open;
    // Counted in real minutes, so an opening day that spans a clock change is measured as it passes.
    const available = opening.close.diff(begin, 'minutes').minutes;
    if (remaining <= available) return begin.plus({ minutes: remaining });
    remaining -= available;
    opening = nextOpening(opening.close, calendar);
  }
}

function addBusinessDays(start: Date, days: number, calendar: BusinessCalendar): DateTime {
  const from = inZone(start, calendar);
  let opening = nextOpening(from, calendar);
  // Inside opening hours the time of day carries over; otherwise the count starts at the next opening.
  const timeOfDay = from >= opening.open ? from : opening.open;
  for (let day = 0; day < days; day += 1) opening = nextOpening(opening.close, calendar);
  const sameTime = opening.open.set({ hour: timeOfDay.hour, minute: timeOfDay.minute, second: timeOfDay.second, millisecond: timeOfDay.millisecond });
  // A day that opens later or closes earlier keeps the target within its hours.
  if (sameTime < opening.open) return opening.open;
  if (sameTime > opening.close) return opening.close;
  return sameTime;
}

/**
 * The first opening that ends after `at`: today's if the library is still to close, else the next open
 * day's. Throws when no weekday has opening hours, rather than searching forever.
 */
function nextOpening(at: DateTime<true>, calendar: BusinessCalendar): Opening {
  if (Object.values(calendar.openingHours).every((hours) => hours === null)) {
    throw new RangeError('The opening hours have no open day, so business time never passes');
  }
  // Holidays are finite, so an open weekday not on the list comes within holidays + 7 days.
  for (let day = at.startOf('day'); ; day = day.plus({ days: 1 })) {
    const opening = openingOfDay(day, calendar);
    if (opening !== undefined && opening.close > at) return opening;
  }
}

function openingOfDay(day: DateTime<true>, calendar: BusinessCalendar): Opening | undefined {
  if (calendar.holidays.includes(day.toFormat('yyyy-MM-dd'))) return undefined;
  const hours = calendar.openingHours[WEEKDAY[day.weekday]];
  if (hours === null) return undefined;
  return { open: atTime(day, hours.open), close: atTime(day, hours.close) };
}

/** "HH:mm" on that day in the library's zone; luxon moves a time inside a spring-forward gap past it. */
function atTime(day: DateTime<true>, time: string): DateTime<true> {
  const [hour, minute] = time.split(':').map(Number);
  return day.set({ hour: hour ?? 0, minute: minute ?? 0, second: 0, millisecond: 0 });
}

function inZone(date: Date, calendar: BusinessCalendar): DateTime<true> {
  return valid(DateTime.fromJSDate(date, { zone: calendar.timeZone }), date.toString());
}

/** Luxon reports a bad zone or date as an invalid DateTime; fail loudly rather than compute with NaN. */
function valid(dateTime: DateTime, what: string): DateTime<true> {
  if (!dateTime.isValid) throw new RangeError(`Cannot place ${what} in the library calendar: ${dateTime.invalidExplanation ?? 'invalid'}`);
  return dateTime;
}
