// The intake's inputs: what each step reads from a card, the limits, and the checks that turn raw card
// values into answers. Card values are untrusted; every check here runs on the server whatever the card
// already checked.

import type { Level, Policy } from '../policy/policy';
import { NOTE_LIMIT } from '../requests/request';
import type { AnswerStep, Answers, ImpactAnswers, RiskAnswers, UrgencyAnswers, WhatAnswers } from './answers';

/** Field limits, so card templates and the server check the same numbers. */
export interface Limits {
  title: number;
  description: number;
  branch: number;
  shortText: number;
  longText: number;
}

export const LIMITS: Limits = { title: 100, description: 2000, branch: 80, shortText: 300, longText: NOTE_LIMIT };

/** The input ids each step's card has. Anything else in card data is ignored. */
export const STEP_FIELDS = {
  what: ['kind', 'service', 'branch', 'title', 'description', 'startedOn', 'startedAt'],
  impact: ['reach', 'patrons', 'staff'],
  urgency: ['stopped', 'hasWorkaround', 'workaround', 'deadline', 'deadlineReason'],
  risks: ['financial', 'financialHow', 'compliance', 'complianceHow', 'reputation', 'reputationHow', 'serviceQuality', 'staffHours'],
} as const satisfies Record<AnswerStep, readonly string[]>;

export type FieldOf<S extends AnswerStep> = (typeof STEP_FIELDS)[S][number];
export type StepInputs<S extends AnswerStep = AnswerStep> = Partial<Record<FieldOf<S>, string>>;
export type FieldErrors<S extends AnswerStep = AnswerStep> = Partial<Record<FieldOf<S>, string>>;

export type Checked<T, S extends AnswerStep> = { ok: true; value: T } | { ok: false; errors: FieldErrors<S> };

/** What the checks need besides the inputs. */
export interface CheckContext {
  policy: Policy;
  /** Today in the library's time zone, YYYY-MM-DD. */
  today: string;
}

/**
 * Reads a step's inputs from card data: strings (numbers from Input.Number as text), trimmed, control
 * characters other than line breaks removed. Fields absent or of another type read as ''.
 */
export function readInputs<S extends AnswerStep>(step: S, data: unknown): StepInputs<S> {
  const inputs: StepInputs<S> = {};
  if (typeof data !== 'object' || data === null) return inputs;
  const record = data as Record<string, unknown>;
  for (const field of STEP_FIELDS[step] as readonly FieldOf<S>[]) {
    const value = record[field];
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
      const text = cleanText(String(value));
      if (text !== '') inputs[field] = text;
    }
  }
  return inputs;
}

/** Trimmed, line breaks normalised, control and direction-override characters removed. */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
}

/** Collects per-field problems; `value` is only read when there were none. */
class Checker<S extends AnswerStep> {
  readonly errors: FieldErrors<S> = {};
  constructor(private readonly inputs: StepInputs<S>) {}

  text(field: FieldOf<S>, label: string, max: number, required: boolean): string | undefined {
    const value: string | undefined = this.inputs[field];
    if (value === undefined) {
      if (required) this.errors[field] = `${label} is needed.`;
      return undefined;
    }
    // UTF-16 units, as the card's maxLength and Table storage's string limit count them.
    if (value.length > max) {
      this.errors[field] = `${label} can be at most ${String(max)} characters (this one has ${String(value.length)}).`;
      return undefined;
    }
    return value;
  }

  choice<T extends string>(field: FieldOf<S>, label: string, allowed: readonly T[], required: boolean): T | undefined {
    const value = this.inputs[field];
    if (value === undefined) {
      if (required) this.errors[field] = `Please choose ${label}.`;
      return undefined;
    }
    const found = allowed.find((a) => a === value);
    if (found === undefined) this.errors[field] = `Please choose ${label} from the list.`;
    return found;
  }

  count(field: FieldOf<S>, label: string, max: number): number | undefined {
    const value = this.inputs[field];
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(n) || n > max) {
      this.errors[field] = `${label} should be a number from 0 to ${max.toLocaleString('en-GB')}.`;
      return undefined;
    }
    return n;
  }

  date(field: FieldOf<S>, label: string, bounds: { notAfter?: string; notBefore?: string }): string | undefined {
    const value = this.inputs[field];
    if (value === undefined) return undefined;
    if (!isIsoDate(value)) {
      this.errors[field] = `${label} should be a date.`;
      return undefined;
    }
    if (bounds.notAfter !== undefined && value > bounds.notAfter) {
      this.errors[field] = `${label} cannot be in the future.`;
      return undefined;
    }
    if (bounds.notBefore !== undefined && value < bounds.notBefore) {
      this.errors[field] = `${label} cannot be in the past.`;
      return undefined;
    }
    return value;
  }

  time(field: FieldOf<S>, label: string): string | undefined {
    const value = this.inputs[field];
    if (value === undefined) return undefined;
    const match = /^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$/.exec(value);
    if (!match) {
      this.errors[field] = `${label} should be a time such as 09:30.`;
      return undefined;
    }
    return value.slice(0, 5);
  }

  need(field: FieldOf<S>, message: string): void {
    this.errors[field] ??= message;
  }

  result<T>(value: () => T): Checked<T, S> {
    return Object.keys(this.errors).length === 0 ? { ok: true, value: value() } : { ok: false, errors: this.errors };
  }
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

