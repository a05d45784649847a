import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseDuration } from '../sla/serviceLevels';
import { DEFAULT_POLICY, type Duration, type Policy } from './policy';

/**
 * Reads a policy file: a partial override of DEFAULT_POLICY in which every setting is optional. Lists
 * (catalogue, branches, holidays) replace the default list; objects override key by key. Each problem
 * names its JSON path and what is expected, and unknown keys are problems, so a typo is never ignored.
 */
export function parsePolicy(json: unknown): { ok: true; value: Policy } | { ok: false; problems: string[] } {
  const parsed = PolicyFile.safeParse(json);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.flatMap(describeIssue) };
  const policy = merge(parsed.data);
  if (Object.values(policy.openingHours).every((hours) => hours === null)) {
    // Business hours would never pass, so no service level could ever fall due.
    return { ok: false, problems: ['openingHours: expected at least one open day (every day is closed)'] };
  }
  return { ok: true, value: policy };
}

type ErrorMap = z.core.$ZodErrorMap;

/** The message of every issue a schema raises: what it expects and what it got. */
function expected(what: string): ErrorMap {
  return (issue) => `expected ${what} (${got(issue.input)})`;
}

function got(input: unknown): string {
  if (input === undefined) return 'missing';
  if (Array.isArray(input)) return `got a list of ${input.length}`;
  if (typeof input === 'object' && input !== null) return 'got an object';
  const json = JSON.stringify(input);
  return `got ${json.length > 60 ? `${json.slice(0, 57)}...` : json}`;
}

