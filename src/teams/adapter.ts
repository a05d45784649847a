import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import type { BotIdentity } from '../config';

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
export function botAuthentication(
  identity: BotIdentity,
  endpoints: AuthEndpoints = {},
): ConfigurationBotFrameworkAuthentication {
  const options: ConfigurationBotFrameworkAuthenticationOptions = { ...endpoints };
  if (identity.kind !== 'anonymous') {
    options.MicrosoftAppId = identity.appId;
    options.MicrosoftAppType = identity.appType;
    if (identity.tenantId !== undefined) options.MicrosoftAppTenantId = identity.tenantId;
    if (identity.kind === 'password') options.MicrosoftAppPassword = identity.password;
  }
  return new ConfigurationBotFrameworkAuthentication(options);
}

export function botAppId(identity: BotIdentity): string {
  return identity.kind === 'anonymous' ? '' : identity.appId;
}