const YES_NO = ['yes', 'no'] as const;
const TOGGLE = ['true', 'false'] as const;
const REACH: readonly Level[] = ['high', 'medium', 'low'];

export function checkWhat(inputs: StepInputs<'what'>, { policy, today }: CheckContext): Checked<WhatAnswers, 'what'> {
  const c = new Checker(inputs);
  const kind = c.choice('kind', 'what kind of request this is', ['incident', 'request'] as const, true);
  const serviceId = c.choice('service', 'the service', policy.catalogue.map((s) => s.id), true);
  const branch = policy.branches.length > 0 ? c.choice('branch', 'a branch', policy.branches, false) : c.text('branch', 'Where', LIMITS.branch, false);
  const title = c.text('title', 'A short title', LIMITS.title, true);
  const description = c.text('description', 'A description', LIMITS.description, true);
  const startedOn = c.date('startedOn', 'The day it started', { notAfter: today });
  const startedAt = c.time('startedAt', 'The time it started');
  if (kind === 'incident' && startedOn === undefined) c.need('startedOn', 'Please say on which day it started (a rough day is fine).');
  return c.result(() => ({
    kind: kind ?? 'incident',
    serviceId: serviceId ?? '',
    ...(branch === undefined ? {} : { branch }),
    title: title ?? '',
    description: description ?? '',
    ...(kind === 'incident' && startedOn !== undefined ? { startedOn, ...(startedAt === undefined ? {} : { startedAt }) } : {}),
  }));
}

export function checkImpact(inputs: StepInputs<'impact'>): Checked<ImpactAnswers, 'impact'> {
  const c = new Checker(inputs);
  const reach = c.choice('reach', 'how far it reaches', REACH, true);
  const patrons = c.count('patrons', 'Patrons affected', 10_000_000);
  const staff = c.count('staff', 'Staff affected', 100_000);
  return c.result(() => ({
    reach: reach ?? 'low',
    ...(patrons === undefined ? {} : { patrons: Math.round(patrons) }),
    ...(staff === undefined ? {} : { staff: Math.round(staff) }),
  }));
}

export function checkUrgency(inputs: StepInputs<'urgency'>, { today }: CheckContext): Checked<UrgencyAnswers, 'urgency'> {
  const c = new Checker(inputs);
  const stopped = c.choice('stopped', 'yes or no', YES_NO, true);
  const hasWorkaround = c.choice('hasWorkaround', 'yes or no', YES_NO, false);
  const workaround = c.text('workaround', 'The workaround', LIMITS.shortText, false);
  const deadline = c.date('deadline', 'The deadline', { notBefore: today });
  const deadlineReason = c.text('deadlineReason', 'What the deadline is for', LIMITS.shortText, false);
  if (stopped === 'yes' && hasWorkaround === undefined) c.need('hasWorkaround', 'Please say whether there is a workaround.');
  if (hasWorkaround === 'yes' && workaround === undefined) c.need('workaround', 'Please say what the workaround is, in a few words.');
  if (deadlineReason !== undefined && deadline === undefined) c.need('deadline', 'Please give the date of the deadline, or clear what it is for.');
  return c.result(() => ({
    stopped: stopped === 'yes',
    ...(hasWorkaround === 'yes' && workaround !== undefined ? { workaround } : {}),
    ...(deadline === undefined ? {} : { deadline, ...(deadlineReason === undefined ? {} : { deadlineReason }) }),
  }));
}

export function checkRisks(inputs: StepInputs<'risks'>): Checked<RiskAnswers, 'risks'> {
  const c = new Checker(inputs);
  const risks: RiskAnswers = {};
  for (const [risk, how] of [['financial', 'financialHow'], ['compliance', 'complianceHow'], ['reputation', 'reputationHow']] as const) {
    const ticked = c.choice(risk, 'yes or no', TOGGLE, false) === 'true';
    const text = c.text(how, 'How', LIMITS.shortText, false);
    if (ticked && text === undefined) c.need(how, 'Please say how, in a sentence.');
    if (ticked && text !== undefined) risks[risk] = text;
  }
  const serviceQuality = c.text('serviceQuality', 'How service and productivity suffer', LIMITS.longText, false);
  const staffHours = c.count('staffHours', 'Staff hours lost per day', 1_000);
  return c.result(() => ({
    ...risks,
    ...(serviceQuality === undefined ? {} : { serviceQuality }),
    ...(staffHours === undefined ? {} : { staffHoursPerDay: staffHours }),
  }));
}

export type StepCheck = { [S in AnswerStep]: { step: S; result: Checked<Answers[S], S> } }[AnswerStep];

/** Checks one step's inputs. */
export function checkStep(step: AnswerStep, inputs: StepInputs, context: CheckContext): StepCheck {
  switch (step) {
    case 'what':
      return { step, result: checkWhat(inputs, context) };
    case 'impact':
      return { step, result: checkImpact(inputs) };
    case 'urgency':
      return { step, result: checkUrgency(inputs, context) };
    case 'risks':
      return { step, result: checkRisks(inputs) };
  }
}
