import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { ChannelSettingsStore } from '../storage/channelSettings';
import type { ConversationReferenceStore } from '../storage/conversationReferences';
import type { RequestStore } from '../storage/requests';
import type { Policy } from '../policy/policy';
import type { ReviewContext } from '../intake/review';
import type { Routes } from '../jobs/routing';
import type { Roster } from './roster';
import type { NoticeQueue } from '../storage/outbox';
import type { PraiseStore } from '../storage/praise';
import type { WeeklyPoster } from '../jobs/weekly';

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
  /** Who is in an IT team (cached briefly). */
  roster: Roster;
  /** Which IT channel a request goes to. */
  routes: Routes;
  /** Wakes the outbox after a change wrote notifications; queues the notifications of thanks. */
  outbox: { kick(tenantId: string): void } & NoticeQueue;
  /** Thanks, who may be named in public, the prompts' cap. */
  praise: PraiseStore;
  /** Builds a week's thanks summary (the weekly post, its preview and its pages). */
  weekly: Pick<WeeklyPoster, 'build'>;
  /** Posts requests that waited for an IT channel (after one was connected). */
  waiting: { post(tenantId: string): Promise<void> };
}

/** The policy, the library's time zone and the current time, as the intake and request views need them. */
export function reviewContext(services: BotServices): ReviewContext {
  return { policy: services.policy, timeZone: services.timeZone, now: services.clock.now() };
}
