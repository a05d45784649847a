// Applies an action to a request exactly once: the card's revision and the request's etag tell a
// stale card, a double press and a lost race apart.

import { inert } from '../../cards/render';
import type { Person } from '../../intake/draft';
import { describeEvent, tellable } from '../../requests/describe';
import { apply, isLatestChange, type Action } from '../../requests/lifecycle';
import type { ServiceRequest } from '../../requests/request';
import type { Stored } from '../../storage/requests';
import { isConflict } from '../../storage/tables';
import type { BotServices } from '../services';

export type ChangeOutcome =
  | { kind: 'changed'; request: ServiceRequest }
  /** The same press came twice: the first one's change stands. */
  | { kind: 'already'; request: ServiceRequest }
  /** The action is not valid (now, or with these inputs); nothing changed. */
  | { kind: 'refused'; request: ServiceRequest; reason: string; field?: 'note' }
  /** Someone changed the request since the card was drawn; nothing changed. */
  | { kind: 'stale'; request: ServiceRequest; reason: string };

/**
 * `rev` is the revision the pressed card showed (the request's event count then). A press from an older
 * card is a repeat of the latest change, or else refused; with `evenIfChanged`, it is applied to the
 * request as it is now when still valid (an answer to IT stays an answer whatever IT did meanwhile).
 */
export async function changeOnce(services: BotServices, stored: Stored<ServiceRequest>, action: Action, actor: Person, rev: number, evenIfChanged = false): Promise<ChangeOutcome> {
  const { tenantId, seq } = stored.value;
  if (rev !== stored.value.eventCount) {
    const outcome = await staleOrDone(services, stored.value, action, actor);
    if (!evenIfChanged || outcome.kind === 'already') return outcome;
  }

  const t = apply(stored.value, action, actor, services.clock.now(), services.policy.autoCloseDays);
  if (!t.ok) return { kind: 'refused', request: stored.value, reason: t.reason, ...(t.field === undefined ? {} : { field: t.field }) };
  try {
    await services.requests.changeRequest(stored, t.request, t.event);
  } catch (error) {
    // A retry after a lost answer ends here with a conflict, and a write that timed out may have been
    // stored all the same: either way the request as it is now says whether this change is in.
    const fresh = await services.requests.getRequest(tenantId, seq).catch(() => undefined);
    if (!fresh) throw error;
    if (!isConflict(error)) {
      const latest = await services.requests.event(tenantId, seq, fresh.value.eventCount).catch(() => undefined);
      if (isLatestChange(fresh.value, latest, action, actor)) return done(services, fresh.value);
      throw error;
    }
    return staleOrDone(services, fresh.value, action, actor);
  }
  return done(services, t.request);
}

function done(services: BotServices, request: ServiceRequest): ChangeOutcome {
  services.outbox.kick(request.tenantId);
  return { kind: 'changed', request };
}

async function staleOrDone(services: BotServices, current: ServiceRequest, action: Action, actor: Person): Promise<ChangeOutcome> {
  const latest = await services.requests.event(current.tenantId, current.seq, current.eventCount);
  if (isLatestChange(current, latest, action, actor)) return { kind: 'already', request: current };
  // Say why in the terms of the current state ("Megan Bowen already took REQ-0042.") when it forbids
  // the action; otherwise that it changed meanwhile.
  const now = apply(current, action, actor, services.clock.now(), services.policy.autoCloseDays);
  const what = latest ? ` (${describeEvent(tellable(latest), services.policy, inert)})` : '';
  const reason = !now.ok && now.field === undefined ? now.reason : `${current.reference} changed meanwhile${what}, so nothing was changed. Here it is as it is now; press again if it still applies.`;
  return { kind: 'stale', request: current, reason };
}