/** An object of settings: unknown keys are reported one by one, with the keys that are allowed. */
function settings<Shape extends z.core.$ZodLooseShape>(shape: Shape, what: string) {
  const known = Object.keys(shape).join(', ');
  const otherwise = expected(what);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown setting; expected one of ${known}` : otherwise(issue)),
  });
}

const text = (what: string, max: number) => z.string({ error: expected(`${what} of 1 to ${max} characters`) }).trim().min(1).max(max);
const wholeNumber = (what: string) => z.number({ error: expected(what) }).int();

/** Reports the second and later occurrences of a key within a list, at their index. */
function unique<T>(keyOf: (item: T) => string, what: string, field?: string) {
  return (items: readonly T[], context: z.RefinementCtx) => {
    const firstIndex = new Map<string, number>();
    items.forEach((item, index) => {
      const key = keyOf(item);
      const first = firstIndex.get(key);
      if (first === undefined) firstIndex.set(key, index);
      else context.addIssue({ code: 'custom', path: field === undefined ? [index] : [index, field], message: `expected a unique ${what} (${JSON.stringify(key)} is also at [${first}])`, input: item });
    });
  };
}

const ServiceId = z
  .string({ error: expected('an id of lowercase letters, digits and single dashes, such as "self-check"') })
  .max(40)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/);
const Service = settings({ id: ServiceId, name: text('a service name', 80) }, 'a service such as {"id": "lms", "name": "Library management system"}');
const Catalogue = z
  .array(Service, { error: expected('a list of 1 to 100 services') })
  .min(1)
  .max(100)
  .superRefine(unique((service) => service.id, 'id', 'id'));

const Branches = z
  .array(text('a branch name', 80), { error: expected('a list of at most 100 branch names') })
  .max(100)
  .superRefine(unique((branch: string) => branch.toLowerCase(), 'branch name'));

const Cell = z.enum(['P1', 'P2', 'P3', 'P4'], { error: expected('one of "P1", "P2", "P3", "P4"') });
const byLevel = <T extends z.ZodType>(value: T, what: string) =>
  settings({ high: value.optional(), medium: value.optional(), low: value.optional() }, what);
const Matrix = byLevel(byLevel(Cell, 'priorities by urgency, such as {"high": "P1"}'), 'rows by impact, such as {"high": {"high": "P1"}}');
const Words = byLevel(text('a sentence', 200), 'sentences by level, such as {"high": "..."}');
const Wording = settings({ impact: Words.optional(), urgency: Words.optional() }, 'an object with "impact" and "urgency"');

const PriorityNames = settings(
  { P1: text('a name', 40).optional(), P2: text('a name', 40).optional(), P3: text('a name', 40).optional(), P4: text('a name', 40).optional(), P5: text('a name', 40).optional() },
  'names by priority, such as {"P1": "Critical"}',
);

const DURATION_HINT = 'a duration such as "4 business hours"';
const AGREED_DATE = 'agreed date';
const isAgreedDate = (text: string) => text.trim().toLowerCase() === AGREED_DATE;
const durationFrom = (text: string, context: z.RefinementCtx, hint: string): Duration => {
  const duration = parseDuration(text);
  if (duration !== undefined) return duration;
  context.addIssue({ code: 'custom', message: `expected ${hint} (${got(text)})`, input: text });
  return z.NEVER;
};
const DurationText = z.string({ error: expected(DURATION_HINT) }).transform((text, context) => durationFrom(text, context, DURATION_HINT));
const MatrixResolution = z
  .string({ error: expected(DURATION_HINT) })
  .transform((text, context) => durationFrom(text, context, isAgreedDate(text) ? `${DURATION_HINT}; only P5 is resolved by "${AGREED_DATE}"` : DURATION_HINT));
const PlanningResolution = z
  .string({ error: expected(`${DURATION_HINT}, or "${AGREED_DATE}"`) })
  .transform((text, context): Duration | 'agreedDate' => (isAgreedDate(text) ? 'agreedDate' : durationFrom(text, context, `${DURATION_HINT}, or "${AGREED_DATE}"`)));
const MatrixLevel = settings({ response: DurationText.optional(), resolution: MatrixResolution.optional() }, 'an object with "response" and "resolution"');
const PlanningLevel = settings({ response: DurationText.optional(), resolution: PlanningResolution.optional() }, 'an object with "response" and "resolution"');
const ServiceLevels = settings(
  { P1: MatrixLevel.optional(), P2: MatrixLevel.optional(), P3: MatrixLevel.optional(), P4: MatrixLevel.optional(), P5: PlanningLevel.optional() },
  'service levels by priority, such as {"P2": {"response": "1 hour"}}',
);

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const Time = z.string({ error: expected('a time "HH:mm" such as "09:00"') }).regex(TIME);
const Day = settings({ open: Time, close: Time }, '{"open": "09:00", "close": "17:00"}, or null when closed')
  .superRefine((day, context) => {
    // Zero-padded "HH:mm" strings sort as times do; a malformed time is reported on its own.
    if (TIME.test(day.open) && TIME.test(day.close) && day.open >= day.close) context.addIssue({ code: 'custom', path: ['close'], message: `expected a closing time after the opening time "${day.open}" (got "${day.close}")`, input: day.close });
  })
  .nullable();
const OpeningHours = settings(
  { mon: Day.optional(), tue: Day.optional(), wed: Day.optional(), thu: Day.optional(), fri: Day.optional(), sat: Day.optional(), sun: Day.optional() },
  'opening hours by weekday, such as {"sat": null}',
);

const Holiday = z
  .string({ error: expected('a date YYYY-MM-DD such as "2026-12-25"') })
  .refine((day) => /^\d{4}-\d{2}-\d{2}$/.test(day) && DateTime.fromISO(day).isValid);
const Holidays = z.array(Holiday, { error: expected('a list of dates such as ["2026-12-25"]') });

const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], { error: expected('a weekday: "mon", "tue", "wed", "thu", "fri", "sat" or "sun"') });
const WeeklyPost = settings(
  { day: Weekday.optional(), time: Time.optional(), emptyWeek: z.enum(['note', 'skip'], { error: expected('"note" or "skip"') }).optional() },
  'the weekly post, such as {"day": "fri", "time": "15:00", "emptyWeek": "note"}',
);
const Badges = z
  .array(text('a badge name', 40), { error: expected('a list of 1 to 20 badge names') })
  .min(1)
  .max(20)
  .superRefine(unique((badge: string) => badge.toLowerCase(), 'badge'));
const Praise = settings(
  {
    badges: Badges.optional(),
    promptsPerWeek: wholeNumber('a whole number of prompts from 0 to 50').min(0).max(50).optional(),
    weeklyPost: WeeklyPost.optional(),
    mentionLimit: wholeNumber('a whole number of people from 0 to 20').min(0).max(20).optional(),
  },
  'praise settings such as {"promptsPerWeek": 3}',
);

const PolicyFile = settings(
  {
    catalogue: Catalogue.optional(),
    branches: Branches.optional(),
    matrix: Matrix.optional(),
    priorityNames: PriorityNames.optional(),
    manyPatrons: wholeNumber('a whole number of patrons, 1 or more').min(1).optional(),
    deadlineNearDays: wholeNumber('a whole number of days from 0 to 60').min(0).max(60).optional(),
    autoCloseDays: wholeNumber('a whole number of days from 1 to 90').min(1).max(90).optional(),
    wording: Wording.optional(),
    serviceLevels: ServiceLevels.optional(),
    openingHours: OpeningHours.optional(),
    holidays: Holidays.optional(),
    praise: Praise.optional(),
  },
  'an object of policy settings such as {"manyPatrons": 100}',
);

function merge(file: z.output<typeof PolicyFile>): Policy {
  const base = DEFAULT_POLICY;
  const levels = base.serviceLevels;
  return {
    catalogue: file.catalogue ?? base.catalogue,
    branches: file.branches ?? base.branches,
    matrix: {
      high: { ...base.matrix.high, ...file.matrix?.high },
      medium: { ...base.matrix.medium, ...file.matrix?.medium },
      low: { ...base.matrix.low, ...file.matrix?.low },
    },
    priorityNames: { ...base.priorityNames, ...file.priorityNames },
    manyPatrons: file.manyPatrons ?? base.manyPatrons,
    deadlineNearDays: file.deadlineNearDays ?? base.deadlineNearDays,
    autoCloseDays: file.autoCloseDays ?? base.autoCloseDays,
    wording: {
      impact: { ...base.wording.impact, ...file.wording?.impact },
      urgency: { ...base.wording.urgency, ...file.wording?.urgency },
    },
    serviceLevels: {
      P1: { ...levels.P1, ...file.serviceLevels?.P1 },
      P2: { ...levels.P2, ...file.serviceLevels?.P2 },
      P3: { ...levels.P3, ...file.serviceLevels?.P3 },
      P4: { ...levels.P4, ...file.serviceLevels?.P4 },
      P5: { ...levels.P5, ...file.serviceLevels?.P5 },
    },
    openingHours: { ...base.openingHours, ...file.openingHours },
    holidays: file.holidays ?? base.holidays,
    praise: {
      badges: file.praise?.badges ?? base.praise.badges,
      promptsPerWeek: file.praise?.promptsPerWeek ?? base.praise.promptsPerWeek,
      weeklyPost: { ...base.praise.weeklyPost, ...file.praise?.weeklyPost },
      mentionLimit: file.praise?.mentionLimit ?? base.praise.mentionLimit,
    },
  };
}

/** "serviceLevels.P2.response: expected ...", one line per unknown key. */
function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${pathOf([...issue.path, key])}: ${issue.message}`);
  return [`${pathOf(issue.path)}: ${issue.message}`];
}

function pathOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`)).join('');
}
