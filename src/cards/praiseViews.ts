// Builds the data of the praise cards: the card a technician thanks IT with, the thanks as the person
// thanked (or a thanks channel) sees it, the weekly post with its preview and "show all" pages, and the
// praise settings. Names and messages people typed are made inert; mentions use plain names.

import { DateTime } from 'luxon';
import { joinNames } from '../lib/words';
import { MESSAGE_LIMIT, VISIBILITIES, type Praise, type PraiseWeek, type Thanked, type Visibility } from '../praise/praise';
import type { PublicThanks, WeeklySummary } from '../praise/weekly';
import type { Choice, Fact } from './intakeData';
import type { Banner } from './intakeViews';
import type { PraiseCardData, PraiseSettingsCardData, PraiseThanksCardData, WeeklyThanksCardData, WeeklyThanksLine } from './praiseData';
import { inert, renderCard, type AdaptiveCard } from './render';
import type { MentionData } from './requestData';
import { mentionOf, plainName } from './requestViews';

type PraiseField = 'people' | 'badge' | 'message' | 'visibility';

export interface PraiseCardInput {
  /** Made when the card is drawn; comes back with Send or Not now. */
  token: string;
  /** The request just resolved, when the card invites thanks for it. */
  request?: { reference: string; title: string };
  /** The IT staff who can be thanked. */
  offered: readonly Thanked[];
  /** AAD ids chosen at first (the assignee). */
  preselected: readonly string[];
  badges: readonly string[];
  /** Whether the organisation allows public thanks (the weekly post, posting at once). */
  publicPosts: boolean;
  /** What was sent and refused, shown again as typed. */
  typed?: { people?: readonly string[]; badge?: string; message?: string; visibility?: string };
  errors?: Partial<Record<PraiseField, string>>;
  banner?: Banner;
}

/** Keeps the card small; an organisation with more IT staff still finds the assignee, who comes first. */
const MAX_PEOPLE = 100;
const DEFAULT_BADGE = 'Thank you';
const IT_FALLBACK = 'Someone in IT';
const VISIBILITY_TITLES: Record<Visibility, string> = {
  weekly: "In this week's thanks post",
  now: "Also post it now in the team's thanks channel",
  private: 'Only to them, privately',
};

/** A name as text in a TextBlock (not a mention). */
function shownName(name: string): string {
  return inert(name.trim()) || 'Someone';
}

function bannerData(banner: Banner | undefined): Pick<PraiseCardData, 'message' | 'messageStyle'> {
  return { message: banner?.text ?? '', messageStyle: banner?.style ?? 'default' };
}

/** Each person once, by plain name (with their team when the people come from several), the chosen ones kept within the limit. */
function peopleChoices(offered: readonly Thanked[], chosen: ReadonlySet<string>): Choice[] {
  const people = new Map<string, Thanked>();
  for (const person of offered) if (!people.has(person.aadObjectId)) people.set(person.aadObjectId, person);
  const severalTeams = new Set(offered.map((person) => person.teamId)).size > 1;
  const titleOf = (person: Thanked): string => {
    const name = plainName(person.name, 'Unnamed member');
    return severalTeams ? `${name} · ${plainName(person.teamName, 'IT')}` : name;
  };
  const byTitle = (a: Choice, b: Choice): number => a.title.localeCompare(b.title, 'en-GB');
  const all = [...people.values()].map((person) => ({ title: titleOf(person), value: person.aadObjectId })).sort(byTitle);
  const first = [...all.filter((c) => chosen.has(c.value)), ...all.filter((c) => !chosen.has(c.value))];
  return first.slice(0, MAX_PEOPLE).sort(byTitle);
}

function introOf(request: PraiseCardInput['request']): string {
  const privately = 'The people you thank always get your thanks privately.';
  return request ? `“${inert(request.title)}” is resolved. ${privately}` : `Choose who helped you, pick a badge and add a few words if you like. ${privately}`;
}

/** What was typed if it is still on offer, else the default. */
function offeredOr<T extends string>(typed: string | undefined, offered: readonly T[], fallback: T): T {
  return offered.find((value) => value === typed) ?? fallback;
}

