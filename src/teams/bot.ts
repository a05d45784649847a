import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { z } from 'zod';
import { commandOf, messageText, scopeOf, type Command, type Scope } from './commands';
import { helpCard, sendHelp } from './handlers/help';
import {
  cancelIntake,
  changeStep,
  nextStep,
  offerIntake,
  previousStep,
  restartIntake,
  resumeIntake,
  startFromCard,
  startIntakeByMessage,
  submitIntake,
} from './handlers/intake';
import { welcomePerson, welcomeTeam } from './handlers/onboarding';
import { itAction } from './handlers/itActions';
import { listFromCard, requesterAction, showMyRequests, showRequest } from './handlers/requests';
import { saveSetup, showSetup, showStatus } from './handlers/setup';
import { dismissPraise, previewWeeklyPost, savePraiseSettings, sendPraise, showPraiseSettings, showWeekPage, startPraise } from './handlers/praise';
import { cardResponse, noticeResponse, type MessageInvokeResponse } from './reply';
import type { BotServices } from './services';
import { turnLogger } from './turnLogger';

type MessageRoute = (context: TurnContext, services: BotServices, scope: Scope) => Promise<void>;
type CardRoute = (context: TurnContext, data: unknown, services: BotServices) => Promise<AdaptiveCardInvokeResponse | MessageInvokeResponse>;

const REQUESTS_ARE_PERSONAL = 'Requests are made in a personal chat with me, so only you and IT see the details. Open a chat with Liaison and type new request.';

/** Requests and thanks are personal: in a channel, say where to make them. */
function personalOnly(route: (context: TurnContext, services: BotServices) => Promise<void>, elsewhere = REQUESTS_ARE_PERSONAL): MessageRoute {
  return async (context, services, scope) => {
    if (scope === 'personal') await route(context, services);
    else await context.sendActivity(elsewhere);
  };
}

/** Typed commands; anything else gets help, or in a personal chat the offer to make it a request. */
const MESSAGE_ROUTES: Record<Command, MessageRoute> = {
  help: (context, services, scope) => sendHelp(context, scope, services),
  setup: (context, services) => showSetup(context, services),
  status: (context, services) => showStatus(context, services),
  'new request': personalOnly(startIntakeByMessage),
  'my requests': personalOnly(showMyRequests),
  praise: personalOnly(startPraise, 'Thanks are sent from a personal chat with me. Open a chat with Liaison and type praise.'),
  'praise settings': personalOnly(showPraiseSettings, 'Praise settings are personal. Open a chat with Liaison and type praise settings.'),
  'weekly post now': (context, services) => previewWeeklyPost(context, services),
};

/** Action.Execute verbs. */
const CARD_ROUTES: ReadonlyMap<string, CardRoute> = new Map<string, CardRoute>([
  ['setup.save', saveSetup],
  ['intake.start', startFromCard],
  ['intake.next', nextStep],
  ['intake.back', previousStep],
  ['intake.goto', changeStep],
  ['intake.cancel', cancelIntake],
  ['intake.resume', resumeIntake],
  ['intake.restart', restartIntake],
  ['intake.submit', submitIntake],
  ['requests.list', listFromCard],
  ['requests.show', showRequest],
  ['requests.cancel', requesterAction('cancel')],
  ['requests.reply', requesterAction('reply')],
  ['requests.confirm', requesterAction('confirm')],
  ['requests.reopen', requesterAction('reopen')],
  ['it.take', itAction('take')],
  ['it.assign', itAction('assign')],
  ['it.ask', itAction('ask')],
  ['it.hold', itAction('hold')],
  ['it.resume', itAction('resume')],
  ['it.resolve', itAction('resolve')],
  ['it.duplicate', itAction('duplicate')],
  ['praise.send', sendPraise],
  ['praise.dismiss', () => dismissPraise()],
  ['praise.page', showWeekPage],
  ['praise.settings.save', savePraiseSettings],
  ['help.show', (context, _data, services) => Promise.resolve(cardResponse(helpCard(scopeOf(context.activity), services)))],
]);

/** A personal message this long is a description of a problem rather than a greeting or a typo. */
const OFFER_MIN_WORDS = 3;

async function notACommand(context: TurnContext, services: BotServices, scope: Scope): Promise<void> {
  const text = messageText(context.activity)?.trim() ?? '';
  if (scope === 'personal' && text.split(/\s+/).length >= OFFER_MIN_WORDS) await offerIntake(context, text);
  else await sendHelp(context, scope, services);
}

const CardActionShape = z.object({
  action: z.object({ type: z.literal('Action.Execute'), verb: z.string().min(1).max(100), data: z.unknown().optional() }),
});

/** The Teams edge: routes each kind of activity to a small handler and does nothing else. */
export class LiaisonBot extends TeamsActivityHandler {
  constructor(private readonly services: BotServices) {
    super();

    this.onMessage(async (context, next) => {
      const scope = scopeOf(context.activity);
      const command = commandOf(context.activity);
      await (command === undefined ? notACommand(context, services, scope) : MESSAGE_ROUTES[command](context, services, scope));
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
    const route = CARD_ROUTES.get(verb);
    if (!route) {
      turnLogger(context, this.services.logger).info({ verb: verb.slice(0, 64) }, 'unknown card action');
      return noticeResponse('That button is no longer active', 'This card is out of date. Type help to see what you can do.');
    }
    // A message answer (the card stays as it was) is as valid an invoke answer as a card; the SDK's
    // type knows only the card.
    return (await route(context, invokeValue.action.data, this.services)) as AdaptiveCardInvokeResponse;
  }
}
