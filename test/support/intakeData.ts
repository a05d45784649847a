// Sample intake answers and card helpers, free of mocha and the flow harness, so the benchmark can use them.

import assert from 'node:assert/strict';
import { todayIn } from '../../src/lib/dates';

export type Card = Record<string, unknown>;

/** Library time in the flow harness. */
export const TIME_ZONE = 'Australia/Perth';
export const today = (): string => todayIn(TIME_ZONE, new Date());

/** Answers that make a P2 High incident: one branch, stopped with no workaround, no extra risk. */
export const P2_ANSWERS = {
  what: { kind: 'incident', service: 'self-check', title: 'Self-check rejects every card', description: 'The self-check machine at Branch 2 rejects every library card since opening.' },
  impact: { reach: 'medium', patrons: '40', staff: '2' },
  urgency: { stopped: 'yes', hasWorkaround: 'no' },
  risks: { financial: 'false', compliance: 'false', reputation: 'false' },
} as const;

/** Every Action.Execute in a card (including those inside ShowCards), with its verb and data. */
export function actionsOf(card: unknown): { verb: string; title: string; data: Record<string, unknown> }[] {
  const found: { verb: string; title: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute' && typeof record.verb === 'string') {
      found.push({ verb: record.verb, title: typeof record.title === 'string' ? record.title : '', data: (record.data ?? {}) as Record<string, unknown> });
    }
    Object.values(record).forEach(walk);
  };
  walk(card);
  return found;
}

export function actionOf(card: unknown, verb: string, title?: RegExp): Record<string, unknown> {
  const action = actionsOf(card).find((a) => a.verb === verb && (title === undefined || title.test(a.title)));
  assert.ok(action, `the card has a ${verb} button${title === undefined ? '' : ` titled ${String(title)}`}`);
  return action.data;
}
