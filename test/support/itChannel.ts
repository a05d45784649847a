// The IT side of a flow: connects the IT channel with @Liaison setup, finds each request's card and
// thread in what the fake connector received, and presses the card's buttons as IT staff would.

import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { LIBRARY_TEAM, USERS, cardAction, channelMessage, rosterEntry, type TestUser } from './activities';
import { actionOf, type Card } from './cards';
import { cardOf, startFlow, textOf, type Flow, type FlowOptions } from './flow';

export const IT_CHANNEL = LIBRARY_TEAM.channels.itRequests;
/** IT staff: the team's roster (Tess, the technician, is not in the IT team). */
export const IT_STAFF = [USERS.itStaff, USERS.manager] as const;

/** The IT team's roster, as Teams lists it. */
export function useItRoster(flow: Flow, members: readonly TestUser[] = IT_STAFF): void {
  flow.connector.setRoster(members.map(rosterEntry), LIBRARY_TEAM.id);
}

/** `@Liaison setup` and Save in the IT channel, as an IT staff member; `services` '' means every service. */
export async function connectItChannel(flow: Flow, services = '', by: TestUser = USERS.manager, channel = IT_CHANNEL): Promise<void> {
  const url = flow.connector.url;
  const asked = await flow.post(channelMessage({ serviceUrl: url, from: by, text: 'setup', channelId: channel.id, channelName: channel.name }));
  assert.equal(asked.status, 200);
  const saved = await flow.post(
    cardAction({ serviceUrl: url, from: by, verb: 'setup.save', conversation: { kind: 'channel', channelId: channel.id, threadId: `setup-${channel.id}` }, data: { itRequests: 'true', services, praisePosts: 'false' } }),
  );
  assert.equal(saved.status, 200);
}

export interface InvokeAnswer {
  /** The card that replaces the pressed one, if the answer is a card. */
  card?: Card;
  /** The message shown next to the card when the answer is a message (the card stays as it was). */
  message?: string;
}

export function answerOf(body: unknown): InvokeAnswer {
  const answer = body as { type?: string; value?: unknown };
  if (answer.type === 'application/vnd.microsoft.card.adaptive') return { card: answer.value as Card };
  if (answer.type === 'application/vnd.microsoft.activity.message') return { message: String(answer.value) };
  assert.fail(`unexpected invoke answer ${JSON.stringify(body).slice(0, 200)}`);
}

export class ItDesk {
  constructor(private readonly flow: Flow) {}

  /** Lets the outbox deliver everything pending (a report queued by a failure included). */
  async settle(): Promise<void> {
    for (let pass = 0; pass < 3; pass++) await this.flow.app.outbox.drain();
  }

  /** The thread a request's card started in the IT channel. */
  thread(reference: string): { activityId: string; conversationId: string; channelId: string } {
    // The heading starts "REQ-0001: "; other references appear on cards too (the duplicate form's example).
    const call = this.flow.connector.calls.find((c) => c.kind === 'createConversation' && c.delivered && textOf(cardOf(c.activity)).includes(`${reference}: `));
    assert.ok(call?.assignedId && call.conversationId, `the card of ${reference} was posted`);
    const channel = (call.parameters?.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? '';
    return { activityId: call.assignedId, conversationId: call.conversationId, channelId: channel };
  }

  /** How many cards of a request were posted (1, or it was posted twice). */
  postedCount(reference: string): number {
    return this.flow.connector.calls.filter((c) => c.kind === 'createConversation' && c.delivered && textOf(cardOf(c.activity)).includes(`${reference}: `)).length;
  }

  /** The request card as it is now (after updates). */
  card(reference: string): Card {
    const card = cardOf(this.flow.connector.latest(this.thread(reference).activityId));
    assert.ok(card, `the card of ${reference} is there`);
    return card;
  }

  /** The lines in a request's thread, oldest first. */
  lines(reference: string): string[] {
    const { activityId } = this.thread(reference);
    return this.flow.connector.calls.filter((c) => c.kind === 'reply' && c.delivered && c.activityId === activityId).map((c) => c.activity?.text ?? '');
  }

  /** Card updates of a request's card. */
  updates(reference: string): Partial<Activity>[] {
    const { activityId } = this.thread(reference);
    return this.flow.connector.calls.filter((c) => c.kind === 'update' && c.delivered && c.activityId === activityId).flatMap((c) => (c.activity ? [c.activity] : []));
  }

  /** Presses the card's own button for `verb` as `who`, with the inputs Teams would add. */
  async press(who: TestUser, reference: string, verb: string, inputs: Record<string, unknown> = {}, card: Card = this.card(reference)): Promise<InvokeAnswer> {
    return this.pressWith(who, reference, verb, { ...actionOf(card, verb), ...inputs });
  }

  /** Presses with exactly this data (forged presses). */
  async pressWith(who: TestUser, reference: string, verb: string, data: Record<string, unknown>, options: { channelId?: string; messageId?: string } = {}): Promise<InvokeAnswer> {
    const thread = this.thread(reference);
    const channelId = options.channelId ?? thread.channelId;
    const response = await this.flow.post(
      cardAction({ serviceUrl: this.flow.connector.url, from: who, verb, data, messageId: options.messageId ?? thread.activityId, conversation: { kind: 'channel', channelId, threadId: thread.activityId } }),
    );
    assert.equal(response.status, 200, `invoke ${verb} answered ${String(response.status)}`);
    return answerOf(response.body);
  }
}

/** Cards Liaison sent to a person's personal chat, oldest first. */
export function personalCards(flow: Flow, user: TestUser = USERS.technician): Card[] {
  return flow.connector.calls
    .filter((c) => c.kind === 'send' && c.delivered && c.conversationId === user.personalConversationId)
    .flatMap((c) => {
      const card = cardOf(c.activity);
      return card ? [card] : [];
    });
}

/**
 * Call in a describe: `start()` starts a flow with the IT roster (several make instances of one
 * deployment when given the first one's tables and connector); after each test all are closed, last first.
 */
export function itInstances(defaults: FlowOptions = {}): { start: (options?: FlowOptions) => Promise<Flow>; forget: (flow: Flow) => void } {
  let flows: Flow[] = [];
  afterEach(async () => {
    for (const flow of flows.reverse()) await flow.close();
    flows = [];
  });
  return {
    start: async (options = {}) => {
      const flow = await startFlow({ ...defaults, ...options });
      flows.push(flow);
      useItRoster(flow);
      return flow;
    },
    /** A flow the test closed itself. */
    forget: (flow) => {
      flows = flows.filter((f) => f !== flow);
    },
  };
}
