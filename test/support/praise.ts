// The praise side of a flow: a clock pinned to the start of a praise week, the thanks channel, a third
// member of IT, Tess's requests taken to "Fixed, thank you", and what the people thanked (and the thanks
// channels) received from the fake connector.

import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Clock } from '../../src/lib/clock';
import { LIBRARY_TEAM, TEST_TENANT_ID, USERS, cardAction, channelMessage, personalMessage, type TestUser } from './activities';
import { actionOf, actionsOf, inputOf, nodesOf, valueOf, type Card } from './cards';
import { cardOf, textOf, type Flow } from './flow';
import { DAY_MS, TIME_ZONE, Technician } from './intake';
import { ItDesk, answerOf, personalCards, type InvokeAnswer } from './itChannel';

const { technician: TESS, itStaff: IVAN, manager: MARIA } = USERS;

/** A member of IT who never acts on the requests of these tests. */
export const MEGAN: TestUser = {
  id: '29:1megan-teams-user-id',
  name: 'Megan Bowen',
  givenName: 'Megan',
  surname: 'Bowen',
  aadObjectId: 'e5555555-5555-4555-8555-555555555555',
  email: 'megan.bowen@library.example.org',
  userPrincipalName: 'megan.bowen@library.example.org',
  tenantId: TEST_TENANT_ID,
  personalConversationId: 'a:1megan-personal-conversation',
};

/** The channel of the IT team registered for the weekly thanks post (and thanks posted at once). */
export const THANKS_CHANNEL = LIBRARY_TEAM.channels.announcements;

export const WEEK_MS = 7 * DAY_MS;

/**
 * A clock that runs with real time from the next Saturday 10:00 in the library's zone, just after the
 * default weekly post (Friday 15:00), so a test never crosses into another praise week by chance.
 * `nextWeek()` moves it on by seven days.
 */
export class WeekClock implements Clock {
  private offsetMs: number;

  constructor() {
    const local = DateTime.now().setZone(TIME_ZONE);
    let start = local.set({ hour: 10, minute: 0, second: 0, millisecond: 0 }).plus({ days: (6 - local.weekday + 7) % 7 });
    if (start <= local) start = start.plus({ weeks: 1 });
    this.offsetMs = start.toMillis() - Date.now();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  nextWeek(): void {
    this.offsetMs += WEEK_MS;
  }
}

/** `@Liaison setup` and Save in a channel of the IT team: the weekly thanks post only. */
export async function connectThanksChannel(flow: Flow, by: TestUser = MARIA, channel = THANKS_CHANNEL): Promise<void> {
  const url = flow.connector.url;
  const asked = await flow.post(channelMessage({ serviceUrl: url, from: by, text: 'setup', channelId: channel.id, channelName: channel.name }));
  assert.equal(asked.status, 200);
  const saved = await flow.post(
    cardAction({ serviceUrl: url, from: by, verb: 'setup.save', conversation: { kind: 'channel', channelId: channel.id, threadId: `setup-${channel.id}` }, data: { itRequests: 'false', services: '', praisePosts: 'true' } }),
  );
  assert.equal(saved.status, 200);
  assert.match(textOf(answerOf(saved.body).card), /weekly thanks post/, 'the thanks channel is registered');
}

/** What Liaison answered a typed message with: a card, or a plain text. */
export interface Said {
  card?: Card;
  text: string;
}

/**
 * Tess's requests from "new request" to "Fixed, thank you", and anyone's presses and typing in their
 * personal chat.
 */
export class Requester {
  private readonly tess: Technician;

  constructor(
    private readonly flow: Flow,
    private readonly desk: ItDesk = new ItDesk(flow),
  ) {
    this.tess = new Technician(flow);
  }

  /** Tess files the sample request; resolves with its reference once its card is in the IT channel. */
  async file(): Promise<string> {
    const submitted = await this.tess.pressOn(await this.tess.fillToReview(), 'intake.submit');
    const reference = /REQ-\d{4}/.exec(textOf(submitted))?.[0];
    assert.ok(reference, 'submitted with a reference');
    await this.desk.settle();
    return reference;
  }

  /** IT takes and resolves a request (`by` takes it unless someone else was assigned first). */
  async resolve(reference: string, by: TestUser = IVAN, resolution = 'Replaced the card reader.'): Promise<void> {
    if (actionsOf(this.desk.card(reference)).some((a) => a.verb === 'it.take')) {
      await this.desk.press(by, reference, 'it.take');
      // The card in the channel shows the change once the outbox has delivered it.
      await this.desk.settle();
    }
    const resolved = await this.desk.press(by, reference, 'it.resolve', { resolution });
    assert.match(textOf(resolved.card), /Resolved/, `${reference} is resolved`);
    await this.desk.settle();
  }

  /** A request filed, taken and resolved by Ivan. */
  async fileResolved(): Promise<string> {
    const reference = await this.file();
    await this.resolve(reference);
    return reference;
  }

  /** Tess's newest personal card offering "Fixed, thank you" for the request. */
  resolvedCard(reference: string): Card {
    const card = personalCards(this.flow, TESS)
      .filter((c) => actionsOf(c).some((a) => a.verb === 'requests.confirm' && a.data.reference === reference))
      .at(-1);
    assert.ok(card, `Tess was told ${reference} is resolved`);
    return card;
  }

  /** Tess presses "Fixed, thank you" on the card that told her the request is resolved. */
  confirm(reference: string): Promise<InvokeAnswer> {
    return this.press(this.resolvedCard(reference), 'requests.confirm');
  }