/** The card to thank IT with: after a resolution (with "Not now") or when someone types praise. */
export function praiseCard(input: PraiseCardInput): AdaptiveCard {
  const { typed = {}, errors = {}, request } = input;
  const wanted = new Set(typed.people ?? input.preselected);
  const people = peopleChoices(input.offered, wanted);
  const visibilities: readonly Visibility[] = input.publicPosts ? VISIBILITIES : ['private'];
  const badgeDefault = input.badges.includes(DEFAULT_BADGE) ? DEFAULT_BADGE : (input.badges[0] ?? '');
  return renderCard('praise', {
    action: { token: input.token, reference: request?.reference ?? '' },
    title: request ? `Would you like to thank IT for ${request.reference}?` : 'Thank someone in IT',
    intro: introOf(request),
    ...bannerData(input.banner),
    people,
    peopleValue: people.filter((c) => wanted.has(c.value)).map((c) => c.value).join(','),
    badges: input.badges.map((badge) => ({ title: badge, value: badge })),
    badge: offeredOr(typed.badge, input.badges, badgeDefault),
    // Teams' input stops at the limit; a longer text (sent by other means) is shown cut, keeping the card small.
    text: (typed.message ?? '').slice(0, 2 * MESSAGE_LIMIT),
    messageLimit: MESSAGE_LIMIT,
    visibilities: visibilities.map((value) => ({ title: VISIBILITY_TITLES[value], value })),
    visibility: offeredOr(typed.visibility, visibilities, visibilities[0] ?? 'private'),
    visibilityNote: input.publicPosts ? '' : 'Your organisation has switched public thanks off, so thanks go only to the people you thank.',
    errors: { people: errors.people ?? '', badge: errors.badge ?? '', message: errors.message ?? '', visibility: errors.visibility ?? '' },
    canDismiss: request !== undefined,
  } satisfies PraiseCardData);
}

/**
 * Names people in a card: the first `limit` distinct people get a real Teams mention, once each; anyone
 * after that, or named again, is plain (inert) text. Pages and previews use a limit of 0, so nobody is
 * notified again.
 */
class Mentions {
  readonly entities: MentionData[] = [];

  constructor(private readonly limit: number) {}

  name(person: Thanked): string {
    const seen = this.entities.some((m) => m.id === person.aadObjectId);
    if (seen || this.entities.length >= this.limit) return shownName(person.name);
    const mention = mentionOf(person, IT_FALLBACK);
    this.entities.push(mention);
    return mention.text;
  }

  /** Forgets the mentions handed out since `mark` (the number there were then). */
  rollback(mark: number): void {
    this.entities.splice(mark);
  }
}

function namesOf(people: readonly Thanked[], mentions: Mentions): string {
  return people.length === 0 ? 'someone in IT' : joinNames(people.map((person) => mentions.name(person)));
}

/** "For REQ-0042 · Printer jam at Branch 2", or '' without a request. */
function forTextOf(reference: string | undefined, title: string | undefined): string {
  if (reference === undefined) return '';
  return title === undefined || title === '' ? `For ${reference}` : `For ${reference} · ${inert(title)}`;
}

const OPTED_OUT = 'Your praise settings keep your name out of public posts; type praise settings to change that.';
const IN_THE_WEEK = "It will also appear in this week's thanks post.";

/**
 * What the person thanked is told about who else sees it, as things are when it reaches them: public
 * posts may have been switched off, no channel may take the weekly post, or none may have taken a thanks
 * meant to be posted at once.
 */
export interface RecipientView {
  kind: 'recipient';
  /** Whether their praise settings let public posts name them. */
  publicName: boolean;
  /** Whether the organisation has public thanks posts on. */
  publicPosts: boolean;
  /** The channels it was posted in at once (none unless the sender asked for it and one took it). */
  postedIn: readonly string[];
  /** Whether any channel takes the weekly thanks post. */
  weeklyPost: boolean;
}

function recipientNote(praise: Praise, view: RecipientView): string {
  const onlyThem = praise.to.length > 1 ? 'Only the people thanked can see this.' : 'Only you can see this.';
  if (praise.visibility === 'private' || !view.publicPosts) return onlyThem;
  if (!view.publicName) return OPTED_OUT;
  const notes = [...(view.postedIn.length > 0 ? [`It was also posted in ${inert(joinNames(view.postedIn))}.`] : []), ...(view.weeklyPost ? [IN_THE_WEEK] : [])];
  return notes.length > 0 ? notes.join(' ') : onlyThem;
}

export type ThanksAudience = RecipientView | { kind: 'channel'; named: readonly Thanked[]; mentionLimit: number };

/** A thanks as the person thanked gets it privately, or as posted at once in a team's thanks channel. */
export function praiseThanksCard(praise: Praise, audience: ThanksAudience): AdaptiveCard {
  const sender = shownName(praise.from.name);
  const mentions = new Mentions(audience.kind === 'channel' ? audience.mentionLimit : 0);
  return renderCard('praise-thanks', {
    heading: audience.kind === 'recipient' ? `${sender} thanked you` : `${sender} thanked ${namesOf(audience.named, mentions)}`,
    badge: inert(praise.badge),
    message: inert(praise.message.trim()),
    forText: forTextOf(praise.request?.reference, praise.request?.title),
    note: audience.kind === 'recipient' ? recipientNote(praise, audience) : '',
    mentions: mentions.entities,
  } satisfies PraiseThanksCardData);
}

