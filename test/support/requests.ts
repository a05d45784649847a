// Service requests for unit tests: REQ-0042, a P2 incident at one branch, and the same request after any
// sequence of lifecycle actions. Shared by the card, lifecycle and notification specs.

import assert from 'node:assert/strict';
import type { Answers } from '../../src/intake/answers';
import { newDraft, type Person } from '../../src/intake/draft';
import { previewOf, type ReviewContext } from '../../src/intake/review';
import { DEFAULT_POLICY } from '../../src/policy/policy';
import { apply, type Action } from '../../src/requests/lifecycle';
import { newRequest, type RequestEvent, type RequestStatus, type Route, type ServiceRequest } from '../../src/requests/request';

export const NOW = new Date('2026-12-01T02:30:00Z'); // Tue 1 Dec 2026, 10:30 in Perth
export const CONTEXT: ReviewContext = { policy: DEFAULT_POLICY, timeZone: 'Australia/Perth', now: NOW };

/** The requester. */
export const TESS: Person = { aadObjectId: 'a1111111-1111-4111-8111-111111111111', name: 'Tess Nguyen' };
/** IT staff. */
export const MEGAN: Person = { aadObjectId: 'e5555555-5555-4555-8555-555555555555', name: 'Megan Bowen' };
export const IVAN: Person = { aadObjectId: 'b2222222-2222-4222-8222-222222222222', name: 'Ivan Brooks' };

/** IT's channel, where requests are posted. */
export const ROUTE: Route = { teamId: 'team', channelId: 'channel', channelName: 'Service desk' };

export interface SubmitOptions {
  title?: string;
  description?: string;
  requester?: Person;
  /** False: submitted while IT had no channel connected, so not posted anywhere yet. Default true. */
  routed?: boolean;
}

/** REQ-0042 as submitted at NOW, with its `submitted` event. */
export function submission(options: SubmitOptions = {}): { request: ServiceRequest; event: RequestEvent } {
  const answers: Answers = {
    what: {
      kind: 'incident',
      serviceId: 'self-check',
      title: options.title ?? 'Self-check rejects every card',
      description: options.description ?? 'The self-check machine at Branch 2 rejects every library card since opening.',
      startedOn: '2026-12-01',
    },
    impact: { reach: 'medium', patrons: 40, staff: 2 },
    urgency: { stopped: true },
    risks: {},
  };
  const draft = newDraft('tenant', 'draft-1', options.requester ?? TESS, NOW);
  return newRequest(draft, previewOf(answers, CONTEXT), 42, NOW, options.routed === false ? undefined : ROUTE);
}

/** REQ-0042 as submitted at NOW: a P2 incident at one branch, posted to IT's channel unless `routed: false`. */
export function submitted(options: SubmitOptions = {}): ServiceRequest {
  return submission(options).request;
}

export type Step = [Action, Person];

/** One action applied at NOW; fails the test if the lifecycle refuses it. */
export function changed(request: ServiceRequest, [action, actor]: Step): { request: ServiceRequest; event: RequestEvent } {
  const change = apply(request, action, actor, NOW, DEFAULT_POLICY.autoCloseDays);
  assert.ok(change.ok, `${action.kind} was refused: ${change.ok ? '' : change.reason}`);
  return { request: change.request, event: change.event };
}

/** The request after each action in turn; fails if the lifecycle refuses one. */
export function after(request: ServiceRequest, ...steps: Step[]): ServiceRequest {
  return steps.reduce((current, step) => changed(current, step).request, request);
}

export const take: Step = [{ kind: 'take' }, MEGAN];
export const hold = (note = 'The vendor sends a new card reader on Thursday.'): Step => [{ kind: 'hold', reason: 'vendor', note }, MEGAN];
export const resolve = (note = 'Replaced the card reader; it reads every card again.'): Step => [{ kind: 'resolve', note }, MEGAN];

/** One request in each status: taken by Megan Bowen where someone took it, cancelled by its requester. */
export function inEach(base = submitted()): Record<RequestStatus, ServiceRequest> {
  return {
    New: base,
    'In progress': after(base, take),
    'On hold': after(base, take, hold()),
    Resolved: after(base, take, resolve()),
    Closed: after(base, take, resolve(), [{ kind: 'confirm' }, TESS]),
    Cancelled: after(base, [{ kind: 'cancel', reason: 'It works again after a restart.' }, TESS]),
  };
}
