// Factories for Teams-shaped inbound activities, modelled on what Teams actually posts to a bot.
//
// The botbuilder types are stricter than the wire format (e.g. ConversationAccount.name is required but Teams
// omits it; membersAdded entries carry only an id), so a few objects are cast: the JSON is the Teams shape.
// `timestamp` is a Date; JSON.stringify turns it into the ISO string Teams sends.

import { randomBytes, randomUUID } from 'node:crypto';
import type {
  Request,
  Response,
  Activity,
  ChannelAccount,
  ChannelInfo,
  ConversationAccount,
  Entity,
  TeamsChannelAccount,
  TeamsChannelData,
} from 'botbuilder';

export const TEST_TENANT_ID = '7d3e9a51-4c2b-4f1e-9a8d-2b6c0e5f1a01';
export const OTHER_TENANT_ID = 'e0c4b1d2-9f3a-4d6e-8b7c-5a2f1e0d9c02';
/** App id the tests configure for the bot (any GUID works with the loopback OpenID server). */
export const TEST_BOT_APP_ID = '3b8f2c1d-6e4a-4b5c-9d7e-1f0a2b3c4d05';
export const BOT_NAME = 'Liaison';

export interface TestUser {
  /** Teams user id (`29:...`), as in `from.id`. */
  id: string;
  name: string;
  givenName: string;
  surname: string;
  aadObjectId: string;
  email: string;
  userPrincipalName: string;
  tenantId: string;
  /** Id of the user's 1:1 conversation with the bot. */
  personalConversationId: string;
}

function user(key: string, givenName: string, surname: string, aadObjectId: string, tenantId = TEST_TENANT_ID): TestUser {
  const upn = `${givenName}.${surname}@library.example.org`.toLowerCase();
  return {
    id: `29:1${key}-teams-user-id`,
    name: `${givenName} ${surname}`,
    givenName,
    surname,
    aadObjectId,
    email: upn,
    userPrincipalName: upn,
    tenantId,
    personalConversationId: `a:1${key}-personal-conversation`,
  };
}

/** Default people: a library technician, an IT staff member, a manager (team owner / admin) and a stranger from another tenant. */
export const USERS = {
  technician: user('tess', 'Tess', 'Nguyen', 'a1111111-1111-4111-8111-111111111111'),
  itStaff: user('ivan', 'Ivan', 'Brooks', 'b2222222-2222-4222-8222-222222222222'),
  manager: user('maria', 'Maria', 'Lopez', 'c3333333-3333-4333-8333-333333333333'),
  outsider: user('oscar', 'Oscar', 'Stranger', 'd4444444-4444-4444-8444-444444444444', OTHER_TENANT_ID),
} as const satisfies Record<string, TestUser>;

export interface TestChannel {
  id: string;
  name: string;
}

export interface TestTeam {
  /** The team id, which is also the General channel's id. */
  id: string;
  name: string;
  aadGroupId: string;
  channels: { general: TestChannel; itRequests: TestChannel; announcements: TestChannel };
}

const LIBRARY_TEAM_ID = '19:library-services-general@thread.tacv2';
export const LIBRARY_TEAM: TestTeam = {
  id: LIBRARY_TEAM_ID,
  name: 'Library Services',
  aadGroupId: 'f5555555-5555-4555-8555-555555555555',
  channels: {
    general: { id: LIBRARY_TEAM_ID, name: 'General' },
    itRequests: { id: '19:library-it-requests@thread.tacv2', name: 'IT Requests' },
    announcements: { id: '19:library-announcements@thread.tacv2', name: 'Announcements' },
  },
};

/** The team's channels as the Bot Connector lists them (General has no name there, as in Teams). */
export function teamChannelList(team: TestTeam = LIBRARY_TEAM): ChannelInfo[] {
  return Object.values(team.channels).map((c) => (c.id === team.id ? { id: c.id, type: 'standard' } : { id: c.id, name: c.name, type: 'standard' }));
}

