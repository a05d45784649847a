// Proves the loopback OpenID/JWKS server drives botbuilder's real JWT validator, and pins down what that
// validator accepts and rejects (reliability.md item 1). Error classes matter: CloudAdapter.process answers
// 401 only for AuthenticationError and 500 (with the message) for anything else, so the app must wrap it.

import assert from 'node:assert/strict';
import sinon from 'sinon';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
} from 'botbuilder';
import {
  BAD_TOKEN_CASES,
  authSettings,
  clearOpenIdCache,
  clearOutboundTokens,
  primeOutboundToken,
  startOpenIdServer,
  type BadTokenCase,
  type OpenIdServer,
} from './support/openIdServer';
import { startFakeConnector, type FakeConnector } from './support/fakeConnector';
import { TEST_BOT_APP_ID, adapterRequest, personalMessage, type TeamsActivity } from './support/activities';

const APP_ID = TEST_BOT_APP_ID;

function botAuth(openId: OpenIdServer): ConfigurationBotFrameworkAuthentication {
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'not-a-real-secret',
    MicrosoftAppType: 'MultiTenant',
    ...authSettings(openId),
  });
}

function asActivity(a: TeamsActivity): Activity {
  // JSON round trip: what arrives over HTTP (timestamps as strings).
  return JSON.parse(JSON.stringify(a)) as Activity;
}

// botframework-connector's AuthenticationError (not re-exported by botbuilder) carries statusCode.
function statusOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : undefined;
}

// 401 AuthenticationError from the validator, or a plain jsonwebtoken error (CloudAdapter would answer 500).
const EXPECTED: Record<BadTokenCase, { status: 401 | undefined; message: RegExp }> = {
  wrongAudience: { status: 401, message: /Invalid AppId passed on token/ },
  wrongIssuer: { status: 401, message: /No valid identity/ },
  expired: { status: 401, message: /The token has expired/ },
  notYetValid: { status: undefined, message: /jwt not active/ },
  serviceUrlMismatch: { status: 401, message: /ServiceUrl claim do not match/ },
  noServiceUrlClaim: { status: 401, message: /ServiceUrl claim do not match/ },
  unknownKey: { status: 401, message: /Signing Key could not be retrieved/ },
  forgedSignature: { status: undefined, message: /invalid signature/ },
  algNone: { status: undefined, message: /jwt signature is required/ },
  hs256: { status: undefined, message: /invalid algorithm/ },
  malformed: { status: 401, message: /No valid identity/ },
  skillShaped: { status: 401, message: /SkillValidation\.validateIdentity\(\): Invalid identity/ },
};