export type WeeklyMode = { kind: 'post'; lateDays: number } | { kind: 'preview' } | { kind: 'page'; page: number };

/** The post shows the week's first thanks in time order (the order pages follow), then "And N more". */
const POST_THANKS = 20;
const PAGE_THANKS = 40;
/** A long message is cut in the post; the pages show it whole. */
const POST_MESSAGE = 300;
/**
 * Bytes the thanks and their mention entities may take in one card, so that with the title, facts, team
 * totals and buttons it stays under platform.md's 80 KB. A page holds fewer than PAGE_THANKS when they
 * are long.
 */
const THANKS_BYTES = 64 * 1024;
/** The template's own JSON around one thanks (its Container and TextBlocks). */
const LINE_OVERHEAD = 400;
const ENTITY_OVERHEAD = 60;

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Cut between characters as people see them, so an emoji or accent is never split. */
function clip(text: string, limit: number): string {
  const trimmed = text.trim();
  // Never more characters than UTF-16 units: a short text needs no segmenting.
  if (trimmed.length <= limit) return trimmed;
  const chars = Array.from(GRAPHEMES.segment(trimmed), (part) => part.segment);
  return chars.length <= limit ? chars.join('') : `${chars.slice(0, limit - 1).join('').trimEnd()}…`;
}

function lineOf(thanks: PublicThanks, mentions: Mentions, messageLimit: number): WeeklyThanksLine {
  return {
    line: `**${shownName(thanks.from)}** thanked ${namesOf(thanks.to, mentions)}`,
    badge: inert(thanks.badge),
    message: inert(clip(thanks.message, messageLimit)),
    forText: forTextOf(thanks.reference, thanks.title),
  };
}

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** The thanks from `start` that fit in one card: at most `count`, and within THANKS_BYTES with the mentions they add. */
function fit(thanks: readonly PublicThanks[], start: number, count: number, mentions: Mentions, messageLimit: number): WeeklyThanksLine[] {
  const lines: WeeklyThanksLine[] = [];
  let bytes = 0;
  for (const one of thanks.slice(start, start + count)) {
    const mark = mentions.entities.length;
    const line = lineOf(one, mentions, messageLimit);
    bytes += bytesOf(line) + LINE_OVERHEAD + mentions.entities.slice(mark).reduce((sum, m) => sum + bytesOf(m) + ENTITY_OVERHEAD, 0);
    if (bytes > THANKS_BYTES && lines.length > 0) {
      mentions.rollback(mark);
      break;
    }
    lines.push(line);
  }
  return lines;
}

/** Where each page of "show all" starts: pages are cut by count and by size, the same way every time. */
function pageStarts(thanks: readonly PublicThanks[]): number[] {
  const starts = [0];
  for (let next = fit(thanks, 0, PAGE_THANKS, new Mentions(0), MESSAGE_LIMIT).length; next < thanks.length; ) {
    starts.push(next);
    next += fit(thanks, next, PAGE_THANKS, new Mentions(0), MESSAGE_LIMIT).length;
  }
  return starts;
}

/** "Fri 20 Nov to Fri 27 Nov 2026": from one post to the next (the end is exclusive: a post at midnight ends the day before). */
function periodOf(week: PraiseWeek, timeZone: string): string {
  const start = DateTime.fromJSDate(week.start, { zone: timeZone }).setLocale('en-GB');
  const last = DateTime.fromMillis(week.end.getTime() - 1, { zone: timeZone }).setLocale('en-GB');
  return `${start.toFormat(start.year === last.year ? 'ccc d LLL' : 'ccc d LLL yyyy')} to ${last.toFormat('ccc d LLL yyyy')}`;
}

const plural = (n: number, one: string, many: string): string => `${String(n)} ${n === 1 ? one : many}`;
const thanksCount = (n: number): string => plural(n, 'thank-you', 'thanks');

/** "45 min", "3 h 20 min", "2 days 4 h", as a person would say how long something took. */
function durationText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under 1 min';
  if (minutes < 60) return `${String(minutes)} min`;
  if (minutes < 24 * 60) return `${String(Math.floor(minutes / 60))} h${minutes % 60 === 0 ? '' : ` ${String(minutes % 60)} min`}`;
  const hours = Math.round(minutes / 60);
  return `${plural(Math.floor(hours / 24), 'day', 'days')}${hours % 24 === 0 ? '' : ` ${String(hours % 24)} h`}`;
}

