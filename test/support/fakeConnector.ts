// A fake Bot Connector (Teams flavour, REST API v3) on loopback that records every call.
//
// Point a conversation reference's serviceUrl at `connector.url`. Conversation ids contain ':', '@' and ';'
// and arrive URL-encoded; they are decoded here. Ids returned look like Teams message ids (epoch ms).
// Activity bodies are stored as sent; `activity` on a recorded call is a copy with the assigned id and the
// conversation filled in, which is what `sent()` and `latest()` return.
//
// With `rateLimits` it answers 429 like Teams does when a conversation or the app posts too fast; throttled
// messages are not delivered, and `windowViolations()` tells whether the delivered ones respected the windows.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Activity, ChannelInfo, ConversationParameters, TeamDetails, TeamsChannelAccount } from 'botbuilder';
import { DEFAULT_ROSTER, LIBRARY_TEAM, teamChannelList } from './activities';

export type CallKind =
  | 'send'
  | 'reply'
  | 'update'
  | 'delete'
  | 'createConversation'
  | 'members'
  | 'member'
  | 'team'
  | 'channels'
  | 'unknown';

export interface RecordedCall {
  /** 1-based order of arrival. */
  seq: number;
  method: string;
  /** Path and query as received (still URL-encoded). */
  path: string;
  kind: CallKind;
  /** Decoded conversation id (for createConversation: the id this fake assigned). */
  conversationId?: string;
  /**
   * Decoded activity id from the path (reply: the message replied to; update/delete: the message changed).
   * For send and createConversation, which have none in the path, the id this fake assigned.
   */
  activityId?: string;
  /** Id this fake assigned to a posted message (send, reply, createConversation with an activity). */
  assignedId?: string;
  teamId?: string;
  memberId?: string;
  /** The parsed JSON body, exactly as the client sent it (undefined for GET/DELETE). */
  body: unknown;
  /** For send/reply/update/createConversation: the activity with its id and conversation filled in. */
  activity?: Partial<Activity>;
  /** For createConversation: the parameters as sent. */
  parameters?: Partial<ConversationParameters>;
  headers: http.IncomingHttpHeaders;
  /** HTTP status this fake answered. */
  status: number;
  response: unknown;
  /** True if the message counts as posted (2xx, or a scripted failure with `deliver: true`). */
  delivered: boolean;
  /** True if the rate limiter answered 429 (a scripted 429 is not counted here). */
  throttled: boolean;
  at: Date;
}

export interface ScriptedResponse {
  /**
   * HTTP status to answer. 0 answers nothing and resets the connection instead: with `deliver: true` the
   * message is stored first (Teams stored it and the connection dropped before the answer), without it the
   * message is lost.
   */
  status: number;
  headers?: Record<string, string>;
  /** Response body; defaults to a Bot Connector style `{ error: { code, message } }`. */
  body?: unknown;
  /** Record the message as posted and then answer `status` anyway (e.g. stored, then 500; or stored, then reset with 0). */
  deliver?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
  /** How many matching calls this applies to. Default 1. */
  times?: number;
}

export interface FakeTeam {
  id: string;
  name: string;
  aadGroupId?: string;
  channels: ChannelInfo[];
}

export interface FakeConnectorOptions {
  /** Members of every conversation that has no entry in `rosters`. Default: the Library Services team. */
  roster?: TeamsChannelAccount[];
  /** Members per conversation or team id (the part before any `;messageid=`). */
  rosters?: Record<string, TeamsChannelAccount[]>;
  /** Channels of the default team (Library Services). */
  channels?: ChannelInfo[];
  /** Teams the connector knows (GET /v3/teams/:id answers 404 for others). Default: Library Services. */
  teams?: FakeTeam[];
  /** Bodies larger than this get 413 MessageSizeTooBig (0 disables). Default 100 KiB. */
  maxMessageBytes?: number;
  /** Enforce Teams' rate limits: sends beyond them get 429 (and are NOT delivered). */
  rateLimits?: RateLimitOptions;
}

/** At most `count` calls within any `ms` milliseconds. */
export interface RateWindow {
  count: number;
  ms: number;
}

export interface RateLimitOptions {
  /** Per conversation windows; default the Teams ones (TEAMS_CONVERSATION_WINDOWS). */
  conversation?: readonly RateWindow[];
  /** Per app windows (all conversations); default [{ count: 30, ms: 1000 }]. */
  app?: readonly RateWindow[];
  /** Send Retry-After (seconds, rounded up) on 429s: always, never, or on every other 429 starting with the first. Default 'always'. */
  retryAfter?: 'always' | 'never' | 'alternate';
}

