// Drives the intake through the HTTP edge the way Teams would: typed messages go out through the fake
// connector; card presses are invokes whose answer replaces the card in place. personalChat() gives each
// test of a describe its own flow with Tess; requestsOf() and snapshot() read what the flow stored.

import assert from 'node:assert/strict';
import type { Draft } from '../../src/intake/draft';
import { tableRequests, type RequestStore } from '../../src/storage/requests';
import { TEST_TENANT_ID, USERS, cardAction, personalMessage, type TestUser } from './activities';
import { actionOf, type Card } from './cards';
import { cardOf, startFlow, type Flow } from './flow';
import { P2_ANSWERS, draftIdOf, today } from './intakeData';

export { actionOf, actionsOf, type Card } from './cards';
export { DAY_MS, P2_ANSWERS, TIME_ZONE, draftIdOf, today } from './intakeData';

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
    const before = this.flow.connector.calls.filter((c) => c.kind === 'send' || c.kind === 'reply').length;
    const response = await this.flow.post(personalMessage({ serviceUrl: this.flow.connector.url, from: this.user, text }));
    assert.equal(response.status, 200);
    const calls = await this.flow.connector.waitForCalls(before + 1, 5_000, ['send', 'reply']);
    const card = cardOf(calls[calls.length - 1]?.activity);
    assert.ok(card, 'Liaison answered with a card');
    return card;
  }

  /** Presses a button: the answer is the card that replaces the pressed one. `messageId` names the card's message. */
  async press(verb: string, data: Record<string, unknown>, messageId?: string): Promise<Card> {
    const response = await this.flow.post(cardAction({ serviceUrl: this.flow.connector.url, from: this.user, verb, data, ...(messageId === undefined ? {} : { messageId }) }));
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
  async fillToReview(answers: Record<keyof typeof P2_ANSWERS, Readonly<Record<string, string>>> = P2_ANSWERS): Promise<Card> {
    let card = await this.say('new request');
    card = await this.pressOn(card, 'intake.next', { startedOn: today(), ...answers.what });
    card = await this.pressOn(card, 'intake.next', answers.impact);
    card = await this.pressOn(card, 'intake.next', answers.urgency);
    return this.pressOn(card, 'intake.next', answers.risks);
  }
}

/** The flow's Requests table, through the store the app uses. */
export function requestsOf(flow: Flow): RequestStore {
  return tableRequests(flow.tables.client('Requests'));
}

/** Everything stored in the Requests table, etags included: equal snapshots mean nothing was written. */
export async function snapshot(flow: Flow): Promise<string> {
  const rows: unknown[] = [];
  for await (const entity of flow.tables.client('Requests').listEntities()) rows.push(entity);
  return JSON.stringify(rows);
}

/** A fresh flow with Tess in her personal chat, for each test of a describe (see personalChat). */
export class PersonalChat {
  flow!: Flow;
  tess!: Technician;

  /** The flow's Requests store. */
  store(): RequestStore {
    return requestsOf(this.flow);
  }

  /** The stored draft an intake card of Tess's belongs to; fails if it is not stored. */
  async draftOf(card: Card): Promise<Draft> {
    const stored = await this.store().getDraft(TEST_TENANT_ID, this.tess.user.aadObjectId, draftIdOf(card));
    assert.ok(stored, 'the draft is stored');
    return stored.value;
  }
}

/** Call in a describe: before each of its tests, starts a flow with Tess at the keyboard; after each, closes it. */
export function personalChat(): PersonalChat {
  const chat = new PersonalChat();
  beforeEach(async () => {
    chat.flow = await startFlow();
    chat.tess = new Technician(chat.flow);
  });
  afterEach(async () => {
    await chat.flow.close();
  });
  return chat;
}
