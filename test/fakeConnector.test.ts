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
import { startFakeConnector, type FakeConnector, type RateLimitOptions } from './support/fakeConnector';
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

  it('scripts a connection reset after the message was stored (status 0 with deliver) or before (status 0)', async () => {
    const personal = USERS.technician.personalConversationId;
    connector.script('send', { status: 0, deliver: true });
    await assert.rejects(sendTo(connector, personal, 'stored'), TypeError);
    connector.script('send', { status: 0 });
    await assert.rejects(sendTo(connector, personal, 'lost'), TypeError);
    assert.deepEqual(
      connector.calls.map((c) => [c.status, c.delivered, c.response]),
      [
        [0, true, undefined],
        [0, false, undefined],
      ],
    );
    assert.deepEqual(
      connector.sent().map((a) => a.text),
      ['stored'],
    );
    assert.equal(connector.latest(connector.calls[0]?.assignedId ?? '')?.text, 'stored');
    assert.equal(connector.latest(connector.calls[1]?.assignedId ?? ''), undefined);
  });

  describe('rate limits', () => {
    const personal = USERS.technician.personalConversationId;
    const started: FakeConnector[] = [];
    async function limited(rateLimits: RateLimitOptions): Promise<FakeConnector> {
      const limitedConnector = await startFakeConnector({ rateLimits });
      started.push(limitedConnector);
      return limitedConnector;
    }
    afterEach(async () => {
      await Promise.all(started.splice(0).map((c) => c.close()));
    });

    it("answers the 8th send within a second with 429 and Retry-After (Teams' 7 per second) and does not deliver it", async () => {
      const limitedConnector = await limited({});
      const answers: Answer[] = [];
      for (let i = 1; i <= 8; i += 1) answers.push(await sendTo(limitedConnector, personal, `message ${String(i)}`));
      assert.deepEqual(
        answers.map((a) => [a.status, a.retryAfter]),
        [...Array.from({ length: 7 }, () => [200, null]), [429, '1']],
      );
      const throttled = limitedConnector.calls[7];
      assert.equal(throttled?.throttled, true);
      assert.equal(throttled.delivered, false);
      assert.equal(throttled.assignedId, undefined, 'no message id: nothing was stored');
      assert.equal(throttled.activity, undefined);
      assert.deepEqual((throttled.response as { error: { code: string } }).error.code, 'Throttled');
      assert.deepEqual(
        limitedConnector.calls.map((c) => c.throttled),
        [false, false, false, false, false, false, false, true],
      );
      assert.equal(limitedConnector.throttledCount(), 1);
      assert.deepEqual(
        limitedConnector.sent().map((a) => a.text),
        ['message 1', 'message 2', 'message 3', 'message 4', 'message 5', 'message 6', 'message 7'],
      );
      assert.deepEqual(limitedConnector.windowViolations(), []);
    });

    it('sends no Retry-After when told never to, and every other time when told to alternate', async () => {
      const never = await limited({ conversation: [{ count: 1, ms: 60_000 }], retryAfter: 'never' });
      const neverAnswers = [await sendTo(never, personal, 'a'), await sendTo(never, personal, 'b')];
      assert.deepEqual(
        neverAnswers.map((a) => [a.status, a.retryAfter]),
        [
          [200, null],
          [429, null],
        ],
      );
      const alternate = await limited({ conversation: [{ count: 1, ms: 60_000 }], retryAfter: 'alternate' });
      const alternateAnswers: Answer[] = [];
      for (const text of ['a', 'b', 'c', 'd']) alternateAnswers.push(await sendTo(alternate, personal, text));
      assert.deepEqual(
        alternateAnswers.map((a) => [a.status, a.retryAfter]),
        [
          [200, null],
          [429, '60'],
          [429, null],
          [429, '60'],
        ],
        'Retry-After is the wait in seconds, rounded up',
      );
    });

    it('limits each conversation on its own, and all of them together with the app window', async () => {
      const limitedConnector = await limited({ conversation: [{ count: 2, ms: 60_000 }], app: [{ count: 5, ms: 60_000 }] });
      const answers: [string, number][] = [];
      for (const conversation of ['a:1first', 'a:1first', 'a:1first', 'a:1second', 'a:1second', 'a:1third', 'a:1fourth']) {
        answers.push([conversation, (await sendTo(limitedConnector, conversation, 'hello')).status]);
      }
      assert.deepEqual(answers, [
        ['a:1first', 200],
        ['a:1first', 200],
        ['a:1first', 429],
        ['a:1second', 200],
        ['a:1second', 200],
        ['a:1third', 200],
        ['a:1fourth', 429],
      ]);
      assert.equal(limitedConnector.throttledCount(), 2);
      assert.equal(limitedConnector.sent().length, 5);
    });

    it("answers the app's 31st post within a second with 429 (Teams' 30 per second per app)", async () => {
      const limitedConnector = await limited({});
      const statuses: number[] = [];
      for (let i = 1; i <= 31; i += 1) statuses.push((await sendTo(limitedConnector, `a:1user${String(i)}`, 'hello')).status);
      assert.deepEqual(statuses, [...Array.from({ length: 30 }, () => 200), 429]);
      assert.equal(limitedConnector.calls[30]?.throttled, true);
    });

    it("counts a channel's threads, new threads in it and updates against the channel", async () => {
      const channelId = LIBRARY_TEAM.channels.itRequests.id;
      const limitedConnector = await limited({ conversation: [{ count: 3, ms: 60_000 }] });
      const newThread = { isGroup: true, channelData: { channel: { id: channelId } }, activity: { type: 'message', text: 'New request' } };
      const created = await request(limitedConnector, 'POST', 'v3/conversations', newThread);
      const { id: thread, activityId } = created.body as { id: string; activityId: string };
      const answers = [
        created,
        await sendTo(limitedConnector, thread, 'first line'),
        await request(limitedConnector, 'PUT', `v3/conversations/${encodeURIComponent(thread)}/activities/${activityId}`, { type: 'message', text: 'New request (edited)' }),
        await sendTo(limitedConnector, `${channelId};messageid=1`, 'in another thread'),
        await request(limitedConnector, 'POST', 'v3/conversations', newThread),
      ];
      assert.deepEqual(
        limitedConnector.calls.map((c, i) => [c.kind, answers[i]?.status, c.throttled]),
        [
          ['createConversation', 201, false],
          ['send', 200, false],
          ['update', 200, false],
          ['send', 429, true],
          ['createConversation', 429, true],
        ],
      );
      assert.deepEqual(limitedConnector.windowViolations([{ count: 3, ms: 60_000 }]), []);
      const [violation, ...more] = limitedConnector.windowViolations([{ count: 2, ms: 60_000 }]);
      assert.match(violation ?? '', new RegExp(`^${escape(channelId)}: 3 posts within 60000 ms from \\S+ \\(limit 2 per 60000 ms\\)$`));
      assert.deepEqual(more, []);
    });

    it('lets scripted responses take precedence: they bypass the limiter, and only delivered posts count', async () => {
      const limitedConnector = await limited({ conversation: [{ count: 1, ms: 60_000 }] });
      limitedConnector.failNext('send', 503);
      const answers = [await sendTo(limitedConnector, personal, 'not stored'), await sendTo(limitedConnector, personal, 'first')];
      limitedConnector.script('send', { status: 200 });
      answers.push(await sendTo(limitedConnector, personal, 'scripted past the limit'), await sendTo(limitedConnector, personal, 'throttled'));
      assert.deepEqual(
        limitedConnector.calls.map((c, i) => [answers[i]?.status, c.delivered, c.throttled]),
        [
          [503, false, false],
          [200, true, false],
          [200, true, false],
          [429, false, true],
        ],
      );
      assert.equal(limitedConnector.windowViolations([{ count: 1, ms: 60_000 }]).length, 1);
    });

    it('windowViolations is empty for paced sends and names every window the delivered sends exceeded', async () => {
      const limitedConnector = await limited({ conversation: [{ count: 2, ms: 300 }] });
      const statuses: number[] = [];
      for (const text of ['a', 'b', 'c']) statuses.push((await sendTo(limitedConnector, personal, text)).status);
      await new Promise((resolve) => setTimeout(resolve, 320));
      for (const text of ['d', 'e']) statuses.push((await sendTo(limitedConnector, personal, text)).status);
      assert.deepEqual(statuses, [200, 200, 429, 200, 200]);
      assert.deepEqual(limitedConnector.windowViolations([{ count: 2, ms: 300 }]), [], 'the throttled send does not count');
      assert.deepEqual(limitedConnector.windowViolations(), []);
      const tighter = limitedConnector.windowViolations([
        { count: 1, ms: 1_000 },
        { count: 2, ms: 300 },
        { count: 3, ms: 1_000 },
      ]);
      assert.equal(tighter.length, 2, tighter.join('\n'));
      assert.match(tighter[0] ?? '', new RegExp(`^${escape(personal)}: 4 posts within 1000 ms from \\S+ \\(limit 1 per 1000 ms\\)$`));
      assert.match(tighter[1] ?? '', /: 4 posts within 1000 ms from \S+ \(limit 3 per 1000 ms\)$/);
    });
  });
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

/** A bare HTTP call to the fake (no client retries, so every answer is seen). */
async function request(connector: FakeConnector, method: string, path: string, body: unknown): Promise<Answer> {
  const res = await fetch(`${connector.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined };
}

function sendTo(connector: FakeConnector, conversationId: string, text: string): Promise<Answer> {
  return request(connector, 'POST', `v3/conversations/${encodeURIComponent(conversationId)}/activities`, { type: 'message', text });
}

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
