import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { z } from 'zod';
import { commandOf, scopeOf, type Command, type Scope } from './commands';
import { sendHelp } from './handlers/help';
import { welcomePerson, welcomeTeam } from './handlers/onboarding';
import { saveSetup, showSetup, showStatus } from './handlers/setup';
import { noticeResponse } from './reply';
import type { BotServices } from './services';
import { turnLogger } from './turnLogger';

type MessageRoute = (context: TurnContext, services: BotServices, scope: Scope) => Promise<void>;
type CardRoute = (context: TurnContext, data: unknown, services: BotServices) => Promise<AdaptiveCardInvokeResponse>;

/** Typed commands; anything else gets help. */
const MESSAGE_ROUTES: Record<Command, MessageRoute> = {
  help: (context, services, scope) => sendHelp(context, scope, services),
  setup: (context, services) => showSetup(context, services),
  status: (context, services) => showStatus(context, services),
};

/** Action.Execute verbs. */
const CARD_ROUTES: Record<string, CardRoute | undefined> = {
  'setup.save': saveSetup,
};

const CardActionShape = z.object({
  action: z.object({ type: z.literal('Action.Execute'), verb: z.string().min(1).max(100), data: z.unknown() }),
});

/** The Teams edge: routes each kind of activity to a small handler and does nothing else. */
export class LiaisonBot extends TeamsActivityHandler {
  constructor(private readonly services: BotServices) {
    super();

    this.onMessage(async (context, next) => {
      const scope = scopeOf(context.activity);
      const command = commandOf(context.activity);
      await (command === undefined ? sendHelp(context, scope, services) : MESSAGE_ROUTES[command](context, services, scope));
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === context.activity.recipient.id);
      if (botAdded) {
        const scope = scopeOf(context.activity);
        if (scope === 'personal') await welcomePerson(context, services);
        else if (scope === 'channel') await welcomeTeam(context, services);
      }
      await next();
    });
  }

  /** Card presses come from the client: a malformed one is refused before the SDK reads it. */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name === 'adaptiveCard/action' && !CardActionShape.safeParse(context.activity.value).success) {
      turnLogger(context, this.services.logger).info('malformed card action');
      return { status: 400 };
    }
    return super.onInvokeActivity(context);
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const verb = invokeValue.action.verb;
    const route = CARD_ROUTES[verb];
    if (!route) {
      turnLogger(context, this.services.logger).info({ verb: verb.slice(0, 64) }, 'unknown card action');
      return noticeResponse('That button is no longer active', 'This card is out of date. Type help to see what you can do.');
    }
    return route(context, invokeValue.action.data, this.services);
  }
}
