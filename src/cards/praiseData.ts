// The data the praise cards are expanded with. Display strings that may hold user text are already made
// inert; input values are raw (inputs do not render markdown).

import type { Choice, Fact, MessageStyle } from './intakeData';
import type { MentionData } from './requestData';

/** Sent back by the praise card's buttons; untrusted when it returns. */
export interface PraiseActionData {
  /** Made when the card was drawn: a second press of the same card is the same praise. */
  token: string;
  /** The request it thanks for ('' for thanks started with "praise"). */
  reference: string;
}

/** cards/praise.json: who to thank, a badge, a message and who may see it. */
export interface PraiseCardData {
  action: PraiseActionData;
  /** "Would you like to thank IT for REQ-0042?" or "Thank someone in IT" */
  title: string;
  /** A sentence under the title (what was resolved, or how to choose). */
  intro: string;
  /** A short banner ('' for none). */
  message: string;
  messageStyle: MessageStyle;
  /** The IT staff who can be thanked. */
  people: Choice[];
  /** Chosen so far, comma-separated AAD ids (the assignee by default). */
  peopleValue: string;
  badges: Choice[];
  badge: string;
  /** The message as typed so far. */
  text: string;
  messageLimit: number;
  visibilities: Choice[];
  visibility: string;
  /** A line under the choice of who may see it, e.g. that public thanks are switched off ('' for none). */
  visibilityNote: string;
  /** One problem per field ('' for none). */
  errors: { people: string; badge: string; message: string; visibility: string };
  /** Whether "Not now" is offered (after a resolution). */
  canDismiss: boolean;
}

/** cards/praise-thanks.json: a thanks as the person thanked gets it, or as posted at once in a thanks channel. */
export interface PraiseThanksCardData {
  /** "Priya Natarajan thanked you" or "Priya Natarajan thanked <at>Ivan Brooks</at>" (inert names). */
  heading: string;
  badge: string;
  /** The message, inert; '' for none. */
  message: string;
  /** "For REQ-0042 · Printer jam at Branch 2", '' without a request. */
  forText: string;
  /** Who else sees it, or how to change that ('' for none). */
  note: string;
  mentions: MentionData[];
}

/** One thanks in the weekly post. */
export interface WeeklyThanksLine {
  /** "**Priya Natarajan** thanked <at>Ivan Brooks</at> and Megan Bowen" (names inert). */
  line: string;
  badge: string;
  message: string;
  forText: string;
}

/** cards/weekly-thanks.json: the weekly post, the preview of it, or a page of "show all". */
export interface WeeklyThanksCardData {
  /** "Thanks to IT this week" */
  title: string;
  /** "Sat 21 Nov to Fri 27 Nov 2026" */
  period: string;
  /** "Preview: ..." or "This post is 2 days late ..." ('' for none). */
  note: string;
  facts: Fact[];
  /** "IT Service Desk: 7 thanks · Network: 2 thanks" ('' when none). */
  teams: string;
  thanks: WeeklyThanksLine[];
  /** The friendly note of a week without thanks ('' otherwise). */
  empty: string;
  /** "And 470 more thanks." ('' when all are shown). */
  more: string;
  /** Whether "Show all thanks" is offered. */
  canShowAll: boolean;
  /** Paging of "show all": '' on the post itself. */
  pageText: string;
  canPrevious: boolean;
  canNext: boolean;
  /** Sent back by Show all / Previous / Next. */
  action: { week: string; page: number };
  mentions: MentionData[];
}

/** cards/praise-settings.json: whether my name may appear in public thanks, and (admins) the organisation's switch. */
export interface PraiseSettingsCardData {
  message: string;
  messageStyle: MessageStyle;
  /** "true" or "false", as Input.Toggle values. */
  showMyName: string;
  isAdmin: boolean;
  publicPosts: string;
}
