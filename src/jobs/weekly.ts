// The weekly thanks post: once per channel and week, in every channel registered for it, at the
// configured day and time in the library's time zone. Every instance runs it from its sweep; a
// create-once marker per channel and week decides which one posts, and a post that may have reached
// Teams is never sent again (reliability.md, requirement 10).

import { randomUUID } from 'node:crypto';
import { CardFactory, MessageFactory } from 'botbuilder';
import { weeklyThanksCard } from '../cards/praiseViews';
import type { AdaptiveCard } from '../cards/render';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { certainlyNotSent, classify, viaConnector } from '../outbox/failures';
import { sleep } from '../outbox/pacing';
import type { Policy } from '../policy/policy';
import { lastClosedWeek, type Praise, type PraiseWeek } from '../praise/praise';
import { summarise, type WeeklySummary } from '../praise/weekly';
import type { ChannelRegistration } from '../setup/registration';
import type { ChannelSettingsStore } from '../storage/channelSettings';
import type { ConversationReferenceStore } from '../storage/conversationReferences';
import type { PraiseStore, WeeklyMarker } from '../storage/praise';
import { paceKeyOf, type NoticeQueue } from '../storage/outbox';
import { tableKey } from '../storage/tables';
import type { Notification } from '../requests/notifications';
import type { RequestStore } from '../storage/requests';
import type { ProactiveSender } from '../teams/sender';

/** How long an instance holds a channel's post before another may take it over (it stopped before sending). */
const LEASE_MS = 2 * 60_000;
/** After a throttled or unconnected attempt, the next try waits at least this long. */
const RETRY_MS = 60_000;
/** A channel whose address is not known yet is tried again after this long. */
const NO_ADDRESS_RETRY_MS = 10 * 60_000;
/** The post goes out this long after its time: thanks sent just before it are queued by then. */
const GRACE_MS = 60_000;
/** Marking a sent post as posted is tried this often, a little apart. */
const BOOKKEEPING_TRIES = 3;
const BOOKKEEPING_WAIT_MS = 500;
const DAY_MS = 86_400_000;

export interface WeeklyPosterOptions {
  praise: PraiseStore;
  requests: Pick<RequestStore, 'resolvedBetween'>;
  channelSettings: Pick<ChannelSettingsStore, 'praiseChannels'>;
  references: Pick<ConversationReferenceStore, 'get'>;
  sender: Pick<ProactiveSender, 'send'>;
  policy: Policy;
  timeZone: string;
  clock: Clock;
  logger: Logger;
  /** Where thanks on their way to the week's list are seen, and admin notices queued. */
  queue: Pick<NoticeQueue, 'praiseQueuedBetween' | 'enqueueOnce'>;
  /** AAD object ids of the admins; the first hears about a post that failed or may have failed. */
  admins: readonly string[];
  /** Sends within Teams' limits, counted with the outbox's own sends. */
  pace: <T>(paceKey: string, send: () => Promise<T>) => Promise<T>;
}

/** A week's summary and how many rows were read for it (the week's praise rows, no other). */
export interface BuiltWeek {
  summary: WeeklySummary;
  praiseRowsRead: number;
}

export class WeeklyPoster {
  /** Names this instance in the markers it claims. */
  private readonly owner = randomUUID();
  /** Channel weeks whose post is settled (posted, uncertain or failed): not asked about again. */
  private readonly finished = new Set<string>();

  constructor(private readonly options: WeeklyPosterOptions) {}

  /**
   * The summary of a week: its praise (one range per day it touches), the thanks of the week still in the
   * outbox on their way to that list, its resolutions and who opted out.
   */
  async build(tenantId: string, week: PraiseWeek): Promise<BuiltWeek> {
    const { praise, requests, queue } = this.options;
    const [found, queued, resolutions, optedOut] = await Promise.all([
      praise.between(tenantId, week.start, week.end),
      queue.praiseQueuedBetween(tenantId, week.start, week.end),
      requests.resolvedBetween(tenantId, week.start, week.end),
      praise.optedOut(tenantId),
    ]);
    const stored = new Set(found.praises.map(praiseKeyOf));
    const all = [...found.praises, ...queued.filter((p) => !stored.has(praiseKeyOf(p)))];
    return { summary: summarise(week, all, resolutions, optedOut), praiseRowsRead: found.rowsRead };
  }

  /** The card of a week's post; undefined when the week is empty and empty weeks get nothing. */
  card(summary: WeeklySummary, lateDays: number): AdaptiveCard | undefined {
    const { praise } = this.options.policy;
    // A week whose thanks all went to people who keep their names out of posts is not empty: its totals show.
    if (summary.thanks.length === 0 && summary.teams.length === 0 && praise.weeklyPost.emptyWeek === 'skip') return undefined;
    return weeklyThanksCard(summary, { timeZone: this.options.timeZone, mentionLimit: praise.mentionLimit, mode: { kind: 'post', lateDays } });
  }

