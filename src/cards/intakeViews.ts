// Builds the data of the intake and request cards from drafts, requests and the policy.

import { STEPS, type Answers, type StepId } from '../intake/answers';
import { stepNumber, type Draft } from '../intake/draft';
import { LIMITS, type FieldErrors, type StepInputs } from '../intake/fields';
import { answersOf, previewOf, type ReviewContext } from '../intake/review';
import { serviceName } from '../intake/statement';
import { ageOf, formatDateTime, formatIsoDay, todayIn } from '../lib/dates';
import type { Policy, Priority } from '../policy/policy';
import { describeEvent, describeStatus, stateNotes, tellable } from '../requests/describe';
import { requesterActionsFor, type RequesterActionKind } from '../requests/lifecycle';
import { priorityLabel, type Assessment } from '../requests/priority';
import { isOpen, type RequestEvent, type ServiceRequest } from '../requests/request';
import { describeServiceLevel } from '../sla/serviceLevels';
import type { RequestSummary } from '../storage/requests';
import type {
  Fact,
  HistoryEntry,
  ImpactCardData,
  MessageStyle,
  MyRequestsCardData,
  OfferCardData,
  PriorityColor,
  PriorityView,
  RequestDetailCardData,
  ResumeCardData,
  ReviewCardData,
  RisksCardData,
  StepCardBase,
  SubmittedCardData,
  UrgencyCardData,
  WhatCardData,
} from './intakeData';
import { inert, renderCard, type AdaptiveCard } from './render';

export interface Banner {
  text: string;
  style: MessageStyle;
}

const STEP_NAMES: Record<StepId, string> = { what: 'What it is about', impact: 'Impact', urgency: 'Urgency', risks: 'Risks and effects', review: 'Review and submit' };
const STEP_HEADINGS: Record<StepId, string> = {
  what: 'What is it about?',
  impact: 'Who and what does it affect?',
  urgency: 'How urgent is it?',
  risks: 'What happens if it is not solved in time?',
  review: 'Check your request before it goes to IT',
};
const KIND_LABELS = { incident: 'Something is broken', request: 'Something new or changed is needed' } as const;
const COLORS: Record<Priority, PriorityColor> = { P1: 'attention', P2: 'warning', P3: 'accent', P4: 'default', P5: 'good' };

export function progressOf(step: StepId): string {
  return `Step ${String(stepNumber(step))} of ${String(STEPS.length)}: ${STEP_NAMES[step]}`;
}

export function priorityView(assessment: Assessment, policy: Policy): PriorityView {
  return {
    label: assessment.label,
    color: COLORS[assessment.priority],
    // The card puts "because:" after the label, so the label is not repeated.
    reason: assessment.reasons.join('; '),
    serviceLevel: describeServiceLevel(assessment.priority, policy),
  };
}

