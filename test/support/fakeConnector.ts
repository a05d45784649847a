// A fake Bot Connector (Teams flavour, REST API v3) on loopback that records every call.
//
// Point a conversation reference's serviceUrl at `connector.url`. Conversation ids contain ':', '@' and ';'
// and arrive URL-encoded; they are decoded here. Ids returned look like Teams message ids (epoch ms).
// Activity bodies are stored as sent; `activity` on a recorded call is a copy with the assigned id and the
// conversation filled in, which is what `sent()` and `latest()` return.

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
  at: Date;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  /** Response body; defaults to a Bot Connector style `{ error: { code, message } }`. */
  body?: unknown;
  /** Record the message as posted and then answer `status` anyway (e.g. stored, then 500). */
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
}

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
  /** Forgets calls, messages and pending scripts (keeps rosters and teams). */
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

    if (status === 200) {
      if (maxBytes > 0 && raw.length > maxBytes && ['send', 'reply', 'update', 'createConversation'].includes(r.kind)) {
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
      const deliver = (scripted.status < 300 || scripted.deliver === true) && delivered;
      delivered = deliver;
      if (scripted.status >= 300 || scripted.body !== undefined) {
        response = scripted.body ?? errorBody(scripted.status);
      }
      status = scripted.status;
      for (const [k, v] of Object.entries(scripted.headers ?? {})) res.setHeader(k, v);
    }

    if (delivered && activity?.id !== undefined) {
      messages.set(activity.id, activity);
    }
    if (r.kind === 'delete' && status < 300 && r.activityId !== undefined) messages.delete(r.activityId);
    if (activity) call.activity = activity;
    if (parameters) call.parameters = parameters;
    call.status = status;
    call.response = response;
    call.delivered = delivered;
    calls.push(call);
    for (const wake of [...waiters]) wake();

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
        const channelData: unknown = body.channelData;
        const channel = isRecord(channelData) && isRecord(channelData.channel) ? channelData.channel : undefined;
        const channelId = typeof channel?.id === 'string' ? channel.id : undefined;
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
    reset() {
      calls.length = 0;
      messages.clear();
      scripts.length = 0;
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
