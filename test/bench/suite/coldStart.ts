// Scenario 7: cold start, from spawning the production entry point (`node dist/index.js`, what `npm start`
// runs) until GET /healthz answers 200, i.e. until Liaison listens and its Table storage answers.
//
//   embedded:   NODE_ENV=development and no storage configured, so it starts its own Azurite (a child
//               process) in a fresh folder: the local development start.
//   configured: LIAISON_TABLES_CONNECTION_STRING set to the suite's Azurite, whose tables exist already
//               (they are created before the first run), as on a restart or a scale-out in production.
//               Still NODE_ENV=development: production refuses an account key and an anonymous bot.
//
// dist/ is built once per process with `npm run build` when it is missing or older than src/. The child
// runs in a fresh temporary folder with Liaison's own variables removed from its environment, so that no
// `.env` or setting of this shell changes what is measured. Its peak RSS (VmHWM, Linux only) is read just
// before it is stopped with SIGTERM; it must exit cleanly, and its embedded Azurite must be gone with it.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONFIG_VARIABLES } from '../../../src/config';
import { findFreePort } from '../../../src/storage/azurite';
import { openTables } from '../../../src/storage/tables';
import type { BenchEnv, Measurement, Scenario } from './scenario';

const ROOT = resolve(__dirname, '..', '..', '..');
const ENTRY = join(ROOT, 'dist', 'index.js');
const POLL_MS = 20;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
/** How long the embedded Azurite may take to follow its parent out. */
const AZURITE_GONE_MS = 5_000;
const TAIL_LINES = 30;

type Storage = 'embedded' | 'configured';

/** The newest modification time of the files the build compiles (src/, bar what src/tsconfig.json excludes). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== join(ROOT, 'src', 'tools')) newest = Math.max(newest, newestSource(path));
    } else if (path !== join(ROOT, 'src', 'dev.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(ENTRY).mtimeMs;
  } catch {
    return 0;
  }
}

let building: Promise<void> | undefined;

/** Runs `npm run build` once per process if dist/index.js is missing or older than a source file. */
function ensureBuilt(): Promise<void> {
  building ??= (async () => {
    const sources = Math.max(newestSource(join(ROOT, 'src')), statSync(join(ROOT, 'tsconfig.json')).mtimeMs);
    if (builtAt() > sources) return;
    const build = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    const output = tailOf(build);
    const code = await new Promise<number | null>((done) => build.once('exit', done));
    if (code !== 0) throw new Error(`npm run build failed (exit code ${String(code)}):\n${output.join('\n')}`);
  })();
  return building;
}

/** The last lines the child writes (stdout and stderr), read as they come so that its pipes never fill. */
function tailOf(child: ChildProcess): string[] {
  const tail: string[] = [];
  const keep = (line: string): void => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  if (child.stdout) readline.createInterface({ input: child.stdout }).on('line', keep);
  if (child.stderr) readline.createInterface({ input: child.stderr }).on('line', keep);
  return tail;
}

/** The process's environment without Liaison's settings or a loader (tsx) of this process, plus `settings`. */
function childEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [...CONFIG_VARIABLES, 'NODE_OPTIONS']) Reflect.deleteProperty(env, name);
  return { ...env, ...settings };
}

/** A line of /proc/<pid>/status (Linux), undefined elsewhere or once the process is gone. */
function procStatus(pid: number, field: string): string | undefined {
  try {
    return new RegExp(`^${field}:\\s*(.+)$`, 'm').exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** Peak RSS (VmHWM) of a running process in MB; NaN where /proc cannot tell. */
function peakRssMb(pid: number): number {
  const kb = Number.parseInt(procStatus(pid, 'VmHWM') ?? '', 10);
  return Number.isNaN(kb) ? Number.NaN : Number((kb / 1024).toFixed(1));
}

/** The processes whose parent is `pid` (Linux). */
function childrenOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.filter((name) => /^\d+$/.test(name) && procStatus(Number(name), 'PPid') === String(pid)).map(Number);
}

/** Running, as opposed to gone or a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  const state = procStatus(pid, 'State');
  return state !== undefined && !state.startsWith('Z');
}

/** Milliseconds from now until GET /healthz answers 200; fails if the child exits or it takes too long. */
async function untilHealthy(child: ChildProcess, port: number, started: number, tail: readonly string[]): Promise<number> {
  const url = `http://127.0.0.1:${String(port)}/healthz`;
  while (performance.now() - started < START_TIMEOUT_MS) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Liaison exited (code ${String(child.exitCode)}, signal ${String(child.signalCode)}) before /healthz answered:\n${tail.join('\n')}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - started;
    } catch {
      // Not listening yet.
    }
    await sleep(POLL_MS);
  }
  throw new Error(`/healthz did not answer 200 within ${String(START_TIMEOUT_MS)} ms:\n${tail.join('\n')}`);
}

