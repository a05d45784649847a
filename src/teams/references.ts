import { teamsGetChannelId, teamsGetTeamInfo, type Activity, type TurnContext } from 'botbuilder';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { ConversationReferenceStore, StoredReference } from '../storage/conversationReferences';
import { tenantOf } from '../server/activity';
import { turnLogger } from './turnLogger';

/**
 * What a later proactive message needs to reach this activity's person (personal chat) or channel.
 * Group chats and activities without an AAD identity have nothing Liaison needs to keep.
 */
export function referenceFor(activity: Activity, now: Date): StoredReference | undefined {
  const tenantId = tenantOf(activity);
  const base = {
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId,
    bot: { id: activity.recipient.id, name: activity.recipient.name },
  };
  const conversationType = activity.conversation.conversationType;

  if (conversationType === 'personal') {
    const aadObjectId = activity.from.aadObjectId;
    if (aadObjectId === undefined) return undefined;
    return {
      target: { kind: 'user', aadObjectId },
      reference: {
        ...base,
        conversation: { id: activity.conversation.id, conversationType, ...(tenantId === undefined ? {} : { tenantId }) },
        user: { id: activity.from.id, name: activity.from.name, aadObjectId },
      },
      ...(tenantId === undefined ? {} : { tenantId }),
      updatedAt: now,
    };
  }

  const channelId = teamsGetChannelId(activity);
  const teamId = teamsGetTeamInfo(activity)?.id;
  if (channelId === null || !teamId) return undefined;
  return {
    target: { kind: 'channel', channelId },
    // The channel itself, not the thread this activity came from (`<channel>;messageid=<id>`).
    reference: {
      ...base,
      conversation: { id: channelId, conversationType: 'channel', isGroup: true, ...(tenantId === undefined ? {} : { tenantId }) },
    },
    teamId,
    ...(tenantId === undefined ? {} : { tenantId }),
    updatedAt: now,
  };
}

const CACHE_LIMIT = 5_000;
const CACHE_TTL_MS = 10 * 60_000;

/**
 * Refreshes the stored conversation reference on every inbound activity (the service URL can change).
 * A reference this instance wrote recently with the same content is not written again, which keeps a
 * busy conversation from costing a Table write per turn. Proactive turns (continue or create
 * conversation) are not inbound and must not come here.
 */
export class ReferenceRefresher {
  private readonly recent = new Map<string, { fingerprint: string; at: number }>();

  constructor(
    private readonly store: ConversationReferenceStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async refresh(context: TurnContext): Promise<void> {
    const now = this.clock.now();
    const stored = referenceFor(context.activity, now);
    if (!stored) return;
    const key = `${stored.target.kind}:${stored.target.kind === 'user' ? stored.target.aadObjectId : stored.target.channelId}`;
    const fingerprint = JSON.stringify(stored.reference);
    const seen = this.recent.get(key);
    if (seen?.fingerprint === fingerprint && now.getTime() - seen.at < CACHE_TTL_MS) return;
    try {
      await this.store.save(stored);
      this.remember(key, fingerprint, now.getTime());
    } catch (error) {
      // The turn can still be served; the next activity tries again.
      turnLogger(context, this.logger).warn({ err: error, target: stored.target.kind }, 'could not refresh the conversation reference');
    }
  }

  private remember(key: string, fingerprint: string, at: number): void {
    this.recent.delete(key);
    this.recent.set(key, { fingerprint, at });
    if (this.recent.size > CACHE_LIMIT) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
