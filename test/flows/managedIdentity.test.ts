// The Azure deployment runs Liaison as a user-assigned managed identity (MicrosoftAppType UserAssignedMSI):
// no secret anywhere. On App Service the identity's tokens come from a local endpoint named by
// IDENTITY_ENDPOINT and IDENTITY_HEADER. A fake of that endpoint on loopback shows Liaison asks it for a
// Bot Framework token with the identity's client id and sends its replies with that token.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_BOT_APP_ID, TEST_TENANT_ID, personalMessage } from '../support/activities';
import { startFlow, type Flow } from '../support/flow';
import { tableCredential } from '../../src/storage/tables';
import { authSettings, clearOpenIdCache, clearOutboundTokens, startOpenIdServer, type OpenIdServer } from '../support/openIdServer';

interface IdentityEndpoint {
  url: string;
  secret: string;
  token: string;
  requests: { url: URL; header: string | undefined }[];
  close(): Promise<void>;
}

/** App Service's managed identity endpoint (api-version 2019-08-01), as far as Liaison uses it. */
async function startIdentityEndpoint(): Promise<IdentityEndpoint> {
  const secret = 'identity-header-secret';
  const token = `msi-token-${String(Date.now())}`;
  const requests: IdentityEndpoint['requests'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const header = req.headers['x-identity-header'];
    requests.push({ url, header: typeof header === 'string' ? header : undefined });
    if (header !== secret) {
      res.writeHead(401).end();
      return;
    }
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: token, expires_on: String(expiresOn), resource: url.searchParams.get('resource'), token_type: 'Bearer', client_id: url.searchParams.get('client_id') }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/msi/token`,
    secret,
    token,
    requests,
    close: () => new Promise((resolve) => server.close(() => { resolve(); })),
  };
}

const IDENTITY_VARIABLES = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE'] as const;

describe('flow: running as a user-assigned managed identity', () => {
  let flow: Flow;
  let openId: OpenIdServer;
  let identity: IdentityEndpoint;
  const saved = new Map<string, string | undefined>();

  beforeEach(async () => {
    identity = await startIdentityEndpoint();
    for (const name of IDENTITY_VARIABLES) saved.set(name, process.env[name]);
    for (const name of IDENTITY_VARIABLES) Reflect.deleteProperty(process.env, name);
    process.env.IDENTITY_ENDPOINT = identity.url;
    process.env.IDENTITY_HEADER = identity.secret;
    openId = await startOpenIdServer();
    flow = await startFlow({
      bot: { kind: 'managedIdentity', appId: TEST_BOT_APP_ID, appType: 'UserAssignedMSI', tenantId: TEST_TENANT_ID },
      authEndpoints: authSettings(openId),
    });
  });

  afterEach(async () => {
    await flow.close();
    await openId.close();
    await identity.close();
    clearOpenIdCache();
    clearOutboundTokens();
    for (const [name, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  });

  it('gets its Table storage token from the same endpoint for its client id (the identity library loaded only then)', async () => {
    const token = await tableCredential('table-client-id').getToken('https://storage.azure.com/.default');
    assert.equal(token?.token, identity.token);
    const asked = identity.requests.find((r) => r.url.searchParams.get('client_id') === 'table-client-id');
    assert.ok(asked, 'asked for the identity of its client id');
    assert.match(asked.url.searchParams.get('resource') ?? '', /^https:\/\/storage\.azure\.com/);
  });

  it('gets its Bot Framework token from the identity endpoint, for its client id, and replies with it', async () => {
    const activity = personalMessage({ serviceUrl: flow.connector.url, text: 'help', appId: TEST_BOT_APP_ID });
    const inbound = await openId.mintToken({ appId: TEST_BOT_APP_ID, serviceUrl: flow.connector.url });
    const response = await flow.post(activity, { authorization: `Bearer ${inbound}` });
    assert.equal(response.status, 200);

    const [call] = await flow.connector.waitForCalls(1, 10_000, ['send', 'reply']);
    assert.equal(call?.headers.authorization, `Bearer ${identity.token}`, 'the reply carries the managed identity token');
    const asked = identity.requests.find((r) => r.header === identity.secret);
    assert.ok(asked, 'the identity endpoint was asked, with the header App Service sets');
    assert.equal(asked.url.searchParams.get('client_id'), TEST_BOT_APP_ID, 'for the user-assigned identity (its client id)');
    assert.equal(asked.url.searchParams.get('resource'), authSettings(openId).ToChannelFromBotOAuthScope, 'for the Bot Connector audience');
    assert.ok(!flow.rawLog().includes(identity.token), 'the token is not logged');
  });
});