/** SIGTERM, then the time until it exited; SIGKILL and an error if it does not within the timeout or exits non-zero. */
async function stop(child: ChildProcess, exited: Promise<unknown>, tail: readonly string[]): Promise<number> {
  const asked = performance.now();
  child.kill('SIGTERM');
  const inTime = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
  if (!inTime) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`Liaison did not stop within ${String(STOP_TIMEOUT_MS)} ms of SIGTERM:\n${tail.join('\n')}`);
  }
  if (child.exitCode !== 0) throw new Error(`Liaison stopped with exit code ${String(child.exitCode)} (signal ${String(child.signalCode)}):\n${tail.join('\n')}`);
  return performance.now() - asked;
}

async function coldStart(storage: Storage, env: BenchEnv): Promise<Measurement> {
  await ensureBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'liaison-cold-start-'));
  const port = await findFreePort('127.0.0.1');
  const settings: Record<string, string> = { NODE_ENV: 'development', PORT: String(port) };
  if (storage === 'embedded') settings.LIAISON_EMBEDDED_STORAGE_DIR = join(dir, 'azurite');
  else {
    await openTables({ kind: 'connectionString', connectionString: env.azuriteConnectionString }).ensureCreated();
    settings.LIAISON_TABLES_CONNECTION_STRING = env.azuriteConnectionString;
  }

  const started = performance.now();
  const child = spawn(process.execPath, [ENTRY], { cwd: dir, env: childEnv(settings), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((done) => child.once('exit', done));
  const tail = tailOf(child);
  const pid = child.pid ?? 0;
  let azurite: number[] = [];
  try {
    const startMs = await untilHealthy(child, port, started, tail);
    const rssMb = peakRssMb(pid);
    azurite = storage === 'embedded' ? childrenOf(pid) : [];
    const azuriteRssMb = azurite.reduce((sum, p) => sum + (peakRssMb(p) || 0), 0);
    const stopMs = await stop(child, exited, tail);
    // The embedded Azurite is stopped by Liaison before it exits; give its last write a moment, no more.
    const until = performance.now() + AZURITE_GONE_MS;
    while (azurite.some(alive) && performance.now() < until) await sleep(POLL_MS);
    const left = azurite.filter(alive);
    if (left.length > 0) throw new Error(`the embedded Azurite (pid ${left.join(', ')}) outlived Liaison`);
    return {
      p50Ms: Number(startMs.toFixed(1)),
      peakRssMb: rssMb,
      extra: { startMs: Number(startMs.toFixed(1)), stopMs: Number(stopMs.toFixed(1)), ...(storage === 'embedded' ? { azuriteRssMb: Number(azuriteRssMb.toFixed(1)) } : {}) },
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      if (storage === 'embedded' && azurite.length === 0) azurite = childrenOf(pid);
      child.kill('SIGKILL');
      await exited;
    }
    for (const p of azurite.filter(alive)) process.kill(p, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

export const coldStartEmbedded: Scenario = {
  id: 'cold-start-embedded',
  name: 'Cold start to /healthz 200, embedded Azurite',
  run: (env) => coldStart('embedded', env),
};

export const coldStartConfigured: Scenario = {
  id: 'cold-start-configured',
  name: 'Cold start to /healthz 200, configured storage',
  run: (env) => coldStart('configured', env),
};
