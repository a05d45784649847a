import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import sinon from 'sinon';
import { openTables } from '../../src/storage/tables';
import { tableConversationReferences } from '../../src/storage/conversationReferences';
import { OTHER_TENANT_ID, TEST_BOT_APP_ID, TEST_TENANT_ID, USERS, installationUpdate, personalMessage } from '../support/activities';
import { authSettings, clearOpenIdCache, clearOutboundTokens, primeOutboundToken, startOpenIdServer, type OpenIdServer } from '../support/openIdServer';
import { startFlow, type Flow } from '../support/flow';

describe('flow: the HTTP edge', () => {
  let flow: Flow;
  afterEach(async () => {
    await flow.close();
  });

  describe('bad input', () => {
    beforeEach(async () => {
      flow = await startFlow();
    });

    it('answers a body over 256 KB with 413', async () => {
      const huge = personalMessage({ serviceUrl: flow.connector.url, text: 'x'.repeat(300 * 1024) });
      assert.equal((await flow.post(huge)).status, 413);
    });

    it('refuses a compressed body (a gzip bomb cannot be bounded before reading) with 415', async () => {
      const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, ' '));
      const response = await fetch(`${flow.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
      assert.equal(response.status, 415);
    });

    it('answers malformed JSON and activities without a type or other required fields with 400', async () => {
      assert.equal((await flow.post('{"type": "message",')).status, 400);
      const valid = personalMessage({ serviceUrl: flow.connector.url, text: 'help' });
      const noType = await flow.post({ ...valid, type: undefined });
      assert.equal(noType.status, 400);
      assert.deepEqual(noType.body, { error: 'bad_request', message: 'The activity is missing or has an invalid "type"' });
      assert.equal((await flow.post({ ...valid, serviceUrl: 'javascript:alert(1)' })).status, 400);
      assert.equal((await flow.post({ ...valid, conversation: 'nope' })).status, 400);
      assert.equal((await flow.post([valid])).status, 400);
      for (const wrong of [{ text: 5 }, { entities: 'mention' }, { membersAdded: [{}] }, { from: { id: 'a', aadObjectId: 7 } }, { conversation: { id: 'a\u0000b' } }, { channelData: { tenant: 'x' } }, { timestamp: 'yesterday' }]) {
        assert.equal((await flow.post({ ...valid, ...wrong })).status, 400, JSON.stringify(wrong));
      }
      assert.equal((await flow.post('null')).status, 400);
      assert.equal(flow.connector.calls.length, 0, 'nothing was sent for any of them');
    });

    it('answers other methods with 405', async () => {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const response = await fetch(`${flow.url}/api/messages`, { method });
        assert.equal(response.status, 405, method);
      }
    });

    it('bounds how long a client may take to send headers and the whole request (slowloris)', () => {
      // Node enforces these on its own interval (30 s), too slow for a test to wait for; the values are what matter.
      const node = flow.app.server.server;
      assert.ok(node.headersTimeout > 0 && node.headersTimeout <= 10_000);
      assert.ok(node.requestTimeout > 0 && node.requestTimeout <= 30_000);
    });
  });

  describe('health', () => {
    it('answers /healthz with 200 while storage answers and 503 when it does not', async () => {
      flow = await startFlow();
      assert.equal((await fetch(`${flow.url}/healthz`)).status, 200);
      sinon.stub(flow.tables, 'ping').rejects(new Error('connect ECONNREFUSED'));
      const down = await fetch(`${flow.url}/healthz`);
      assert.equal(down.status, 503);
      assert.deepEqual(await down.json(), { status: 'storage unavailable' });
    });

    it('reports 503 against a storage endpoint where nothing listens', async () => {
      flow = await startFlow();
      const dead = openTables({ kind: 'connectionString', connectionString: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;' });
      await assert.rejects(dead.ping(1_000));
    });
  });

  describe('pages the Teams manifest links to', () => {
    it('serves the website, privacy and terms pages the manifest names, as HTML', async () => {
      flow = await startFlow();
      const manifest = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'appPackage', 'manifest.json'), 'utf8')) as { developer: Record<string, string> };
      for (const key of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
        const path = new URL(manifest.developer[key]?.replace('${{BOT_DOMAIN}}', 'bot.example') ?? '').pathname;
        const response = await fetch(`${flow.url}${path}`);
        assert.equal(response.status, 200, `${key} ${path}`);
        assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(await response.text(), /<h1>Liaison/);
      }
    });
  });

  describe('tenants', () => {
    it('ignores activities from a tenant outside the allow-list: nothing stored, nothing sent, logged with ids', async () => {
      flow = await startFlow({ allowedTenants: [TEST_TENANT_ID] });
      const stranger = personalMessage({ serviceUrl: flow.connector.url, from: USERS.outsider, text: 'help' });
      const response = await flow.post(stranger);
      assert.equal(response.status, 200);
      assert.equal(flow.connector.calls.length, 0);
      const stored = await tableConversationReferences(flow.tables.client('ConversationReferences')).get({ kind: 'user', aadObjectId: USERS.outsider.aadObjectId });
      assert.equal(stored, undefined);
      const line = flow.logs.find((l) => l.msg === 'ignored an activity from a tenant that is not allowed');
      assert.equal(line?.tenantId, OTHER_TENANT_ID);
      assert.equal(line.activityId, stranger.id);

      await flow.post(personalMessage({ serviceUrl: flow.connector.url, from: USERS.technician, text: 'help' }));
      await flow.connector.waitForCalls(1, 5_000, ['send', 'reply']);
    });
  });

  describe('authentication with an app id configured', () => {
    let openId: OpenIdServer;
    beforeEach(async () => {
      sinon.stub(console, 'error'); // the SDK's validator prints rejected tokens with console.error
      openId = await startOpenIdServer();
      flow = await startFlow({
        bot: { kind: 'password', appId: TEST_BOT_APP_ID, appType: 'MultiTenant', password: 'not-a-real-secret' },
        authEndpoints: authSettings(openId),
      });
    });
    afterEach(async () => {
      clearOpenIdCache();
      clearOutboundTokens();
      await openId.close();
    });

    it('accepts a valid Bot Framework token and replies with a token of its own', async () => {
      const outbound = primeOutboundToken(TEST_BOT_APP_ID, authSettings(openId).ToChannelFromBotOAuthScope);
      const activity = personalMessage({ serviceUrl: flow.connector.url, text: 'help', appId: TEST_BOT_APP_ID });
      const token = await openId.mintToken({ appId: TEST_BOT_APP_ID, serviceUrl: flow.connector.url });
      const response = await flow.post(activity, { authorization: `Bearer ${token}` });
      assert.equal(response.status, 200);
      const [call] = await flow.connector.waitForCalls(1, 5_000, ['send', 'reply']);
      assert.equal(call?.headers.authorization, `Bearer ${outbound}`);
      assert.ok(!flow.rawLog().includes(token), 'the inbound token is not logged');
      assert.ok(!flow.rawLog().includes(outbound), 'the outbound token is not logged');
    });

    it('answers 401 with no internal detail for a missing header and every kind of bad token', async () => {
      const activity = installationUpdate({ serviceUrl: flow.connector.url, action: 'add', scope: 'personal', appId: TEST_BOT_APP_ID });
      const missing = await flow.post(activity);
      assert.equal(missing.status, 401);
      assert.deepEqual(missing.body, { error: 'unauthorized' });

      const bad = await openId.badTokens({ appId: TEST_BOT_APP_ID, serviceUrl: flow.connector.url });
      for (const [kind, token] of Object.entries(bad)) {
        const response = await flow.post(activity, { authorization: `Bearer ${token}` });
        assert.equal(response.status, 401, `${kind} gets 401`);
        assert.deepEqual(response.body, { error: 'unauthorized' }, `${kind} reveals nothing`);
      }
      assert.equal(flow.connector.calls.length, 0, 'nothing reached the connector');
      const stored = await tableConversationReferences(flow.tables.client('ConversationReferences')).get({ kind: 'user', aadObjectId: USERS.technician.aadObjectId });
      assert.equal(stored, undefined, 'nothing was stored');
    });
  });
});
