// Thanks to IT: the prompt after a resolution, "praise" at any time, sending it, "praise settings",
// the weekly post's "show all" pages and its preview ("weekly post now").

import { randomUUID } from 'node:crypto';
import { teamsGetChannelId, type AdaptiveCardInvokeResponse, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { praiseCard, praiseSettingsCard, weeklyThanksCard, type PraiseCardInput } from '../../cards/praiseViews';
import type { Banner } from '../../cards/intakeViews';
import { cleanText } from '../../intake/fields';
import { withDeadline } from '../../lib/deadline';
import { joinNames } from '../../lib/words';
import { checkChoice, weekByKey, weekOf, type Praise, type Thanked, type Visibility } from '../../praise/praise';
import type { PraiseNote, Notification } from '../../requests/notifications';
import { seqOf, type RequestEvent, type ServiceRequest } from '../../requests/request';
import { LIAISON } from '../../requests/system';
import { maySetUp, type ChannelRegistration } from '../../setup/registration';
import { tableKey } from '../../storage/tables';
import { cardResponse, messageResponse, noticeResponse, sendCard, type MessageInvokeResponse } from '../reply';
import type { BotServices } from '../services';
import { turnLogger } from '../turnLogger';
import { NOT_IDENTIFIED, ownerOf, tenantIdOf } from './identity';

/** How long the invitation to thank IT may take before the confirmation is answered without it. */
const PROMPT_MS = 4_000;

/**
 * Everyone who can be thanked: the members of the teams whose channels take IT requests, each with the
 * IT channel's name as their team's (the first by name when a team has several).
 */
async function itStaff(context: TurnContext, services: BotServices, tenantId: string): Promise<Thanked[]> {
  const channels = (await services.channelSettings.itChannels(tenantId)).sort((a, b) => a.channelName.localeCompare(b.channelName, 'en-GB'));
  const teams = new Map<string, string>();
  for (const channel of channels) if (!teams.has(channel.teamId)) teams.set(channel.teamId, channel.channelName);
  const staff = new Map<string, Thanked>();
  for (const [teamId, teamName] of teams) {
    for (const member of await services.roster.members(context, teamId)) {
      if (!staff.has(member.aadObjectId)) staff.set(member.aadObjectId, { ...member, teamId, teamName });
    }
  }
  return [...staff.values()];
}

/** Everyone who can be thanked by `sender`: nobody thanks themself. */
async function itStaffBut(context: TurnContext, services: BotServices, tenantId: string, sender: string): Promise<Thanked[]> {
  return (await itStaff(context, services, tenantId)).filter((person) => person.aadObjectId !== sender);
}

/** IT staff who acted on the request (the assignee first), or everyone in IT when none of them is there any more. */
function actedOn(events: readonly RequestEvent[], request: ServiceRequest, staff: readonly Thanked[]): Thanked[] {
  const ids = new Set<string>();
  if (request.assignee) ids.add(request.assignee.aadObjectId);
  for (const event of events) {
    if (event.actor.aadObjectId !== LIAISON.aadObjectId && event.actor.aadObjectId !== request.requester.aadObjectId) ids.add(event.actor.aadObjectId);
    if (event.assignee) ids.add(event.assignee.aadObjectId);
  }
  const acted = staff.filter((person) => ids.has(person.aadObjectId));
  return acted.length > 0 ? acted : [...staff];
}

function cardInput(services: BotServices, offered: readonly Thanked[], publicPosts: boolean, request?: ServiceRequest): Omit<PraiseCardInput, 'token'> {
  return {
    offered,
    preselected: request?.assignee && offered.some((p) => p.aadObjectId === request.assignee?.aadObjectId) ? [request.assignee.aadObjectId] : [],
    badges: services.policy.praise.badges,
    publicPosts,
    ...(request ? { request: { reference: request.reference, title: request.answers.what.title } } : {}),
  };
}

/**
 * The invitation to thank IT after the requester confirmed a resolution: not for a request that was ever
 * reopened, once per request, and at most the configured number of times per person and week. Undefined
 * when there is none to show; a failure here never spoils the confirmation.
 */
export async function praisePrompt(context: TurnContext, services: BotServices, request: ServiceRequest, banner: Banner): Promise<AdaptiveCardInvokeResponse | undefined> {
  const { praise: settings } = services.policy;
  // Once given up on, the work still running must not use up one of the week's invitations.
  let gaveUp = false;
  const prompt = async (): Promise<AdaptiveCardInvokeResponse | undefined> => {
    const events = await services.requests.events(request.tenantId, request.seq);
    if (events.some((e) => e.kind === 'reopened') || settings.promptsPerWeek === 0) return undefined;
    const offered = actedOn(events, request, await itStaffBut(context, services, request.tenantId, request.requester.aadObjectId));
    if (offered.length === 0) return undefined;
    const now = services.clock.now();
    const week = weekOf(now, settings.weeklyPost, services.timeZone);
    const publicPosts = await services.praise.publicPosts(request.tenantId);
    if (gaveUp) return undefined;
    if (!(await services.praise.takePrompt(request.tenantId, request.seq, request.requester.aadObjectId, week.key, settings.promptsPerWeek, now))) return undefined;
    return cardResponse(praiseCard({ token: randomUUID(), ...cardInput(services, offered, publicPosts, request), banner }));
  };
  try {
    // The confirmation is saved already: a slow Teams or storage must not make it look failed.
    return await withDeadline(prompt(), PROMPT_MS);
  } catch (error) {
    gaveUp = true;
    turnLogger(context, services.logger).warn({ err: error, reference: request.reference }, 'could not offer to thank IT');
    return undefined;
  }
}

/** "praise": the same card, without a request, offering everyone in IT. */
export async function startPraise(context: TurnContext, services: BotServices): Promise<void> {
  const owner = ownerOf(context);
  if (!owner) {
    await context.sendActivity(NOT_IDENTIFIED);
    return;
  }
  const offered = await itStaffBut(context, services, owner.tenantId, owner.person.aadObjectId);
  if (offered.length === 0) {
    await context.sendActivity('There is nobody to thank here yet: IT has not connected a channel to Liaison. Once they have, type praise again.');
    return;
  }
  const publicPosts = await services.praise.publicPosts(owner.tenantId);
  await sendCard(context, praiseCard({ token: randomUUID(), ...cardInput(services, offered, publicPosts) }), 'Thank someone in IT');
}

const SendData = z.object({
  token: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  reference: z.string().max(20).optional(),
  people: z.string().max(10_000).optional(),
  badge: z.string().max(200).optional(),
  message: z.string().optional(),
  visibility: z.string().max(20).optional(),
});

const OUT_OF_DATE = 'This card is out of date. Type praise to thank someone in IT.';
const NOT_YOUR_REQUEST = 'You can thank IT for your own requests only. Type praise to thank someone in IT.';

/** Sends the thanks: checked, queued for the people thanked (and the thanks channel) once, and stored for the week. */
export async function sendPraise(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse | MessageInvokeResponse> {
  const owner = ownerOf(context);
  if (!owner) return noticeResponse('Thanks', NOT_IDENTIFIED);
  const parsed = SendData.safeParse(data);
  if (!parsed.success) return noticeResponse('Thanks', OUT_OF_DATE);
  const { token } = parsed.data;
  const { tenantId, person } = owner;
  const log = turnLogger(context, services.logger);

  let request: ServiceRequest | undefined;
  if (parsed.data.reference) {
    const seq = seqOf(parsed.data.reference);
    request = seq === undefined ? undefined : (await services.requests.getRequest(tenantId, seq))?.value;
    // Thanks for a request come from its requester: nobody thanks on someone else's behalf.
    if (request?.requester.aadObjectId !== person.aadObjectId) {
      log.info({ reference: request?.reference }, 'refused thanks for a request by someone who did not make it');
      return noticeResponse('Thanks', NOT_YOUR_REQUEST);
    }
  }
  const staff = await itStaffBut(context, services, tenantId, person.aadObjectId);
  const offered = request ? actedOn(await services.requests.events(tenantId, request.seq), request, staff) : staff;
  const publicPosts = await services.praise.publicPosts(tenantId);
  const typed = {
    people: (parsed.data.people ?? '').split(','),
    badge: parsed.data.badge ?? '',
    message: cleanText(parsed.data.message ?? ''),
    visibility: parsed.data.visibility ?? 'weekly',
  };
  // With public posts switched off, thanks are private whatever the card said.
  const visibility = (publicPosts ? typed.visibility : 'private') as Visibility;
  const checked = checkChoice({ ...typed, visibility }, offered, services.policy.praise.badges);
  if (!checked.ok) {
    return cardResponse(praiseCard({ token, ...cardInput(services, offered, publicPosts, request), typed, errors: { [checked.field]: checked.reason } }));
  }

  const draft: Omit<Praise, 'at'> = {
    tenantId,
    id: token,
    from: person,
    ...checked.value,
    ...(request ? { request: { seq: request.seq, reference: request.reference, title: request.answers.what.title } } : {}),
  };
  let sent: Queued;
  try {
    sent = await queueOnce(services, draft);
  } catch (error) {
    log.error({ err: error, token }, 'could not queue thanks');
    return messageResponse('Not sent: Liaison could not reach its storage just now. Your message is still on the card; press Send thanks again in a moment.');
  }
  services.outbox.kick(tenantId);
  log.info({ token, thanked: sent.praise.to.length, visibility: sent.praise.visibility, reference: sent.praise.request?.reference }, 'thanks sent');
  return noticeResponse('Thanks sent', sentText(sent, publicPosts));
}

/** What the `sent|` marker keeps: the praise as first queued, where it is posted at once, and whether a weekly post exists. */
interface Queued {
  praise: Praise;
  postedIn: string[];
  weeklyPost: boolean;
}

/**
 * Queues the thanks' messages and its place in the week's list, with a create-once marker, in one
 * transaction. A second press (or a retry after a failure) finds the marker and answers as the first did.
 */
async function queueOnce(services: BotServices, draft: Omit<Praise, 'at'>): Promise<Queued> {
  const key = `praise|${tableKey(draft.from.aadObjectId)}|${draft.id}`;
  const channels = (await services.channelSettings.praiseChannels(draft.tenantId)).filter((c) => c.unreachableSince === undefined);
  const postNow = draft.visibility === 'now' && (await namesAnyone(services, draft)) ? postChannels(channels, draft) : [];
  // Stamped as late as possible: the weekly post waits a minute after its time for thanks still being queued.
  const praise: Praise = { ...draft, at: services.clock.now() };
  const queued: Queued = { praise, postedIn: postNow.map((c) => c.channelName), weeklyPost: channels.length > 0 };
  if (await services.outbox.enqueueOnce(praise.tenantId, { key, payload: JSON.stringify(queued) }, praise.at, notificationsOf(praise, postNow))) return queued;
  const stored = await services.outbox.marker(praise.tenantId, key);
  if (stored === undefined) throw new Error('the thanks marker vanished');
  const first = JSON.parse(stored) as Queued;
  return { ...first, praise: { ...first.praise, at: new Date(first.praise.at) } };
}

/** Whether a public post may name at least one of the people thanked (the others asked not to be named). */
async function namesAnyone(services: BotServices, praise: Omit<Praise, 'at'>): Promise<boolean> {
  const optedOut = await services.praise.optedOut(praise.tenantId);
  return praise.to.some((person) => !optedOut.has(person.aadObjectId));
}

/**
 * Where "post it now" goes: the thanks channel of each thanked person's team, or, when their team has
 * none, every thanks channel of the organisation (the library's kudos channel, say).
 */
function postChannels(channels: readonly ChannelRegistration[], praise: Omit<Praise, 'at'>): ChannelRegistration[] {
  const all = [...channels].sort((a, b) => a.channelName.localeCompare(b.channelName, 'en-GB'));
  const chosen = new Map<string, ChannelRegistration>();
  for (const teamId of new Set(praise.to.map((p) => p.teamId))) {
    const own = all.find((c) => c.teamId === teamId);
    for (const channel of own ? [own] : all) chosen.set(channel.channelId, channel);
  }
  return [...chosen.values()];
}

/** Each person thanked hears privately; the week's list gets it; "post it now" goes to `channels` too. */
function notificationsOf(praise: Praise, channels: readonly ChannelRegistration[]): Notification[] {
  const carried: PraiseNote = { id: praise.id, from: praise.from, to: praise.to, badge: praise.badge, message: praise.message, visibility: praise.visibility, ...(praise.request ? { request: praise.request } : {}) };
  const seq = praise.request?.seq ?? 0;
  return [
    { kind: 'praise.record', seq, praise: carried, at: praise.at.toISOString() },
    ...praise.to.map((person): Notification => ({ kind: 'praise.thanks', seq, to: person.aadObjectId, praise: carried, postedIn: channels.map((c) => c.channelName) })),
    ...channels.map((c): Notification => ({ kind: 'praise.post', seq, teamId: c.teamId, channelId: c.channelId, praise: carried })),
  ];
}

function sentText({ praise, postedIn, weeklyPost }: Queued, publicPosts: boolean): string {
  const names = joinNames(praise.to.map((p) => p.name));
  const shared = praise.visibility !== 'private' && publicPosts;
  const notes = [
    ...(shared && postedIn.length > 0 ? [`It is also posted in ${joinNames(postedIn)}.`] : []),
    ...(shared && praise.visibility === 'now' && postedIn.length === 0 ? [weeklyPost ? 'It is not posted now: they asked not to be named in public posts.' : 'No channel takes thanks yet, so it is not posted now.'] : []),
    ...(shared && weeklyPost ? ["It will also be in this week's thanks post, unless they asked not to be named in public."] : []),
    ...(shared ? [] : ['Only they will see it.']),
  ];
  return [`${names} will get your thanks in their Teams chat.`, ...notes].join(' ');
}

export function dismissPraise(): Promise<AdaptiveCardInvokeResponse> {
  return Promise.resolve(noticeResponse('Maybe another time', 'No problem. Whenever you want to thank someone in IT, type praise.'));
}

const PageData = z.object({ week: z.string().max(10), page: z.union([z.number().int(), z.string().regex(/^\d{1,4}$/).transform(Number)]) });

/** "Show all thanks" and its Previous / Next: a page of the week's public thanks, for the person pressing. */
export async function showWeekPage(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const parsed = PageData.safeParse(data);
  const week = parsed.success ? weekByKey(parsed.data.week, services.policy.praise.weeklyPost, services.timeZone) : undefined;
  if (!parsed.success || !week) return noticeResponse('Thanks this week', 'This card is out of date.');
  const tenantId = tenantIdOf(context);
  if (!(await services.praise.publicPosts(tenantId))) return noticeResponse('Thanks this week', 'Public thanks posts are switched off for your organisation, so the list is not shown.');
  const { summary } = await services.weekly.build(tenantId, week);
  return cardResponse(weeklyThanksCard(summary, { timeZone: services.timeZone, mentionLimit: 0, mode: { kind: 'page', page: parsed.data.page } }));
}

/** "weekly post now" in a channel: a preview of this week's post so far, for admins. */
export async function previewWeeklyPost(context: TurnContext, services: BotServices): Promise<void> {
  if (teamsGetChannelId(context.activity) === null) {
    await context.sendActivity('Say this in a team channel (mention me: @Liaison weekly post now) to preview the weekly thanks post there.');
    return;
  }
  if (!maySetUp(context.activity.from.aadObjectId, services.admins)) {
    await context.sendActivity('Only Liaison admins can preview the weekly thanks post. It goes out by itself each week.');
    return;
  }
  const tenantId = tenantIdOf(context);
  if (!(await services.praise.publicPosts(tenantId))) {
    await context.sendActivity('Public thanks posts are switched off for your organisation, so there is no weekly post to preview. An admin can switch them on with praise settings in a personal chat with me.');
    return;
  }
  const week = weekOf(services.clock.now(), services.policy.praise.weeklyPost, services.timeZone);
  const { summary } = await services.weekly.build(tenantId, week);
  await sendCard(context, weeklyThanksCard(summary, { timeZone: services.timeZone, mentionLimit: 0, mode: { kind: 'preview' } }), 'Preview of the weekly thanks post');
}

async function settingsCard(services: BotServices, tenantId: string, aadObjectId: string, banner?: Banner) {
  const [showMyName, publicPosts] = await Promise.all([services.praise.showsName(tenantId, aadObjectId), services.praise.publicPosts(tenantId)]);
  return praiseSettingsCard({ showMyName, publicPosts, isAdmin: maySetUp(aadObjectId, services.admins), ...(banner ? { banner } : {}) });
}

/** "praise settings": whether thanks to me may name me in public posts; admins also switch public posts for everyone. */
export async function showPraiseSettings(context: TurnContext, services: BotServices): Promise<void> {
  const owner = ownerOf(context);
  if (!owner) {
    await context.sendActivity(NOT_IDENTIFIED);
    return;
  }
  await sendCard(context, await settingsCard(services, owner.tenantId, owner.person.aadObjectId), 'Praise settings');
}

const SettingsData = z.object({ showMyName: z.enum(['true', 'false']), publicPosts: z.enum(['true', 'false']).optional() });

export async function savePraiseSettings(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const owner = ownerOf(context);
  if (!owner) return noticeResponse('Praise settings', NOT_IDENTIFIED);
  const parsed = SettingsData.safeParse(data);
  if (!parsed.success) return noticeResponse('Praise settings', 'This card is out of date. Type praise settings to see your settings.');
  const { tenantId, person } = owner;
  const now = services.clock.now();
  await services.praise.setShowsName(tenantId, person.aadObjectId, parsed.data.showMyName === 'true', now);
  const wantsOrgChange = parsed.data.publicPosts !== undefined && (parsed.data.publicPosts === 'true') !== (await services.praise.publicPosts(tenantId));
  if (wantsOrgChange && !maySetUp(person.aadObjectId, services.admins)) {
    return cardResponse(await settingsCard(services, tenantId, person.aadObjectId, { text: 'Your own setting is saved. Only Liaison admins can switch public thanks posts for the organisation.', style: 'warning' }));
  }
  if (wantsOrgChange) {
    await services.praise.setPublicPosts(tenantId, parsed.data.publicPosts === 'true', person.aadObjectId, now);
    turnLogger(context, services.logger).info({ publicPosts: parsed.data.publicPosts }, 'public thanks posts switched for the organisation');
  }
  return cardResponse(await settingsCard(services, tenantId, person.aadObjectId, { text: 'Saved.', style: 'good' }));
}
