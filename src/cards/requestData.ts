// The data the request cards IT and the requester act on are expanded with. Display strings that may hold
// user text are already made inert; input values are raw (inputs do not render markdown).

import type { ItActionKind, RequesterActionKind } from '../requests/lifecycle';
import type { StateNote } from '../requests/describe';
import type { Choice, Fact, MessageStyle, PriorityView } from './intakeData';

/** Sent back by every request button, next to the inputs; untrusted when it returns. */
export interface RequestActionData {
  reference: string;
  /** The request's eventCount when the card was made, so a press on an old card is recognised. */
  rev: number;
}

/** Which buttons a card shows: one flag per action, true only when the action is valid now. */
export type ItActionFlags = Record<ItActionKind, boolean>;
export type RequesterActionFlags = Record<RequesterActionKind, boolean>;

/** A person named as a Teams mention: `text` in the card body and the entity must be identical. */
export interface MentionData {
  /** "<at>Tess Nguyen</at>" */
  text: string;
  /** The name with anything that would break the mention or render as markdown removed. */
  name: string;
  /** Their Entra ID (AAD) object id. */
  id: string;
}

/** cards/it-request.json: the request as IT acts on it, the first message of its thread in IT's channel. */
export interface ItRequestCardData {
  action: RequestActionData;
  /** A short banner ('' for none). */
  message: string;
  messageStyle: MessageStyle;
  /** A problem with what was typed in one of the action forms ('' for none). */
  errors: { note: string };
  reference: string;
  title: string;
  /** "Status: In progress · Megan Bowen is on it" */
  statusLine: string;
  priority: PriorityView;
  /** "Respond by Tue 1 Dec 2026, 11:30 · Resolve by Wed 2 Dec 2026, 12:00"; '' once it is no longer open. */
  dueText: string;
  requester: MentionData;
  facts: Fact[];
  statement: string;
  /** The hold note, the open question, the resolution: whichever are set. */
  notes: StateNote[];
  can: ItActionFlags;
  /** People it can be assigned to (not the current assignee). */
  memberChoices: Choice[];
  noteLimit: number;
}

/** cards/request-update.json: what the requester is told in their personal chat when IT or Liaison acts. */
export interface RequestUpdateCardData {
  action: RequestActionData;
  message: string;
  messageStyle: MessageStyle;
  /** "Megan Bowen is working on REQ-0042" */
  heading: string;
  title: string;
  /** What it means for the requester, in a sentence or two. */
  explanation: string;
  /** The question, hold note or resolution note that came with the change (none or one). */
  notes: StateNote[];
  statusLine: string;
  /** Buttons valid for the request as it is now, whatever the message was about. */
  can: Omit<RequesterActionFlags, 'cancel'>;
  /** The answer as typed so far (kept when it was refused). */
  reply: string;
  /** A problem with the answer or the reason just sent ('' for none). */
  fieldError: string;
  noteLimit: number;
}
