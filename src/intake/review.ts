// The review step's domain: all answers checked together, and the request they would make if submitted now.

import { assess, type Assessment } from '../requests/priority';
import { todayIn } from '../lib/dates';
import type { Policy } from '../policy/policy';
import { dueTimes } from '../sla/serviceLevels';
import { ANSWER_STEPS, type AnswerStep, type Answers } from './answers';
import type { Draft } from './draft';
import { checkStep, type FieldErrors } from './fields';
import { businessImpact } from './statement';

/** The organisation's rules and the moment: what checking and previewing depend on. */
export interface ReviewContext {
  policy: Policy;
  timeZone: string;
  now: Date;
}

/** The answers of every step, or the first step whose stored inputs no longer pass (the policy changed). */
export type AllAnswers = { ok: true; answers: Answers } | { ok: false; step: AnswerStep; errors: FieldErrors };

export function answersOf(draft: Draft, context: ReviewContext): AllAnswers {
  const checkContext = { policy: context.policy, today: todayIn(context.timeZone, context.now) };
  const answers: Partial<Answers> = {};
  for (const step of ANSWER_STEPS) {
    const check = checkStep(step, draft.inputs[step] ?? {}, checkContext);
    if (!check.result.ok) return { ok: false, step, errors: check.result.errors };
    Object.assign(answers, { [check.step]: check.result.value });
  }
  return { ok: true, answers: answers as Answers };
}

/** What the request would be if submitted now: answers, priority, statement, due times. */
export interface Preview {
  answers: Answers;
  assessment: Assessment;
  statement: string;
  responseBy: Date;
  resolveBy: Date;
}

export function previewOf(answers: Answers, context: ReviewContext): Preview {
  const assessment = assess(answers, context.policy, todayIn(context.timeZone, context.now));
  const due = dueTimes(assessment.priority, context.now, context.policy, context.timeZone, answers.urgency.deadline);
  return { answers, assessment, statement: businessImpact(answers, context.policy), ...due };
}

