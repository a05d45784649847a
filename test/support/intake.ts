// Drives the intake through the HTTP edge the way Teams would: typed messages go out through the fake
// connector; card presses are invokes whose answer replaces the card in place.

import assert from 'node:assert/strict';
import { USERS, cardAction, personalMessage, type TestUser } from './activities';
import { cardOf, type Flow } from './flow';
import { P2_ANSWERS, actionOf, today, type Card } from './intakeData';

export { P2_ANSWERS, TIME_ZONE, actionOf, actionsOf, today, type Card } from './intakeData';

interface InvokeBody {
  statusCode: number;
  type: string;
  value: Card;
}

export class Technician {
  constructor(
    private readonly flow: Flow,
    readonly user: TestUser = USERS.technician,
  ) {}

  /** Types a message in the personal chat; resolves with the card Liaison sends back. */
  async say(text: string): Promise<Card> {
    const before = this.flow.connector.calls.length;
    const response = await this.flow.post(personalMessage({ serviceUrl: this.flow.connector.url, from: this.user, text }));
    assert.equal(response.status, 200);
    const calls = await this.flow.connector.waitForCalls(before + 1, 5_000, ['send', 'reply']);
    const card = cardOf(calls[calls.length - 1]?.activity);
    assert.ok(card, 'Liaison answered with a card');
    return card;
  }

  /** Presses a button: the answer is the card that replaces the pressed one. */
  async press(verb: string, data: Record<string, unknown>): Promise<Card> {
    const response = await this.flow.post(cardAction({ serviceUrl: this.flow.connector.url, from: this.user, verb, data }));
    assert.equal(response.status, 200, `invoke ${verb} answered ${String(response.status)}`);
    const body = response.body as InvokeBody;
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive', 'the card is replaced in place');
    return body.value;
  }

  /** Presses the card's own button for `verb`, adding inputs as Teams would. */
  async pressOn(card: Card, verb: string, inputs: Record<string, unknown> = {}, title?: RegExp): Promise<Card> {
    return this.press(verb, { ...actionOf(card, verb, title), ...inputs });
  }

  /** From "new request" to the review card, with the given answers. */
  async fillToReview(answers: typeof P2_ANSWERS = P2_ANSWERS): Promise<Card> {
    let card = await this.say('new request');
    card = await this.pressOn(card, 'intake.next', { startedOn: today(), ...answers.what });
    card = await this.pressOn(card, 'intake.next', answers.impact);
    card = await this.pressOn(card, 'intake.next', answers.urgency);
    return this.pressOn(card, 'intake.next', answers.risks);
  }
}
