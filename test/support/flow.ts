// A flow harness: the real Liaison server on port 0, real Azurite tables (a fresh prefix per flow),
// and a fake Bot Connector on loopback that records what the bot sends.

import type { Activity } from 'botbuilder';
import { createApp, type App, type AppDeps } from '../../src/app';
import type { BotIdentity } from '../../src/config';
import type { Clock } from '../../src/lib/clock';
import { createLogger } from '../../src/lib/logger';
import { openTables, type Tables } from '../../src/storage/tables';
import { startFakeConnector, type FakeConnector, type FakeConnectorOptions } from './fakeConnector';
import { azuriteConnectionString } from '../../src/storage/azurite';
import { startFaultProxy, type FaultProxy } from './faultProxy';
import { testAzurite, testStorageConnectionString, uniqueTableName } from './global';

export interface FlowOptions {
  bot?: BotIdentity;
  admins?: string[];
  allowedTenants?: string[];
  allowedServiceHosts?: string[];
  authEndpoints?: AppDeps['authEndpoints'];
  connector?: FakeConnectorOptions;
  /** Table storage to use instead of the test run's Azurite (a fault proxy in front of it, say). */
  storageConnectionString?: string;
  /** Tables of an earlier flow: a restarted or second instance of the same deployment. */
  tables?: Tables;
  /** A connector to share with another flow (a second instance); it is not closed with this flow. */
  sharedConnector?: FakeConnector;
  clock?: Clock;
  /** Whether the outbox and the sweeper run by themselves (default true). */
  background?: boolean;
  /** First retry after about this long (default 50 ms here, so that retries do not slow the tests). */
  retryBaseMs?: number;
  /** How often the outbox looks for work unasked (default 200 ms here). */
  pollMs?: number;
}

export interface Flow {
  url: string;
  app: App;
  tables: Tables;
  connector: FakeConnector;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Raw log output, for asserting what must never appear in it. */
  rawLog(): string;
  post(activity: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  /** Posts as Teams does, which gives up waiting for the answer after about 15 s (the post then rejects). */
  postInTeamsTime(activity: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startFlow(options: FlowOptions = {}): Promise<Flow> {
  const connector = options.sharedConnector ?? (await startFakeConnector(options.connector));
  const connectionString = options.storageConnectionString ?? testStorageConnectionString();
  const tables = options.tables ?? openTables({ kind: 'connectionString', connectionString }, uniqueTableName('f'));
  await tables.ensureCreated();

  const raw: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('debug', {
    write(line: string) {
      raw.push(line);
      logs.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  const app = createApp({
    config: {
      bot: options.bot ?? { kind: 'anonymous' },
      admins: options.admins ?? [],
      allowedTenants: options.allowedTenants ?? [],
      allowedServiceHosts: options.allowedServiceHosts ?? [],
      timeZone: 'Australia/Perth',
    },
    tables,
    logger,
    ...(options.authEndpoints === undefined ? {} : { authEndpoints: options.authEndpoints }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.background === undefined ? {} : { background: options.background }),
    outbox: { pollMs: options.pollMs ?? 200, retryBaseMs: options.retryBaseMs ?? 50 },
  });
  const url = await app.listen(0, '127.0.0.1');

  return {
    url,
    app,
    tables,
    connector,
    logs,
    rawLog: () => raw.join(''),
    post: (activity, headers = {}) => post(activity, headers),
    postInTeamsTime: (activity) => post(activity, {}, AbortSignal.timeout(TEAMS_PATIENCE_MS)),
    async close() {
      await app.close(1_000);
      if (!options.sharedConnector) await connector.close();
    },
  };

  async function post(activity: unknown, headers: Record<string, string>, signal?: AbortSignal): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${url}/api/messages`, {
      method: 'POST',
      ...(signal === undefined ? {} : { signal }),
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof activity === 'string' ? activity : JSON.stringify(activity),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body };
  }
}

/** Teams gives up waiting for a bot's answer after about 15 s. */
export const TEAMS_PATIENCE_MS = 15_000;

/** The Adaptive Card a sent activity carries, if any. */
export function cardOf(activity: Partial<Activity> | undefined): Record<string, unknown> | undefined {
  const attachment = activity?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  return attachment?.content as Record<string, unknown> | undefined;
}

/** All TextBlock/TextRun/FactSet text of a card, flattened, for assertions on what a person reads. */
export function textOf(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    for (const key of ['text', 'title', 'value', 'label']) {
      const value = record[key];
      if (typeof value === 'string') out.push(value);
    }
    Object.values(record).forEach(walk);
  };
  walk(card);
  return out.join('\n');
}

/**
 * Call in a describe: before each test, a flow whose Table storage sits behind a fault proxy (passing
 * until a test sets its mode); after each, both are closed.
 */
export function faultyStorageFlow(): { readonly flow: Flow; readonly proxy: FaultProxy } {
  let flow: Flow | undefined;
  let proxy: FaultProxy | undefined;
  beforeEach(async () => {
    proxy = await startFaultProxy(testAzurite().port);
    flow = await startFlow({ storageConnectionString: azuriteConnectionString('127.0.0.1', proxy.port) });
  });
  afterEach(async () => {
    if (proxy) proxy.mode = 'pass';
    await flow?.close();
    await proxy?.close();
  });
  return {
    get flow(): Flow {
      if (!flow) throw new Error('faultyStorageFlow: the flow starts before each test');
      return flow;
    },
    get proxy(): FaultProxy {
      if (!proxy) throw new Error('faultyStorageFlow: the proxy starts before each test');
      return proxy;
    },
  };
}
