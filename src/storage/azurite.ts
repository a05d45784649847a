// Embedded Azurite (Table service only) for local development and tests.
//
// Azurite is a devDependency (about 360 MB): this module resolves it at run time only, so a production
// install without it still compiles and loads; startAzurite() then fails with a clear message.
//
// Lifetime of the child process:
// - stop() asks Azurite to shut down gracefully (SIGINT: azurite-table 3.35 handles SIGINT but NOT SIGTERM,
//   and a SIGTERM kills it before LokiJS flushes its last <= 5 s of writes when --location is used), waits
//   for it to exit and sends SIGKILL after `stopTimeoutMs` (3 s by default). stop() is idempotent.
// - When this process exits normally (process.exit, end of event loop), an 'exit' handler signals the child.
// - When this process dies hard (SIGKILL, crash, an unhandled SIGTERM), no JavaScript runs here; instead a
//   small watchdog preloaded into the child (`--import data:...`) notices that its stdin pipe closed (the
//   kernel closes it when we die) or that its parent pid changed, and shuts Azurite down itself.
//   Limitation: if something else holds our end of the child's stdin (e.g. a grandchild that inherited it),
//   only the parent-pid poll (once a second) applies.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export interface StartAzuriteOptions {
  /** Folder to keep data in (created if missing). Omit for `--inMemoryPersistence`. */
  location?: string;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port to listen on. Omit to pick a free port (retried a couple of times if it turns out busy). */
  port?: number;
  /** Receives every line Azurite writes to stdout/stderr. */
  onLog?: (line: string) => void;
  /** How long to wait for Azurite to come up. Default 15 000 ms. */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGINT before SIGKILL. Default 3 000 ms. */
  stopTimeoutMs?: number;
}

export interface EmbeddedAzurite {
  readonly host: string;
  readonly port: number;
  /** Connection string for the well-known Azurite development account. */
  readonly connectionString: string;
  /** Process id of the Azurite child. */
  readonly pid: number | undefined;
  /** Stops Azurite (SIGINT, then SIGKILL after a timeout). Safe to call more than once. */
  stop(): Promise<void>;
}

/** The well-known Azurite development account (public; not a secret). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Connection string for an Azurite Table endpoint. Use the data-tables client with `{ allowInsecureConnection: true }`. */
export function azuriteConnectionString(host: string, port: number): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};` +
    `TableEndpoint=http://${urlHost(host)}:${port}/${AZURITE_ACCOUNT_NAME};`
  );
}

const DEFAULT_HOST = '127.0.0.1';
const READY_MARKER = 'Azurite Table service successfully started';
const MAX_PORT_ATTEMPTS = 3;
const LOG_TAIL_LINES = 40;

// Runs inside the Azurite child before its main module (see the header comment).
const WATCHDOG_SOURCE = [
  'const parent = process.ppid;',
  'let done = false;',
  'const bye = () => {',
  '  if (done) return;',
  '  done = true;',
  // Azurite registers a once('SIGINT') handler that closes the server gracefully; a second SIGINT would
  // kill it outright, so only signal while that handler is still there.
  '  if (process.listenerCount("SIGINT") > 0) process.kill(process.pid, "SIGINT");',
  '  setTimeout(() => process.exit(0), 5000).unref();',
  '};',
  'process.stdin.on("end", bye);',
  'process.stdin.on("error", bye);',
  'process.stdin.resume();',
  'process.stdin.unref();',
  'setInterval(() => { if (process.ppid !== parent) bye(); }, 1000).unref();',
].join('\n');
const WATCHDOG_URL = `data:text/javascript,${encodeURIComponent(WATCHDOG_SOURCE)}`;

/**
 * Starts the Azurite Table service as a child process and resolves once it accepts connections.
 */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<EmbeddedAzurite> {
  const host = options.host ?? DEFAULT_HOST;
  const entry = resolveAzuriteTableEntry();
  if (options.location !== undefined) {
    await mkdir(options.location, { recursive: true });
  }
  const attempts = options.port === undefined ? MAX_PORT_ATTEMPTS : 1;
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = options.port ?? (await findFreePort(host));
    try {
      return await launch(entry, host, port, options);
    } catch (err) {
      lastError = err instanceof Error ? err : new Error(String(err));
      if (!(err instanceof PortInUseError)) throw lastError;
    }
  }
  throw lastError ?? new Error('Azurite did not start');
}

