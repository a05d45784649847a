import type { Activity } from 'botbuilder';
import { z } from 'zod';

/**
 * The fields every activity from the Bot Connector carries. Anything else is kept as it came and parsed
 * later by the handler that needs it.
 */
const ActivityShape = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(1024).optional(),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
    conversation: z.looseObject({ id: z.string().min(1).max(1024) }),
    from: z.looseObject({ id: z.string().min(1).max(1024) }),
    recipient: z.looseObject({ id: z.string().min(1).max(1024) }),
  })
  .loose();

export type ParsedActivity = { ok: true; activity: Activity } | { ok: false; message: string };

export function parseActivity(body: unknown): ParsedActivity {
  const parsed = ActivityShape.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? 'body';
    return { ok: false, message: `The activity is missing or has an invalid "${where || 'body'}"` };
  }
  const activity = parsed.data as unknown as Activity & { timestamp?: unknown; localTimestamp?: unknown };
  // As botbuilder's own validator does: timestamps arrive as strings.
  if (typeof activity.timestamp === 'string') activity.timestamp = new Date(activity.timestamp);
  if (typeof activity.localTimestamp === 'string') activity.localTimestamp = new Date(activity.localTimestamp);
  return { ok: true, activity };
}

/** True when the service URL's host is on the allow-list (an empty list allows any, for development). */
export function serviceUrlAllowed(serviceUrl: string, allowedHosts: readonly string[]): boolean {
  if (allowedHosts.length === 0) return true;
  const url = new URL(serviceUrl);
  if (url.protocol !== 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return false;
  return allowedHosts.includes(url.host.toLowerCase()) || allowedHosts.includes(url.hostname.toLowerCase());
}

/** The tenant an activity comes from, as set by the service. */
export function tenantOf(activity: Activity): string | undefined {
  const channelData: unknown = activity.channelData;
  if (typeof channelData !== 'object' || channelData === null || !('tenant' in channelData)) return activity.conversation.tenantId;
  const tenant = channelData.tenant;
  if (typeof tenant === 'object' && tenant !== null && 'id' in tenant && typeof tenant.id === 'string') return tenant.id;
  return activity.conversation.tenantId;
}
