// "my requests", one request in full, and the requester cancelling an open request.

import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { myRequestsCard, requestDetailCard, type Banner } from '../../cards/intakeViews';
import type { AdaptiveCard } from '../../cards/render';
import { cleanText, LIMITS } from '../../intake/fields';
import { cancelByRequester, OPEN_STATUSES, seqOf } from '../../requests/request';
import { tenantOf } from '../../server/activity';
import { isConflict } from '../../storage/tables';
import { cardResponse, noticeCard, noticeResponse, sendCard } from '../reply';
import type { BotServices } from '../services';
import { turnLogger } from '../turnLogger';
import { viewContext } from './intake';
import { actorOf, NOT_IDENTIFIED } from './identity';

const LIST_LIMIT = 15;
const RECENT_MS = 30 * 24 * 60 * 60 * 1000;

async function myRequests(context: TurnContext, services: BotServices): Promise<AdaptiveCard> {
  const actor = actorOf(context);
  if (!actor) return noticeCard('My requests', NOT_IDENTIFIED);
  const view = viewContext(services);
  const since = view.now.getTime() - RECENT_MS;
  const summaries = await services.requests.listMine(tenantOf(context.activity) ?? 'no-tenant', actor.aadObjectId, LIST_LIMIT, (s) => OPEN_STATUSES.includes(s.status) || s.updatedAt.getTime() >= since);
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

/** Loads the request a card names, for its requester only. */
async function requestFor(context: TurnContext, data: unknown, services: BotServices) {
  const actor = actorOf(context);
  if (!actor) return { ok: false as const, response: noticeResponse('Request', NOT_IDENTIFIED) };
  const parsed = ReferenceData.safeParse(data);
  const seq = parsed.success ? seqOf(parsed.data.reference) : undefined;
  const tenantId = tenantOf(context.activity) ?? 'no-tenant';
  const stored = seq === undefined ? undefined : await services.requests.getRequest(tenantId, seq);
  if (stored?.value.requester.aadObjectId !== actor.aadObjectId) {
    if (stored) turnLogger(context, services.logger).info({ reference: stored.value.reference }, 'refused to show a request to someone who did not make it');
    return { ok: false as const, response: noticeResponse('Request not found', 'I cannot find that request among yours. Type my requests to see the ones you made.') };
  }
  return { ok: true as const, actor, stored, tenantId };
}

async function detail(services: BotServices, tenantId: string, seq: number, banner?: Banner, reasonError?: string): Promise<AdaptiveCardInvokeResponse> {
  const stored = await services.requests.getRequest(tenantId, seq);
  if (!stored) return noticeResponse('Request not found', 'I cannot find that request. Type my requests to see yours.');
  const events = await services.requests.events(tenantId, seq);
  return cardResponse(requestDetailCard(stored.value, events, viewContext(services), banner, reasonError));
}

export async function showRequest(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const found = await requestFor(context, data, services);
  if (!found.ok) return found.response;
  return detail(services, found.tenantId, found.stored.value.seq);
}

/** "Cancel the request" with a reason, by the requester, while the request is open. */
export async function cancelRequest(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const found = await requestFor(context, data, services);
  if (!found.ok) return found.response;
  const { actor, stored, tenantId } = found;
  const seq = stored.value.seq;
  const reason = readReason(data);
  if (reason === undefined) return detail(services, tenantId, seq, undefined, 'Please say in a few words why you are cancelling it.');
  if (reason.length > LIMITS.longText) return detail(services, tenantId, seq, undefined, `The reason can be at most ${String(LIMITS.longText)} characters.`);

  const change = cancelByRequester(stored.value, actor, reason, services.clock.now());
  if (!change.ok) return detail(services, tenantId, seq, { text: change.reason, style: 'warning' });
  try {
    await services.requests.changeRequest(change.request, stored.etag, change.event);
  } catch (error) {
    if (isConflict(error)) return detail(services, tenantId, seq, { text: 'This request changed meanwhile, so nothing was cancelled. Here it is as it is now.', style: 'warning' });
    turnLogger(context, services.logger).error({ err: error, reference: stored.value.reference }, 'could not cancel a request');
    return detail(services, tenantId, seq, { text: 'Not cancelled: Liaison could not reach its storage just now. Please try again in a moment.', style: 'attention' });
  }
  turnLogger(context, services.logger).info({ reference: stored.value.reference }, 'request cancelled by its requester');
  return detail(services, tenantId, seq, { text: `${stored.value.reference} is cancelled.`, style: 'good' });
}

function readReason(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as Record<string, unknown>).reason;
  if (typeof value !== 'string') return undefined;
  const text = cleanText(value);
  return text === '' ? undefined : text;
}