/** The facts IT reads first, in the order they would ask. User text is made inert. */
export function requestFacts(answers: Answers, assessment: Assessment, policy: Policy): Fact[] {
  const { what, impact, urgency } = answers;
  const facts: Fact[] = [
    { title: 'Kind', value: KIND_LABELS[what.kind] },
    { title: 'Service', value: inert(serviceName(what.serviceId, policy)) },
  ];
  if (what.branch !== undefined) facts.push({ title: 'Where', value: inert(what.branch) });
  if (what.startedOn !== undefined) facts.push({ title: 'Since', value: `${formatIsoDay(what.startedOn)}${what.startedAt === undefined ? '' : `, ${what.startedAt}`}` });
  const raised = assessment.impact === assessment.baseImpact ? '' : ' (raised one level by the risks or the number of patrons)';
  facts.push({ title: 'Impact', value: `${capitalise(assessment.impact)}: ${inert(policy.wording.impact[impact.reach])}${raised}` });
  facts.push({ title: 'Urgency', value: `${capitalise(assessment.urgency)}: ${inert(policy.wording.urgency[assessment.urgency])}` });
  if (urgency.deadline !== undefined) facts.push({ title: 'Needed by', value: formatIsoDay(urgency.deadline) });
  facts.push({ title: 'Description', value: inert(what.description) });
  return facts;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function base(draft: Draft, banner: Banner | undefined): StepCardBase {
  return {
    action: { draftId: draft.draftId, rev: draft.rev },
    progress: progressOf(draft.step),
    heading: STEP_HEADINGS[draft.step],
    message: banner?.text ?? '',
    messageStyle: banner?.style ?? 'default',
    canGoBack: draft.step !== 'what',
  };
}

const value = (inputs: StepInputs, field: string): string => (inputs as Record<string, string | undefined>)[field] ?? '';
const error = (errors: FieldErrors, field: string): string => (errors as Record<string, string | undefined>)[field] ?? '';

/**
 * The card for the draft's current step. `shown` replaces the stored inputs of that step (what the
 * person just typed, with the problems found in it).
 */
export function stepCard(draft: Draft, context: ReviewContext, banner?: Banner, shown?: { inputs: StepInputs; errors: FieldErrors }): AdaptiveCard {
  if (draft.step === 'review') return reviewCard(draft, context, banner);
  const inputs = shown?.inputs ?? draft.inputs[draft.step] ?? {};
  const errors = shown?.errors ?? {};
  const v = (field: string): string => value(inputs, field);
  const e = (field: string): string => error(errors, field);
  const today = todayIn(context.timeZone, context.now);
  const { policy } = context;
  switch (draft.step) {
    case 'what':
      return renderCard('intake-what', {
        ...base(draft, banner),
        limits: LIMITS,
        kind: v('kind'),
        service: v('service'),
        serviceChoices: policy.catalogue.map((s) => ({ title: s.name, value: s.id })),
        branchChoices: policy.branches.map((b) => ({ title: b, value: b })),
        hasBranchChoices: policy.branches.length > 0,
        branch: v('branch'),
        title: v('title'),
        description: v('description'),
        startedOn: v('startedOn'),
        startedAt: v('startedAt'),
        today,
        errors: { kind: e('kind'), service: e('service'), branch: e('branch'), title: e('title'), description: e('description'), startedOn: e('startedOn'), startedAt: e('startedAt') },
      } satisfies WhatCardData);
    case 'impact':
      return renderCard('intake-impact', {
        ...base(draft, banner),
        reach: v('reach'),
        reachChoices: (['high', 'medium', 'low'] as const).map((level) => ({ title: policy.wording.impact[level], value: level })),
        patrons: v('patrons'),
        staff: v('staff'),
        errors: { reach: e('reach'), patrons: e('patrons'), staff: e('staff') },
      } satisfies ImpactCardData);
    case 'urgency':
      return renderCard('intake-urgency', {
        ...base(draft, banner),
        limits: LIMITS,
        stopped: v('stopped'),
        hasWorkaround: v('hasWorkaround'),
        workaround: v('workaround'),
        deadline: v('deadline'),
        deadlineReason: v('deadlineReason'),
        today,
        errors: { stopped: e('stopped'), hasWorkaround: e('hasWorkaround'), workaround: e('workaround'), deadline: e('deadline'), deadlineReason: e('deadlineReason') },
      } satisfies UrgencyCardData);
    case 'risks':
      return renderCard('intake-risks', {
        ...base(draft, banner),
        limits: LIMITS,
        financial: v('financial') || 'false',
        financialHow: v('financialHow'),
        compliance: v('compliance') || 'false',
        complianceHow: v('complianceHow'),
        reputation: v('reputation') || 'false',
        reputationHow: v('reputationHow'),
        serviceQuality: v('serviceQuality'),
        staffHours: v('staffHours'),
        errors: { financialHow: e('financialHow'), complianceHow: e('complianceHow'), reputationHow: e('reputationHow'), serviceQuality: e('serviceQuality'), staffHours: e('staffHours') },
      } satisfies RisksCardData);
  }
}

function reviewCard(draft: Draft, context: ReviewContext, banner?: Banner): AdaptiveCard {
  const all = answersOf(draft, context);
  if (!all.ok) {
    // The stored answers no longer pass (the catalogue or the date moved on): ask again at that step.
    return stepCard({ ...draft, step: all.step }, context, { text: 'Something in this step needs another look before you can submit.', style: 'attention' }, { inputs: draft.inputs[all.step] ?? {}, errors: all.errors });
  }
  const preview = previewOf(all.answers, context);
  const data: ReviewCardData = {
    ...base(draft, banner),
    title: inert(all.answers.what.title),
    facts: requestFacts(all.answers, preview.assessment, context.policy),
    statement: inert(preview.statement),
    priority: priorityView(preview.assessment, context.policy),
    dueText: `If you submit now: first response by ${formatDateTime(preview.responseBy, context.timeZone)}; resolved by ${formatDateTime(preview.resolveBy, context.timeZone)}.`,
    changeSteps: (['what', 'impact', 'urgency', 'risks'] as const).map((target) => ({
      title: `Change ${STEP_NAMES[target].toLowerCase()}`,
      action: { draftId: draft.draftId, rev: draft.rev, target },
    })),
  };
  return renderCard('intake-review', data);
}

export function resumeCard(draft: Draft, context: ReviewContext, description: string, banner?: Banner): AdaptiveCard {
  const title = value(draft.inputs.what ?? {}, 'title');
  const data: ResumeCardData = {
    action: { draftId: draft.draftId, rev: draft.rev },
    title: title === '' ? 'Untitled draft' : inert(title),
    savedWhen: `saved ${ageOf(draft.updatedAt, context.now)}, at step ${String(stepNumber(draft.step))} of ${String(STEPS.length)} (${STEP_NAMES[draft.step]})`,
    description,
    message: banner?.text ?? '',
    messageStyle: banner?.style ?? 'default',
  };
  return renderCard('intake-resume', data);
}

export function offerCard(text: string): AdaptiveCard {
  return renderCard('intake-offer', { quote: inert(text), description: text } satisfies OfferCardData);
}

/** What happens next: posted to IT's channel, or waiting until IT connects one. */
function nextSteps(request: ServiceRequest): string {
  if (!request.route) {
    return 'IT has not connected Liaison to a channel yet, so your request is saved and waits here with status New. It goes to IT as soon as they do, and I will tell you. Type my requests to see where it stands.';
  }
  return `It is with IT in their channel ${inert(request.route.channelName)}, with status New. I will tell you here when anything changes; type my requests to see where it stands.`;
}

export function submittedCard(request: ServiceRequest, context: ReviewContext, banner = ''): AdaptiveCard {
  const data: SubmittedCardData = {
    reference: request.reference,
    title: inert(request.answers.what.title),
    priority: priorityView(request.assessment, context.policy),
    responseBy: formatDateTime(request.responseBy, context.timeZone),
    resolveBy: formatDateTime(request.resolveBy, context.timeZone),
    nextSteps: nextSteps(request),
    message: banner,
  };
  return renderCard('request-submitted', data);
}

export function myRequestsCard(summaries: readonly RequestSummary[], context: ReviewContext, note: string): AdaptiveCard {
  const data: MyRequestsCardData = {
    heading: 'My requests',
    items: summaries.map((s) => ({
      reference: s.reference,
      title: inert(s.title),
      priorityLabel: priorityLabel(s.priority, context.policy),
      priorityColor: COLORS[s.priority],
      status: s.status,
      age: `opened ${ageOf(s.createdAt, context.now)}`,
    })),
    hasItems: summaries.length > 0,
    note,
  };
  return renderCard('my-requests', data);
}

/** One flag per action a card can offer: true when the request's state allows it now. */
export function actionFlags<K extends string>(all: readonly K[], allowed: readonly string[]): Record<K, boolean> {
  return Object.fromEntries(all.map((kind) => [kind, allowed.includes(kind)])) as Record<K, boolean>;
}

const REQUESTER_ACTIONS: readonly RequesterActionKind[] = ['cancel', 'reply', 'confirm', 'reopen'];

export function requestDetailCard(request: ServiceRequest, events: readonly RequestEvent[], context: ReviewContext, banner?: Banner, fieldError = ''): AdaptiveCard {
  const history: HistoryEntry[] = events.map((e) => ({
    when: formatDateTime(e.at, context.timeZone),
    text: describeEvent(tellable(e), context.policy, inert),
  }));
  const data: RequestDetailCardData = {
    action: { reference: request.reference, rev: request.eventCount },
    reference: request.reference,
    title: inert(request.answers.what.title),
    statusLine: describeStatus(request, context.timeZone, inert),
    priority: priorityView(request.assessment, context.policy),
    facts: [
      ...requestFacts(request.answers, request.assessment, context.policy),
      // Targets matter only while the request is open.
      ...(isOpen(request)
        ? [
            { title: 'IT aims to respond by', value: formatDateTime(request.responseBy, context.timeZone) },
            { title: 'IT aims to resolve by', value: formatDateTime(request.resolveBy, context.timeZone) },
          ]
        : []),
    ],
    statement: inert(request.statement),
    notes: stateNotes(request, inert),
    history,
    can: actionFlags(REQUESTER_ACTIONS, requesterActionsFor(request)),
    limits: LIMITS,
    message: banner?.text ?? '',
    messageStyle: banner?.style ?? 'default',
    fieldError,
  };
  return renderCard('request-detail', data);
}
