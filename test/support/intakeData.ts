// Sample intake answers and intake card helpers, free of mocha and the flow harness, so the benchmark can use them.

import assert from 'node:assert/strict';
import { todayIn } from '../../src/lib/dates';
import { actionOf, type Card } from './cards';

export { actionOf, actionsOf, type Card } from './cards';

/** Library time in the flow harness. */
export const TIME_ZONE = 'Australia/Perth';
export const today = (): string => todayIn(TIME_ZONE, new Date());

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Answers that make a P2 High incident: one branch, stopped with no workaround, no extra risk. */
export const P2_ANSWERS = {
  what: { kind: 'incident', service: 'self-check', title: 'Self-check rejects every card', description: 'The self-check machine at Branch 2 rejects every library card since opening.' },
  impact: { reach: 'medium', patrons: '40', staff: '2' },
  urgency: { stopped: 'yes', hasWorkaround: 'no' },
  risks: { financial: 'false', compliance: 'false', reputation: 'false' },
} as const;

/** The draft an intake card belongs to, as its Cancel button carries it. */
export function draftIdOf(card: Card): string {
  const { draftId } = actionOf(card, 'intake.cancel');
  assert.equal(typeof draftId, 'string');
  return draftId as string;
}