/** Picks a port that is free right now by binding port 0 on `host` and closing the server again. */
export async function findFreePort(host: string = DEFAULT_HOST): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        if (port > 0) resolve(port);
        else reject(new Error(`could not determine a free port on ${host}`));
      });
    });
  });
}

class PortInUseError extends Error {}

function resolveAzuriteTableEntry(): string {
  try {
    return require.resolve('azurite/dist/src/table/main.js');
  } catch {
    throw new Error(
      'Azurite is not installed (it is a devDependency: run the development install, or point ' +
        'the app at a real Table storage account instead of the embedded Azurite).',
    );
  }
}

async function launch(entry: string, host: string, port: number, options: StartAzuriteOptions): Promise<EmbeddedAzurite> {
  const args = [
    '--import',
    WATCHDOG_URL,
    entry,
    '--tableHost',
    host,
    '--tablePort',
    String(port),
    '--disableTelemetry',
    '--silent',
    ...(options.location !== undefined ? ['--location', path.resolve(options.location)] : ['--inMemoryPersistence']),
  ];
  // NODE_OPTIONS of the parent (a debugger port, a TypeScript loader) must not leak into Azurite.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, args, {
    // Azurite treats its working folder as the default --location; never let that be node_modules.
    cwd: options.location !== undefined ? path.resolve(options.location) : os.tmpdir(),
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });

  const tail: string[] = [];
  let ready = false;
  let onReadyLine: (() => void) | undefined;
  const onLine = (line: string): void => {
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
    options.onLog?.(line);
    if (!ready && line.includes(READY_MARKER)) onReadyLine?.();
  };
  readline.createInterface({ input: child.stdout }).on('line', onLine);
  readline.createInterface({ input: child.stderr }).on('line', onLine);
  // We never write to the child's stdin; it exists so the child notices when we die.
  child.stdin.on('error', () => undefined);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const onParentExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.once('exit', onParentExit);

  const timeoutMs = options.startTimeoutMs ?? 15_000;
  const describeTail = (): string => (tail.length > 0 ? `\nLast output:\n${tail.join('\n')}` : '\n(no output)');
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`Azurite did not come up on ${host}:${port} within ${timeoutMs} ms.${describeTail()}`));
      }, timeoutMs);
      const settle = (fn: () => void): void => {
        clearTimeout(timer);
        fn();
      };
      child.once('error', (err) => {
        settle(() => {
          reject(new Error(`Could not start Azurite (${process.execPath} ${entry}): ${err.message}`));
        });
      });
      void exited.then(({ code, signal }) => {
        settle(() => {
          const text = `Azurite exited (code ${String(code)}, signal ${String(signal)}) before it was ready on ${host}:${port}.${describeTail()}`;
          reject(tail.some((l) => l.includes('EADDRINUSE')) ? new PortInUseError(text) : new Error(text));
        });
      });
      onReadyLine = () => {
        // The marker is printed after listen() succeeded; a TCP connect confirms the address is reachable.
        waitForTcp(host, port, timeoutMs).then(
          () => {
            settle(resolve);
          },
          (err: unknown) => {
            settle(() => {
              reject(new Error(`Azurite reported ready but ${host}:${port} refuses connections: ${String(err)}${describeTail()}`));
            });
          },
        );
      };
    });
    ready = true;
  } catch (err) {
    process.removeListener('exit', onParentExit);
    await terminate(child, exited, options.stopTimeoutMs ?? 3_000);
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    host,
    port,
    connectionString: azuriteConnectionString(connectHost(host), port),
    pid: child.pid,
    stop(): Promise<void> {
      stopping ??= terminate(child, exited, options.stopTimeoutMs ?? 3_000).finally(() => {
        process.removeListener('exit', onParentExit);
      });
      return stopping;
    },
  };
}

async function terminate(
  child: ChildProcess,
  exited: Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      resolve(true);
    }, timeoutMs);
  });
  const timedOutFirst = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (timedOutFirst) {
    child.kill('SIGKILL');
    await exited;
  }
  child.stdin?.destroy();
}

async function waitForTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: connectHost(host), port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no TCP connection to ${host}:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Where a client should connect to reach a server listening on `host`. */
function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
