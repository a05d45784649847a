// IT staff acting on a request card in their channel: take, assign, ask, hold, resume, resolve, cancel
// as a duplicate. Who may act is decided here from what Teams says (the presser's AAD id, the channel
// the press came from, the team's roster), never from the card's data.

import { teamsGetChannelId, type AdaptiveCardInvokeResponse, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AdaptiveCard } from '../../cards/render';
import { itRequestCard } from '../../cards/requestViews';
import type { Banner } from '../../cards/intakeViews';
import { cleanText } from '../../intake/fields';
import type { Person } from '../../intake/draft';
import type { ItAction, ItActionKind } from '../../requests/lifecycle';
import { seqOf, type ServiceRequest } from '../../requests/request';
import { cardResponse, messageResponse, type MessageInvokeResponse } from '../reply';
import { reviewContext, type BotServices } from '../services';
import { turnLogger } from '../turnLogger';
import { changeOnce } from './change';
import { actorOf, NOT_IDENTIFIED, tenantIdOf } from './identity';

const Pressed = z.object({
  reference: z.string().max(20),
  rev: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,9}$/).transform(Number)]),
});

type Answer = AdaptiveCardInvokeResponse | MessageInvokeResponse;
type Built = { ok: true; action: ItAction } | { ok: false; reason: string };

const NOT_FOUND = 'I cannot find that request, so nothing was changed.';
const NOT_IT = 'Only members of the IT team this request was sent to can act on it, so nothing was changed. If you should be one, ask the team owner to add you.';
const NO_CHECK = 'I could not check your team membership with Teams just now, so nothing was changed. Please press the button again in a moment.';

/** Reads the action a press asks for from its inputs; people named in it must be in the team. */
/** The inputs of the card's forms; anything that is not text counts as empty. */
const field = z.string().optional().catch(undefined);
const Inputs = z.object({ question: field, resolution: field, holdReason: field, holdNote: field, assignTo: field, duplicateOf: field }).catch({});
type InputName = keyof z.infer<typeof Inputs>;

async function actionFrom(kind: ItActionKind, data: unknown, context: TurnContext, services: BotServices, request: ServiceRequest): Promise<Built> {
  const inputs = Inputs.parse(data);
  const text = (name: InputName): string => cleanText(inputs[name] ?? '');
  switch (kind) {
    case 'take':
    case 'resume':
      return { ok: true, action: { kind } };
    case 'ask':
      return { ok: true, action: { kind, question: text('question') } };
    case 'resolve':
      return { ok: true, action: { kind, note: text('resolution') } };
    case 'hold': {
      const reason = text('holdReason');
      if (reason !== 'vendor' && reason !== 'change') return { ok: false, reason: 'Please choose what the request is waiting for.' };
      return { ok: true, action: { kind, reason, note: text('holdNote') } };
    }
    case 'assign': {
      const id = text('assignTo').toLowerCase();
      const to: Person | undefined = id === '' || request.route === undefined ? undefined : await services.roster.member(context, request.route.teamId, id);
      if (!to) return { ok: false, reason: 'Please choose someone from the IT team to assign it to.' };
      return { ok: true, action: { kind, to } };
    }
    case 'duplicate': {
      const seq = seqOf(text('duplicateOf'));
      const other = seq === undefined ? undefined : await services.requests.getRequest(request.tenantId, seq);
      if (!other) return { ok: false, reason: 'Please give the reference of an existing request, for example REQ-0007.' };
      return { ok: true, action: { kind, of: other.value } };
    }
  }
}

/** One handler per IT verb: it.take, it.assign, it.ask, it.hold, it.resume, it.resolve, it.duplicate. */
export function itAction(kind: ItActionKind) {
  return async (context: TurnContext, data: unknown, services: BotServices): Promise<Answer> => {
    const log = turnLogger(context, services.logger);
    const actor = actorOf(context);
    if (!actor) return messageResponse(NOT_IDENTIFIED);
    const pressed = Pressed.safeParse(data);
    const seq = pressed.success ? seqOf(pressed.data.reference) : undefined;
    const tenantId = tenantIdOf(context);
    const found = seq === undefined ? undefined : await services.requests.getWithCard(tenantId, seq);
    if (!pressed.success || !found) {
      log.info({ verb: kind }, 'IT action on a request that does not exist');
      return messageResponse(NOT_FOUND);
    }
    const { stored, card } = found;
    const request = stored.value;
    const ids = { reference: request.reference, verb: kind };

    // The press must come from the request's own card, in the channel it was sent to. (A copy of the card
    // that Teams stored while its answer was lost is not known to be the request's, so it is refused.)
    const route = request.route;
    if (!route || !card || teamsGetChannelId(context.activity) !== route.channelId || context.activity.replyToId !== card.activityId) {
      log.info(ids, 'refused an IT action from outside the request card');
      return messageResponse(`That button does not belong to ${request.reference}'s card in its IT channel, so nothing was changed.`);
    }
    let member: Person | undefined;
    try {
      member = await services.roster.presser(context, route.teamId);
    } catch (error) {
      log.warn({ ...ids, err: error }, 'could not check team membership');
      return messageResponse(NO_CHECK);
    }
    if (!member) {
      log.info(ids, 'refused an IT action by someone outside the IT team');
      return messageResponse(NOT_IT);
    }

    const built = await actionFrom(kind, data, context, services, request);
    if (!built.ok) return messageResponse(built.reason);
    let outcome;
    try {
      outcome = await changeOnce(services, stored, built.action, { ...actor, name: member.name || actor.name }, pressed.data.rev);
    } catch (error) {
      log.error({ ...ids, err: error }, 'could not save an IT action');
      return messageResponse('Not saved: Liaison could not reach its storage just now, so nothing was changed. Press the button again in a moment.');
    }
    if (outcome.kind === 'refused') return messageResponse(outcome.reason);
    if (outcome.kind === 'changed') log.info({ ...ids, status: outcome.request.status }, 'request changed by IT');
    const banner: Banner | undefined = outcome.kind === 'stale' ? { text: outcome.reason, style: 'warning' } : undefined;
    return cardResponse(await currentCard(context, services, outcome.request, banner));
  };
}

async function currentCard(context: TurnContext, services: BotServices, request: ServiceRequest, banner?: Banner): Promise<AdaptiveCard> {
  let members: Person[] = [];
  try {
    if (request.route) members = await services.roster.members(context, request.route.teamId);
  } catch (error) {
    // The card is still right without the "Assign to" choices; the outbox's update brings them back.
    turnLogger(context, services.logger).warn({ err: error, reference: request.reference }, 'could not list the IT team for Assign');
  }
  return itRequestCard(request, reviewContext(services), { members, ...(banner === undefined ? {} : { banner }) });
}
