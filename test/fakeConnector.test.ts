import assert from 'node:assert/strict';
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  TeamsInfo,
  type Activity,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import { startFakeConnector, type FakeConnector } from './support/fakeConnector';
import { LIBRARY_TEAM, USERS, botAccount } from './support/activities';

// No app id: authentication off, outbound calls carry no token (fine against the fake connector).
function anonymousAdapter(): CloudAdapter {
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
}

function personalReference(connector: FakeConnector, activityId?: string): Partial<ConversationReference> {
  return {
    channelId: 'msteams',
    serviceUrl: connector.url,
    bot: botAccount(),
    user: { id: USERS.technician.id, name: USERS.technician.name },
    conversation: { id: USERS.technician.personalConversationId, conversationType: 'personal', isGroup: false, name: '' },
    ...(activityId !== undefined ? { activityId } : {}),
  };
}

function statusOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : undefined;
}

describe('fake Bot Connector', function () {
  this.timeout(20_000);
  let connector: FakeConnector;
  let adapter: CloudAdapter;

  beforeEach(async () => {
    connector = await startFakeConnector();
    adapter = anonymousAdapter();
  });
  afterEach(async () => {
    await connector.close();
  });

  it('records send, reply, update and delete, decoding conversation ids', async () => {
    let sentId = '';
    let replyId = '';
    await adapter.continueConversationAsync('', personalReference(connector), async (ctx) => {
      postAsNewMessages(ctx);
      sentId = (await ctx.sendActivity('hello'))?.id ?? '';
    });
    await adapter.continueConversationAsync('', personalReference(connector), async (ctx) => {
      replyTo(ctx, sentId);
      replyId = (await ctx.sendActivity('a reply'))?.id ?? '';
      const update = MessageFactory.text('hello (edited)');
      update.id = sentId;
      await ctx.updateActivity(update);
      await ctx.deleteActivity(replyId);
    });

    assert.match(sentId, /^\d+$/);
    assert.match(replyId, /^\d+$/);
    assert.notEqual(sentId, replyId);
    assert.deepEqual(
      connector.calls.map((c) => c.kind),
      ['send', 'reply', 'update', 'delete'],
    );
    const [send, reply, update] = connector.calls;
    assert.equal(send?.conversationId, USERS.technician.personalConversationId);
    assert.equal(send.path, `/v3/conversations/${encodeURIComponent(USERS.technician.personalConversationId)}/activities`);
    assert.equal(send.assignedId, sentId);
    assert.equal(reply?.activityId, sentId, 'the message replied to');
    assert.equal(reply.assignedId, replyId);
    assert.equal(update?.activityId, sentId);
    assert.equal(connector.sent().map((a) => a.text).join('|'), 'hello|a reply');
    assert.equal(connector.latest(sentId)?.text, 'hello (edited)');
    assert.equal(connector.latest(replyId), undefined, 'deleted');
    assert.equal(send.headers.authorization, undefined, 'anonymous: no token');
  });

  it('shows that continueConversationAsync replies to a made-up activity id unless replyToId is stripped', async () => {
    await adapter.continueConversationAsync('', personalReference(connector, 'ignored'), async (ctx) => {
      await ctx.sendActivity('hello');
    });
    const [call] = connector.calls;
    assert.equal(call?.kind, 'reply');
    assert.match(call.activityId ?? '', /^[0-9a-f-]{36}$/, 'a fresh uuid, not the reference activityId');
  });

  it('starts a channel thread with createConversation and replies land in it', async () => {
    const channelId = LIBRARY_TEAM.channels.itRequests.id;
    let threadConversationId = '';
    await adapter.createConversationAsync(
      '',
      'msteams',
      connector.url,
      '',
      { isGroup: true, bot: botAccount(), channelData: { channel: { id: channelId } }, activity: MessageFactory.text('New request') as Activity },
      async (ctx) => {
        threadConversationId = ctx.activity.conversation.id;
        postAsNewMessages(ctx);
        await ctx.sendActivity('first update in the thread');
      },
    );
    const [create, send] = await connector.waitForCalls(2);
    assert.equal(create?.kind, 'createConversation');
    assert.equal(create.parameters?.isGroup, true);
    assert.match(threadConversationId, new RegExp(`^${escape(channelId)};messageid=\\d+$`));
    assert.equal(threadConversationId, `${channelId};messageid=${create.activityId ?? ''}`);
    assert.deepEqual(create.response, { id: threadConversationId, activityId: create.activityId });
    assert.equal(send?.conversationId, threadConversationId);
    assert.deepEqual(
      connector.sent().map((a) => [a.text, a.conversation?.id]),
      [
        ['New request', threadConversationId],
        ['first update in the thread', threadConversationId],
      ],
    );
  });

  it('creates a 1:1 conversation for proactive messages', async () => {
    let conversationId = '';
    await adapter.createConversationAsync(
      '',
      'msteams',
      connector.url,
      '',
      { isGroup: false, bot: botAccount(), members: [{ id: USERS.itStaff.id, name: USERS.itStaff.name }], tenantId: USERS.itStaff.tenantId, channelData: { tenant: { id: USERS.itStaff.tenantId } } },
      async (ctx) => {
        conversationId = ctx.activity.conversation.id;
        postAsNewMessages(ctx);
        await ctx.sendActivity('You have a new request');
      },
    );
    assert.match(conversationId, /^a:1/);
    assert.equal(connector.calls[0]?.kind, 'createConversation');
    assert.equal(connector.calls[1]?.conversationId, conversationId);
  });

  it('answers roster, team and channel queries', async () => {
    const teamReference: Partial<ConversationReference> = {
      ...personalReference(connector),
      conversation: { id: LIBRARY_TEAM.id, conversationType: 'channel', isGroup: true, name: '' },
    };
    await adapter.continueConversationAsync('', teamReference, async (ctx) => {
      const paged = await TeamsInfo.getPagedMembers(ctx, 2);
      assert.equal(paged.members.length, 2);
      assert.ok(paged.continuationToken);
      const rest = await TeamsInfo.getPagedMembers(ctx, 2, paged.continuationToken);
      assert.deepEqual(
        [...paged.members, ...rest.members].map((m) => m.aadObjectId),
        [USERS.technician, USERS.itStaff, USERS.manager].map((u) => u.aadObjectId),
      );
      const member = await TeamsInfo.getMember(ctx, USERS.itStaff.aadObjectId);
      assert.equal(member.name, USERS.itStaff.name);
      await assert.rejects(TeamsInfo.getMember(ctx, USERS.outsider.id), (err: unknown) => statusOf(err) === 404);
      const team = await TeamsInfo.getTeamDetails(ctx, LIBRARY_TEAM.id);
      assert.equal(team.name, 'Library Services');
      assert.equal(team.aadGroupId, LIBRARY_TEAM.aadGroupId);
      const channels = await TeamsInfo.getTeamChannels(ctx, LIBRARY_TEAM.id);
      assert.deepEqual(
        channels.map((c) => c.id),
        Object.values(LIBRARY_TEAM.channels).map((c) => c.id),
      );
    });
    assert.deepEqual(
      connector.calls.map((c) => c.kind),
      ['members', 'members', 'member', 'member', 'team', 'channels'],
    );
  });

  it('serves a per-conversation roster', async () => {
    connector.setRoster([], LIBRARY_TEAM.id);
    await adapter.continueConversationAsync(
      '',
      { ...personalReference(connector), conversation: { id: `${LIBRARY_TEAM.id};messageid=1`, conversationType: 'channel', isGroup: true, name: '' } },
      async (ctx) => {
        assert.deepEqual((await TeamsInfo.getPagedMembers(ctx)).members, []);
      },
    );
  });

  it('scripts a 403 (not retried by the client, not delivered)', async () => {
    connector.failNext('send', 403);
    await adapter.continueConversationAsync('', personalReference(connector), async (ctx) => {
      postAsNewMessages(ctx);
      await assert.rejects(ctx.sendActivity('hello'), (err: unknown) => statusOf(err) === 403);
    });
    assert.equal(connector.calls.length, 1);
    assert.deepEqual(connector.calls[0]?.response, { error: { code: 'BotNotInConversationRoster', message: 'BotNotInConversationRoster (scripted by the fake connector)' } });
    assert.deepEqual(connector.sent(), []);
  });

  it('scripts a 429 with Retry-After, which the client honours and retries', async () => {
    connector.failNext('send', 429, { 'Retry-After': '1' });
    const started = Date.now();
    await adapter.continueConversationAsync('', personalReference(connector), async (ctx) => {
      postAsNewMessages(ctx);
      await ctx.sendActivity('hello');
    });
    assert.deepEqual(
      connector.calls.map((c) => c.status),
      [429, 200],
    );
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
    assert.equal(connector.sent().length, 1);
  });

  it('scripts "stored, then 500": the client retries and the message is posted twice', async () => {
    connector.failNext('send', 500, undefined, { deliver: true });
    await adapter.continueConversationAsync('', personalReference(connector), async (ctx) => {
      postAsNewMessages(ctx);
      await ctx.sendActivity('posted twice');
    });
    assert.deepEqual(
      connector.calls.map((c) => [c.status, c.delivered]),
      [
        [500, true],
        [200, true],
      ],
    );
    assert.deepEqual(
      connector.sent().map((a) => a.text),
      ['posted twice', 'posted twice'],
    );
  });

  it('refuses a message over 100 KB with 413 MessageSizeTooBig', async () => {
    await adapter.continueConversationAsync('', personalReference(connector), async (ctx) => {
      await assert.rejects(ctx.sendActivity('x'.repeat(110 * 1024)), (err: unknown) => statusOf(err) === 413);
    });
    assert.equal(connector.calls[0]?.status, 413);
  });

  it('waitForCalls resolves on arrival and times out with the calls seen', async () => {
    const waiting = connector.waitForCalls(1, 2_000, 'send');
    await adapter.continueConversationAsync('', personalReference(connector), async (ctx) => {
      postAsNewMessages(ctx);
      await ctx.sendActivity({ type: ActivityTypes.Typing });
      await ctx.sendActivity('now');
    });
    const [call] = await waiting;
    assert.equal(call?.kind, 'send');
    await assert.rejects(connector.waitForCalls(5, 50, 'update'), /expected 5 matching call\(s\) within 50 ms, got 0/);
    connector.reset();
    assert.equal(connector.calls.length, 0);
  });
});

/** continueConversationAsync makes every send a reply to a random id; post new messages instead. */
function postAsNewMessages(ctx: TurnContext): void {
  ctx.onSendActivities(async (_ctx, activities, next) => {
    for (const a of activities) delete a.replyToId;
    return next();
  });
}

function replyTo(ctx: TurnContext, activityId: string): void {
  ctx.onSendActivities(async (_ctx, activities, next) => {
    for (const a of activities) a.replyToId = activityId;
    return next();
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