/** Teams' limits per bot per conversation (send or create): 7 per 1 s, 8 per 2 s, 60 per 30 s, 1800 per hour. */
export const TEAMS_CONVERSATION_WINDOWS: readonly RateWindow[] = [
  { count: 7, ms: 1_000 },
  { count: 8, ms: 2_000 },
  { count: 60, ms: 30_000 },
  { count: 1_800, ms: 3_600_000 },
];

/** Teams' limit per app (documents say 30 to 50 requests per second; design for 30). */
export const TEAMS_APP_WINDOWS: readonly RateWindow[] = [{ count: 30, ms: 1_000 }];

export interface FakeConnector {
  /** serviceUrl to use, with a trailing slash: http://127.0.0.1:PORT/ */
  readonly url: string;
  readonly calls: RecordedCall[];
  /** Activities of delivered send, reply and createConversation calls, in order. */
  sent(): Partial<Activity>[];
  /** The newest version (after updates) of a posted message, by id. */
  latest(activityId: string): Partial<Activity> | undefined;
  /** Resolves with the matching calls once at least `n` have arrived. */
  waitForCalls(n: number, timeoutMs?: number, filter?: CallFilter): Promise<RecordedCall[]>;
  /** Makes the next matching call(s) fail with `status` (429 with Retry-After, 403, 404, 500, ...). */
  failNext(kind: CallKind | '*', status: number, headers?: Record<string, string>, options?: Omit<ScriptedResponse, 'status' | 'headers'>): void;
  /** Scripts any response (including a slow success: `{ status: 200, delayMs }`) for the next matching call(s). */
  script(kind: CallKind | '*', response: ScriptedResponse): void;
  setRoster(members: TeamsChannelAccount[], conversationOrTeamId?: string): void;
  setChannels(teamId: string, channels: ChannelInfo[]): void;
  /** How many calls the rate limiter answered with 429. */
  throttledCount(): number;
  /**
   * Checks the delivered posts (sends, replies, updates, created conversations; never throttled calls) per
   * conversation (a channel's threads count as the channel) against `limits` (default: Teams' per conversation
   * windows). One description per conversation and window that ever held more than `count` of them, with its
   * busiest stretch; empty when pacing was respected.
   */
  windowViolations(limits?: readonly RateWindow[]): string[];
  /** Forgets calls, messages, pending scripts and the rate limiter's history (keeps rosters and teams). */
  reset(): void;
  close(): Promise<void>;
}

export type CallFilter = CallKind | CallKind[] | ((call: RecordedCall) => boolean);

