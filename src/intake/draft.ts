// A request in the making. Plain data and pure transitions; storage and Teams live elsewhere.

import { STEPS, type AnswerStep, type StepId } from './answers';
import type { StepInputs } from './fields';

export interface Person {
  aadObjectId: string;
  name: string;
}

export type DraftStatus = 'open' | 'submitted' | 'discarded';
/** Why a draft was discarded, so an old card can say what happened to it. */
export type DiscardReason = 'cancelled' | 'expired' | 'replaced';

export interface Draft {
  tenantId: string;
  draftId: string;
  owner: Person;
  /** Increases with every change; a card carries the revision it showed, so an old card is recognised. */
  rev: number;
  step: StepId;
  /** The checked inputs of each step answered so far, as the card sent them. */
  inputs: Partial<Record<AnswerStep, StepInputs>>;
  /** Once the review was reached, Next on any step returns to it. */
  reachedReview: boolean;
  status: DraftStatus;
  /** Set when submitted. */
  reference?: string;
  /** Set when discarded. */
  discardedBecause?: DiscardReason;
  createdAt: Date;
  updatedAt: Date;
}

/** Drafts untouched for this long are discarded (issue: 14 days). */
export const DRAFT_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;

export function isExpired(draft: Draft, now: Date): boolean {
  return draft.status === 'open' && now.getTime() - draft.updatedAt.getTime() > DRAFT_LIFETIME_MS;
}

export function newDraft(tenantId: string, draftId: string, owner: Person, now: Date, description?: string): Draft {
  return {
    tenantId,
    draftId,
    owner,
    rev: 1,
    step: 'what',
    inputs: description === undefined ? {} : { what: { description } },
    reachedReview: false,
    status: 'open',
    createdAt: now,
    updatedAt: now,
  };
}

/** Step number for people: "Step 2 of 5". */
export function stepNumber(step: StepId): number {
  return STEPS.indexOf(step) + 1;
}

function change(draft: Draft, now: Date, patch: Partial<Draft>): Draft {
  return { ...draft, ...patch, rev: draft.rev + 1, updatedAt: now };
}

/** Records a step's checked inputs and moves on: to the next step, or back to the review once it was reached. */
export function answerStep(draft: Draft, step: AnswerStep, inputs: StepInputs, now: Date): Draft {
  const following = STEPS[STEPS.indexOf(step) + 1] ?? 'review';
  const next: StepId = draft.reachedReview ? 'review' : following;
  return change(draft, now, { inputs: { ...draft.inputs, [step]: inputs }, step: next, reachedReview: draft.reachedReview || next === 'review' });
}

/** The step before the current one; the answers stay. */
export function goBack(draft: Draft, now: Date): Draft {
  const index = STEPS.indexOf(draft.step);
  return index <= 0 ? draft : change(draft, now, { step: STEPS[index - 1] ?? 'what' });
}

export type Jump = { ok: true; draft: Draft } | { ok: false; reason: string };

/**
 * From the review to any step ("Change impact"), or back to the review. Only a draft that reached the
 * review has every step answered, so only such a draft may jump.
 */
export function goTo(draft: Draft, target: StepId, now: Date): Jump {
  if (!draft.reachedReview) return { ok: false, reason: 'That step cannot be opened yet: please answer the steps before it first.' };
  return { ok: true, draft: change(draft, now, { step: target }) };
}

export function discard(draft: Draft, now: Date, because: DiscardReason): Draft {
  return change(draft, now, { status: 'discarded', discardedBecause: because });
}

export function markSubmitted(draft: Draft, reference: string, now: Date): Draft {
  return change(draft, now, { status: 'submitted', reference });
}
