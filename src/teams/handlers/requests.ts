// "my requests", one request in full, and the requester cancelling an open request.

import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { myRequestsCard, requestDetailCard, type Banner } from '../../cards/intakeViews';
import type { AdaptiveCard } from '../../cards/render';
import { cleanText } from '../../intake/fields';
import type { RequesterAction, RequesterActionKind } from '../../requests/lifecycle';
import { isListed, seqOf } from '../../requests/request';
import { cardResponse, messageResponse, noticeCard, noticeResponse, sendCard, type MessageInvokeResponse } from '../reply';
import { reviewContext, type BotServices } from '../services';
import { turnLogger } from '../turnLogger';
import { changeOnce } from './change';
import { praisePrompt } from './praise';
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

const Rev = z.object({ rev: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,9}$/).transform(Number)]) });

const DONE: Record<RequesterActionKind, (reference: string) => string> = {
  cancel: (reference) => `${reference} is cancelled.`,
  reply: (reference) => `Sent to IT. Your answer is in ${reference}'s thread.`,
  confirm: (reference) => `Thank you! ${reference} is closed.`,
  reopen: (reference) => `${reference} is reopened, and IT has been told what still does not work.`,
};

/** cancel, reply, confirm and reopen, by the requester only, from their personal chat. */
export function requesterAction(kind: RequesterActionKind) {
  return async (context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse | MessageInvokeResponse> => {
    const found = await requestFor(context, data, services);
    if (!found.ok) return found.response;
    const { owner, stored } = found;
    const { tenantId } = owner;
    const seq = stored.value.seq;
    const action: RequesterAction =
      kind === 'confirm' ? { kind } : kind === 'reply' ? { kind, text: readField(data, 'reply') } : { kind, reason: readField(data, 'reason') };
    // A card without a revision (drawn before cards carried one) counts as current.
    const rev = Rev.safeParse(data);
    let outcome;
    try {
      // A reply or a cancel stands whatever IT did since the card was drawn; confirm and reopen answer
      // the resolution the card showed.
      outcome = await changeOnce(services, stored, action, owner.person, rev.success ? rev.data.rev : stored.value.eventCount, kind === 'reply' || kind === 'cancel');
    } catch (error) {
      turnLogger(context, services.logger).error({ err: error, reference: stored.value.reference, verb: kind }, 'could not save a change by the requester');
      return kind === 'cancel'
        ? detail(services, tenantId, seq, { text: 'Not cancelled: Liaison could not reach its storage just now. Please try again in a moment.', style: 'attention' })
        : messageResponse('Not sent: Liaison could not reach its storage just now. Your text is still on the card; press the button again in a moment.');
    }
    switch (outcome.kind) {
      case 'refused':
        // The cancel reason has its place on the detail card; elsewhere the card keeps what was typed.
        if (kind === 'cancel') return outcome.field ? detail(services, tenantId, seq, undefined, outcome.reason) : detail(services, tenantId, seq, { text: outcome.reason, style: 'warning' });
        return messageResponse(outcome.reason);
      case 'stale':
        return detail(services, tenantId, seq, { text: outcome.reason, style: 'warning' });
      case 'changed': {
        turnLogger(context, services.logger).info({ reference: stored.value.reference, verb: kind, status: outcome.request.status }, 'request changed by its requester');
        const done = { text: DONE[kind](stored.value.reference), style: 'good' } as const;
        // A confirmed resolution is the moment to offer thanks to the people who did it.
        const prompt = kind === 'confirm' ? await praisePrompt(context, services, outcome.request, done) : undefined;
        return prompt ?? detail(services, tenantId, seq, done);
      }
      case 'already':
        return detail(services, tenantId, seq, { text: DONE[kind](stored.value.reference), style: 'good' });
    }
  };
}

function readField(data: unknown, field: string): string {
  if (typeof data !== 'object' || data === null) return '';
  const value = (data as Record<string, unknown>)[field];
  return typeof value === 'string' ? cleanText(value) : '';
}
