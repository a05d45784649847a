// Applies an action to a request exactly once: the card's revision and the request's etag tell a
// stale card, a double press and a lost race apart.

import { inert } from '../../cards/render';
import type { Person } from '../../intake/draft';
import { describeEvent, tellable } from '../../requests/describe';
import { apply, isSameChange, type Action } from '../../requests/lifecycle';
import type { RequestEvent, ServiceRequest } from '../../requests/request';
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
 * card is a repeat of a change made since, or else refused; with `evenIfChanged`, it is applied to the
 * request as it is now when still valid (an answer to IT stays an answer whatever IT did meanwhile).
 */
export async function changeOnce(services: BotServices, stored: Stored<ServiceRequest>, action: Action, actor: Person, rev: number, evenIfChanged = false): Promise<ChangeOutcome> {
  const { tenantId, seq } = stored.value;
  let current = stored;
  let since = rev;
  for (let attempt = 1; ; attempt++) {
    if (since !== current.value.eventCount) {
      const { repeated, latest } = await changesSince(services, current.value, since, action, actor);
      if (repeated) return { kind: 'already', request: current.value };
      if (!evenIfChanged || attempt > ATTEMPTS) return stale(services, current.value, action, actor, latest);
    }
    const t = apply(current.value, action, actor, services.clock.now(), services.policy.autoCloseDays);
    if (!t.ok) return { kind: 'refused', request: current.value, reason: t.reason, ...(t.field === undefined ? {} : { field: t.field }) };
    try {
      await services.requests.changeRequest(current, t.request, t.event);
      return done(services, t.request);
    } catch (error) {
      // A retry after a lost answer ends here with a conflict, and a write that timed out may have been
      // stored all the same: either way the request as it is now says whether this change is in.
      const fresh = await services.requests.getRequest(tenantId, seq).catch(() => undefined);
      if (!fresh) throw error;
      if (!isConflict(error)) {
        const { repeated } = await changesSince(services, fresh.value, current.value.eventCount, action, actor).catch(() => ({ repeated: false }));
        if (repeated) return done(services, fresh.value);
        throw error;
      }
      since = current.value.eventCount;
      current = fresh;
    }
  }
}

/** How often a change that stands whatever happened meanwhile is tried again after losing a race. */
const ATTEMPTS = 3;

function done(services: BotServices, request: ServiceRequest): ChangeOutcome {
  services.outbox.kick(request.tenantId);
  return { kind: 'changed', request };
}

/** Whether one of the changes after revision `since` is this very action by this actor, and the latest change. */
async function changesSince(services: BotServices, request: ServiceRequest, since: number, action: Action, actor: Person): Promise<{ repeated: boolean; latest?: RequestEvent }> {
  const events = (await services.requests.events(request.tenantId, request.seq)).filter((e) => e.n > since);
  return { repeated: events.some((e) => isSameChange(e, action, actor)), ...(events.length === 0 ? {} : { latest: events[events.length - 1] }) };
}

/**
 * Says why nothing changed, in the terms of the current state ("Megan Bowen already took REQ-0042.")
 * when it forbids the action; otherwise that it changed meanwhile, and how.
 */
function stale(services: BotServices, current: ServiceRequest, action: Action, actor: Person, latest: RequestEvent | undefined): ChangeOutcome {
  const now = apply(current, action, actor, services.clock.now(), services.policy.autoCloseDays);
  const what = latest ? ` (${describeEvent(tellable(latest), services.policy, inert)})` : '';
  const reason = !now.ok && now.field === undefined ? now.reason : `${current.reference} changed meanwhile${what}, so nothing was changed. Here it is as it is now; press again if it still applies.`;
  return { kind: 'stale', request: current, reason };
}
