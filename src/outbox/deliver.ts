// Turns an outbox item into what Teams shows: the request card in its IT channel (posted, then updated
// in place), a line in the request's thread, or a message in the requester's personal chat. Cards are
// drawn from the request as it is at delivery, so a late update never shows an older state.

import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import { inert, type AdaptiveCard } from '../cards/render';
import { itRequestCard, requestUpdateCard } from '../cards/requestViews';
import type { ReviewContext } from '../intake/review';
import type { Logger } from '../lib/logger';
import { threadLineText } from '../requests/describe';
import type { ServiceRequest } from '../requests/request';
import type { ConversationRef, ConversationReferenceStore } from '../storage/conversationReferences';
import type { OutboxItem, OutboxStore, PostedCard } from '../storage/outbox';
import type { RequestStore } from '../storage/requests';
import type { Roster } from '../teams/roster';
import type { ProactiveSender } from '../teams/sender';
import { Undeliverable } from './failures';
import type { Deliver, Report } from './worker';

export interface DeliveryDeps {
  sender: ProactiveSender;
  references: ConversationReferenceStore;
  requests: RequestStore;
  outbox: OutboxStore;
  roster: Roster;
  view: () => ReviewContext;
  /** AAD object ids of the people told when a personal chat cannot be reached. */
  admins: readonly string[];
  logger: Logger;
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
   * A request that never reached IT's channel: its requester is told. A requester's chat that cannot be
   * reached: the first admin is told (more would repeat the news). Anything else is in the log.
   */
  const report: Report = async (item, failure) => {
    const n = item.notification;
    if (n.kind === 'thread.start') {
      const r = await deps.requests.getRequest(item.tenantId, n.seq);
      return r && { kind: 'person.update', seq: n.seq, to: r.value.requester.aadObjectId, update: { kind: 'unreachable', n: r.value.eventCount, actor: 'Liaison' } };
    }
    const admin = deps.admins[0];
    if (n.kind === 'person.update' && admin !== undefined) {
      return { kind: 'admin.notice', seq: n.seq, to: admin, text: `Liaison could not reach a requester in their personal chat about request ${String(n.seq)} (${failure.reason}). They may have removed the app; please ask them to open Liaison again.` };
    }
    return undefined;
  };

  return { deliver, report };
}