/** A user as the Bot Connector's roster calls return it. */
export function rosterEntry(u: TestUser): TeamsChannelAccount {
  return {
    id: u.id,
    name: u.name,
    aadObjectId: u.aadObjectId,
    givenName: u.givenName,
    surname: u.surname,
    email: u.email,
    userPrincipalName: u.userPrincipalName,
    tenantId: u.tenantId,
    userRole: 'user',
  };
}

/** The Library Services team's members. */
export const DEFAULT_ROSTER: TeamsChannelAccount[] = [USERS.technician, USERS.itStaff, USERS.manager].map(rosterEntry);

export function botAccount(appId: string = TEST_BOT_APP_ID): ChannelAccount {
  return { id: `28:${appId}`, name: BOT_NAME };
}

/** Extra channelData fields Teams sends that botbuilder's TeamsChannelData does not declare. */
export interface TestTeamsChannelData extends TeamsChannelData {
  teamsChannelId?: string;
  teamsTeamId?: string;
  source?: { name: string };
  legacy?: { replyToId?: string };
}

/** An inbound Teams activity: assignable to Partial<Activity>, with the fields Teams always sends made required. */
export type TeamsActivity = Omit<Partial<Activity>, 'channelData'> &
  Required<Pick<Activity, 'type' | 'id' | 'timestamp' | 'serviceUrl' | 'channelId' | 'from' | 'conversation' | 'recipient'>> & {
    channelData: TestTeamsChannelData;
  };

interface Common {
  /** Required on purpose: a test must never post to a real Bot Connector by accident. */
  serviceUrl: string;
  from?: TestUser;
  /** Defaults to the sender's tenant. */
  tenantId?: string;
  /** The bot's app id, for `recipient` (28:<appId>). */
  appId?: string;
  id?: string;
  timestamp?: Date;
  locale?: string;
  localTimezone?: string;
}

let counter = 0;
/** A Teams message id: milliseconds since the epoch, unique and increasing within the run. */
export function newMessageId(): string {
  counter = Math.max(counter + 1, Date.now());
  return String(counter);
}
/** An id like Teams gives to conversationUpdate and invoke activities. */
export function newEventId(): string {
  return `f:${randomBytes(12).toString('hex')}`;
}

function fromAccount(u: TestUser): ChannelAccount {
  return { id: u.id, name: u.name, aadObjectId: u.aadObjectId };
}

function clientInfo(locale: string, timezone: string): Entity {
  return { type: 'clientInfo', locale, country: locale.split('-')[1] ?? 'AU', platform: 'Web', timezone };
}

function base(type: string, common: Common, conversation: Record<string, unknown>, id: string): TeamsActivity {
  const from = common.from ?? USERS.technician;
  const tenantId = common.tenantId ?? from.tenantId;
  const timestamp = common.timestamp ?? new Date();
  const locale = common.locale ?? 'en-AU';
  const localTimezone = common.localTimezone ?? 'Australia/Perth';
  return {
    type,
    id: common.id ?? id,
    timestamp,
    localTimestamp: timestamp,
    localTimezone,
    serviceUrl: common.serviceUrl,
    channelId: 'msteams',
    from: fromAccount(from),
    conversation: { ...conversation, tenantId } as unknown as ConversationAccount,
    recipient: botAccount(common.appId),
    entities: [clientInfo(locale, localTimezone)],
    channelData: { tenant: { id: tenantId } },
    locale,
  };
}

function personalConversation(u: TestUser): Record<string, unknown> {
  return { conversationType: 'personal', id: u.personalConversationId };
}

function channelConversation(channelId: string, rootMessageId: string | undefined): Record<string, unknown> {
  return {
    isGroup: true,
    conversationType: 'channel',
    id: rootMessageId === undefined ? channelId : `${channelId};messageid=${rootMessageId}`,
  };
}

