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

/** A short notice: a title and a sentence to act on. */
export function noticeCard(title: string, text: string): AdaptiveCard {
  return renderCard('notice', { title, text });
}

/** Replaces the pressed card with a short notice. */
export function noticeResponse(title: string, text: string): AdaptiveCardInvokeResponse {
  return cardResponse(noticeCard(title, text));
}

/**
 * Answers a press with a short message and leaves the card as it was, with whatever the person typed in
 * it (Teams shows the text next to the card).
 */
export function messageResponse(text: string): MessageInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
}

/** The SDK types the invoke answer's value as an object; for this type Teams expects a string. */
export interface MessageInvokeResponse {
  statusCode: 200;
  type: 'application/vnd.microsoft.activity.message';
  value: string;
}
