import { loadConfig, ConfigError, type Config } from './config';
import { createApp } from './app';
import { createLogger, type Logger } from './lib/logger';
import { startAzurite, type EmbeddedAzurite } from './storage/azurite';
import { openTables, type Tables } from './storage/tables';

export interface Running {
  /** Where the bot listens, e.g. http://127.0.0.1:3978 */
  url: string;
  stop(): Promise<void>;
}

/** The process entry point: configuration, storage, the app, and a clean stop on SIGTERM/SIGINT. */
export async function main(): Promise<Running> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const startedAt = Date.now();

  if (config.bot.kind === 'anonymous') {
    logger.warn('MicrosoftAppId is not set: authentication is OFF and anyone who can reach this port can talk to the bot. This is for local development only.');
  }

  const { tables, embedded } = await openStorage(config, logger);
  const app = createApp({ config, tables, logger });
  const { port } = new URL(await app.listen(config.port, '0.0.0.0'));
  logger.info({ port, environment: config.environment, startupMs: Date.now() - startedAt }, 'Liaison is listening');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('stopping: no new requests, finishing turns in flight');
      await app.close();
      await embedded?.stop();
      logger.info('stopped');
    })());

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
    });
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}

async function openStorage(config: Config, logger: Logger): Promise<{ tables: Tables; embedded?: EmbeddedAzurite }> {
  let embedded: EmbeddedAzurite | undefined;
  let storage = config.storage;
  if (storage.kind === 'embedded') {
    embedded = await startAzurite({ location: storage.location });
    logger.info({ location: storage.location, port: embedded.port }, 'no Table storage configured: started embedded Azurite (development only)');
    storage = { kind: 'connectionString', connectionString: embedded.connectionString };
  }
  const tables = openTables(storage);
  try {
    await tables.ensureCreated();
  } catch (error) {
    await embedded?.stop();
    const where = storage.kind === 'endpoint' ? storage.endpoint : 'the configured connection string';
    logger.fatal({ err: error }, `Table storage did not answer at ${where}: check the setting and that this app's identity has the Storage Table Data Contributor role`);
    process.exit(1);
  }
  return { tables, ...(embedded === undefined ? {} : { embedded }) };
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Liaison could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
