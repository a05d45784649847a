// Builds the data of the request cards: the one IT acts on in its channel, and the updates the requester
// gets in their personal chat.

import type { Person } from '../intake/draft';
import type { ReviewContext } from '../intake/review';
import { formatDateTime } from '../lib/dates';
import { describeStatus, stateNotes, type StateNote } from '../requests/describe';
import { itActionsFor, requesterActionsFor, type ItActionKind, type RequesterActionKind } from '../requests/lifecycle';
import type { PersonalUpdate } from '../requests/notifications';
import { isOpen, NOTE_LIMIT, type ServiceRequest } from '../requests/request';
import type { Choice } from './intakeData';
import { actionFlags, priorityView, requestFacts, type Banner } from './intakeViews';
import { inert, renderCard, type AdaptiveCard } from './render';
import type { ItRequestCardData, MentionData, RequestActionData, RequestUpdateCardData } from './requestData';

const IT_ACTIONS: readonly ItActionKind[] = ['take', 'assign', 'ask', 'hold', 'resume', 'resolve', 'duplicate'];
/** Keeps the card small; in a larger team the others can still press Take it themselves. */
const MAX_MEMBERS = 100;

function actionOf(request: ServiceRequest): RequestActionData {
  return { reference: request.reference, rev: request.eventCount };
}

/**
 * A display name fit for `<at>…</at>` and a dropdown, which do not render markdown escapes: angle
 * brackets, markdown and template punctuation are removed rather than escaped.
 */