describe('auth harness: loopback OpenID server vs the real Bot Framework validator', function () {
  this.timeout(20_000);
  let openId: OpenIdServer;
  let auth: ConfigurationBotFrameworkAuthentication;
  const serviceUrl = 'http://127.0.0.1:9/';
  const activity = (): Activity => asActivity(personalMessage({ text: 'hello', serviceUrl }));

  beforeEach(async () => {
    // The validator logs rejected tokens (and the public key) with console.error.
    sinon.stub(console, 'error');
    openId = await startOpenIdServer();
    auth = botAuth(openId);
  });
  afterEach(async () => {
    clearOpenIdCache();
    clearOutboundTokens();
    await openId.close();
  });

  it('accepts a token minted like the Bot Connector (RS256, RS384, RS512)', async () => {
    for (const alg of ['RS256', 'RS384', 'RS512'] as const) {
      const token = await openId.mintToken({ appId: APP_ID, serviceUrl, alg });
      const result = await auth.authenticateRequest(activity(), `Bearer ${token}`);
      assert.equal(result.claimsIdentity.isAuthenticated, true);
      assert.equal(result.claimsIdentity.getClaimValue('aud'), APP_ID);
      assert.equal(result.claimsIdentity.getClaimValue('serviceurl'), serviceUrl);
      assert.equal(result.callerId, 'urn:botframework:azure');
    }
    assert.deepEqual(openId.fetches, { metadata: 1, jwks: 1 }, 'metadata and keys are cached');
  });

  it('tolerates 5 minutes of clock skew', async () => {
    const token = await openId.mintToken({ appId: APP_ID, serviceUrl, notBefore: -3600, expiresIn: -240 });
    await auth.authenticateRequest(activity(), `Bearer ${token}`);
  });

  for (const [name, description] of Object.entries(BAD_TOKEN_CASES) as [BadTokenCase, string][]) {
    it(`rejects ${name}: ${description}`, async () => {
      const tokens = await openId.badTokens({ appId: APP_ID, serviceUrl });
      await assert.rejects(auth.authenticateRequest(activity(), `Bearer ${tokens[name]}`), (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, EXPECTED[name].message);
        assert.equal(statusOf(err), EXPECTED[name].status, `status for ${name}: ${err.name} ${err.message}`);
        return true;
      });
    });
  }

  for (const header of ['', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a b']) {
    it(`rejects the Authorization header ${JSON.stringify(header)} with 401`, async () => {
      await assert.rejects(auth.authenticateRequest(activity(), header), (err: unknown) => statusOf(err) === 401);
    });
  }

  it('enforces key endorsements against the activity channelId', async () => {
    const token = await openId.mintToken({ appId: APP_ID, serviceUrl });
    const webchat = { ...activity(), channelId: 'webchat' };
    await assert.rejects(auth.authenticateRequest(webchat, `Bearer ${token}`), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /Could not validate endorsement/);
      return statusOf(err) === 401;
    });
  });

  it('skips the serviceurl check when the activity has no serviceUrl (the app must refuse such activities)', async () => {
    const token = await openId.mintToken({ appId: APP_ID, serviceUrl: 'https://evil.example.com/' });
    const noServiceUrl: Activity = { ...activity(), serviceUrl: '' };
    const result = await auth.authenticateRequest(noServiceUrl, `Bearer ${token}`);
    assert.equal(result.claimsIdentity.isAuthenticated, true);
  });

  it('keeps using cached keys after a rotation until clearOpenIdCache()', async () => {
    await auth.authenticateRequest(activity(), `Bearer ${await openId.mintToken({ appId: APP_ID, serviceUrl })}`);
    await openId.rotateKey({ keepOld: false });
    const fresh = await openId.mintToken({ appId: APP_ID, serviceUrl });
    await assert.rejects(auth.authenticateRequest(activity(), `Bearer ${fresh}`), /Signing Key could not be retrieved/);
    assert.deepEqual(openId.fetches, { metadata: 1, jwks: 1 }, 'an unknown kid is refetched at most once an hour');
    clearOpenIdCache();
    await auth.authenticateRequest(activity(), `Bearer ${fresh}`);
    assert.deepEqual(openId.fetches, { metadata: 2, jwks: 2 });
  });

  describe('end to end through CloudAdapter.process and the fake connector', () => {
    let connector: FakeConnector;
    beforeEach(async () => {
      connector = await startFakeConnector();
    });
    afterEach(async () => {
      await connector.close();
    });

    it('a valid token gets a reply sent with the primed outbound token', async () => {
      const outbound = primeOutboundToken(APP_ID, authSettings(openId).ToChannelFromBotOAuthScope);
      const adapter = new CloudAdapter(auth);
      const inbound = personalMessage({ text: 'hello', serviceUrl: connector.url });
      const token = await openId.mintToken({ appId: APP_ID, serviceUrl: connector.url });
      const { req, res, out } = adapterRequest(inbound, `Bearer ${token}`);
      await adapter.process(req, res, async (ctx) => {
        await ctx.sendActivity(`you said ${ctx.activity.text}`);
      });
      assert.equal(out.status, 200);
      const [call] = await connector.waitForCalls(1);
      assert.equal(call?.kind, 'reply');
      assert.equal(call.activityId, inbound.id);
      assert.equal(call.headers.authorization, `Bearer ${outbound}`);
      assert.equal(connector.sent()[0]?.text, 'you said hello');
    });

    it('CloudAdapter.process answers 401 for an AuthenticationError but 500 for a forged signature, echoing the message', async () => {
      const adapter = new CloudAdapter(auth);
      const inbound = personalMessage({ text: 'hello', serviceUrl: connector.url });
      const tokens = await openId.badTokens({ appId: APP_ID, serviceUrl: connector.url });
      let ran = 0;
      const logic = (): Promise<void> => {
        ran += 1;
        return Promise.resolve();
      };

      const audience = adapterRequest(inbound, `Bearer ${tokens.wrongAudience}`);
      await adapter.process(audience.req, audience.res, logic);
      assert.equal(audience.out.status, 401);
      assert.match(String(audience.out.body), /Invalid AppId passed on token/);

      const forged = adapterRequest(inbound, `Bearer ${tokens.forgedSignature}`);
      await adapter.process(forged.req, forged.res, logic);
      assert.equal(forged.out.status, 500);
      assert.equal(forged.out.body, 'invalid signature');

      const missing = adapterRequest(inbound, undefined);
      await adapter.process(missing.req, missing.res, logic);
      assert.equal(missing.out.status, 401);
      assert.equal(ran, 0, 'the bot never ran');
      assert.equal(connector.calls.length, 0);
    });
  });
});
