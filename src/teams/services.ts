import type { Service } from '../catalogue';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { ChannelSettingsStore } from '../storage/channelSettings';
import type { ConversationReferenceStore } from '../storage/conversationReferences';

/** What the Teams handlers need, injected once by the composition root. */
export interface BotServices {
  references: ConversationReferenceStore;
  channelSettings: ChannelSettingsStore;
  catalogue: readonly Service[];
  admins: readonly string[];
  /** The library's time zone, for dates people read. */
  timeZone: string;
  clock: Clock;
  logger: Logger;
}
