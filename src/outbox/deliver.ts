// Turns an outbox item into what Teams shows: the request card in its IT channel (posted, then updated
// in place), a line in the request's thread, or a message in the requester's personal chat. Cards are
// drawn from the request as it is at delivery, so a late update never shows an older state.

import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import { inert, type AdaptiveCard } from '../cards/render';
import { itRequestCard, requestUpdateCard } from '../cards/requestViews';
import { praiseThanksCard } from '../cards/praiseViews';
import type { Praise } from '../praise/praise';
import type { PraiseNote } from '../requests/notifications';
import type { PraiseStore } from '../storage/praise';
import type { ReviewContext } from '../intake/review';
import { threadLineText } from '../requests/describe';
import { referenceOf, type Route, type ServiceRequest } from '../requests/request';
import type { ConversationRef, ConversationReferenceStore } from '../storage/conversationReferences';
import { paceKeyOf, type OutboxItem, type PostedCard } from '../storage/outbox';
import type { Routes } from '../jobs/routing';
import type { ChannelSettingsStore } from '../storage/channelSettings';
import { isConflict } from '../storage/tables';
import { apply } from '../requests/lifecycle';
import { LIAISON } from '../requests/system';
import type { RequestStore } from '../storage/requests';
import type { Roster } from '../teams/roster';
import type { ProactiveSender } from '../teams/sender';
import { Undeliverable, viaConnector } from './failures';
import type { Deliver, Report, ReportNotice } from './worker';

export interface DeliveryDeps {
  sender: ProactiveSender;
  references: ConversationReferenceStore;
  requests: RequestStore;
  channelSettings: ChannelSettingsStore;
  /** Forgotten when a channel turns out unreachable. */
  routes: Pick<Routes, 'forget'>;
  roster: Roster;
  view: () => ReviewContext;
  /** AAD object ids of the people told about what only they can fix (the first of them). */
  admins: readonly string[];
  /** Who may be named in public thanks. */
  praise: Pick<PraiseStore, 'showsName' | 'optedOut' | 'publicPosts' | 'record'>;
  /** People a thanks posted at once mentions (notifies) at most. */
  mentionLimit: number;
}

function cardActivity(card: AdaptiveCard, summary: string): Partial<Activity> {
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  activity.summary = summary;
  return activity;
}