const ERROR_CODES: Record<number, string> = {
  400: 'BadArgument',
  401: 'Unauthorized',
  403: 'BotNotInConversationRoster',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'MessageSizeTooBig',
  429: 'Throttled',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

let lastId = 0;
function newActivityId(): string {
  lastId = Math.max(lastId + 1, Date.now());
  return String(lastId);
}

/** Calls that post a message. Teams rate-limits all of them, updates included, not only new messages. */
const POSTING_KINDS: readonly CallKind[] = ['send', 'reply', 'update', 'createConversation'];

/** The channel a createConversation starts a thread in (channelData.channel.id), if any. */
function channelIdOf(body: unknown): string | undefined {
  const channelData = isRecord(body) ? body.channelData : undefined;
  const channel = isRecord(channelData) && isRecord(channelData.channel) ? channelData.channel : undefined;
  return typeof channel?.id === 'string' ? channel.id : undefined;
}

/**
 * The conversation a posting call counts against: a thread ('<channelId>;messageid=<id>') counts as its channel,
 * and so does a createConversation in a channel. A 1:1 createConversation counts against the conversation it
 * created (none yet while it is being checked, so only the app windows apply then).
 */
function rateKey(call: RecordedCall): string | undefined {
  if (call.kind === 'createConversation') return channelIdOf(call.body) ?? call.conversationId;
  return call.conversationId?.split(';messageid=')[0];
}

/**
 * Whether an answered call counts against the rate limits: a delivered message (send, reply, update, or a
 * createConversation with a first message), or a conversation created without one (Teams counts creates too).
 * Throttled calls never do.
 */
function countsAgainstLimits(call: RecordedCall): boolean {
  if (!POSTING_KINDS.includes(call.kind)) return false;
  return call.delivered || (call.kind === 'createConversation' && call.status >= 200 && call.status < 300);
}

/** How long until one more call at `now` fits every window, given earlier calls at `times` (0: it fits now). */
function waitMs(times: readonly number[], windows: readonly RateWindow[], now: number): number {
  let wait = 0;
  for (const w of windows) {
    const inWindow = times.filter((t) => t > now - w.ms).sort((a, b) => a - b);
    // The oldest `excess + 1` calls have to leave the window first.
    const excess = inWindow.length - w.count;
    if (excess >= 0) wait = Math.max(wait, (inWindow[excess] ?? now) + w.ms - now);
  }
  return wait;
}

/** The most calls any `ms` milliseconds held, and when that stretch began. */
function busiest(times: readonly number[], ms: number): { count: number; from: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { count: 0, from: 0 };
  let start = 0;
  sorted.forEach((t, end) => {
    while ((sorted[start] ?? t) <= t - ms) start += 1;
    if (end - start + 1 > best.count) best = { count: end - start + 1, from: sorted[start] ?? t };
  });
  return best;
}

interface RateLimiter {
  /** For a posting call not answered yet: undefined if it may go through, else the 429's Retry-After (if any). */
  check(call: RecordedCall): { retryAfter?: string } | undefined;
  /** Remembers an answered call (only those that count against the limits matter). */
  record(call: RecordedCall): void;
  reset(): void;
}

function rateLimiter(options: RateLimitOptions): RateLimiter {
  const conversationWindows = options.conversation ?? TEAMS_CONVERSATION_WINDOWS;
  const appWindows = options.app ?? TEAMS_APP_WINDOWS;
  // Older calls than the longest window are forgotten.
  const horizon = (windows: readonly RateWindow[]): number => Math.max(0, ...windows.map((w) => w.ms));
  const conversationHorizon = horizon(conversationWindows);
  const appHorizon = horizon(appWindows);
  const perConversation = new Map<string, number[]>();
  let app: number[] = [];
  let throttled = 0;
  return {
    check(call) {
      const now = call.at.getTime();
      const key = rateKey(call);
      const wait = Math.max(waitMs(app, appWindows, now), key === undefined ? 0 : waitMs(perConversation.get(key) ?? [], conversationWindows, now));
      if (wait <= 0) return undefined;
      const mode = options.retryAfter ?? 'always';
      const withHeader = mode === 'always' || (mode === 'alternate' && throttled % 2 === 0);
      throttled += 1;
      return withHeader ? { retryAfter: String(Math.ceil(wait / 1_000)) } : {};
    },
    record(call) {
      if (!countsAgainstLimits(call)) return;
      const at = call.at.getTime();
      app = [...app.filter((t) => t > at - appHorizon), at];
      const key = rateKey(call);
      if (key === undefined) return;
      const earlier = perConversation.get(key) ?? [];
      perConversation.set(key, [...earlier.filter((t) => t > at - conversationHorizon), at]);
    },
    reset() {
      perConversation.clear();
      app = [];
      throttled = 0;
    },
  };
}

function errorBody(status: number, message?: string): unknown {
  const code = ERROR_CODES[status] ?? `Http${status}`;
  return { error: { code, message: message ?? `${code} (scripted by the fake connector)` } };
}

function matches(call: RecordedCall, filter: CallFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'function') return filter(call);
  return Array.isArray(filter) ? filter.includes(call.kind) : call.kind === filter;
}

interface Route {
  kind: CallKind;
  conversationId?: string;
  activityId?: string;
  teamId?: string;
  memberId?: string;
  paged?: boolean;
}

