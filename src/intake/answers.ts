import type { Level } from '../policy/policy';

/** Incident: something is broken. Service request: something new or changed is needed. */
export type RequestKind = 'incident' | 'request';

/** The intake's steps, in order. */
export const STEPS = ['what', 'impact', 'urgency', 'risks', 'review'] as const;
export type StepId = (typeof STEPS)[number];
export type AnswerStep = Exclude<StepId, 'review'>;
export const ANSWER_STEPS: readonly AnswerStep[] = ['what', 'impact', 'urgency', 'risks'];

export interface WhatAnswers {
  kind: RequestKind;
  serviceId: string;
  /** A branch from the configured list, or free text when there is none; absent when not given. */
  branch?: string;
  title: string;
  description: string;
  /** Incidents only: the day it started (YYYY-MM-DD, library time) and optionally the time (HH:mm). */
  startedOn?: string;
  startedAt?: string;
}

export interface ImpactAnswers {
  reach: Level;
  patrons?: number;
  staff?: number;
}

export interface UrgencyAnswers {
  /** Has a service to patrons or staff work stopped? */
  stopped: boolean;
  /** The workaround in use, when there is one. */
  workaround?: string;
  /** YYYY-MM-DD */
  deadline?: string;
  deadlineReason?: string;
}

/** Each risk is present, with how, only when the technician ticked it. */
export interface RiskAnswers {
  financial?: string;
  compliance?: string;
  reputation?: string;
  /** How the quality of service and staff productivity suffer. */
  serviceQuality?: string;
  staffHoursPerDay?: number;
}

export interface Answers {
  what: WhatAnswers;
  impact: ImpactAnswers;
  urgency: UrgencyAnswers;
  risks: RiskAnswers;
}
