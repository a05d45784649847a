// The intake in a technician's personal chat: start, each step, back, change, cancel, resume, submit.
// Every press reads the draft, checks that the card is current, applies a pure transition and saves
// with the draft's etag, so a double press or a stale card never changes anything twice.

import { createHash, randomUUID } from 'node:crypto';
import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { offerCard, resumeCard, stepCard, submittedCard, type Banner } from '../../cards/intakeViews';
import type { AdaptiveCard } from '../../cards/render';
import { STEPS } from '../../intake/answers';
import { answerStep, discard, goBack, goTo, isExpired, markSubmitted, newDraft, type DiscardReason, type Draft, type Person } from '../../intake/draft';
import { checkStep, LIMITS, readInputs } from '../../intake/fields';
import { answersOf, previewOf } from '../../intake/review';
import { todayIn } from '../../lib/dates';
import { isLiaisonError } from '../../lib/errors';
import { newRequest, seqOf, type Route } from '../../requests/request';
import type { Stored } from '../../storage/requests';
import { isConflict } from '../../storage/tables';
import { cardResponse, noticeCard, noticeResponse, sendCard } from '../reply';
import { reviewContext, type BotServices } from '../services';
import { turnLogger } from '../turnLogger';
import { NOT_IDENTIFIED, ownerOf } from './identity';

const NOT_SAVED: Banner = { text: 'Not saved: Liaison could not reach its storage just now. Your answers are still here; press the button again in a moment.', style: 'attention' };
const OUT_OF_DATE: Banner = { text: 'That card was out of date, so nothing changed. Here is your request as it is now.', style: 'warning' };
const CHECK_FIELDS: Banner = { text: 'Please check the fields marked below.', style: 'attention' };
const LOOK_AGAIN: Banner = { text: 'Something in this step needs another look before you can submit.', style: 'attention' };
const DISCARDED: Record<DiscardReason, string> = {
  cancelled: 'You discarded this draft, so nothing was sent to IT. Type new request to start a new one.',
  expired: 'This draft was untouched for 14 days, so I discarded it. Nothing was sent to IT. Type new request to start again.',
  replaced: 'You started over, so I set this draft aside. Nothing was sent to IT. Type new request to continue the new one.',
};

const Description = z.string().max(LIMITS.description).optional().catch(undefined);

function descriptionIn(data: unknown): string | undefined {
  const description = Description.parse(typeof data === 'object' && data !== null ? (data as Record<string, unknown>).description : undefined);
  return description === undefined ? undefined : readInputs('what', { description }).description;
}

/**
 * A draft id derived from what started it (the pressed card, or the typed message), so that a double
 * press or a redelivered message finds the draft the first one made instead of making another.
 */