function factsOf(facts: WeeklySummary['facts']): Fact[] {
  // Titles short enough not to wrap in Teams' narrow fact column.
  const shown: Fact[] = [{ title: 'Requests resolved', value: String(facts.resolved) }];
  if (facts.medianMs !== undefined) shown.push({ title: 'Median to resolve', value: durationText(facts.medianMs) });
  if (facts.metShare !== undefined) shown.push({ title: 'Within service level', value: `${String(Math.round(facts.metShare * 100))}%` });
  return shown;
}

function noteOf(mode: WeeklyMode): string {
  if (mode.kind === 'preview') return 'Preview: this is how the weekly post looks so far. It is not the weekly post.';
  if (mode.kind === 'post' && mode.lateDays >= 1) return `This post is ${plural(mode.lateDays, 'day', 'days')} late.`;
  return '';
}

/** Why the list is empty: no thanks at all, or only thanks for people who keep their names out of posts. */
function emptyOf(summary: WeeklySummary): string {
  if (summary.thanks.length > 0) return '';
  return summary.teams.length > 0
    ? "This week's thanks went to people who prefer not to be named here; they still count for their teams."
    : 'No thanks were shared this week. When IT helps you, type praise to say thank you.';
}

/** What differs between the post (and its preview) and a page of "show all". */
type Listing = Pick<WeeklyThanksCardData, 'thanks' | 'more' | 'canShowAll' | 'pageText' | 'canPrevious' | 'canNext' | 'action' | 'mentions'>;

function postListing(summary: WeeklySummary, mentionLimit: number): Listing {
  const mentions = new Mentions(mentionLimit);
  const thanks = fit(summary.thanks, 0, POST_THANKS, mentions, POST_MESSAGE);
  const hidden = summary.thanks.length - thanks.length;
  const clipped = summary.thanks.slice(0, thanks.length).some((t) => t.message.trim().length > POST_MESSAGE);
  return {
    thanks,
    more: hidden > 0 ? `And ${hidden === 1 ? '1 more thank-you' : `${String(hidden)} more thanks`} this week.` : '',
    canShowAll: hidden > 0 || clipped,
    pageText: '',
    canPrevious: false,
    canNext: false,
    action: { week: summary.week.key, page: 1 },
    mentions: mentions.entities,
  };
}

/** One page of "show all": full messages, plain names. `action.page` is the page shown; Previous and Next add ∓1. */
function pageListing(summary: WeeklySummary, wanted: number): Listing {
  const starts = pageStarts(summary.thanks);
  const page = Math.min(Math.max(Math.trunc(wanted) || 1, 1), starts.length);
  return {
    thanks: fit(summary.thanks, starts[page - 1] ?? 0, PAGE_THANKS, new Mentions(0), MESSAGE_LIMIT),
    more: '',
    canShowAll: false,
    pageText: `Page ${String(page)} of ${String(starts.length)}`,
    canPrevious: page > 1,
    canNext: page < starts.length,
    action: { week: summary.week.key, page },
    mentions: [],
  };
}

/**
 * The weekly thanks post, its preview, or a page of all the week's thanks. Counts per team, never ranks;
 * pages leave the facts and totals to the post.
 */
export function weeklyThanksCard(summary: WeeklySummary, options: { timeZone: string; mentionLimit: number; mode: WeeklyMode }): AdaptiveCard {
  const { mode } = options;
  const onPage = mode.kind === 'page';
  const listing = onPage ? pageListing(summary, mode.page) : postListing(summary, mode.kind === 'post' ? options.mentionLimit : 0);
  return renderCard('weekly-thanks', {
    title: onPage ? 'All thanks this week' : 'Thanks to IT this week',
    period: periodOf(summary.week, options.timeZone),
    note: noteOf(mode),
    facts: onPage ? [] : factsOf(summary.facts),
    teams: onPage ? '' : summary.teams.map((team) => `${inert(team.name)}: ${thanksCount(team.count)}`).join(' · '),
    empty: emptyOf(summary),
    ...listing,
  } satisfies WeeklyThanksCardData);
}

/** Whether my name may appear in public thanks, and for admins whether the organisation posts thanks at all. */
export function praiseSettingsCard(input: { showMyName: boolean; isAdmin: boolean; publicPosts: boolean; banner?: Banner }): AdaptiveCard {
  return renderCard('praise-settings', {
    ...bannerData(input.banner),
    showMyName: String(input.showMyName),
    isAdmin: input.isAdmin,
    publicPosts: String(input.publicPosts),
  } satisfies PraiseSettingsCardData);
}
