// A loopback OpenID metadata + JWKS server standing in for login.botframework.com, so the real botbuilder
// JWT validator can be exercised with keys the test generates.
//
// Wire it up with `new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId, MicrosoftAppPassword,
// MicrosoftAppType: 'MultiTenant', ...authSettings(openId) })`, sign requests with `mintToken`, and call
// `clearOpenIdCache()` between tests (botbuilder caches metadata per URL for 24 h and refetches an unknown
// kid at most once an hour).
//
// Outbound calls (bot -> connector) with an app id need an AAD token; MSAL refuses the loopback authority, so
// `primeOutboundToken` seeds botbuilder's token cache instead and the fake connector sees that bearer token.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { generateKeyPair as generateKeyPairCb, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

const generateKeyPair = promisify(generateKeyPairCb);

/** The Bot Connector's token issuer (and the default `ToBotFromChannelTokenIssuer`). */
export const BOT_CONNECTOR_ISSUER = 'https://api.botframework.com';

export type RsaAlg = 'RS256' | 'RS384' | 'RS512';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Channel ids the key is endorsed for (published in the JWKS); empty/undefined = no endorsement check. */
  endorsements?: string[];
}

export interface OpenIdServerOptions {
  /** Issuer for minted tokens and the metadata document. Default https://api.botframework.com. */
  issuer?: string;
  /** Endorsements published with the key. Default ['msteams']; null publishes none. */
  endorsements?: string[] | null;
}

export interface MintTokenOptions {
  /** The bot's app id: the `aud` claim. */
  appId: string;
  issuer?: string;
  /** `serviceurl` claim; must equal the activity's serviceUrl. null leaves the claim out. */
  serviceUrl?: string | null;
  /** Seconds from now until `exp` (negative for an expired token). Default 3600. */
  expiresIn?: number;
  /** Seconds from now for `nbf`. Default 0. */
  notBefore?: number;
  alg?: RsaAlg;
  /** `kid` header. Default: the server's current key id. */
  kid?: string;
  /** Private key to sign with. Default: the server's current key. */
  key?: KeyObject;
  /** Extra or overriding claims. */
  claims?: Record<string, unknown>;
}

export type BadTokenCase =
  | 'wrongAudience'
  | 'wrongIssuer'
  | 'expired'
  | 'notYetValid'
  | 'serviceUrlMismatch'
  | 'noServiceUrlClaim'
  | 'unknownKey'
  | 'forgedSignature'
  | 'algNone'
  | 'hs256'
  | 'malformed'
  | 'skillShaped';

export const BAD_TOKEN_CASES: Record<BadTokenCase, string> = {
  wrongAudience: 'aud is another app id',
  wrongIssuer: 'iss is not the configured issuer',
  expired: 'exp 6 minutes ago (beyond the 5 minute clock skew)',
  notYetValid: 'nbf 10 minutes in the future (beyond the skew)',
  serviceUrlMismatch: 'serviceurl claim differs from the activity serviceUrl',
  noServiceUrlClaim: 'no serviceurl claim while the activity has a serviceUrl',
  unknownKey: 'signed by a key the JWKS does not publish (unknown kid)',
  forgedSignature: 'signed by another key but claiming the published kid',
  algNone: 'alg "none", no signature, published kid',
  hs256: 'HS256 with the published RSA public key (PEM) as the HMAC secret, published kid',
  malformed: 'not a JWT',
  skillShaped: 'carries ver + appid claims (looks like a skill token) from the channel issuer',
};