  /** Posts the latest week that closed in every channel of the organisation that has not had it yet. */
  async run(tenantId: string): Promise<void> {
    const { praise, channelSettings, policy, timeZone, clock, logger } = this.options;
    const now = clock.now();
    // A minute after its time, so that thanks sent just before it are queued by then.
    const week = lastClosedWeek(new Date(now.getTime() - GRACE_MS), policy.praise.weeklyPost, timeZone);
    const lateDays = Math.floor((now.getTime() - week.end.getTime()) / DAY_MS);
    const due = (await channelSettings.praiseChannels(tenantId)).filter(
      (c) => c.unreachableSince === undefined && tookThanksBy(c, week, lateDays) && !this.finished.has(finishedKey(tenantId, c.channelId, week.key)),
    );
    if (due.length === 0) return;
    const publicPosts = await praise.publicPosts(tenantId);
    let built: BuiltWeek | undefined;
    for (const channel of due) {
      try {
        const at = clock.now();
        const claimed = await praise.claimWeekly(tenantId, channel.channelId, week.key, this.owner, at, new Date(at.getTime() + LEASE_MS));
        if (!claimed) {
          await this.settle(tenantId, channel, week.key, at);
          continue;
        }
        if (!publicPosts) {
          // Switched off when the week closed: that week has no post, even if they are switched on later.
          if (await praise.updateWeekly(tenantId, claimed, { state: 'posted', reason: 'public thanks posts are switched off' })) this.finish(tenantId, channel.channelId, week.key);
          continue;
        }
        built ??= await this.build(tenantId, week);
        await this.post(tenantId, channel, claimed, built.summary, lateDays);
      } catch (error) {
        // The marker, if claimed, is taken again when its lease ends; the other channels go on.
        logger.error({ err: error, tenantId, channelId: channel.channelId, week: week.key }, 'weekly thanks post failed before sending; it will be tried again');
      }
    }
  }

  /**
   * A channel's week another instance has: settled ones are remembered, and one left "sending" by an
   * instance that stopped mid-send is given up as uncertain (it may have reached Teams), with the admin told.
   */
  private async settle(tenantId: string, channel: ChannelRegistration, week: string, now: Date): Promise<void> {
    const { praise, logger } = this.options;
    const current = await praise.weeklyMarker(tenantId, channel.channelId, week);
    if (!current) return;
    if (current.state === 'sending' && current.leaseUntil <= now) {
      const given = await praise.updateWeekly(tenantId, current, { state: 'uncertain', reason: 'the instance sending it stopped before it knew the outcome' });
      if (!given) return;
      logger.error({ tenantId, channelId: channel.channelId, week }, 'weekly thanks post may or may not have reached Teams (its sender stopped); it is not sent again');
      await this.tellAdmin(tenantId, channel, week, mayNotHavePosted(channel, 'Liaison stopped while sending it'));
      this.finish(tenantId, channel.channelId, week);
    } else if (current.state !== 'claimed' && current.state !== 'sending') {
      this.finish(tenantId, channel.channelId, week);
    }
  }

  private finish(tenantId: string, channelId: string, week: string): void {
    this.finished.add(finishedKey(tenantId, channelId, week));
  }

  private async post(tenantId: string, channel: ChannelRegistration, claimed: WeeklyMarker, summary: WeeklySummary, lateDays: number): Promise<void> {
    const { praise, references, sender, logger, clock, pace } = this.options;
    const ids = { tenantId, channelId: channel.channelId, week: claimed.week };
    const card = this.card(summary, lateDays);
    if (!card) {
      if (await praise.updateWeekly(tenantId, claimed, { state: 'posted', reason: 'an empty week: nothing to post' })) this.finish(tenantId, channel.channelId, claimed.week);
      return;
    }
    const address = await references.get({ kind: 'channel', channelId: channel.channelId });
    if (!address) {
      // The address is written when Liaison hears from the channel; it may come yet.
      await praise.updateWeekly(tenantId, claimed, { leaseUntil: new Date(clock.now().getTime() + NO_ADDRESS_RETRY_MS), reason: 'no address for the channel' });
      logger.warn(ids, 'weekly thanks post waits: no address for the channel yet (mention Liaison there once)');
      return;
    }
    // From here on the post may reach Teams: the marker says so first, so that nobody sends it again.
    const sending = await praise.updateWeekly(tenantId, claimed, { state: 'sending', leaseUntil: new Date(clock.now().getTime() + LEASE_MS) });
    if (!sending) return;
    const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
    activity.summary = 'Thanks to IT this week';
    let activityId: string;
    try {
      activityId = (await pace(paceKeyOf({ kind: 'channel', channelId: channel.channelId }), () => viaConnector(() => sender.send(address.reference, activity)))).activityId;
    } catch (error) {
      await this.notSent(tenantId, channel, sending, error);
      return;
    }
    // Sent: whatever happens to the bookkeeping now, it is never sent again.
    for (let tries = 1; ; tries++) {
      try {
        // Another instance may have given the send up as uncertain meanwhile (it outlasted its lease): it is known now.
        const current = (await praise.updateWeekly(tenantId, sending, { state: 'posted', activityId })) ?? (await this.postedAfterAll(tenantId, sending, activityId));
        if (current) this.finish(tenantId, channel.channelId, claimed.week);
        logger.info({ ...ids, activityId, thanks: summary.thanks.length }, 'weekly thanks posted');
        return;
      } catch (error) {
        if (tries >= BOOKKEEPING_TRIES) {
          logger.error({ ...ids, err: error, activityId }, 'weekly thanks posted but not marked so; it is not sent again');
          return;
        }
        await sleep(BOOKKEEPING_WAIT_MS * tries);
      }
    }
  }

