import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import { ActivityTypes, CloudAdapter, teamsGetChannelId, type TurnContext } from 'botbuilder';
import { Routes } from './jobs/routing';
import { Sweeper } from './jobs/sweeper';
import { WeeklyPoster } from './jobs/weekly';
import { tablePraise } from './storage/praise';
import { createDelivery } from './outbox/deliver';
import { OutboxWorker } from './outbox/worker';
import { paceKeyOf, tableOutbox } from './storage/outbox';
import { Roster } from './teams/roster';
import type { Config } from './config';
import { systemClock, type Clock } from './lib/clock';
import type { Logger } from './lib/logger';
import { createHttpServer } from './server/http';
import { tableChannelSettings } from './storage/channelSettings';
import { tableConversationReferences } from './storage/conversationReferences';
import { tableRequests } from './storage/requests';
import { DEFAULT_POLICY } from './policy/policy';
import type { Tables } from './storage/tables';
import { botAppId, botAuthentication, deliveryAuthentication, LiaisonAdapter, type AuthEndpoints } from './teams/adapter';
import { LiaisonBot } from './teams/bot';
import { ReferenceRefresher } from './teams/references';
import { messageResponse } from './teams/reply';
import { adapterSender, type ProactiveSender } from './teams/sender';
import { reviewContext, type BotServices } from './teams/services';
import { attachTurnLogger } from './teams/turnLogger';

export interface AppDeps {
  config: Pick<Config, 'bot' | 'allowedTenants' | 'allowedServiceHosts' | 'admins' | 'timeZone'> & Partial<Pick<Config, 'policy'>>;
  tables: Tables;
  logger: Logger;
  clock?: Clock;
  /** Replaces Microsoft's authentication endpoints (tests use a loopback OpenID server). */
  authEndpoints?: AuthEndpoints;
  /** Whether listen() starts the outbox and the sweeper (default true; tests may drive them by hand). */
  background?: boolean;
  /** How often the outbox looks for work when nothing woke it, and how long its first retry waits. */
  outbox?: { pollMs?: number; retryBaseMs?: number };
}

export interface App {
  server: Server;
  sender: ProactiveSender;
  services: BotServices;
  outbox: OutboxWorker;
  sweeper: Sweeper;
  /** Starts listening; resolves with the base URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting connections and waits (up to `graceMs`) for turns in flight. */
  close(graceMs?: number): Promise<void>;
}

const STORAGE_PING_MS = 2_000;

