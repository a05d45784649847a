// "my requests", one request in full, and the requester cancelling an open request.

import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { myRequestsCard, requestDetailCard, type Banner } from '../../cards/intakeViews';
import type { AdaptiveCard } from '../../cards/render';
import { cleanText } from '../../intake/fields';
import { cancelByRequester, isListed, seqOf, type RequestEvent, type ServiceRequest } from '../../requests/request';
import { isConflict } from '../../storage/tables';
import { cardResponse, noticeCard, noticeResponse, sendCard } from '../reply';
import { reviewContext, type BotServices } from '../services';
import { turnLogger } from '../turnLogger';
import { NOT_IDENTIFIED, ownerOf } from './identity';

const LIST_LIMIT = 15;

async function myRequests(context: TurnContext, services: BotServices): Promise<AdaptiveCard> {
  const owner = ownerOf(context);
  if (!owner) return noticeCard('My requests', NOT_IDENTIFIED);
  const view = reviewContext(services);
  const summaries = await services.requests.listMine(owner.tenantId, owner.person.aadObjectId, LIST_LIMIT, (s) => isListed(s, view.now));
  const note =
    summaries.length === 0
      ? 'You have no open requests, and none closed in the last 30 days. Type new request to ask IT for something.'
      : `Your open requests, and those closed in the last 30 days, newest first${summaries.length === LIST_LIMIT ? ` (the latest ${String(LIST_LIMIT)})` : ''}.`;
  return myRequestsCard(summaries, view, note);
}

export async function showMyRequests(context: TurnContext, services: BotServices): Promise<void> {
  await sendCard(context, await myRequests(context, services), 'My requests');
}

export async function listFromCard(context: TurnContext, _data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  return cardResponse(await myRequests(context, services));
}

const ReferenceData = z.object({ reference: z.string().max(20) });
const NOT_YOURS = 'I cannot find that request among yours. Type my requests to see the ones you made.';

/** Loads the request a card names, for its requester only. */
async function requestFor(context: TurnContext, data: unknown, services: BotServices) {
  const owner = ownerOf(context);
  if (!owner) return { ok: false as const, response: noticeResponse('Request', NOT_IDENTIFIED) };
  const parsed = ReferenceData.safeParse(data);
  const seq = parsed.success ? seqOf(parsed.data.reference) : undefined;
  const stored = seq === undefined ? undefined : await services.requests.getRequest(owner.tenantId, seq);
  if (stored?.value.requester.aadObjectId !== owner.person.aadObjectId) {
    if (stored) turnLogger(context, services.logger).info({ reference: stored.value.reference }, 'refused to show a request to someone who did not make it');
    return { ok: false as const, response: noticeResponse('Request not found', NOT_YOURS) };
  }
  return { ok: true as const, owner, stored };
}

async function detail(services: BotServices, tenantId: string, seq: number, banner?: Banner, reasonError?: string): Promise<AdaptiveCardInvokeResponse> {
  const stored = await services.requests.getRequest(tenantId, seq);
  if (!stored) return noticeResponse('Request not found', NOT_YOURS);
  const events = await services.requests.events(tenantId, seq);
  return cardResponse(requestDetailCard(stored.value, events, reviewContext(services), banner, reasonError));
}

export async function showRequest(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const found = await requestFor(context, data, services);
  if (!found.ok) return found.response;
  return detail(services, found.owner.tenantId, found.stored.value.seq);
}

/** "Yes, cancel it" with a reason, by the requester, while the request is open. */
export async function cancelRequest(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const found = await requestFor(context, data, services);
  if (!found.ok) return found.response;
  const { owner, stored } = found;
  const { tenantId } = owner;
  const seq = stored.value.seq;
  const change = cancelByRequester(stored.value, owner.person, readReason(data), services.clock.now());
  if (!change.ok) {
    // A missing or long reason belongs next to the reason box; anything else (already closed) on top.
    return change.field === 'reason' ? detail(services, tenantId, seq, undefined, change.reason) : detail(services, tenantId, seq, { text: change.reason, style: 'warning' });
  }
  const cancelled = { text: `${stored.value.reference} is cancelled.`, style: 'good' } as const;
  try {
    await services.requests.changeRequest(change.request, stored.etag, change.event);
  } catch (error) {
    if (!isConflict(error)) {
      turnLogger(context, services.logger).error({ err: error, reference: stored.value.reference }, 'could not cancel a request');
      return detail(services, tenantId, seq, { text: 'Not cancelled: Liaison could not reach its storage just now. Please try again in a moment.', style: 'attention' });
    }
    // A retry after a lost answer also ends here: the change may be the one already stored.
    const fresh = await services.requests.getRequest(tenantId, seq);
    if (!fresh || !isThisChange(fresh.value, change.event)) {
      return detail(services, tenantId, seq, { text: 'This request changed meanwhile, so nothing was cancelled. Here it is as it is now.', style: 'warning' });
    }
  }
  turnLogger(context, services.logger).info({ reference: stored.value.reference }, 'request cancelled by its requester');
  return detail(services, tenantId, seq, cancelled);
}

function isThisChange(request: Pick<ServiceRequest, 'status' | 'eventCount'>, event: RequestEvent): boolean {
  return request.status === 'Cancelled' && request.eventCount === event.n;
}

function readReason(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as Record<string, unknown>).reason;
  if (typeof value !== 'string') return undefined;
  const text = cleanText(value);
  return text === '' ? undefined : text;
}