function draftIdFor(context: TurnContext, owner: Person): string {
  const seed = context.activity.replyToId ?? context.activity.id ?? randomUUID();
  const h = createHash('sha256').update(`${owner.aadObjectId}|${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.charAt(16), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** "new request" typed, a start button, or "Start over": continue an open draft or start one. */
export async function startIntake(context: TurnContext, services: BotServices, description?: string): Promise<AdaptiveCard> {
  const owner = ownerOf(context);
  if (!owner) return noticeCard('Request', NOT_IDENTIFIED);
  const view = reviewContext(services);
  const open = await services.requests.findOpenDraft(owner.tenantId, owner.person.aadObjectId);
  if (open && !isExpired(open.value, view.now)) return resumeCard(open.value, view, description ?? '');
  const draftId = draftIdFor(context, owner.person);
  // An expired draft is discarded in the same transaction that creates the new one.
  const replacing = open && { stored: open, now: discard(open.value, view.now, 'expired') };
  try {
    const draft = newDraft(owner.tenantId, draftId, owner.person, view.now, description);
    await services.requests.createDraft(draft, replacing);
    turnLogger(context, services.logger).info({ draftId }, 'request draft started');
    return stepCard(draft, view);
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
  // The same press or message came twice: show what the first one started, if it is still open.
  const first = await services.requests.getDraft(owner.tenantId, owner.person.aadObjectId, draftId);
  if (first?.value.status === 'open') return stepCard(first.value, view);
  const fresh = newDraft(owner.tenantId, randomUUID(), owner.person, view.now, description);
  await services.requests.createDraft(fresh);
  return stepCard(fresh, view);
}

/** The typed command. */
export async function startIntakeByMessage(context: TurnContext, services: BotServices): Promise<void> {
  await sendCard(context, await startIntake(context, services), 'New request');
}

/** Text that is not a command: offer to make it a request. */
export async function offerIntake(context: TurnContext, text: string): Promise<void> {
  await sendCard(context, offerCard(text.slice(0, LIMITS.description)), 'Make this a request?');
}

const ActionData = z.object({
  draftId: z.uuid(),
  rev: z.union([z.number().int().positive(), z.string().regex(/^\d{1,9}$/).transform(Number)]),
});

type Owner = NonNullable<ReturnType<typeof ownerOf>>;
type Pressed = { ok: true; stored: Stored<Draft>; owner: Owner } | { ok: false; response: AdaptiveCardInvokeResponse };

/**
 * Reads the draft a card press refers to and decides whether the press may change it. A draft of
 * someone else is simply not found: drafts are keyed by their owner.
 */
async function pressedDraft(context: TurnContext, data: unknown, services: BotServices): Promise<Pressed> {
  const owner = ownerOf(context);
  if (!owner) return { ok: false, response: noticeResponse('Request', NOT_IDENTIFIED) };
  const parsed = ActionData.safeParse(data);
  if (!parsed.success) {
    turnLogger(context, services.logger).info('card press without a valid draft reference');
    return { ok: false, response: noticeResponse('That button is not active', 'This card did not come from a request draft I know. Type new request to start one.') };
  }
  const stored = await services.requests.getDraft(owner.tenantId, owner.person.aadObjectId, parsed.data.draftId);
  const view = reviewContext(services);
  if (!stored) return { ok: false, response: noticeResponse('Draft not found', 'I cannot find that request draft. Type new request to start one, or my requests to see what you have sent.') };
  const draft = stored.value;
  if (draft.status === 'submitted' && draft.reference !== undefined) {
    return { ok: false, response: await submittedResponse(draft.reference, owner.tenantId, services, `You have already submitted this request as ${draft.reference}.`) };
  }
  if (draft.status === 'discarded' || isExpired(draft, view.now)) {
    const because = draft.status === 'open' ? 'expired' : (draft.discardedBecause ?? 'cancelled');
    if (draft.status === 'open') await expire(context, stored, services);
    return { ok: false, response: noticeResponse('This draft is closed', DISCARDED[because]) };
  }
  if (draft.rev !== parsed.data.rev) return { ok: false, response: cardResponse(await currentCard(context, services, stored, OUT_OF_DATE)) };
  return { ok: true, stored, owner };
}

async function expire(context: TurnContext, stored: Stored<Draft>, services: BotServices): Promise<void> {
  try {
    await services.requests.saveDraft(discard(stored.value, services.clock.now(), 'expired'), stored.etag);
  } catch (error) {
    // Reading it as expired is what matters; marking it can wait for the next press.
    turnLogger(context, services.logger).warn({ err: error, draftId: stored.value.draftId }, 'could not mark an expired draft discarded');
  }
}

async function submittedResponse(reference: string, tenantId: string, services: BotServices, banner: string): Promise<AdaptiveCardInvokeResponse> {
  const request = await services.requests.getRequest(tenantId, seqOf(reference) ?? 0);
  return request ? cardResponse(submittedCard(request.value, reviewContext(services), banner)) : noticeResponse('Already submitted', banner);
}

/**
 * The card for the draft as it is. A draft at the review whose answers no longer pass (a deadline went
 * by, the catalogue changed) is moved back to that step first, so its Next works again.
 */
async function currentCard(context: TurnContext, services: BotServices, stored: Stored<Draft>, banner?: Banner): Promise<AdaptiveCard> {
  const view = reviewContext(services);
  const all = stored.value.step === 'review' ? answersOf(stored.value, view) : undefined;
  if (all?.ok === false) {
    const jump = goTo(stored.value, all.step, view.now);
    if (jump.ok) {
      try {
        const moved = await services.requests.saveDraft(jump.draft, stored.etag);
        return stepCard(moved.value, view, LOOK_AGAIN, { inputs: moved.value.inputs[all.step] ?? {}, errors: all.errors });
      } catch (error) {
        turnLogger(context, services.logger).warn({ err: error, draftId: stored.value.draftId }, 'could not move a draft back to the step that needs another look');
      }
    }
  }
  return stepCard(stored.value, view, banner);
}

/** After a conditional write failed: whether the draft now holds exactly what was being saved. */
function alreadySaved(fresh: Draft | undefined, next: Draft): boolean {
  return fresh !== undefined && fresh.rev === next.rev && fresh.step === next.step && fresh.status === next.status;
}

/**
 * Saves a changed draft and shows its current step. A lost race shows the winner's state; a storage
 * failure shows the card as it was pressed, answers kept, with "not saved".
 */
async function saveAndShow(context: TurnContext, services: BotServices, stored: Stored<Draft>, next: Draft, unsaved: () => AdaptiveCard): Promise<AdaptiveCardInvokeResponse> {
  try {
    return cardResponse(await currentCard(context, services, await services.requests.saveDraft(next, stored.etag)));
  } catch (error) {
    if (isConflict(error)) {
      // A retry after a lost answer also ends here: if the draft holds this very change, it was saved.
      const fresh = await services.requests.getDraft(next.tenantId, next.owner.aadObjectId, next.draftId);
      if (!fresh) return noticeResponse('Draft not found', 'I cannot find that request draft. Type new request to start one.');
      return cardResponse(await currentCard(context, services, fresh, alreadySaved(fresh.value, next) ? undefined : OUT_OF_DATE));
    }
    turnLogger(context, services.logger).error({ err: error, draftId: next.draftId }, 'could not save a request draft');
    return cardResponse(unsaved());
  }
}

/** Next on a step card: check the inputs; save and move on, or show the problems next to the fields. */
export async function nextStep(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const pressed = await pressedDraft(context, data, services);
  if (!pressed.ok) return pressed.response;
  const { stored } = pressed;
  const view = reviewContext(services);
  const step = stored.value.step;
  if (step === 'review') return cardResponse(await currentCard(context, services, stored, OUT_OF_DATE));
  const inputs = readInputs(step, data);
  const check = checkStep(step, inputs, { policy: services.policy, today: todayIn(services.timeZone, view.now) });
  if (!check.result.ok) return cardResponse(stepCard(stored.value, view, CHECK_FIELDS, { inputs, errors: check.result.errors }));
  return saveAndShow(context, services, stored, answerStep(stored.value, step, inputs, view.now), () => stepCard(stored.value, view, NOT_SAVED, { inputs, errors: {} }));
}

export async function previousStep(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const pressed = await pressedDraft(context, data, services);
  if (!pressed.ok) return pressed.response;
  const { stored } = pressed;
  const view = reviewContext(services);
  return saveAndShow(context, services, stored, goBack(stored.value, view.now), () => stepCard(stored.value, view, NOT_SAVED));
}

const Target = z.object({ target: z.enum(STEPS) });

/** "Change impact" and the like on the review card. */
export async function changeStep(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const pressed = await pressedDraft(context, data, services);
  if (!pressed.ok) return pressed.response;
  const { stored } = pressed;
  const view = reviewContext(services);
  const target = Target.safeParse(data);
  if (!target.success) return cardResponse(stepCard(stored.value, view, { text: 'That step does not exist. Here is your request as it is now.', style: 'warning' }));
  const jump = goTo(stored.value, target.data.target, view.now);
  if (!jump.ok) return cardResponse(stepCard(stored.value, view, { text: jump.reason, style: 'warning' }));
  return saveAndShow(context, services, stored, jump.draft, () => stepCard(stored.value, view, NOT_SAVED));
}

/** "Continue" on the resume card. */
export async function resumeIntake(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const pressed = await pressedDraft(context, data, services);
  if (!pressed.ok) return pressed.response;
  return cardResponse(await currentCard(context, services, pressed.stored));
}

/** "Start over" on the resume card: the old draft is discarded and a new one starts, in one transaction. */
export async function restartIntake(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const pressed = await pressedDraft(context, data, services);
  if (!pressed.ok) return pressed.response;
  const { stored, owner } = pressed;
  const view = reviewContext(services);
  const description = descriptionIn(data);
  const draft = newDraft(owner.tenantId, draftIdFor(context, owner.person), owner.person, view.now, description);
  try {
    await services.requests.createDraft(draft, { stored, now: discard(stored.value, view.now, 'replaced') });
    return cardResponse(stepCard(draft, view));
  } catch (error) {
    if (isConflict(error)) return pressedAgain(context, data, services);
    turnLogger(context, services.logger).error({ err: error, draftId: stored.value.draftId }, 'could not start over a request draft');
    return cardResponse(resumeCard(stored.value, view, description ?? '', NOT_SAVED));
  }
}

/** "Start a request with this" on the offer card, or any start button. */
export async function startFromCard(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  return cardResponse(await startIntake(context, services, descriptionIn(data)));
}

/** "Discard draft": nothing goes to IT. */
export async function cancelIntake(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const pressed = await pressedDraft(context, data, services);
  if (!pressed.ok) return pressed.response;
  const { stored } = pressed;
  const view = reviewContext(services);
  const next = discard(stored.value, view.now, 'cancelled');
  try {
    await services.requests.saveDraft(next, stored.etag);
  } catch (error) {
    if (!isConflict(error)) {
      turnLogger(context, services.logger).error({ err: error, draftId: stored.value.draftId }, 'could not discard a request draft');
      return cardResponse(stepCard(stored.value, view, NOT_SAVED));
    }
    const fresh = await services.requests.getDraft(next.tenantId, next.owner.aadObjectId, next.draftId);
    if (!alreadySaved(fresh?.value, next)) return pressedAgain(context, data, services);
  }
  return noticeResponse('Draft discarded', 'Nothing was sent to IT. Type new request whenever you want to start again.');
}

/** After a lost race, answer as if the press came now. */
async function pressedAgain(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const pressed = await pressedDraft(context, data, services);
  return pressed.ok ? cardResponse(await currentCard(context, services, pressed.stored, OUT_OF_DATE)) : pressed.response;
}

/** Submit on the review card: the request is numbered and stored, once, however often it is pressed. */
export async function submitIntake(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const pressed = await pressedDraft(context, data, services);
  if (!pressed.ok) return pressed.response;
  const { stored } = pressed;
  const view = reviewContext(services);
  if (stored.value.step !== 'review') return cardResponse(await currentCard(context, services, stored, OUT_OF_DATE));
  const all = answersOf(stored.value, view);
  if (!all.ok) return cardResponse(await currentCard(context, services, stored));
  const preview = previewOf(all.answers, view);
  let route: Route | undefined;
  const build = (seq: number): ReturnType<typeof newRequest> & { draft: Draft } => {
    const made = newRequest(stored.value, preview, seq, view.now, route);
    return { ...made, draft: markSubmitted(stored.value, made.request.reference, view.now) };
  };

  let outcome;
  try {
    route = await services.routes.routeFor(stored.value.tenantId, all.answers.what.serviceId);
    outcome = await services.requests.submit(stored, build);
  } catch (error) {
    const busy = isLiaisonError(error, 'BUSY');
    turnLogger(context, services.logger)[busy ? 'warn' : 'error']({ err: error, draftId: stored.value.draftId }, 'could not submit a request');
    const text = busy
      ? 'Not sent yet: many requests were being filed at the same moment. Your request is still here; press Submit again.'
      : 'Not sent: Liaison could not reach its storage just now. Your request is still here; press Submit again in a moment.';
    return cardResponse(stepCard(stored.value, view, { text, style: 'attention' }));
  }
  switch (outcome.kind) {
    case 'submitted':
      turnLogger(context, services.logger).info({ reference: outcome.request.reference, priority: outcome.request.assessment.priority, draftId: stored.value.draftId, routed: route !== undefined }, 'request submitted');
      services.outbox.kick(stored.value.tenantId);
      return cardResponse(submittedCard(outcome.request, view));
    case 'already':
      return cardResponse(submittedCard(outcome.request, view, `You have already submitted this request as ${outcome.request.reference}.`));
    case 'changed':
      return outcome.draft ? cardResponse(await currentCard(context, services, outcome.draft, OUT_OF_DATE)) : noticeResponse('Draft not found', 'I cannot find that request draft. Type new request to start one.');
  }
}
