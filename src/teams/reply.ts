import { CardFactory, MessageFactory, type AdaptiveCardInvokeResponse, type TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../cards/render';

export async function sendCard(context: TurnContext, card: AdaptiveCard, summary?: string): Promise<void> {
  const message = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  if (summary !== undefined) message.summary = summary;
  await context.sendActivity(message);
}

/** The answer to an Action.Execute press that replaces the card in place. */
export function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}