function route(method: string, segments: string[]): Route {
  const [v3, collection, id, sub, subId, ...rest] = segments;
  if (v3 !== 'v3' || rest.length > 0) return { kind: 'unknown' };
  if (collection === 'conversations') {
    if (id === undefined) return method === 'POST' ? { kind: 'createConversation' } : { kind: 'unknown' };
    if (sub === 'activities') {
      if (subId === undefined) return method === 'POST' ? { kind: 'send', conversationId: id } : { kind: 'unknown' };
      if (method === 'POST') return { kind: 'reply', conversationId: id, activityId: subId };
      if (method === 'PUT') return { kind: 'update', conversationId: id, activityId: subId };
      if (method === 'DELETE') return { kind: 'delete', conversationId: id, activityId: subId };
      return { kind: 'unknown' };
    }
    if (method !== 'GET') return { kind: 'unknown' };
    if (sub === 'members' && subId === undefined) return { kind: 'members', conversationId: id };
    if (sub === 'members') return { kind: 'member', conversationId: id, memberId: subId };
    if (sub === 'pagedmembers' && subId === undefined) return { kind: 'members', conversationId: id, paged: true };
    return { kind: 'unknown' };
  }
  if (collection === 'teams' && id !== undefined && method === 'GET') {
    if (sub === undefined) return { kind: 'team', teamId: id };
    if (sub === 'conversations' && subId === undefined) return { kind: 'channels', teamId: id };
  }
  return { kind: 'unknown' };
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function startFakeConnector(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
  const maxBytes = options.maxMessageBytes ?? 100 * 1024;
  const defaultRoster = [...(options.roster ?? DEFAULT_ROSTER)];
  let roster = defaultRoster;
  const rosters = new Map<string, TeamsChannelAccount[]>(Object.entries(options.rosters ?? {}));
  const teams = new Map<string, FakeTeam>();
  for (const t of options.teams ?? [
    { id: LIBRARY_TEAM.id, name: LIBRARY_TEAM.name, aadGroupId: LIBRARY_TEAM.aadGroupId, channels: options.channels ?? teamChannelList() },
  ]) {
    teams.set(t.id, { ...t, channels: [...t.channels] });
  }

  const calls: RecordedCall[] = [];
  const messages = new Map<string, Partial<Activity>>();
  const scripts: { kind: CallKind | '*'; response: ScriptedResponse; remaining: number }[] = [];
  const waiters = new Set<() => void>();
  const limiter = options.rateLimits ? rateLimiter(options.rateLimits) : undefined;
  let seq = 0;

  const membersOf = (conversationId: string): TeamsChannelAccount[] => {
    const baseId = conversationId.split(';')[0] ?? conversationId;
    return rosters.get(conversationId) ?? rosters.get(baseId) ?? roster;
  };

  const takeScript = (kind: CallKind): ScriptedResponse | undefined => {
    const index = scripts.findIndex((s) => s.kind === kind || s.kind === '*');
    if (index < 0) return undefined;
    const entry = scripts[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) scripts.splice(index, 1);
    return entry.response;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const rawPath = req.url ?? '/';
    const parsed = new URL(rawPath, 'http://fake.invalid');
    const segments = parsed.pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
    const r = route(method, segments);
    const raw = await readBody(req);
    let body: unknown = undefined;
    let status = 200;
    let response: unknown;
    let delivered = false;
    let activity: Partial<Activity> | undefined;
    let parameters: Partial<ConversationParameters> | undefined;
    const call: RecordedCall = {
      seq: ++seq,
      method,
      path: rawPath,
      kind: r.kind,
      body: undefined,
      headers: req.headers,
      status: 0,
      response: undefined,
      delivered: false,
      throttled: false,
      at: new Date(),
    };
    if (r.conversationId !== undefined) call.conversationId = r.conversationId;
    if (r.activityId !== undefined) call.activityId = r.activityId;
    if (r.teamId !== undefined) call.teamId = r.teamId;
    if (r.memberId !== undefined) call.memberId = r.memberId;

    const scripted = r.kind === 'unknown' ? undefined : takeScript(r.kind);
    try {
      if (raw.length > 0) body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      status = 400;
      response = errorBody(400, 'Body is not valid JSON');
    }
    call.body = body;

    // Scripted responses take precedence over the rate limiter; a throttled call is not answered any further.
    if (status === 200 && !scripted && limiter && POSTING_KINDS.includes(r.kind)) {
      const throttle = limiter.check(call);
      if (throttle) {
        status = 429;
        response = errorBody(429, 'Too many requests: the bot exceeded the rate limit for this conversation or app');
        call.throttled = true;
        if (throttle.retryAfter !== undefined) res.setHeader('Retry-After', throttle.retryAfter);
      }
    }

    if (status === 200) {
      if (maxBytes > 0 && raw.length > maxBytes && POSTING_KINDS.includes(r.kind)) {
        status = 413;
        response = errorBody(413, 'Message size too big');
      } else {
        const outcome = answer(r, body, parsed.searchParams);
        status = outcome.status;
        response = outcome.response;
        activity = outcome.activity;
        parameters = outcome.parameters;
        if (outcome.conversationId !== undefined) call.conversationId = outcome.conversationId;
        if (outcome.assignedId !== undefined) {
          call.assignedId = outcome.assignedId;
          call.activityId ??= outcome.assignedId;
        }
        delivered = activity !== undefined && status < 300;
      }
    }

    if (scripted) {
      if (scripted.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
      const success = scripted.status >= 200 && scripted.status < 300;
      delivered = (success || scripted.deliver === true) && delivered;
      if (scripted.status === 0) response = undefined;
      else if (!success || scripted.body !== undefined) response = scripted.body ?? errorBody(scripted.status);
      status = scripted.status;
      for (const [k, v] of Object.entries(scripted.headers ?? {})) res.setHeader(k, v);
    }

    if (delivered && activity?.id !== undefined) {
      messages.set(activity.id, activity);
    }
    if (r.kind === 'delete' && status >= 200 && status < 300 && r.activityId !== undefined) messages.delete(r.activityId);
    if (activity) call.activity = activity;
    if (parameters) call.parameters = parameters;
    call.status = status;
    call.response = response;
    call.delivered = delivered;
    calls.push(call);
    limiter?.record(call);
    for (const wake of [...waiters]) wake();

    if (status === 0) {
      res.destroy();
      return;
    }
    const text = response === undefined ? '' : JSON.stringify(response);
    res.statusCode = status;
    if (text.length > 0) res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(text);
  };

  interface Outcome {
    status: number;
    response?: unknown;
    activity?: Partial<Activity>;
    parameters?: Partial<ConversationParameters>;
    conversationId?: string;
    assignedId?: string;
  }

  const answer = (r: Route, body: unknown, query: URLSearchParams): Outcome => {
    switch (r.kind) {
      case 'send':
      case 'reply': {
        if (!isRecord(body) || r.conversationId === undefined) return { status: 400, response: errorBody(400, 'Activity body required') };
        const id = newActivityId();
        const activity = { ...(body as Partial<Activity>), id, conversation: { ...(isRecord(body.conversation) ? body.conversation : {}), id: r.conversationId } } as Partial<Activity>;
        if (r.kind === 'reply' && activity.replyToId === undefined && r.activityId !== undefined) activity.replyToId = r.activityId;
        return { status: 200, response: { id }, activity, assignedId: id };
      }
      case 'update': {
        if (!isRecord(body) || r.activityId === undefined || r.conversationId === undefined) {
          return { status: 400, response: errorBody(400, 'Activity body required') };
        }
        const activity = { ...(body as Partial<Activity>), id: r.activityId, conversation: { ...(isRecord(body.conversation) ? body.conversation : {}), id: r.conversationId } } as Partial<Activity>;
        return { status: 200, response: { id: r.activityId }, activity };
      }
      case 'delete':
        return { status: 200 };
      case 'createConversation': {
        if (!isRecord(body)) return { status: 400, response: errorBody(400, 'ConversationParameters required') };
        const parameters = body as Partial<ConversationParameters>;
        const channelId = channelIdOf(body);
        const sentActivity = isRecord(body.activity) ? (body.activity as Partial<Activity>) : undefined;
        if (channelId !== undefined) {
          // A new thread in a channel: the thread's conversation id is '<channelId>;messageid=<root id>'.
          const id = newActivityId();
          const conversationId = `${channelId};messageid=${id}`;
          const activity = sentActivity
            ? ({ ...sentActivity, id, conversation: { id: conversationId, isGroup: true, conversationType: 'channel' } } as Partial<Activity>)
            : undefined;
          return {
            status: 201,
            response: { id: conversationId, activityId: id },
            parameters,
            conversationId,
            assignedId: id,
            ...(activity ? { activity } : {}),
          };
        }
        // A 1:1 (or group) conversation: Teams answers with the conversation id; an initial activity gets an id too.
        const conversationId = `a:1${randomBytes(18).toString('base64url')}`;
        const id = sentActivity ? newActivityId() : undefined;
        const activity =
          sentActivity && id !== undefined
            ? ({ ...sentActivity, id, conversation: { id: conversationId, conversationType: 'personal' } } as Partial<Activity>)
            : undefined;
        return {
          status: 201,
          response: id !== undefined ? { id: conversationId, activityId: id } : { id: conversationId },
          parameters,
          conversationId,
          ...(id !== undefined ? { assignedId: id } : {}),
          ...(activity ? { activity } : {}),
        };
      }
      case 'members': {
        const members = membersOf(r.conversationId ?? '');
        if (r.paged !== true) return { status: 200, response: members };
        const pageSize = Math.max(1, Number(query.get('pageSize') ?? '200') || 200);
        const offset = Number(query.get('continuationToken') ?? '0') || 0;
        const page = members.slice(offset, offset + pageSize);
        const next = offset + pageSize < members.length ? String(offset + pageSize) : undefined;
        return { status: 200, response: next !== undefined ? { members: page, continuationToken: next } : { members: page } };
      }
      case 'member': {
        const members = membersOf(r.conversationId ?? '');
        const found = members.find((m) => m.id === r.memberId || m.aadObjectId === r.memberId);
        return found
          ? { status: 200, response: found }
          : { status: 404, response: { error: { code: 'MemberNotFoundInConversation', message: 'The member is not in the conversation' } } };
      }
      case 'team': {
        const team = teams.get(r.teamId ?? '');
        if (!team) return { status: 404, response: { error: { code: 'NotFound', message: 'Team not found' } } };
        const details: TeamDetails = {
          id: team.id,
          name: team.name,
          ...(team.aadGroupId !== undefined ? { aadGroupId: team.aadGroupId } : {}),
          channelCount: team.channels.length,
          memberCount: membersOf(team.id).length,
          type: 'standard',
        };
        return { status: 200, response: details };
      }
      case 'channels': {
        const team = teams.get(r.teamId ?? '');
        if (!team) return { status: 404, response: { error: { code: 'NotFound', message: 'Team not found' } } };
        return { status: 200, response: { conversations: team.channels } };
      }
      case 'unknown':
        return { status: 404, response: errorBody(404, 'No such route in the fake connector') };
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const connector: FakeConnector = {
    url: `http://127.0.0.1:${port}/`,
    calls,
    sent() {
      return calls
        .filter((c) => c.delivered && (c.kind === 'send' || c.kind === 'reply' || c.kind === 'createConversation'))
        .flatMap((c) => (c.activity ? [c.activity] : []));
    },
    latest(activityId) {
      return messages.get(activityId);
    },
    waitForCalls(n, timeoutMs = 5_000, filter) {
      const current = (): RecordedCall[] => calls.filter((c) => matches(c, filter));
      const now = current();
      if (now.length >= n) return Promise.resolve(now);
      return new Promise<RecordedCall[]>((resolve, reject) => {
        const wake = (): void => {
          const list = current();
          if (list.length >= n) {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve(list);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          const seen = calls.map((c) => `${c.method} ${c.kind} ${String(c.status)}`).join(', ') || 'none';
          reject(new Error(`fake connector: expected ${n} matching call(s) within ${timeoutMs} ms, got ${current().length} (all calls: ${seen})`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    failNext(kind, status, headers, opts) {
      connector.script(kind, { ...opts, status, ...(headers ? { headers } : {}) });
    },
    script(kind, response) {
      scripts.push({ kind, response, remaining: Math.max(1, response.times ?? 1) });
    },
    setRoster(members, conversationOrTeamId) {
      if (conversationOrTeamId === undefined) roster = [...members];
      else rosters.set(conversationOrTeamId, [...members]);
    },
    setChannels(teamId, channels) {
      const team = teams.get(teamId);
      if (team) team.channels = [...channels];
      else teams.set(teamId, { id: teamId, name: teamId, channels: [...channels] });
    },
    throttledCount() {
      return calls.filter((c) => c.throttled).length;
    },
    windowViolations(limits = TEAMS_CONVERSATION_WINDOWS) {
      const perConversation = new Map<string, number[]>();
      for (const call of calls) {
        const key = countsAgainstLimits(call) ? rateKey(call) : undefined;
        if (key === undefined) continue;
        const times = perConversation.get(key);
        if (times) times.push(call.at.getTime());
        else perConversation.set(key, [call.at.getTime()]);
      }
      const violations: string[] = [];
      for (const [key, times] of perConversation) {
        for (const w of limits) {
          const worst = busiest(times, w.ms);
          if (worst.count > w.count) {
            violations.push(
              `${key}: ${String(worst.count)} posts within ${String(w.ms)} ms from ${new Date(worst.from).toISOString()} (limit ${String(w.count)} per ${String(w.ms)} ms)`,
            );
          }
        }
      }
      return violations;
    },
    reset() {
      calls.length = 0;
      messages.clear();
      scripts.length = 0;
      limiter?.reset();
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
  return connector;
}
