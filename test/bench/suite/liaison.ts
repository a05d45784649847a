// Liaison as the process under test: the real app (createApp) on loopback against the suite's Azurite,
// configured as test/bench/common.ts does, with the outbox and the sweeper off (background: false), so that
// a press is measured with its own writes (the outbox rows included) and nothing delivered meanwhile.
//
//   intake-step: one technician per slot, each with a draft brought to the impact step (step 2 of 5).
//   it-action:   IT channels connected (one per service, in one team), the IT team's roster on a fake Bot
//                Connector, one request filed per slot by the desk's technician, and its card posted in
//                its channel once (an outbox drain) so that the card's message id is known.

import { createApp, type App } from '../../../src/app';
import { DEFAULT_CATALOGUE } from '../../../src/catalogue';
import { createLogger } from '../../../src/lib/logger';
import { openTables, type Tables } from '../../../src/storage/tables';
import { LIBRARY_TEAM, TEST_TENANT_ID, USERS, cardAction, rosterEntry, teamChannelList, type CardActionParams, type TestUser } from '../../support/activities';
import { startFakeConnector } from '../../support/fakeConnector';
import { P2_ANSWERS, TIME_ZONE, actionOf, today, type Card } from '../../support/intakeData';
import { fileAtDesks, type Desk } from '../common';
import { answeredCard, type Slot, type Target } from './presses';

interface Liaison {
  app: App;
  tables: Tables;
  url: string;
  press(p: CardActionParams): Promise<Card>;
}

async function startLiaison(connectionString: string, prefix: string): Promise<Liaison> {
  const tables = openTables({ kind: 'connectionString', connectionString }, prefix);
  await tables.ensureCreated();
  const app = createApp({
    config: { bot: { kind: 'anonymous' }, admins: [], allowedTenants: [], allowedServiceHosts: [], timeZone: TIME_ZONE },
    tables,
    logger: createLogger('silent'),
    background: false,
  });
  const url = await app.listen(0, '127.0.0.1');
  return {
    app,
    tables,
    url,
    async press(p) {
      const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cardAction(p)) });
      const text = await response.text();
      const card = response.status === 200 ? answeredCard(text) : undefined;
      if (!card) throw new Error(`${p.verb} answered ${String(response.status)} without a card: ${text.slice(0, 300)}`);
      return card;
    },
  };
}

function targetOf(liaison: Liaison, serviceUrl: string, slots: Slot[], close: () => Promise<void> = () => Promise.resolve()): Target {
  return {
    http: liaison.app.server.server,
    url: liaison.url,
    serviceUrl,
    slots,
    roundTrips: () => liaison.tables.roundTrips(),
    async close() {
      await liaison.app.close(1_000);
      await close();
    },
  };
}

/** A person of the library's tenant, `k`th of its kind, with a personal chat of their own. */
function person(kind: string, k: number): TestUser {
  const key = `${kind}${String(k)}`;
  const upn = `${key}@library.example.org`;
  return {
    id: `29:1${key}-teams-user-id`,
    name: `Bench ${kind} ${String(k)}`,
    givenName: 'Bench',
    surname: `${kind} ${String(k)}`,
    aadObjectId: `a1111111-1111-4111-8${kind === 'desk' ? '222' : '111'}-${String(k).padStart(12, '0')}`,
    email: upn,
    userPrincipalName: upn,
    tenantId: TEST_TENANT_ID,
    personalConversationId: `a:1${key}-personal-conversation`,
  };
}

/** Liaison with `count` drafts, one per technician, each on its impact step. */
export async function startIntakeTarget(connectionString: string, prefix: string, serviceUrl: string, count: number): Promise<Target> {
  const liaison = await startLiaison(connectionString, prefix);
  const what = { ...P2_ANSWERS.what, startedOn: today() };
  const slots: Slot[] = [];
  for (let k = 0; k < count; k++) {
    const from = person('intake', k);
    const first = await liaison.press({ serviceUrl, from, verb: 'intake.start', data: {} });
    const card = await liaison.press({ serviceUrl, from, verb: 'intake.next', data: { ...actionOf(first, 'intake.next'), ...what } });
    slots.push({ from, card });
  }
  return targetOf(liaison, serviceUrl, slots);
}

const IT_STAFF = [USERS.itStaff, USERS.manager];
const POST_TIMEOUT_MS = 15_000;

/**
 * Liaison with `count` requests in IT channels, each card posted, pressed by IT staff in turn. Its own
 * fake Bot Connector answers the roster and the posts (no rate limits: the outbox is not measured here).
 */
export async function startItTarget(connectionString: string, prefix: string, count: number): Promise<Target> {
  const desks: Desk[] = DEFAULT_CATALOGUE.slice(0, 10).map((service, k) => ({
    service: service.id,
    channel: { id: `19:bench-it-${String(k)}@thread.tacv2`, name: `IT ${service.name}` },
    technician: person('desk', k),
  }));
  const connector = await startFakeConnector({});
  connector.setRoster(IT_STAFF.map(rosterEntry), LIBRARY_TEAM.id);
  connector.setChannels(LIBRARY_TEAM.id, [...teamChannelList(), ...desks.map((d) => ({ ...d.channel, type: 'standard' }))]);
  const serviceUrl = connector.url;
  const liaison = await startLiaison(connectionString, prefix);

  const filed = await fileAtDesks((p) => liaison.press(p), serviceUrl, desks, count);

  const posted = (): number => connector.calls.filter((c) => c.kind === 'createConversation' && c.delivered).length;
  for (let pass = 0; pass < 10 && posted() < count; pass++) await liaison.app.outbox.drain();
  const slots = await Promise.all(
    filed.map(async ({ reference, desk }, i): Promise<Slot> => {
      const [call] = await connector.waitForCalls(1, POST_TIMEOUT_MS, (c) => c.kind === 'createConversation' && c.delivered && c.activity?.summary?.startsWith(`${reference}:`) === true);
      const card = call?.activity?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as Card | undefined;
      if (call?.assignedId === undefined || card === undefined) throw new Error(`the card of ${reference} was not posted`);
      return { from: IT_STAFF[i % IT_STAFF.length]!, card, messageId: call.assignedId, conversation: { kind: 'channel', channelId: desk.channel.id, threadId: call.assignedId } };
    }),
  );
  // What the setup posted is not needed any more; the few calls the load makes (the roster) are kept.
  connector.reset();
  return targetOf(liaison, serviceUrl, slots, () => connector.close());
}
