// Which IT channel a request goes to, from the organisation's registered channels (read at most every
// 30 s per instance; the sweeper routes anything that was submitted while a new channel was unseen).

import type { Clock } from '../lib/clock';
import type { Route } from '../requests/request';
import { routeFor } from '../setup/registration';
import type { ChannelSettingsStore } from '../storage/channelSettings';

const TTL_MS = 30_000;

export class Routes {
  private readonly cache = new Map<string, { at: number; channels: Awaited<ReturnType<ChannelSettingsStore['itChannels']>> }>();

  constructor(
    private readonly settings: ChannelSettingsStore,
    private readonly clock: Clock,
  ) {}

  /** The channel for a request about `service`, or undefined while IT has none connected. */
  async routeFor(tenantId: string, service: string): Promise<Route | undefined> {
    const now = this.clock.now().getTime();
    let cached = this.cache.get(tenantId);
    if (!cached || now - cached.at > TTL_MS) {
      cached = { at: now, channels: await this.settings.itChannels(tenantId) };
      this.cache.set(tenantId, cached);
    }
    const channel = routeFor(service, cached.channels);
    return channel && { teamId: channel.teamId, channelId: channel.channelId, channelName: channel.channelName };
  }

  /** A channel registration changed here: read them again next time. */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}
