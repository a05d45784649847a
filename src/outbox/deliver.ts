// Turns an outbox item into what Teams shows: the request card in its IT channel (posted, then updated
// in place), a line in the request's thread, or a message in the requester's personal chat. Cards are
// drawn from the request as it is at delivery, so a late update never shows an older state.

import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import { inert, type AdaptiveCard } from '../cards/render';
import { itRequestCard, requestUpdateCard } from '../cards/requestViews';
import type { ReviewContext } from '../intake/review';
import { threadLineText } from '../requests/describe';
import { referenceOf, type Route, type ServiceRequest } from '../requests/request';
import type { ConversationRef, ConversationReferenceStore } from '../storage/conversationReferences';
import type { OutboxItem, PostedCard } from '../storage/outbox';
import type { Routes } from '../jobs/routing';
import type { ChannelSettingsStore } from '../storage/channelSettings';
import { isConflict } from '../storage/tables';
import { apply } from '../requests/lifecycle';
import { LIAISON } from '../requests/system';
import type { RequestStore } from '../storage/requests';
import type { Roster } from '../teams/roster';
import type { ProactiveSender } from '../teams/sender';
import { Undeliverable } from './failures';
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
    if (!stored) throw new Undeliverable(`no address for the channel ${r.route.channelId}: mention Liaison there once`);
    return stored.reference;
  };

  const itCard = async (r: ServiceRequest, channel: ConversationRef): Promise<Partial<Activity>> => {
    const members = r.route ? await deps.roster.members(channel, r.route.teamId) : [];
    return cardActivity(itRequestCard(r, deps.view(), { members }), `${r.reference}: ${r.answers.what.title}`);
  };

  const postedCard = (r: { value: ServiceRequest; card?: PostedCard }): PostedCard => {
    if (!r.card) throw new Undeliverable(`the card of ${r.value.reference} was never posted`);
    return r.card;
  };

  const deliver = async (item: OutboxItem): Promise<PostedCard | undefined> => {
    const n = item.notification;
    switch (n.kind) {
      case 'thread.start': {
        const r = await request(item.tenantId, n.seq);
        // Posted before, and the answer or the bookkeeping was lost: never post a second card.
        if (r.card) return undefined;
        const channel = await channelOf(r.value);
        const posted = await deps.sender.startThread(channel, await itCard(r.value, channel));
        return { conversationId: posted.conversationId, activityId: posted.activityId, channelId: channel.conversation.id, postedAt: deps.view().now };
      }
      case 'card.update': {
        const r = await request(item.tenantId, n.seq);
        const card = postedCard(r);
        const channel = await channelOf(r.value);
        await deps.sender.update({ ...channel, conversation: { ...channel.conversation, id: card.conversationId } }, card.activityId, await itCard(r.value, channel));
        return undefined;
      }
      case 'thread.line': {
        const r = await request(item.tenantId, n.seq);
        const card = postedCard(r);
        const channel = await channelOf(r.value);
        const text = threadLineText(n.line.event, r.value.reference, deps.view().policy, inert);
        await deps.sender.replyInThread(channel, card.activityId, { ...MessageFactory.text(text), textFormat: 'markdown' });
        return undefined;
      }
      case 'person.update': {
        const r = await request(item.tenantId, n.seq);
        const person = await deps.references.get({ kind: 'user', aadObjectId: n.to });
        if (!person) throw new Undeliverable('no personal chat with the requester is known');
        await deps.sender.send(person.reference, cardActivity(requestUpdateCard(r.value, n.update, deps.view()), `${r.value.reference}: ${n.update.kind}`));
        return undefined;
      }
      case 'admin.notice': {
        const admin = await deps.references.get({ kind: 'user', aadObjectId: n.to });
        if (!admin) throw new Undeliverable('no personal chat with the admin is known');
        await deps.sender.send(admin.reference, { ...MessageFactory.text(n.text), textFormat: 'plain' });
        return undefined;
      }
    }
  };

  /**
   * What Liaison does about a notification that cannot be delivered. A request card that cannot be
   * posted: the channel stops receiving requests until its setup is saved again, and the request waits
   * for a channel (its requester is told, through that change). The first admin hears once per channel,
   * per person or per thread about what only they can fix.
   */
  const report: Report = async (item, failure) => {
    const n = item.notification;
    const reference = referenceOf(n.seq);
    const admin = deps.admins[0];
    const tell = (once: string, text: string): ReportNotice | undefined => (admin === undefined ? undefined : { once, notification: { kind: 'admin.notice', seq: n.seq, to: admin, text } });
    switch (n.kind) {
      case 'thread.start': {
        const route = await unroute(item.tenantId, n.seq, failure.reason);
        if (!route) return undefined;
        return tell(
          `channel|${route.channelId}`,
          `Liaison could not post ${reference} in the channel ${route.channelName} (${failure.reason}): it may have been removed from the team. Requests wait until someone mentions Liaison there with setup and presses Save.`,
        );
      }
      case 'card.update':
      case 'thread.line':
        return tell(`thread|${String(n.seq)}`, `Liaison could not update ${reference}'s thread in its IT channel (${failure.reason}): the card may have been deleted. The request itself is fine; its thread no longer shows changes.`);
      case 'person.update':
        return tell(`user|${n.to}`, `Liaison could not reach a requester in their personal chat about ${reference} (${failure.reason}). They may have removed the app; please ask them to open Liaison again.`);
      case 'admin.notice':
        return undefined;
    }
  };

  /** Takes the request off the channel it could not be posted to (with its etag; a lost race is retried). */
  const unroute = async (tenantId: string, seq: number, reason: string): Promise<Route | undefined> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await deps.requests.getRequest(tenantId, seq);
      const route = stored?.value.route;
      if (!stored || !route) return undefined;
      const t = apply(stored.value, { kind: 'unroute', reason }, LIAISON, deps.view().now, deps.view().policy.autoCloseDays);
      if (!t.ok) return undefined;
      await deps.channelSettings.markUnreachable(route.teamId, route.channelId, deps.view().now);
      deps.routes.forget(tenantId);
      try {
        await deps.requests.changeRequest(stored, t.request, t.event);
        return route;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    return undefined;
  };

  return { deliver, report };
}
