import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Pipeline } from '@azure/core-rest-pipeline';
import { ConnectorFactory, type AuthenticateRequestResult, type ClaimsIdentity, type ConnectorClient } from 'botframework-connector';
import type { BotIdentity } from '../config';
import { timeoutPolicy } from '../lib/timeout';

/**
 * CloudAdapter, with the turn split from authentication so the HTTP edge can answer a failed
 * authentication with 401 itself (CloudAdapter.process answers 500 with the validator's message).
 */
export class LiaisonAdapter extends CloudAdapter {
  async runTurn(
    auth: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<{ status: number; body?: unknown } | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

/** Microsoft's authentication endpoints, which tests replace with a loopback OpenID server (all or none). */
export type AuthEndpoints = Pick<
  ConfigurationBotFrameworkAuthenticationOptions,
  | 'ToBotFromChannelOpenIdMetadataUrl'
  | 'ToBotFromChannelTokenIssuer'
  | 'ToChannelFromBotLoginUrl'
  | 'ToChannelFromBotOAuthScope'
  | 'OAuthUrl'
  | 'ToBotFromEmulatorOpenIdMetadataUrl'
  | 'CallerId'
>;

/**
 * Bot Framework authentication for the configured identity. `endpoints` overrides Microsoft's
 * endpoints (token issuer, OpenID metadata...) so tests can run the real validator against loopback.
 */
export function botAuthentication(identity: BotIdentity, endpoints: AuthEndpoints = {}): ConfigurationBotFrameworkAuthentication {
  return new ConfigurationBotFrameworkAuthentication(authOptions(identity, endpoints));
}

function authOptions(identity: BotIdentity, endpoints: AuthEndpoints): ConfigurationBotFrameworkAuthenticationOptions {
  const options: ConfigurationBotFrameworkAuthenticationOptions = { ...endpoints };
  if (identity.kind !== 'anonymous') {
    options.MicrosoftAppId = identity.appId;
    options.MicrosoftAppType = identity.appType;
    if (identity.tenantId !== undefined) options.MicrosoftAppTenantId = identity.tenantId;
    if (identity.kind === 'password') options.MicrosoftAppPassword = identity.password;
  }
  return options;
}

export function botAppId(identity: BotIdentity): string {
  return identity.kind === 'anonymous' ? '' : identity.appId;
}

/**
 * The same authentication, with Bot Connector clients that do not retry by themselves. The outbox
 * retries deliveries with its own pacing and backoff; the SDK's built-in retries (up to 3, on 5xx and
 * on 429 with Retry-After) would send behind its back, past the per-conversation limits, and could post
 * a message twice.
 */
export class NoRetryAuthentication extends ConfigurationBotFrameworkAuthentication {
  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const inner = super.createConnectorFactory(claimsIdentity);
    return new (class extends ConnectorFactory {
      async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const client = await inner.create(serviceUrl, audience);
        withoutRetries(client);
        return client;
      }
    })();
  }
}

/** The connector client's pipeline (from @azure/core-rest-pipeline), which its types keep private. */
interface PipelineHolder {
  client?: { pipeline?: Pick<Pipeline, 'removePolicy' | 'addPolicy'> };
}

/** One HTTP request to the Bot Connector not answered in this time fails (and the outbox retries the delivery). */
const sendTimeout = timeoutPolicy('liaisonSendTimeout', 30_000);

function withoutRetries(client: ConnectorClient): void {
  const pipeline = (client as unknown as PipelineHolder).client?.pipeline;
  if (!pipeline) throw new Error('The Bot Connector client has no pipeline to remove its retries from: check the botbuilder version');
  pipeline.removePolicy({ phase: 'Retry' });
  pipeline.addPolicy(sendTimeout);
}

/** Authentication for proactive deliveries: as `botAuthentication`, without the SDK's retries. */
export function deliveryAuthentication(identity: BotIdentity, endpoints: AuthEndpoints = {}): NoRetryAuthentication {
  return new NoRetryAuthentication(authOptions(identity, endpoints));
}