export function plainName(name: string, fallback: string): string {
  const plain = name.replace(/[<>\\`*_[\]()#~|!&{}$]/g, '').replace(/\s+/g, ' ').trim();
  return plain === '' ? fallback : plain;
}

/** A Teams mention of a person; `fallback` names someone whose name has nothing left once cleaned. */
export function mentionOf(person: Person, fallback = 'Requester'): MentionData {
  const name = plainName(person.name, fallback);
  return { text: `<at>${name}</at>`, name, id: person.aadObjectId };
}

/** Who it can go to: the team's members by name, without the person who has it now. */
function memberChoices(members: readonly Person[], assignee: Person | undefined): Choice[] {
  return members
    .filter((member) => member.aadObjectId !== assignee?.aadObjectId)
    .map((member) => ({ title: plainName(member.name, 'Unnamed member'), value: member.aadObjectId }))
    .sort((a, b) => a.title.localeCompare(b.title, 'en-GB'))
    .slice(0, MAX_MEMBERS);
}

/** The service-level targets still ahead: the response only until someone has responded. */
function dueText(request: ServiceRequest, timeZone: string): string {
  if (!isOpen(request)) return '';
  const resolve = `Resolve by ${formatDateTime(request.resolveBy, timeZone)}`;
  return request.status === 'New' ? `Respond by ${formatDateTime(request.responseBy, timeZone)} · ${resolve}` : resolve;
}

/** The request card in IT's channel: what it is, where it stands, and the actions valid now. */
export function itRequestCard(request: ServiceRequest, context: ReviewContext, options: { members: readonly Person[]; banner?: Banner; fieldError?: string }): AdaptiveCard {
  const choices = memberChoices(options.members, request.assignee);
  // Assign with nobody to choose from would be a dead end.
  const allowed = itActionsFor(request).filter((kind) => kind !== 'assign' || choices.length > 0);
  return renderCard('it-request', {
    action: actionOf(request),
    message: options.banner?.text ?? '',
    messageStyle: options.banner?.style ?? 'default',
    errors: { note: options.fieldError ?? '' },
    reference: request.reference,
    title: inert(request.answers.what.title),
    statusLine: describeStatus(request, context.timeZone, inert),
    priority: priorityView(request.assessment, context.policy),
    dueText: dueText(request, context.timeZone),
    requester: mentionOf(request.requester),
    facts: requestFacts(request.answers, request.assessment, context.policy),
    statement: inert(request.statement),
    notes: stateNotes(request, inert),
    can: actionFlags(IT_ACTIONS, allowed),
    memberChoices: choices,
    noteLimit: NOTE_LIMIT,
  } satisfies ItRequestCardData);
}

/** The names and reference an update speaks of, made inert. */
interface Told {
  reference: string;
  actor: string;
  target: string | undefined;
}

function headingOf(kind: PersonalUpdate['kind'], { reference, actor, target }: Told): string {
  switch (kind) {
    case 'posted':
      return `${reference} is now with IT`;
    case 'taken':
      return `${actor} is working on ${reference}`;
    case 'assigned':
      return `${reference} is assigned to ${target ?? 'someone in IT'}`;
    case 'asked':
      return `IT has a question about ${reference}`;
    case 'held':
      return `${reference} is on hold`;
    case 'resumed':
      return `IT is working on ${reference} again`;
    case 'resolved':
      return `${reference} is resolved`;
    case 'duplicate':
      return `${reference} was closed as a duplicate of ${target ?? 'another request'}`;
    case 'closed':
      return `${reference} is closed`;
    case 'unreachable':
      return `${reference} could not be posted to IT`;
  }
}

function explanationOf(kind: PersonalUpdate['kind'], { target }: Told, autoCloseDays: number): string {
  switch (kind) {
    case 'posted':
    case 'taken':
    case 'assigned':
    case 'held':
    case 'resumed':
      return 'Nothing is needed from you for now. I will tell you here when anything changes.';
    case 'asked':
      return 'IT needs your answer to carry on. Until you answer, the request is on hold.';
    case 'resolved':
      return 'If it works, press Fixed, thank you. If not, tell IT what still goes wrong; it will be reopened.';
    case 'duplicate':
      return `IT is dealing with the same problem under ${target ?? 'another request'}, so nothing more happens with this one.`;
    case 'closed':
      return `It closed by itself ${String(autoCloseDays)} days after it was resolved.`;
    case 'unreachable':
      return "Liaison could not post it in IT's channel, so IT has not seen it yet. Your request is saved and waits; it goes to IT as soon as the channel is connected again, and I will tell you.";
  }
}

/** What a message about this kind of change lets the requester do, if the request still allows it. */
const OFFERED: Partial<Record<PersonalUpdate['kind'], readonly RequesterActionKind[]>> = { asked: ['reply'], resolved: ['confirm', 'reopen'] };
const UPDATE_ACTIONS = ['reply', 'confirm', 'reopen'] as const;

function noteOf(update: PersonalUpdate, actor: string): StateNote[] {
  if (update.note === undefined) return [];
  const labels: Partial<Record<PersonalUpdate['kind'], string>> = {
    asked: `Question from ${actor}`,
    held: 'What IT is waiting for',
    resolved: `Resolution note from ${actor}`,
  };
  const label = labels[update.kind];
  return label === undefined ? [] : [{ label, text: inert(update.note) }];
}

/**
 * The requester's message about a change by IT or Liaison. Its buttons follow the request as it is now:
 * a resolution since confirmed or closed offers no Fixed button.
 */
export function requestUpdateCard(
  request: ServiceRequest,
  update: PersonalUpdate,
  context: ReviewContext,
  options: { banner?: Banner; fieldError?: string; reply?: string } = {},
): AdaptiveCard {
  const offered = OFFERED[update.kind] ?? [];
  const valid = requesterActionsFor(request).filter((kind) => offered.includes(kind));
  const told: Told = { reference: request.reference, actor: inert(update.actor), target: update.target === undefined ? undefined : inert(update.target) };
  // What the message asked for cannot be done any more: say so instead of asking.
  const moved = offered.length > 0 && valid.length === 0;
  return renderCard('request-update', {
    action: actionOf(request),
    message: options.banner?.text ?? '',
    messageStyle: options.banner?.style ?? 'default',
    heading: headingOf(update.kind, told),
    title: inert(request.answers.what.title),
    explanation: moved ? 'It has changed since; where it stands now is below.' : explanationOf(update.kind, told, context.policy.autoCloseDays),
    notes: noteOf(update, told.actor),
    statusLine: describeStatus(request, context.timeZone, inert),
    can: actionFlags(UPDATE_ACTIONS, valid),
    reply: options.reply ?? '',
    fieldError: options.fieldError ?? '',
    noteLimit: NOTE_LIMIT,
  } satisfies RequestUpdateCardData);
}
