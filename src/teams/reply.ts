import { CardFactory, MessageFactory, type AdaptiveCardInvokeResponse, type TurnContext } from 'botbuilder';
import { renderCard, type AdaptiveCard } from '../cards/render';

export async function sendCard(context: TurnContext, card: AdaptiveCard, summary?: string): Promise<void> {
  const message = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  if (summary !== undefined) message.summary = summary;
  await context.sendActivity(message);
}

/** The answer to an Action.Execute press that replaces the card in place. */
export function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

/** Replaces the pressed card with a short notice: a title and a sentence to act on. */
export function noticeResponse(title: string, text: string): AdaptiveCardInvokeResponse {
  return cardResponse(renderCard('notice', { title, text }));
}