export function createDelivery(deps: DeliveryDeps): { deliver: Deliver; report: Report } {
  const request = async (tenantId: string, seq: number): Promise<{ value: ServiceRequest; card?: PostedCard }> => {
    const found = await deps.requests.getWithCard(tenantId, seq);
    if (!found) throw new Undeliverable(`request ${String(seq)} does not exist`);
    return { value: found.stored.value, ...(found.card === undefined ? {} : { card: found.card }) };
  };

  const channelOf = async (r: ServiceRequest): Promise<ConversationRef> => {
    if (!r.route) throw new Undeliverable(`${r.reference} has no IT channel`);
    const stored = await deps.references.get({ kind: 'channel', channelId: r.route.channelId });
    if (!stored) throw new Undeliverable(`no address for the channel ${r.route.channelId}: mention Liaison there once`, true);
    return stored.reference;
  };

  const itCard = async (r: ServiceRequest, channel: ConversationRef): Promise<Partial<Activity>> => {
    const route = r.route;
    const members = route ? await viaConnector(() => deps.roster.members(channel, route.teamId)) : [];
    return cardActivity(itRequestCard(r, deps.view(), { members }), `${r.reference}: ${r.answers.what.title}`);
  };

  const postedCard = (r: { value: ServiceRequest; card?: PostedCard }): PostedCard => {
    if (!r.card) throw new Undeliverable(`the card of ${r.value.reference} was never posted`);
    return r.card;
  };

  /** A card's view of a praise the outbox carries (the time is not shown). */
  const praiseOf = (tenantId: string, note: PraiseNote): Praise => ({ ...note, tenantId, at: deps.view().now });

  /**
   * The personal chat of someone thanked: the one Teams told Liaison about, or one opened through a
   * channel of their IT team (IT staff need not have chatted with Liaison before).
   */
  const personalChat = async (tenantId: string, to: string, note: PraiseNote): Promise<ConversationRef> => {
    const known = await deps.references.get({ kind: 'user', aadObjectId: to });
    if (known) return known.reference;
    const thanked = note.to.find((person) => person.aadObjectId === to);
    if (thanked?.userId === undefined) throw new Undeliverable('no personal chat with the person thanked is known', true);
    const channels = await deps.channelSettings.listForTeam(thanked.teamId);
    for (const channel of channels) {
      const via = await deps.references.get({ kind: 'channel', channelId: channel.channelId });
      if (!via) continue;
      const opened = await viaConnector(() => deps.sender.openPersonal(via.reference, thanked.userId ?? ''));
      await deps.references.save({ target: { kind: 'user', aadObjectId: to }, reference: opened, tenantId, updatedAt: deps.view().now });
      return opened;
    }
    throw new Undeliverable('no channel of the IT team is known to open a personal chat through', true);
  };

  const deliver = async (item: OutboxItem): Promise<PostedCard | undefined> => {
    const n = item.notification;
    switch (n.kind) {
      case 'thread.start': {
        const r = await request(item.tenantId, n.seq);
        // Posted before, and the answer or the bookkeeping was lost: never post a second card.
        if (r.card) return undefined;
        const channel = await channelOf(r.value);
        const activity = await itCard(r.value, channel);
        const posted = await viaConnector(() => deps.sender.startThread(channel, activity));
        return { conversationId: posted.conversationId, activityId: posted.activityId, channelId: channel.conversation.id, postedAt: deps.view().now };
      }
      case 'card.update': {
        const r = await request(item.tenantId, n.seq);
        const card = postedCard(r);
        const channel = await channelOf(r.value);
        const activity = await itCard(r.value, channel);
        await viaConnector(() => deps.sender.update({ ...channel, conversation: { ...channel.conversation, id: card.conversationId } }, card.activityId, activity));
        return undefined;
      }
      case 'thread.line': {
        const r = await request(item.tenantId, n.seq);
        const card = postedCard(r);
        const channel = await channelOf(r.value);
        const text = threadLineText(n.line.event, r.value.reference, deps.view().policy, inert);
        await viaConnector(() => deps.sender.replyInThread(channel, card.activityId, { ...MessageFactory.text(text), textFormat: 'markdown' }));
        return undefined;
      }
      case 'person.update': {
        const r = await request(item.tenantId, n.seq);
        const person = await deps.references.get({ kind: 'user', aadObjectId: n.to });
        if (!person) throw new Undeliverable('no personal chat with the requester is known', true);
        const activity = cardActivity(requestUpdateCard(r.value, n.update, deps.view()), `${r.value.reference}: ${n.update.kind}`);
        await viaConnector(() => deps.sender.send(person.reference, activity));
        return undefined;
      }
      case 'admin.notice': {
        const admin = await deps.references.get({ kind: 'user', aadObjectId: n.to });
        if (!admin) throw new Undeliverable('no personal chat with the admin is known', true);
        await viaConnector(() => deps.sender.send(admin.reference, { ...MessageFactory.text(n.text), textFormat: 'plain' }));
        return undefined;
      }
      case 'praise.thanks': {
        const chat = await personalChat(item.tenantId, n.to, n.praise);
        const [publicName, publicPosts, thanksChannels] = await Promise.all([deps.praise.showsName(item.tenantId, n.to), deps.praise.publicPosts(item.tenantId), deps.channelSettings.praiseChannels(item.tenantId)]);
        // Posted at once only if public posts are still on when the post goes out (it goes after this message).
        const view = { kind: 'recipient', publicName, publicPosts, postedIn: publicPosts ? n.postedIn : [], weeklyPost: thanksChannels.length > 0 } as const;
        const card = praiseThanksCard(praiseOf(item.tenantId, n.praise), view);
        await viaConnector(() => deps.sender.send(chat, cardActivity(card, `${n.praise.from.name} thanked you`)));
        return undefined;
      }
      case 'praise.post': {
        const channel = await deps.references.get({ kind: 'channel', channelId: n.channelId });
        if (!channel) throw new Undeliverable(`no address for the thanks channel ${n.channelId}: mention Liaison there once`, true);
        // As the organisation and the people thanked wish at the time of posting: either may have changed since.
        const [publicPosts, optedOut] = await Promise.all([deps.praise.publicPosts(item.tenantId), deps.praise.optedOut(item.tenantId)]);
        const named = n.praise.to.filter((person) => !optedOut.has(person.aadObjectId));
        if (!publicPosts || named.length === 0) return undefined;
        const card = praiseThanksCard(praiseOf(item.tenantId, n.praise), { kind: 'channel', named, mentionLimit: deps.mentionLimit });
        await viaConnector(() => deps.sender.send(channel.reference, cardActivity(card, `${n.praise.from.name} said thank you`)));
        return undefined;
      }
      case 'praise.record':
        await deps.praise.record({ ...n.praise, tenantId: item.tenantId, at: new Date(n.at) });
        return undefined;
    }
  };

  /**
   * What Liaison does about a notification that cannot be delivered. A request card whose channel is
   * gone (403, 404, no address): the channel stops receiving requests until its setup is saved again,
   * and the request waits for a channel (its requester is told, through that change). The first admin
   * hears, once a day at most per channel, thread or person, about what only they can fix.
   */
  const report: Report = async (item, failure) => {
    const n = item.notification;
    const reference = referenceOf(n.seq);
    const admin = deps.admins[0];
    const tell = (once: string, text: string): ReportNotice | undefined => (admin === undefined ? undefined : { once, notification: { kind: 'admin.notice', seq: n.seq, to: admin, text } });
    switch (n.kind) {
      case 'thread.start': {
        const gone = failure.kind === 'permanent' && failure.gone ? await channelGone(item, failure.reason) : undefined;
        if (gone) {
          return tell(
            `channel|${gone.route.channelId}|${String(gone.since.getTime())}`,
            `Liaison could not post ${reference} in the channel ${gone.route.channelName} (${failure.reason}): it may have been removed from the team. Requests for it wait until someone mentions Liaison there with setup and presses Save.`,
          );
        }
        return tell(`thread|${String(n.seq)}`, `Liaison could not post ${reference} in its IT channel (${failure.reason}), so IT has not seen it. Please look into it; the request is saved.`);
      }
      case 'card.update':
      case 'thread.line':
        return tell(`thread|${String(n.seq)}`, `Liaison could not update ${reference}'s thread in its IT channel (${failure.reason}): the card may have been deleted. The request itself is fine; its thread no longer shows changes.`);
      case 'person.update':
        return tell(`user|${n.to}`, `Liaison could not reach a requester in their personal chat about ${reference} (${failure.reason}). They may have removed the app; please ask them to open Liaison again.`);
      case 'admin.notice':
        return undefined;
      case 'praise.thanks':
        return tell(`user|${n.to}`, `Liaison could not deliver thanks from ${n.praise.from.name} to a member of IT in their personal chat (${failure.reason}). Please ask them to open Liaison in Teams once.`);
      case 'praise.record':
        return undefined;
      case 'praise.post':
        return tell(`channel|${n.channelId}`, `Liaison could not post thanks in a thanks channel (${failure.reason}): it may have been removed from the team. Mention Liaison there with setup and press Save.`);
    }
  };

  /**
   * The channel a request's card was going to cannot be reached: it is marked so (routing skips it) and
   * the request waits for a channel again. Nothing is done when the request went elsewhere meanwhile.
   */
  const channelGone = async (item: OutboxItem, reason: string): Promise<{ route: Route; since: Date } | undefined> => {
    const { seq } = item.notification;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const stored = await deps.requests.getRequest(item.tenantId, seq);
      const route = stored?.value.route;
      if (!stored || !route || item.pace !== paceKeyOf({ kind: 'channel', channelId: route.channelId })) return undefined;
      const view = deps.view();
      const t = apply(stored.value, { kind: 'unroute', reason }, LIAISON, view.now, view.policy.autoCloseDays);
      if (!t.ok) return undefined;
      const since = await deps.channelSettings.markUnreachable(route.teamId, route.channelId, view.now);
      deps.routes.forget(item.tenantId);
      try {
        await deps.requests.changeRequest(stored, t.request, t.event);
        return since && { route, since };
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error(`${referenceOf(seq)} kept changing while Liaison took it off its unreachable channel`);
  };

  return { deliver, report };
}
