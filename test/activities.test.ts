// The factories in support/activities.ts produce what botbuilder's Teams handling recognises.

import assert from 'node:assert/strict';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ChannelAccount,
  type TeamInfo,
} from 'botbuilder';
import {
  LIBRARY_TEAM,
  TEST_TENANT_ID,
  USERS,
  adapterRequest,
  botAccount,
  cardAction,
  channelMessage,
  installationUpdate,
  personalInstall,
  personalMessage,
  teamInstall,
  type TeamsActivity,
} from './support/activities';
import { startFakeConnector, type FakeConnector } from './support/fakeConnector';

interface Seen {
  messages: { text: string; conversationType: string | undefined; tenant: unknown; aadObjectId: string | undefined }[];
  teamsMembersAdded: { members: string[]; team: TeamInfo }[];
  membersAdded: string[][];
  installs: string[];
  cardActions: AdaptiveCardInvokeValue[];
}

class ProbeBot extends TeamsActivityHandler {
  readonly seen: Seen = { messages: [], teamsMembersAdded: [], membersAdded: [], installs: [], cardActions: [] };
  constructor() {
    super();
    this.onMessage(async (ctx, next) => {
      const channelData = ctx.activity.channelData as { tenant?: { id?: string } } | undefined;
      this.seen.messages.push({
        text: TurnContext.removeRecipientMention(ctx.activity).trim(),
        conversationType: ctx.activity.conversation.conversationType,
        tenant: channelData?.tenant?.id,
        aadObjectId: ctx.activity.from.aadObjectId,
      });
      await next();
    });
    this.onTeamsMembersAddedEvent(async (members: ChannelAccount[], team: TeamInfo, _ctx, next) => {
      this.seen.teamsMembersAdded.push({ members: members.map((m) => m.id), team });
      await next();
    });
    this.onMembersAdded(async (ctx, next) => {
      this.seen.membersAdded.push((ctx.activity.membersAdded ?? []).map((m) => m.id));
      await next();
    });
    this.onInstallationUpdateAdd(async (ctx, next) => {
      this.seen.installs.push(ctx.activity.conversation.conversationType);
      await next();
    });
  }
  protected override async onAdaptiveCardInvoke(_ctx: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    this.seen.cardActions.push(value);
    return Promise.resolve({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard', version: '1.5', body: [] } });
  }
}

describe('Teams activity factories', () => {
  let connector: FakeConnector;
  let adapter: CloudAdapter;
  let bot: ProbeBot;

  beforeEach(async () => {
    connector = await startFakeConnector();
    adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    bot = new ProbeBot();
  });
  afterEach(async () => {
    await connector.close();
  });

  async function deliver(activity: TeamsActivity): Promise<{ status: number; body: unknown }> {
    const { req, res, out } = adapterRequest(activity);
    await adapter.process(req, res, (ctx) => bot.run(ctx));
    return out;
  }

  it('personalMessage is a 1:1 message with tenant and AAD identity', async () => {
    const a = personalMessage({ text: 'my printer is jammed', serviceUrl: connector.url, from: USERS.itStaff });
    assert.equal(a.recipient.id, botAccount().id);
    assert.equal((await deliver(a)).status, 200);
    assert.deepEqual(bot.seen.messages, [
      { text: 'my printer is jammed', conversationType: 'personal', tenant: TEST_TENANT_ID, aadObjectId: USERS.itStaff.aadObjectId },
    ]);
  });

  it('channelMessage mentions the bot; removeRecipientMention leaves the command', async () => {
    const a = channelMessage({ text: 'setup', serviceUrl: connector.url });
    assert.equal(a.text, '<at>Liaison</at> setup');
    assert.equal(a.conversation.id, `${LIBRARY_TEAM.channels.itRequests.id};messageid=${a.id}`);
    await deliver(a);
    assert.equal(bot.seen.messages[0]?.text, 'setup');
    assert.equal(bot.seen.messages[0].conversationType, 'channel');
    assert.equal(TeamsActivityHandlerTeamId(a), LIBRARY_TEAM.id);
  });

  it('a reply in a thread keeps the root message id in the conversation id', () => {
    const root = channelMessage({ text: 'first', serviceUrl: connector.url });
    const reply = channelMessage({ text: 'second', serviceUrl: connector.url, threadId: root.id });
    assert.equal(reply.conversation.id, root.conversation.id);
    assert.notEqual(reply.id, root.id);
    assert.equal(reply.replyToId, root.id);
  });

  it('teamInstall reaches onTeamsMembersAddedEvent with the team', async () => {
    await deliver(teamInstall({ serviceUrl: connector.url, from: USERS.manager }));
    assert.deepEqual(bot.seen.teamsMembersAdded, [
      { members: [botAccount().id], team: { id: LIBRARY_TEAM.id, name: 'Library Services', aadGroupId: LIBRARY_TEAM.aadGroupId } },
    ]);
  });

  it('personalInstall reaches the Teams members-added handler with the bot and no team', async () => {
    await deliver(personalInstall({ serviceUrl: connector.url }));
    // With an onTeamsMembersAddedEvent handler registered, TeamsActivityHandler never calls onMembersAdded.
    assert.deepEqual(bot.seen.membersAdded, []);
    assert.equal(bot.seen.teamsMembersAdded.length, 1);
    assert.deepEqual(bot.seen.teamsMembersAdded[0]?.members, [botAccount().id]);
    assert.equal(bot.seen.teamsMembersAdded[0].team, undefined);
  });

  it('installationUpdate add reaches onInstallationUpdateAdd', async () => {
    await deliver(installationUpdate({ serviceUrl: connector.url, action: 'add', scope: 'team' }));
    await deliver(installationUpdate({ serviceUrl: connector.url, action: 'add', scope: 'personal' }));
    assert.deepEqual(bot.seen.installs, ['channel', 'personal']);
  });

  it('cardAction is an adaptiveCard/action invoke; the card answer comes back in the HTTP response', async () => {
    const a = cardAction({
      verb: 'take',
      data: { requestId: 'r1' },
      serviceUrl: connector.url,
      from: USERS.itStaff,
      conversation: { kind: 'channel', threadId: '1700000000000' },
    });
    const out = await deliver(a);
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard', version: '1.5', body: [] } });
    assert.equal(bot.seen.cardActions[0]?.action.verb, 'take');
    assert.deepEqual(bot.seen.cardActions[0].action.data, { requestId: 'r1' });
    assert.equal(a.conversation.id, `${LIBRARY_TEAM.channels.itRequests.id};messageid=1700000000000`);
  });

  it('TeamsInfo works inside a turn started from a factory activity (roster from the fake connector)', async () => {
    const names: string[] = [];
    const { req, res } = adapterRequest(channelMessage({ text: 'who', serviceUrl: connector.url }));
    await adapter.process(req, res, async (ctx) => {
      const members = await TeamsInfo.getPagedTeamMembers(ctx);
      names.push(...members.members.map((m) => m.name));
    });
    assert.deepEqual(names, [USERS.technician.name, USERS.itStaff.name, USERS.manager.name]);
    assert.equal(connector.calls[0]?.conversationId, LIBRARY_TEAM.id);
  });
});

function TeamsActivityHandlerTeamId(a: TeamsActivity): string | undefined {
  return a.channelData.team?.id;
}