/** Wires Liaison's parts together. The process entry point (index.ts) and the tests both start here. */
export function createApp(deps: AppDeps): App {
  const { config, tables, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const channelSettings = tableChannelSettings(tables.client('ChannelSettings'));
  // Proactive deliveries go through an adapter without the SDK's own retries: the outbox retries.
  const sender = adapterSender(new CloudAdapter(deliveryAuthentication(config.bot, deps.authEndpoints)), botAppId(config.bot), config.allowedServiceHosts);
  const kick = (tenantId: string): void => {
    worker.kick(tenantId);
  };
  const outbox = tableOutbox(tables.client('Requests'));
  const praise = tablePraise(tables.client('Praise'));
  const policy = config.policy ?? DEFAULT_POLICY;
  const references = tableConversationReferences(tables.client('ConversationReferences'));
  const requests = tableRequests(tables.client('Requests'));
  const weekly = new WeeklyPoster({
    praise,
    requests,
    channelSettings,
    references,
    sender,
    policy,
    timeZone: config.timeZone,
    clock,
    logger,
    queue: outbox,
    admins: config.admins,
    pace: (key, send) => worker.pacedSend(key, send),
  });
  const services: BotServices = {
    references,
    channelSettings,
    requests,
    policy,
    admins: config.admins,
    timeZone: config.timeZone,
    clock,
    logger,
    roster: new Roster(sender, clock),
    routes: new Routes(channelSettings, clock),
    outbox: { ...outbox, kick },
    praise,
    weekly,
    waiting: { post: (tenantId) => sweeper.routeWaiting(tenantId) },
  };

  // The organisations with work in the background: those allowed, and those with a registered channel.
  const tenants = async (): Promise<string[]> => [...new Set([...config.allowedTenants, ...(await channelSettings.tenants())])];
  const delivery = createDelivery({ sender, references, requests, channelSettings, routes: services.routes, roster: services.roster, view: () => reviewContext(services), admins: config.admins, praise, mentionLimit: policy.praise.mentionLimit });
  const worker = new OutboxWorker({ outbox, ...delivery, tenants, clock, logger, ...deps.outbox });
  const sweeper = new Sweeper({ requests, routes: services.routes, policy, tenants, changed: kick, clock, logger, weekly });

  const auth = botAuthentication(config.bot, deps.authEndpoints);
  const adapter = new LiaisonAdapter(auth);
  const refresher = new ReferenceRefresher(references, clock, logger);
  adapter.onTurnError = (context, error) => onTurnError(context, error, logger);
  const bot = new LiaisonBot(services);

  const { server, inFlight } = createHttpServer({
    turns: {
      auth,
      run: (result, activity, logic) => adapter.runTurn(result, activity, logic),
      logic: async (context) => {
        attachTurnLogger(context, logger);
        countTurnSends(context, worker);
        // Side by side: the reference write never delays the answer (and never fails the turn).
        await Promise.all([refresher.refresh(context), bot.run(context)]);
      },
    },
    healthy: () => tables.ping(STORAGE_PING_MS).then(() => true, () => false),
    allowedTenants: config.allowedTenants,
    allowedServiceHosts: config.allowedServiceHosts,
    logger,
  });

  return {
    server,
    services,
    sender,
    outbox: worker,
    sweeper,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address: AddressInfo = server.address();
          if (deps.background !== false) {
            worker.start();
            sweeper.start();
          }
          resolve(`http://${host ?? '127.0.0.1'}:${address.port}`);
        });
      }),
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => {
        server.close(() => { resolve(); });
      });
      const drained = await inFlight.drained(graceMs);
      if (!drained) logger.warn({ inFlight: inFlight.size }, 'stopped with turns still in flight');
      // Then the background work: the deliveries in hand finish, the rest waits in the outbox.
      await Promise.all([worker.stop(graceMs), sweeper.stop()]);
      (server.server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      await closed;
    },
  };
}

/** Messages a turn sends count against the conversation's limits, which the outbox paces by. */
function countTurnSends(context: TurnContext, worker: OutboxWorker): void {
  const { activity } = context;
  const channelId = teamsGetChannelId(activity);
  const aadObjectId = activity.from.aadObjectId?.toLowerCase();
  const pace = channelId !== null ? paceKeyOf({ kind: 'channel', channelId }) : aadObjectId !== undefined && activity.conversation.conversationType === 'personal' ? paceKeyOf({ kind: 'user', aadObjectId }) : undefined;
  if (pace === undefined) return;
  context.onSendActivities((_context, activities, next) => {
    const messages = activities.filter((sent) => sent.type !== ActivityTypes.InvokeResponse).length;
    return messages === 0 ? next() : worker.countSent(pace, messages, next);
  });
}

const SORRY = 'Sorry, something went wrong on my side and nothing was changed. Please try again in a minute.';
const NOT_DONE = 'Not saved: Liaison could not finish this just now, so nothing was changed. Press the button again in a minute; anything you typed is still on the card.';

/** Logs with the turn's ids (never the activity) and tells the person in a sentence they can act on. */
async function onTurnError(context: TurnContext, error: Error, logger: Logger): Promise<void> {
  const { activity } = context;
  logger.error({ err: error, activityId: activity.id, conversationId: activity.conversation.id, activityType: activity.type }, 'turn failed');
  try {
    if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') {
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: messageResponse(NOT_DONE) } });
    } else if (activity.type === 'message') {
      await context.sendActivity(SORRY);
    }
  } catch (sendError) {
    logger.warn({ err: sendError, activityId: activity.id }, 'could not tell the user about the failed turn');
  }
}
