// Thanks from library staff to the IT staff who helped them: what a praise is, which week it belongs
// to, and the checks a praise passes before it is stored. Defaults from domain.md (Praise defaults).

import { DateTime } from 'luxon';
import type { Person } from '../intake/draft';
import type { Weekday } from '../policy/policy';

/** Who sees a praise besides the person thanked. */
export type Visibility = 'weekly' | 'now' | 'private';
export const VISIBILITIES: readonly Visibility[] = ['weekly', 'now', 'private'];

/** Someone thanked: an IT staff member, with the IT team they were found in. */
export interface Thanked extends Person {
  /** Their Teams user id (`29:…`), to open a personal chat with them when none is known. */
  userId?: string;
  teamId: string;
  teamName: string;
}

export interface Praise {
  tenantId: string;
  /** Unique per sender: the card's token, so a repeated press is the same praise. */
  id: string;
  from: Person;
  to: Thanked[];
  badge: string;
  message: string;
  visibility: Visibility;
  /** The request it thanks for, when it came from the prompt after a resolution. */
  request?: { seq: number; reference: string; title: string };
  at: Date;
}

export interface PraiseSettings {
  badges: readonly string[];
  /** Prompts a technician gets after resolutions, at most, per week. */
  promptsPerWeek: number;
  /** The weekly post: local day and time in the library's time zone; an empty week gets a note or nothing. */
  weeklyPost: { day: Weekday; time: string; emptyWeek: 'note' | 'skip' };
  /** People the weekly post mentions (notifies) at most; the others are named without a mention. */
  mentionLimit: number;
}

export const DEFAULT_PRAISE: PraiseSettings = {
  badges: ['Thank you', 'Problem solver', 'Clear communicator', 'Quick fix', 'Went the extra mile', 'Patient teacher', 'Team player'],
  promptsPerWeek: 3,
  weeklyPost: { day: 'fri', time: '15:00', emptyWeek: 'note' },
  mentionLimit: 10,
};

/** A short message: enough for a sentence or two of thanks. */
export const MESSAGE_LIMIT = 500;
/** People one praise can thank at once. */
export const THANKED_LIMIT = 10;

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A praise week: the seven days that end when its weekly post is due. `key` is the post's local date. */
export interface PraiseWeek {
  key: string;
  start: Date;
  end: Date;
}

/** The scheduled post time of the week that ends on local date `key` (YYYY-MM-DD). */
function postTimeOn(key: string, time: string, timeZone: string): DateTime {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return DateTime.fromISO(key, { zone: timeZone }).set({ hour, minute, second: 0, millisecond: 0 });
}

/** Starts at the previous week's post time, not a calendar week before `end`: with a post time in a DST gap or overlap, those differ and weeks must still meet. */
function weekEndingAt(end: DateTime, time: string, timeZone: string): PraiseWeek {
  const start = postTimeOn(end.minus({ weeks: 1 }).toFormat('yyyy-MM-dd'), time, timeZone);
  return { key: end.toFormat('yyyy-MM-dd'), start: start.toJSDate(), end: end.toJSDate() };
}

/** The latest scheduled post at or before `now`: the week it closes. */
export function lastClosedWeek(now: Date, schedule: PraiseSettings['weeklyPost'], timeZone: string): PraiseWeek {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const back = (local.weekday - 1 - WEEKDAYS.indexOf(schedule.day) + 7) % 7;
  let end = postTimeOn(local.minus({ days: back }).toFormat('yyyy-MM-dd'), schedule.time, timeZone);
  if (end.toMillis() > now.getTime()) end = postTimeOn(end.minus({ weeks: 1 }).toFormat('yyyy-MM-dd'), schedule.time, timeZone);
  return weekEndingAt(end, schedule.time, timeZone);
}

/** The week `at` falls in: the one whose post is the first after it. */
export function weekOf(at: Date, schedule: PraiseSettings['weeklyPost'], timeZone: string): PraiseWeek {
  const closed = lastClosedWeek(at, schedule, timeZone);
  return weekEndingAt(postTimeOn(DateTime.fromISO(closed.key, { zone: timeZone }).plus({ weeks: 1 }).toFormat('yyyy-MM-dd'), schedule.time, timeZone), schedule.time, timeZone);
}

/** The week a post key names (from a card's "show all"), or undefined for a key that is no date. */
export function weekByKey(key: string, schedule: PraiseSettings['weeklyPost'], timeZone: string): PraiseWeek | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(key)) return undefined;
  const end = postTimeOn(key, schedule.time, timeZone);
  return end.isValid ? weekEndingAt(end, schedule.time, timeZone) : undefined;
}

/** What the praise card sent back, checked: the people are ids the server offered, never names from the card. */
export interface PraiseChoice {
  people: string[];
  badge: string;
  message: string;
  visibility: Visibility;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; field: 'people' | 'badge' | 'message' | 'visibility'; reason: string };

/**
 * Checks a praise against the people it may thank (the IT staff offered), the configured badges and
 * the message limit. The message is kept as typed; cards show it inert.
 */
export function checkChoice(choice: PraiseChoice, offered: readonly Thanked[], badges: readonly string[]): Checked<{ to: Thanked[]; badge: string; message: string; visibility: Visibility }> {
  const ids = [...new Set(choice.people.map((id) => id.trim().toLowerCase()).filter((id) => id !== ''))];
  if (ids.length === 0) return { ok: false, field: 'people', reason: 'Choose at least one person to thank.' };
  if (ids.length > THANKED_LIMIT) return { ok: false, field: 'people', reason: `Choose at most ${String(THANKED_LIMIT)} people to thank at once.` };
  const to: Thanked[] = [];
  for (const id of ids) {
    const found = offered.find((person) => person.aadObjectId.toLowerCase() === id);
    if (!found) return { ok: false, field: 'people', reason: 'You can thank IT staff in the IT channels Liaison serves. Please choose from the list.' };
    to.push(found);
  }
  if (!badges.includes(choice.badge)) return { ok: false, field: 'badge', reason: 'Please choose a badge from the list.' };
  if (choice.message.length > MESSAGE_LIMIT) return { ok: false, field: 'message', reason: `Your message is ${String(choice.message.length)} characters; please shorten it to ${String(MESSAGE_LIMIT)} at most.` };
  if (!VISIBILITIES.includes(choice.visibility)) return { ok: false, field: 'visibility', reason: 'Please choose who may see your thanks.' };
  return { ok: true, value: { to, badge: choice.badge, message: choice.message, visibility: choice.visibility } };
}
