import type { Activity, CloudAdapter, ConversationParameters, ConversationReference } from 'botbuilder';
import { membersOf, type Member } from './members';
import { LiaisonError } from '../lib/errors';
import type { ConversationRef } from '../storage/conversationReferences';
import { serviceUrlAllowed } from '../server/activity';

export interface Posted {
  /** The id of the message the Bot Connector stored. */
  activityId: string;
  /** The conversation it is in: for a new channel thread, `<channelId>;messageid=<activityId>`. */
  conversationId: string;
}

export interface ProactiveSender {
  /** A new message in a personal chat or a channel (a new thread when the reference is a channel). */
  send(ref: ConversationRef, activity: Partial<Activity>): Promise<Posted>;
  /** A new thread in a channel, returning the thread's conversation id for replies. */
  startThread(channelRef: ConversationRef, activity: Partial<Activity>): Promise<Posted>;
  /** A reply under a thread started earlier. */
  replyInThread(channelRef: ConversationRef, threadActivityId: string, activity: Partial<Activity>): Promise<Posted>;
  /** Replaces a message Liaison posted earlier (a card updated in place). */
  update(ref: ConversationRef, activityId: string, activity: Partial<Activity>): Promise<void>;
  /**
   * Opens (or finds) the personal chat with a member of a team the app is in, through a reference in that
   * team; the address of the chat is returned.
   */
  openPersonal(viaRef: ConversationRef, userId: string): Promise<ConversationRef>;
  /** The members of a team (at most `limit`), asked through a conversation in it. */
  teamMembers(channelRef: ConversationRef, teamId: string, limit: number): Promise<Member[]>;
}

/**
 * Proactive messages through the CloudAdapter. Every address comes from a stored reference and is
 * checked against the Bot Connector allow-list before anything is sent.
 */
// createConversationAsync falls back to the configured OAuth scope when the audience is undefined,
// though its type asks for a string.
const DEFAULT_AUDIENCE = undefined as unknown as string;

export function adapterSender(adapter: CloudAdapter, appId: string, allowedServiceHosts: readonly string[]): ProactiveSender {
  const checked = (ref: ConversationRef): Partial<ConversationReference> => {
    if (!serviceUrlAllowed(ref.serviceUrl, allowedServiceHosts)) {
      throw new LiaisonError('SEND_FAILED', `Refusing to send to a service URL that is not allowed (${new URL(ref.serviceUrl).host})`);
    }
    // No activityId: continuing a conversation would otherwise turn the message into a reply.
    return { ...ref, activityId: undefined } as Partial<ConversationReference>;
  };

  /**
   * continueConversationAsync makes every send a reply to a made-up activity id: post a new message
   * instead, or a reply to the given message (the root of a channel thread).
   */
  const sendTo = async (reference: Partial<ConversationReference>, activity: Partial<Activity>, replyToId?: string): Promise<Posted> => {
    let posted: Posted | undefined;
    await adapter.continueConversationAsync(appId, reference, async (context) => {
      context.onSendActivities(async (_context, activities, next) => {
        for (const sent of activities) {
          if (replyToId === undefined) delete sent.replyToId;
          else sent.replyToId = replyToId;
        }
        return next();
      });
      const response = await context.sendActivity(activity);
      posted = { activityId: response?.id ?? '', conversationId: reference.conversation?.id ?? '' };
    });
    if (!posted?.activityId) throw new LiaisonError('SEND_FAILED', 'The Bot Connector did not return a message id');
    return posted;
  };

  return {
    send: async (ref, activity) => sendTo(checked(ref), activity),

    async startThread(channelRef, activity) {
      const reference = checked(channelRef);
      const parameters = {
        isGroup: true,
        bot: channelRef.bot,
        channelData: { channel: { id: channelRef.conversation.id } },
        activity,
        ...(channelRef.conversation.tenantId === undefined ? {} : { tenantId: channelRef.conversation.tenantId }),
      } as ConversationParameters;
      let posted: Posted | undefined;
      await adapter.createConversationAsync(appId, channelRef.channelId, channelRef.serviceUrl, DEFAULT_AUDIENCE, parameters, (context) => {
        const conversationId = context.activity.conversation.id;
        posted = { conversationId, activityId: conversationId.split(';messageid=')[1] ?? '' };
        return Promise.resolve();
      });
      if (!reference.conversation || !posted?.activityId) throw new LiaisonError('SEND_FAILED', 'The Bot Connector did not return the new thread id');
      return posted;
    },

    async replyInThread(channelRef, threadActivityId, activity) {
      const reference = checked(channelRef);
      const conversation = { ...channelRef.conversation, id: `${channelRef.conversation.id};messageid=${threadActivityId}` };
      return sendTo({ ...reference, conversation } as Partial<ConversationReference>, activity, threadActivityId);
    },

    async update(ref, activityId, activity) {
      await adapter.continueConversationAsync(appId, checked(ref), async (context) => {
        await context.updateActivity({ ...activity, id: activityId });
      });
    },

    async openPersonal(viaRef, userId) {
      checked(viaRef);
      const tenantId = viaRef.conversation.tenantId;
      const parameters = {
        isGroup: false,
        bot: viaRef.bot,
        members: [{ id: userId }],
        ...(tenantId === undefined ? {} : { tenantId, channelData: { tenant: { id: tenantId } } }),
      } as ConversationParameters;
      let conversationId = '';
      await adapter.createConversationAsync(appId, viaRef.channelId, viaRef.serviceUrl, DEFAULT_AUDIENCE, parameters, (context) => {
        conversationId = context.activity.conversation.id;
        return Promise.resolve();
      });
      if (conversationId === '') throw new LiaisonError('SEND_FAILED', 'The Bot Connector did not return the personal chat id');
      return {
        serviceUrl: viaRef.serviceUrl,
        channelId: viaRef.channelId,
        conversation: { id: conversationId, conversationType: 'personal', ...(tenantId === undefined ? {} : { tenantId }) },
        bot: viaRef.bot,
        user: { id: userId },
      };
    },

    async teamMembers(channelRef, teamId, limit) {
      let members: Member[] = [];
      await adapter.continueConversationAsync(appId, checked(channelRef), async (context) => {
        members = await membersOf(context, teamId, limit);
      });
      return members;
    },
  };
}
