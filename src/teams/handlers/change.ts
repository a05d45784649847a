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
 * `rev` is the revision the pressed card showed (the request's event count then); undefined when the
 * press does not depend on what the card showed.
 */
export async function changeOnce(services: BotServices, stored: Stored<ServiceRequest>, action: Action, actor: Person, rev: number | undefined): Promise<ChangeOutcome> {
  const { tenantId, seq } = stored.value;
  if (rev !== undefined && rev !== stored.value.eventCount) return staleOrDone(services, stored.value, action, actor);

  const t = apply(stored.value, action, actor, services.clock.now(), services.policy.autoCloseDays);
  if (!t.ok) return { kind: 'refused', request: stored.value, reason: t.reason, ...(t.field === undefined ? {} : { field: t.field }) };
  try {
    await services.requests.changeRequest(stored, t.request, t.event);
  } catch (error) {
    if (!isConflict(error)) throw error;
    // A retry after a lost answer also ends here: the stored change may be this one.
    const fresh = await services.requests.getRequest(tenantId, seq);
    if (!fresh) throw error;
    return staleOrDone(services, fresh.value, action, actor);
  }
  services.outbox.kick(tenantId);
  return { kind: 'changed', request: t.request };
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
