// The two baselines Liaison is measured against: the bare Bot Framework stack as its samples wire it
// (restify with its body parser, CloudAdapter with anonymous authentication as Liaison's bench config uses,
// an ActivityHandler), with nothing of Liaison's around it.
//
//   A: answers a message with one text reply (sent to the fake Bot Connector within the turn).
//   B: does an intake step's storage work for an Action.Execute press: one Table read of the slot's row,
//      one conditional write that moves its revision on, and one card expanded from Liaison's impact step
//      template, returned as the invoke answer. A press from an out-of-date card writes nothing and
//      answers with the current card, as Liaison does.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TableClient } from '@azure/data-tables';
import * as ACData from 'adaptivecards-templating';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TurnContext,
} from 'botbuilder';
import restify, { type Server } from 'restify';
import { roundTripCounter } from '../../../src/storage/tables';
import { USERS } from '../../support/activities';
import type { Card } from '../../support/cards';
import type { Target } from './presses';

const CARDS = resolve(__dirname, '..', '..', '..', 'cards');
const PARTITION = 'bench';

/** restify and a CloudAdapter that hands every turn to `bot`, on a free loopback port. */
async function serve(bot: ActivityHandler): Promise<{ server: Server; url: string }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context, error) => {
    process.stderr.write(`baseline turn failed: ${error.message}\n`);
    await context.sendActivity('Sorry, something went wrong.');
  };
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((done) => {
    server.listen(0, '127.0.0.1', done);
  });
  return { server, url: `http://127.0.0.1:${String((server.address() as { port: number }).port)}` };
}

function closing(server: Server): () => Promise<void> {
  return () =>
    new Promise((done) => {
      server.close(() => {
        done();
      });
      server.server.closeAllConnections();
    });
}

/** Baseline A. Its slots are just the sender of the messages (the load needs no state). */
export async function startBaselineA(serviceUrl: string, slots: number): Promise<Target> {
  const bot = new ActivityHandler().onMessage(async (context, next) => {
    await context.sendActivity(MessageFactory.text(`You said: ${context.activity.text}`));
    await next();
  });
  const { server, url } = await serve(bot);
  return { http: server.server, url, serviceUrl, slots: Array.from({ length: slots }, () => ({ from: USERS.technician })), close: closing(server) };
}

interface Row {
  partitionKey: string;
  rowKey: string;
  rev: number;
  inputs: string;
}

const impactInputs = (data: Record<string, unknown>): Record<string, string> => ({
  reach: typeof data.reach === 'string' ? data.reach : '',
  patrons: typeof data.patrons === 'string' ? data.patrons : '',
  staff: typeof data.staff === 'string' ? data.staff : '',
});

/** The impact step card, as the template and its sample data make it, for a row at `rev`. */
function impactCard(template: ACData.Template, sample: Record<string, unknown>, rowKey: string, rev: number, inputs: Record<string, string>): Card {
  const card = template.expand({ $root: { ...sample, ...inputs, action: { draftId: rowKey, rev } } }) as Card;
  delete card.$schema;
  return card;
}

class StepBot extends ActivityHandler {
  constructor(
    private readonly table: TableClient,
    private readonly template: ACData.Template,
    private readonly sample: Record<string, unknown>,
  ) {
    super();
  }

  protected override async onAdaptiveCardInvoke(_context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const data = invokeValue.action.data;
    const rowKey = String(data.draftId);
    const found = await this.table.getEntity<Row>(PARTITION, rowKey);
    let { rev } = found;
    let inputs = JSON.parse(found.inputs) as Record<string, string>;
    if (Number(data.rev) === rev) {
      rev += 1;
      inputs = impactInputs(data);
      const row: Row = { partitionKey: PARTITION, rowKey, rev, inputs: JSON.stringify(inputs) };
      await this.table.updateEntity(row, 'Replace', { etag: found.etag });
    }
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: impactCard(this.template, this.sample, rowKey, rev, inputs) };
  }
}

/** Baseline B, with one row (and one card) per slot in its own table. */
export async function startBaselineB(connectionString: string, prefix: string, serviceUrl: string, slots: number): Promise<Target> {
  const counter = roundTripCounter();
  const table = TableClient.fromConnectionString(connectionString, `${prefix}BaselineB`, {
    allowInsecureConnection: true,
    additionalPolicies: [{ policy: counter.policy, position: 'perRetry' }],
  });
  await table.createTable();
  const template = new ACData.Template(JSON.parse(readFileSync(resolve(CARDS, 'intake-impact.json'), 'utf8')));
  const sample = JSON.parse(readFileSync(resolve(CARDS, 'intake-impact.data.json'), 'utf8')) as Record<string, unknown>;
  const rows: Row[] = Array.from({ length: slots }, () => ({ partitionKey: PARTITION, rowKey: randomUUID(), rev: 1, inputs: '{}' }));
  for (const row of rows) await table.createEntity(row);
  const { server, url } = await serve(new StepBot(table, template, sample));
  return {
    http: server.server,
    url,
    serviceUrl,
    slots: rows.map((row) => ({ from: USERS.technician, card: impactCard(template, sample, row.rowKey, row.rev, {}) })),
    roundTrips: () => counter.count(),
    close: closing(server),
  };
}
