import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { StorageConfig } from '../config';
import { timeoutPolicy } from '../lib/timeout';

/** The tables Liaison uses. Each aggregate keeps its own table. */
export const TABLE_NAMES = ['ConversationReferences', 'ChannelSettings', 'Requests', 'Praise'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export interface Tables {
  client(name: TableName): TableClient;
  /** Creates missing tables; safe to call from several instances at once. */
  ensureCreated(): Promise<void>;
  /** Resolves when the table service answers; rejects otherwise. */
  ping(timeoutMs: number): Promise<void>;
  /** HTTP requests sent to the table service so far (each retry counts): the cost measure of an action. */
  roundTrips(): number;
}

type ReachableStorage = Exclude<StorageConfig, { kind: 'embedded' }>;

/**
 * Opens Azure Table storage. `prefix` keeps test runs apart in one Azurite account
 * (table names are letters and digits only).
 */
export function openTables(storage: ReachableStorage, prefix = ''): Tables {
  const counter = roundTripCounter();
  const { service, forTable } = clientsFor(storage, { ...BOUNDED, additionalPolicies: [...(BOUNDED.additionalPolicies ?? []), { policy: counter.policy, position: 'perRetry' }] });
  const clients = new Map<TableName, TableClient>(TABLE_NAMES.map((name) => [name, forTable(prefix + name)]));

  return {
    client(name) {
      const client = clients.get(name);
      if (!client) throw new Error(`Unknown table ${name}`);
      return client;
    },
    async ensureCreated() {
      await Promise.all([...clients.values()].map((c) => c.createTable()));
    },
    async ping(timeoutMs) {
      await service.getProperties({ abortSignal: AbortSignal.timeout(timeoutMs) });
    },
    roundTrips: () => counter.count(),
  };
}

/** A pipeline policy (per retry) that counts the HTTP requests sent: the cost measure of an action. */
export function roundTripCounter(): { policy: PipelinePolicy; count(): number } {
  let sent = 0;
  return {
    policy: {
      name: 'liaisonRoundTrips',
      sendRequest: (request, next) => {
        sent++;
        return next(request);
      },
    },
    count: () => sent,
  };
}

/**
 * Teams waits about 15 s for an answer. Each attempt gets 3 s; a failing answer (5xx, a reset) is tried
 * at most 3 times, and an attempt that times out is not tried again (the SDK gives up on an abort). So a
 * slow or failing storage account turns into a clear "not saved" within that time instead of a hang.
 */
const tryTimeout = timeoutPolicy('liaisonTryTimeout', 3_000);
const BOUNDED: TableServiceClientOptions = {
  retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 },
  additionalPolicies: [{ policy: tryTimeout, position: 'perRetry' }],
};

function clientsFor(storage: ReachableStorage, bounded: TableServiceClientOptions): { service: TableServiceClient; forTable: (table: string) => TableClient } {
  if (storage.kind === 'connectionString') {
    const options: TableServiceClientOptions = { ...bounded, allowInsecureConnection: isInsecure(storage.connectionString) };
    return {
      service: TableServiceClient.fromConnectionString(storage.connectionString, options),
      forTable: (table) => TableClient.fromConnectionString(storage.connectionString, table, options),
    };
  }
  const credential = tableCredential(storage.managedIdentityClientId);
  return {
    service: new TableServiceClient(storage.endpoint, credential, bounded),
    forTable: (table) => new TableClient(storage.endpoint, table, credential, bounded),
  };
}

/**
 * DefaultAzureCredential, loaded when the first token is asked for: @azure/identity costs about 20 MB of
 * memory, which a deployment reaching its tables with a connection string never needs.
 */
export function tableCredential(managedIdentityClientId: string | undefined): TokenCredential {
  return new LazyCredential(managedIdentityClientId);
}

class LazyCredential implements TokenCredential {
  private credential: Promise<TokenCredential> | undefined;

  constructor(private readonly managedIdentityClientId: string | undefined) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    this.credential ??= import('@azure/identity').then(({ DefaultAzureCredential }) => new DefaultAzureCredential(this.managedIdentityClientId === undefined ? {} : { managedIdentityClientId: this.managedIdentityClientId }));
    return (await this.credential).getToken(scopes, options);
  }
}

function isInsecure(connectionString: string): boolean {
  return /DefaultEndpointsProtocol=http;|TableEndpoint=http:\/\//i.test(connectionString) || /^UseDevelopmentStorage=true/i.test(connectionString);
}

/**
 * Table keys may not contain / \ # ? or control characters. Teams ids (19:...@thread.tacv2, 29:..., a:...)
 * rarely do, but nothing guarantees it, so such characters and % itself are percent-encoded.
 */
export function tableKey(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[%/\\#?\u0000-\u001f\u007f-\u009f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** True for the service's "the entity does not exist" answer. */
export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/**
 * True when a conditional write lost a race: 412 (the entity changed since it was read) or 409 (it was
 * created meanwhile). A transaction reports the failing operation's status.
 */
export function isConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 412;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number') {
    return error.statusCode;
  }
  return undefined;
}