function channelData(tenantId: string, teamId: string, channelId: string, extra: Partial<TestTeamsChannelData> = {}): TestTeamsChannelData {
  return {
    teamsChannelId: channelId,
    teamsTeamId: teamId,
    channel: { id: channelId },
    team: { id: teamId },
    tenant: { id: tenantId },
    ...extra,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface PersonalMessageParams extends Common {
  text: string;
  /** Card or file attachments. */
  attachments?: Activity['attachments'];
  value?: unknown;
  replyToId?: string;
}

/** A message the user types in their 1:1 chat with the bot. */
export function personalMessage(p: PersonalMessageParams): TeamsActivity {
  const from = p.from ?? USERS.technician;
  const a = base('message', p, personalConversation(from), newMessageId());
  return {
    ...a,
    text: p.text,
    textFormat: 'plain',
    ...(p.attachments ? { attachments: p.attachments } : {}),
    ...(p.value !== undefined ? { value: p.value } : {}),
    ...(p.replyToId !== undefined ? { replyToId: p.replyToId } : {}),
  };
}

export interface ChannelMessageParams extends Common {
  /** The text after the mention; the activity's text becomes `<at>Liaison</at> <text>`. */
  text: string;
  teamId?: string;
  channelId?: string;
  channelName?: string;
  /** Root message id of the thread to reply in; omit to start a new thread (the message is its own root). */
  threadId?: string;
  /** Set false for a message that does not mention the bot (Teams would not deliver it, except to RSC bots). */
  mention?: boolean;
  value?: unknown;
}

/** A message in a channel that @mentions the bot. */
export function channelMessage(p: ChannelMessageParams): TeamsActivity {
  const teamId = p.teamId ?? LIBRARY_TEAM.id;
  const channelId = p.channelId ?? LIBRARY_TEAM.channels.itRequests.id;
  const id = p.id ?? newMessageId();
  const root = p.threadId ?? id;
  const a = base('message', { ...p, id }, channelConversation(channelId, root), id);
  const bot = botAccount(p.appId);
  const mentionText = `<at>${BOT_NAME}</at>`;
  const mention = p.mention ?? true;
  const text = mention ? `${mentionText} ${p.text}` : p.text;
  const html = mention ? `<p><at>${BOT_NAME}</at>&nbsp;${escapeHtml(p.text)}</p>` : `<p>${escapeHtml(p.text)}</p>`;
  return {
    ...a,
    text,
    textFormat: 'plain',
    attachments: [{ contentType: 'text/html', content: html }],
    entities: [...(mention ? [{ type: 'mention', text: mentionText, mentioned: bot }] : []), ...(a.entities ?? [])],
    channelData: channelData(a.channelData.tenant?.id ?? TEST_TENANT_ID, teamId, channelId, {
      ...(p.channelName !== undefined ? { channel: { id: channelId, name: p.channelName } } : {}),
    }),
    ...(p.threadId !== undefined ? { replyToId: p.threadId } : {}),
    ...(p.value !== undefined ? { value: p.value } : {}),
  };
}

export type PersonalInstallParams = Common;

/**
 * conversationUpdate Teams sends when a user adds the bot for themselves (personal scope). As in Teams,
 * `from` carries ids but no name.
 */
export function personalInstall(p: PersonalInstallParams): TeamsActivity {
  const from = p.from ?? USERS.technician;
  const a = base('conversationUpdate', p, personalConversation(from), newEventId());
  return { ...a, from: { id: from.id, aadObjectId: from.aadObjectId } as ChannelAccount, membersAdded: [{ id: a.recipient.id } as ChannelAccount] };
}

export interface TeamInstallParams extends Common {
  teamId?: string;
  teamName?: string;
  aadGroupId?: string;
}

/** conversationUpdate Teams sends when the bot is added to a team (arrives in the General channel). */
export function teamInstall(p: TeamInstallParams): TeamsActivity {
  const teamId = p.teamId ?? LIBRARY_TEAM.id;
  const a = base('conversationUpdate', p, channelConversation(teamId, undefined), newEventId());
  const tenantId = a.channelData.tenant?.id ?? TEST_TENANT_ID;
  return {
    ...a,
    membersAdded: [{ id: a.recipient.id } as ChannelAccount],
    channelData: {
      team: { id: teamId, name: p.teamName ?? LIBRARY_TEAM.name, aadGroupId: p.aadGroupId ?? LIBRARY_TEAM.aadGroupId },
      eventType: 'teamMemberAdded',
      tenant: { id: tenantId },
      settings: { selectedChannel: { id: teamId } },
    },
  };
}

export interface InstallationUpdateParams extends Common {
  action: 'add' | 'remove';
  scope: 'personal' | 'team';
  teamId?: string;
}

/** installationUpdate, which Teams sends alongside the conversationUpdate on install and alone on uninstall. */
export function installationUpdate(p: InstallationUpdateParams): TeamsActivity {
  const from = p.from ?? USERS.technician;
  const teamId = p.teamId ?? LIBRARY_TEAM.id;
  const conversation = p.scope === 'personal' ? personalConversation(from) : channelConversation(teamId, undefined);
  const a = base('installationUpdate', p, conversation, newEventId());
  const tenantId = a.channelData.tenant?.id ?? TEST_TENANT_ID;
  return {
    ...a,
    action: p.action,
    channelData:
      p.scope === 'personal'
        ? { tenant: { id: tenantId }, source: { name: 'message' } }
        : { ...channelData(tenantId, teamId, teamId), settings: { selectedChannel: { id: teamId } } },
  };
}

export type CardConversation =
  | 'personal'
  | { kind: 'channel'; teamId?: string; channelId?: string; threadId: string };

export interface CardActionParams extends Common {
  verb: string;
  data?: Record<string, unknown>;
  /** Where the card is: the 1:1 chat (default) or a channel thread. */
  conversation?: CardConversation;
  /** Id of the message holding the card (Teams sends it as replyToId). */
  messageId?: string;
  /** Action.Execute's `id`, if the card gave one. */
  actionId?: string;
  trigger?: 'manual' | 'automatic';
}

/** The invoke Teams sends when a user presses an Action.Execute button (Universal Actions). */
export function cardAction(p: CardActionParams): TeamsActivity {
  const from = p.from ?? USERS.technician;
  const where = p.conversation ?? 'personal';
  const messageId = p.messageId ?? newMessageId();
  const value = {
    action: {
      type: 'Action.Execute',
      ...(p.actionId !== undefined ? { id: p.actionId } : {}),
      verb: p.verb,
      data: p.data ?? {},
    },
    trigger: p.trigger ?? 'manual',
  };
  if (where === 'personal') {
    const a = base('invoke', p, personalConversation(from), newEventId());
    return {
      ...a,
      name: 'adaptiveCard/action',
      replyToId: messageId,
      value,
      channelData: { ...a.channelData, source: { name: 'message' }, legacy: { replyToId: messageId } },
    };
  }
  const teamId = where.teamId ?? LIBRARY_TEAM.id;
  const channelId = where.channelId ?? LIBRARY_TEAM.channels.itRequests.id;
  const a = base('invoke', p, channelConversation(channelId, where.threadId), newEventId());
  return {
    ...a,
    name: 'adaptiveCard/action',
    replyToId: messageId,
    value,
    channelData: channelData(a.channelData.tenant?.id ?? TEST_TENANT_ID, teamId, channelId, {
      source: { name: 'message' },
      legacy: { replyToId: messageId },
    }),
  };
}

/** A fresh random GUID, e.g. for a forged aadObjectId. */
export function randomGuid(): string {
  return randomUUID();
}

export interface CapturedResponse {
  status: number;
  body: unknown;
  ended: boolean;
}

/**
 * A request/response pair for `CloudAdapter.process(req, res, logic)`, as restify would hand it over: the body
 * is the activity after a JSON round trip. `out` receives the status and body the adapter answers.
 */
export function adapterRequest(activity: TeamsActivity | Record<string, unknown>, authorization?: string): { req: Request; res: Response; out: CapturedResponse } {
  const out: CapturedResponse = { status: 0, body: undefined, ended: false };
  const res: Response = {
    socket: {},
    status(code: number) {
      out.status = code;
      return res;
    },
    header() {
      return res;
    },
    send(body: unknown) {
      out.body = body;
      return res;
    },
    end() {
      out.ended = true;
      return res;
    },
  };
  const req: Request = {
    method: 'POST',
    headers: authorization === undefined ? {} : { authorization },
    body: JSON.parse(JSON.stringify(activity)) as Record<string, unknown>,
  };
  return { req, res, out };
}
