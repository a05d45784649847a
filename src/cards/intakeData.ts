// The data each intake and request card template in cards/ is expanded with. Display strings that may
// hold user text are already made inert; input values are raw (inputs do not render markdown).

import type { StepId } from '../intake/answers';
import type { Limits } from '../intake/fields';
import type { StateNote } from '../requests/describe';
import type { RequestActionData, RequesterActionFlags } from './requestData';

export type MessageStyle = 'default' | 'good' | 'attention' | 'warning';
/** Adaptive Card colours used for the priority badge. */
export type PriorityColor = 'attention' | 'warning' | 'accent' | 'good' | 'default';

export interface Choice {
  title: string;
  value: string;
}

export interface Fact {
  title: string;
  value: string;
}

/** Sent back by every intake button, next to the inputs; untrusted when it returns. */
export interface IntakeActionData {
  draftId: string;
  rev: number;
}

/** What every step card shows above its inputs. */
export interface StepCardBase {
  action: IntakeActionData;
  /** "Step 2 of 5: Impact" */
  progress: string;
  heading: string;
  /** A short banner (saved, not saved, out of date); '' for none. */
  message: string;
  messageStyle: MessageStyle;
  /** Whether a Back button is shown (not on the first step). */
  canGoBack: boolean;
}


/** cards/intake-what.json */
export interface WhatCardData extends StepCardBase {
  limits: Limits;
  kind: string;
  service: string;
  serviceChoices: Choice[];
  /** Branch choices from configuration; when empty the card shows a free-text "where" field. */
  branchChoices: Choice[];
  hasBranchChoices: boolean;
  branch: string;
  title: string;
  description: string;
  startedOn: string;
  startedAt: string;
  /** Today in the library's time zone (YYYY-MM-DD): the latest allowed start date. */
  today: string;
  errors: { kind: string; service: string; branch: string; title: string; description: string; startedOn: string; startedAt: string };
}

/** cards/intake-impact.json */
export interface ImpactCardData extends StepCardBase {
  reach: string;
  /** high, medium, low with the configured plain words. */
  reachChoices: Choice[];
  patrons: string;
  staff: string;
  errors: { reach: string; patrons: string; staff: string };
}

/** cards/intake-urgency.json */
export interface UrgencyCardData extends StepCardBase {
  limits: Limits;
  /** 'yes' | 'no' | '' */
  stopped: string;
  /** 'yes' | 'no' | '' */
  hasWorkaround: string;
  workaround: string;
  deadline: string;
  deadlineReason: string;
  today: string;
  errors: { stopped: string; hasWorkaround: string; workaround: string; deadline: string; deadlineReason: string };
}

/** cards/intake-risks.json */
export interface RisksCardData extends StepCardBase {
  limits: Limits;
  /** Toggles: 'true' | 'false' */
  financial: string;
  financialHow: string;
  compliance: string;
  complianceHow: string;
  reputation: string;
  reputationHow: string;
  serviceQuality: string;
  staffHours: string;
  errors: { financialHow: string; complianceHow: string; reputationHow: string; serviceQuality: string; staffHours: string };
}

/** The priority as shown to people. */
export interface PriorityView {
  /** "P2 High" */
  label: string;
  color: PriorityColor;
  /** What the card shows after "<label> because:", e.g. "one branch, team or service affected; work has stopped with no workaround" */
  reason: string;
  /** "IT aims to respond within 1 hour and resolve within 8 business hours." */
  serviceLevel: string;
}

/** A "Change" button on the review card, one per answer step. */
export interface ChangeStep {
  title: string;
  action: IntakeActionData & { target: StepId };
}

/** cards/intake-review.json: the request as IT will read it, before Submit. */
export interface ReviewCardData extends StepCardBase {
  title: string;
  facts: Fact[];
  /** The business-impact statement, plain language. */
  statement: string;
  priority: PriorityView;
  /** "If you submit now: first response by Tue 1 Dec 2026, 10:30; resolved by Wed 2 Dec 2026, 12:00." */
  dueText: string;
  changeSteps: ChangeStep[];
}

/** cards/intake-resume.json: "new request" while a draft is open. */
export interface ResumeCardData {
  action: IntakeActionData;
  /** The draft's title, or "Untitled draft". */
  title: string;
  /** "saved 2 hours ago, at step 3 of 5 (Urgency)" */
  savedWhen: string;
  /** Text the technician just typed, to start over with as the description ('' if none). */
  description: string;
  /** A banner such as "not saved" ('' for none). */
  message: string;
  messageStyle: MessageStyle;
}

/** cards/intake-offer.json: non-command text in personal chat. */
export interface OfferCardData {
  /** The text, inert, for display. */
  quote: string;
  /** The same text, raw, sent back as the new request's description. */
  description: string;
}

/** cards/request-submitted.json */
export interface SubmittedCardData {
  reference: string;
  title: string;
  priority: PriorityView;
  responseBy: string;
  resolveBy: string;
  /** What happens next, in a sentence or two. */
  nextSteps: string;
  /** A banner such as "You had already submitted this." ('' for none). */
  message: string;
}

export interface RequestRow {
  reference: string;
  title: string;
  priorityLabel: string;
  priorityColor: PriorityColor;
  status: string;
  /** "opened 3 days ago" */
  age: string;
}

/** cards/my-requests.json */
export interface MyRequestsCardData {
  heading: string;
  items: RequestRow[];
  hasItems: boolean;
  /** "Open requests, and those closed in the last 30 days." or an empty-state sentence. */
  note: string;
}

export interface HistoryEntry {
  /** "Tue 1 Dec 2026, 10:30" */
  when: string;
  /** "Priya Natarajan submitted the request (P2 High)." */
  text: string;
}

/** cards/request-detail.json: the requester's own full view of one request. */
export interface RequestDetailCardData {
  action: RequestActionData;
  reference: string;
  title: string;
  /** "Status: In progress · Megan Bowen is on it" */
  statusLine: string;
  priority: PriorityView;
  facts: Fact[];
  statement: string;
  /** The open question, what it waits for while on hold, the resolution: whichever are set. */
  notes: StateNote[];
  history: HistoryEntry[];
  can: RequesterActionFlags;
  limits: Limits;
  message: string;
  messageStyle: MessageStyle;
  /** A problem with the reason or note just sent ('' for none). */
  fieldError: string;
}
