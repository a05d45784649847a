import type { Activity } from 'botbuilder';
import { z } from 'zod';

/** Ids end up in URLs and headers of the Bot Connector calls: printable characters only. */
// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/;
const id = z.string().min(1).max(1024).regex(PRINTABLE);
const optionalId = z.string().max(1024).regex(PRINTABLE).optional();
const optionalText = z.string().max(4096).optional();

/** A user or bot as activities carry them. */
const Account = z.looseObject({ id, name: optionalText, aadObjectId: optionalId, role: optionalText });

/** Teams' channelData: only the parts Liaison and botbuilder read are checked. */
const ChannelData = z.looseObject({
  tenant: z.looseObject({ id: z.string().max(128).regex(PRINTABLE) }).optional(),
  team: z.looseObject({ id, name: optionalText, aadGroupId: optionalText }).optional(),
  channel: z.looseObject({ id, name: optionalText }).optional(),
  eventType: optionalText,
});

/**
 * The shape of an activity from the Bot Connector, as far as Liaison and botbuilder read it: fields with
 * the wrong type would otherwise fail deep inside a handler or the SDK. Anything else is kept as it came;
 * card data (`value`) is parsed by the handler that needs it.
 */
const ActivityShape = z.looseObject({
  type: z.string().min(1).max(64),
  id: optionalId,
  name: z.string().max(256).optional(),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
  conversation: z.looseObject({
    id,
    conversationType: z.string().max(64).optional(),
    tenantId: optionalId,
    isGroup: z.boolean().optional(),
    name: optionalText,
  }),
  from: Account,
  recipient: Account,
  text: z.string().max(200_000).optional(),
  textFormat: z.string().max(64).optional(),
  locale: z.string().max(64).optional(),
  replyToId: optionalId,
  timestamp: z.iso.datetime({ offset: true }).optional(),
  localTimestamp: z.iso.datetime({ offset: true }).optional(),
  entities: z.array(z.looseObject({ type: z.string().max(256) })).max(100).optional(),
  attachments: z.array(z.looseObject({ contentType: z.string().max(256) })).max(50).optional(),
  membersAdded: z.array(Account).max(1000).optional(),
  membersRemoved: z.array(Account).max(1000).optional(),
  channelData: ChannelData.optional(),
});

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