  /** Marks a post given up as uncertain by another instance as posted, now that its send is known to have worked. */
  private async postedAfterAll(tenantId: string, sent: WeeklyMarker, activityId: string): Promise<WeeklyMarker | undefined> {
    const current = await this.options.praise.weeklyMarker(tenantId, sent.channelId, sent.week);
    return current?.state === 'uncertain' ? this.options.praise.updateWeekly(tenantId, current, { state: 'posted', activityId, reason: 'sent after all' }) : undefined;
  }

  /** A send that failed: tried again later only when it certainly left nothing in Teams. */
  private async notSent(tenantId: string, channel: ChannelRegistration, sending: WeeklyMarker, error: unknown): Promise<void> {
    const { praise, logger, clock } = this.options;
    const ids = { tenantId, channelId: channel.channelId, week: sending.week };
    const failure = classify(error, clock.now().getTime());
    if (certainlyNotSent(error) && failure.kind === 'retry') {
      // Nothing reached Teams: any instance tries again once the lease (the wait) is over.
      await praise.updateWeekly(tenantId, sending, { state: 'claimed', leaseUntil: new Date(clock.now().getTime() + Math.max(RETRY_MS, failure.retryAfterMs ?? 0)), reason: failure.reason });
      logger.warn({ ...ids, reason: failure.reason }, 'weekly thanks post not sent; it will be tried again');
      return;
    }
    const state = failure.kind === 'permanent' ? 'failed' : 'uncertain';
    await praise.updateWeekly(tenantId, sending, { state, reason: failure.reason });
    this.finish(tenantId, channel.channelId, sending.week);
    logger.error({ ...ids, reason: failure.reason, state }, state === 'uncertain' ? 'weekly thanks post may or may not have reached Teams; it is not sent again' : 'weekly thanks post failed');
    await this.tellAdmin(
      tenantId,
      channel,
      sending.week,
      state === 'uncertain'
        ? mayNotHavePosted(channel, `Teams answered with an error (${failure.reason}) after it was sent`)
        : `Liaison could not post this week's thanks in ${channel.channelName} (${failure.reason}). It may have been removed from the team: mention Liaison there with setup and press Save.`,
    );
  }

  /** The first admin hears, once per channel and week, about a post only they can check or fix. */
  private async tellAdmin(tenantId: string, channel: ChannelRegistration, week: string, text: string): Promise<void> {
    const admin = this.options.admins[0];
    if (admin === undefined) return;
    const notice: Notification = { kind: 'admin.notice', seq: 0, to: admin, text };
    await this.options.queue.enqueueOnce(tenantId, { key: `weekly|${tableKey(channel.channelId)}|${week}`, payload: text }, this.options.clock.now(), [notice]);
  }
}

function mayNotHavePosted(channel: ChannelRegistration, why: string): string {
  return `Liaison may not have posted this week's thanks in ${channel.channelName}: ${why}, so it is not sent again in case it arrived. Please look at the channel.`;
}

const finishedKey = (tenantId: string, channelId: string, week: string): string => `${tenantId}|${channelId}|${week}`;
const praiseKeyOf = (p: Praise): string => `${p.from.aadObjectId}|${p.id}`;

/**
 * Whether a channel took the weekly post when the week ended. Channels set up before Liaison kept that
 * time get the week only when it is on time, so that a first start never posts an old week late.
 */
function tookThanksBy(channel: ChannelRegistration, week: PraiseWeek, lateDays: number): boolean {
  return channel.praiseSince === undefined ? lateDays < 1 && channel.updatedAt <= week.end : channel.praiseSince <= week.end;
}