  /** Presses the card's button for `verb` in `who`'s personal chat, with the inputs Teams would add. */
  async press(card: Card, verb: string, inputs: Record<string, unknown> = {}, who: TestUser = TESS): Promise<InvokeAnswer> {
    return this.pressWith(who, verb, { ...actionOf(card, verb), ...inputs });
  }

  /** Presses with exactly this data in `who`'s personal chat (forged presses). */
  async pressWith(who: TestUser, verb: string, data: Record<string, unknown>): Promise<InvokeAnswer> {
    const response = await this.flow.post(cardAction({ serviceUrl: this.flow.connector.url, from: who, verb, data }));
    assert.equal(response.status, 200, `invoke ${verb} answered ${String(response.status)}`);
    return answerOf(response.body);
  }

  /**
   * Presses Send thanks on a praise card with what the card shows, changed by `inputs` (Teams sends every
   * input as a string).
   */
  sendThanks(card: Card, inputs: Partial<Record<'people' | 'badge' | 'message' | 'visibility', string>> = {}, who: TestUser = TESS): Promise<InvokeAnswer> {
    const shown = Object.fromEntries(['people', 'badge', 'message', 'visibility'].map((id) => [id, String(valueOf(card, id))]));
    return this.press(card, 'praise.send', { ...shown, ...inputs }, who);
  }

  /** `who` types in their personal chat; resolves with what Liaison sent back. */
  say(text: string, who: TestUser = TESS): Promise<Said> {
    return this.answer(personalMessage({ serviceUrl: this.flow.connector.url, from: who, text }));
  }

  /** `who` mentions Liaison in a channel; resolves with what Liaison sent back. */
  sayInChannel(text: string, who: TestUser = TESS, channel = THANKS_CHANNEL): Promise<Said> {
    return this.answer(channelMessage({ serviceUrl: this.flow.connector.url, from: who, text, channelId: channel.id, channelName: channel.name }));
  }

  private async answer(activity: unknown): Promise<Said> {
    const before = this.flow.connector.calls.filter((c) => c.kind === 'send' || c.kind === 'reply').length;
    const response = await this.flow.post(activity);
    assert.equal(response.status, 200);
    const calls = await this.flow.connector.waitForCalls(before + 1, 5_000, ['send', 'reply']);
    const sent = calls[calls.length - 1]?.activity;
    const card = cardOf(sent);
    return card ? { card, text: textOf(card) } : { text: sent?.text ?? '' };
  }
}

/** The choices an input of a card offers. */
export function choicesOf(card: Card, id: string): { title: string; value: string }[] {
  const input = inputOf(card, id);
  assert.ok(input, `the card has an input ${id}`);
  return (input.choices ?? []) as { title: string; value: string }[];
}

/** The conversations Liaison has with a person: the chat Teams told it about, and those it opened. */
export function chatsWith(flow: Flow, user: TestUser): string[] {
  const opened = flow.connector.calls
    .filter((c) => c.kind === 'createConversation' && c.status >= 200 && c.status < 300 && c.parameters?.members?.some((m) => m.id === user.id))
    .flatMap((c) => (c.conversationId === undefined ? [] : [c.conversationId]));
  return [user.personalConversationId, ...opened];
}

/** Personal chats Liaison opened with a person (createConversation calls naming them). */
export function chatsOpenedWith(flow: Flow, user: TestUser) {
  return flow.connector.calls.filter((c) => c.kind === 'createConversation' && c.parameters?.members?.some((m) => m.id === user.id));
}

/** The thanks a person received in their personal chat, oldest first. */
export function thanksTo(flow: Flow, user: TestUser): Card[] {
  const chats = chatsWith(flow, user);
  return cardsSent(flow, (c) => chats.includes(c)).filter((card) => /thanked you/.test(textOf(card)));
}

/** Cards posted as new messages in a channel (the thanks posted at once), oldest first. */
export function postsIn(flow: Flow, channelId: string = THANKS_CHANNEL.id): Card[] {
  return cardsSent(flow, (c) => c === channelId);
}

function cardsSent(flow: Flow, to: (conversationId: string) => boolean): Card[] {
  return flow.connector.calls
    .filter((c) => c.kind === 'send' && c.delivered && c.conversationId !== undefined && to(c.conversationId))
    .flatMap((c) => {
      const card = cardOf(c.activity);
      return card ? [card] : [];
    });
}

/** Mentions (Teams notifications) a card carries: who is notified. */
export function mentionedIn(card: Card): string[] {
  const entities = (card.msteams as { entities?: { mentioned?: { id?: string } }[] } | undefined)?.entities ?? [];
  return entities.flatMap((e) => (e.mentioned?.id === undefined ? [] : [e.mentioned.id]));
}

/** Every message Liaison sent (new messages, replies, new conversations), to check that nothing more went out. */
export function sentCount(flow: Flow): number {
  return flow.connector.calls.filter((c) => c.delivered && (c.kind === 'send' || c.kind === 'reply' || c.kind === 'createConversation')).length;
}

/** The TextBlock quoting the message of a thanks card. */
export function messageBlock(card: Card): Card {
  for (const node of nodesOf(card.body)) {
    if (node.type === 'TextBlock' && typeof node.text === 'string' && /^“[\s\S]*”$/.test(node.text)) return node;
  }
  assert.fail('the card quotes no message');
}

/** The message of a thanks card as it renders: the quoted TextBlock, its escapes taken away. */
export function renderedMessage(card: Card): string {
  return rendered(String(messageBlock(card).text).slice(1, -1));
}

/** What Teams shows for TextBlock markdown made inert: backslash escapes and zero-width breaks gone. */
export function rendered(text: string): string {
  return text.replace(/\\([\s\S])/g, '$1').replace(/\u200b/g, '');
}
