import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { ChannelSettingsStore } from '../storage/channelSettings';
import type { ConversationReferenceStore } from '../storage/conversationReferences';
import type { RequestStore } from '../storage/requests';
import type { Policy } from '../policy/policy';

/** What the Teams handlers need, injected once by the composition root. */
export interface BotServices {
  references: ConversationReferenceStore;
  channelSettings: ChannelSettingsStore;
  requests: RequestStore;
  /** Catalogue, branches, priority matrix, service levels, opening hours. */
  policy: Policy;
  admins: readonly string[];
  /** The library's time zone, for dates people read. */
  timeZone: string;
  clock: Clock;
  logger: Logger;
}