export interface OpenIdServer {
  /** Base URL, http://127.0.0.1:PORT (no trailing slash). */
  readonly url: string;
  readonly metadataUrl: string;
  readonly jwksUri: string;
  readonly issuer: string;
  /** Current signing key id. */
  readonly kid: string;
  /** The keys currently published in the JWKS (the first one signs by default). */
  readonly keys: readonly SigningKey[];
  /** How many times each document was fetched. */
  readonly fetches: { metadata: number; jwks: number };
  mintToken(options: MintTokenOptions): Promise<string>;
  /** One token per BadTokenCase, for an activity with `serviceUrl`. */
  badTokens(options: { appId: string; serviceUrl: string }): Promise<Record<BadTokenCase, string>>;
  /** Generates and publishes a new signing key; the old one stays published unless `keepOld` is false. */
  rotateKey(options?: { keepOld?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** The ConfigurationBotFrameworkAuthentication overrides (botbuilder needs all or none of them). */
export interface BotAuthSettings {
  ToBotFromChannelOpenIdMetadataUrl: string;
  ToBotFromChannelTokenIssuer: string;
  ToChannelFromBotLoginUrl: string;
  ToChannelFromBotOAuthScope: string;
  OAuthUrl: string;
  ToBotFromEmulatorOpenIdMetadataUrl: string;
  CallerId: string;
}

export async function newSigningKey(endorsements?: string[]): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
  return { kid: `test-${randomUUID()}`, privateKey, publicKey, ...(endorsements ? { endorsements } : {}) };
}

async function jose(): Promise<typeof Jose> {
  return import('jose');
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export async function startOpenIdServer(options: OpenIdServerOptions = {}): Promise<OpenIdServer> {
  const issuer = options.issuer ?? BOT_CONNECTOR_ISSUER;
  const endorsements = options.endorsements === null ? undefined : (options.endorsements ?? ['msteams']);
  let keys: SigningKey[] = [await newSigningKey(endorsements)];
  const fetches = { metadata: 0, jwks: 0 };
  const { exportJWK, SignJWT } = await jose();

  const jwks = async (): Promise<{ keys: Jose.JWK[] }> => ({
    keys: await Promise.all(
      keys.map(async (k) => ({
        ...(await exportJWK(k.publicKey)),
        kid: k.kid,
        use: 'sig',
        ...(k.endorsements ? { endorsements: k.endorsements } : {}),
      })),
    ),
  });

  let base = '';
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, body: unknown): void => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      fetches.metadata += 1;
      send(200, {
        issuer,
        authorization_endpoint: `${base}/authorize`,
        jwks_uri: `${base}/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
      return;
    }
    if (req.method === 'GET' && path === '/.well-known/keys') {
      fetches.jwks += 1;
      jwks().then(
        (body) => {
          send(200, body);
        },
        (err: unknown) => {
          send(500, { error: String(err) });
        },
      );
      return;
    }
    send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let stranger: SigningKey | undefined;
  const current = (): SigningKey => {
    const k = keys[0];
    if (!k) throw new Error('no signing key');
    return k;
  };

  const mintToken = async (o: MintTokenOptions): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      aud: o.appId,
      iss: o.issuer ?? issuer,
      ...(o.serviceUrl !== null && o.serviceUrl !== undefined ? { serviceurl: o.serviceUrl } : {}),
      nbf: now + (o.notBefore ?? 0),
      exp: now + (o.expiresIn ?? 3600),
      iat: now + Math.min(0, o.notBefore ?? 0),
      ...o.claims,
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: o.kid ?? current().kid, typ: 'JWT' })
      .sign(o.key ?? current().privateKey);
  };

  const result: OpenIdServer = {
    url: base,
    metadataUrl: `${base}/.well-known/openid-configuration`,
    jwksUri: `${base}/.well-known/keys`,
    issuer,
    get kid() {
      return current().kid;
    },
    get keys() {
      return keys;
    },
    fetches,
    mintToken,
    async badTokens({ appId, serviceUrl }) {
      const now = Math.floor(Date.now() / 1000);
      stranger ??= await newSigningKey();
      const kid = current().kid;
      const goodPayload = { aud: appId, iss: issuer, serviceurl: serviceUrl, nbf: now, exp: now + 3600, iat: now };
      const publicPem = current().publicKey.export({ type: 'spki', format: 'pem' });
      return {
        wrongAudience: await mintToken({ appId: randomUUID(), serviceUrl }),
        wrongIssuer: await mintToken({ appId, serviceUrl, issuer: 'https://evil.example.com' }),
        expired: await mintToken({ appId, serviceUrl, notBefore: -7200, expiresIn: -360 }),
        notYetValid: await mintToken({ appId, serviceUrl, notBefore: 600, expiresIn: 4200 }),
        serviceUrlMismatch: await mintToken({ appId, serviceUrl: 'https://evil.example.com/' }),
        noServiceUrlClaim: await mintToken({ appId, serviceUrl: null }),
        unknownKey: await mintToken({ appId, serviceUrl, key: stranger.privateKey, kid: stranger.kid }),
        forgedSignature: await mintToken({ appId, serviceUrl, key: stranger.privateKey, kid }),
        algNone: `${b64url({ alg: 'none', typ: 'JWT', kid })}.${b64url(goodPayload)}.`,
        hs256: await new SignJWT(goodPayload)
          .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
          .sign(new Uint8Array(Buffer.from(publicPem))),
        malformed: 'this-is-not-a-jwt',
        skillShaped: await mintToken({ appId, serviceUrl, claims: { ver: '1.0', appid: randomUUID() } }),
      };
    },
    async rotateKey(o = {}) {
      const next = await newSigningKey(endorsements);
      keys = o.keepOld === false ? [next] : [next, ...keys];
      return next.kid;
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
  return result;
}

/**
 * Settings that point ConfigurationBotFrameworkAuthentication at the loopback server. botbuilder uses
 * them only if at least one is set, and then uses all of them as given (so set all).
 */
export function authSettings(openId: Pick<OpenIdServer, 'url' | 'metadataUrl' | 'issuer'>, issuer?: string): BotAuthSettings {
  return {
    ToBotFromChannelOpenIdMetadataUrl: openId.metadataUrl,
    ToBotFromChannelTokenIssuer: issuer ?? openId.issuer,
    // Not a login.microsoftonline.com URL, so botbuilder builds "private cloud" credentials; MSAL would refuse
    // this http authority, hence primeOutboundToken.
    ToChannelFromBotLoginUrl: `${openId.url}/login/botframework.com`,
    ToChannelFromBotOAuthScope: `${openId.url}/connector`,
    OAuthUrl: `${openId.url}/oauth`,
    ToBotFromEmulatorOpenIdMetadataUrl: openId.metadataUrl,
    CallerId: 'urn:botframework:azure',
  };
}

// botframework-connector is not a direct dependency: resolve the copy that botbuilder-core (home of
// ConfigurationBotFrameworkAuthentication and CloudAdapterBase) loads, so the caches below are the live ones.
function connectorRequire(): NodeJS.Require {
  const botbuilderMain = require.resolve('botbuilder');
  const coreMain = createRequire(botbuilderMain).resolve('botbuilder-core');
  return createRequire(coreMain);
}

function staticMap(modulePath: string, className: string, field: string): Map<string, unknown> {
  const mod: unknown = connectorRequire()(modulePath);
  const cls: unknown = typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>)[className] : undefined;
  const map: unknown = typeof cls === 'function' ? (cls as unknown as Record<string, unknown>)[field] : undefined;
  if (!(map instanceof Map)) {
    throw new Error(`${className}.${field} not found in ${modulePath}: botbuilder internals changed, update test/support/openIdServer.ts`);
  }
  return map as Map<string, unknown>;
}

/** Clears botbuilder's OpenID metadata/JWKS cache (JwtTokenExtractor.openIdMetadataCache). */
export function clearOpenIdCache(): void {
  staticMap('botframework-connector/lib/auth/jwtTokenExtractor', 'JwtTokenExtractor', 'openIdMetadataCache').clear();
}

/**
 * Puts a bearer token into botbuilder's outbound token cache (AppCredentials.cache) so bot -> connector calls
 * with an app id succeed without AAD. `scope` is the ToChannelFromBotOAuthScope in use.
 */
export function primeOutboundToken(appId: string, scope: string, token = `outbound-${randomUUID()}`, ttlSeconds = 3600): string {
  staticMap('botframework-connector/lib/auth/appCredentials', 'AppCredentials', 'cache').set(`${appId}${scope}-cache`, {
    accessToken: token,
    expiresOn: new Date(Date.now() + ttlSeconds * 1000),
  });
  return token;
}

/** Empties botbuilder's outbound token cache. */
export function clearOutboundTokens(): void {
  staticMap('botframework-connector/lib/auth/appCredentials', 'AppCredentials', 'cache').clear();
}
