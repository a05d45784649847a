// The real process, as `npm start` runs it: configuration errors, embedded storage, and a clean stop.

import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { personalMessage } from './support/activities';
import { startFakeConnector, type FakeConnector } from './support/fakeConnector';
import { testStorageConnectionString } from './support/global';

const ROOT = path.resolve(__dirname, '..');

interface Running {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

function startLiaison(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/index.ts'], {
    cwd: ROOT,
    // Only what the test sets: no .env of the developer's, no inherited Bot Framework settings.
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
  return { child, output: () => out, exited };
}

async function listeningPort(running: Running, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /"port":"(\d+)"[^\n]*"msg":"Liaison is listening"/.exec(running.output());
    if (match?.[1] !== undefined) return Number(match[1]);
    if (running.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Liaison did not start:\n${running.output()}`);
}

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => { resolve(true); });
  });
}

describe('process: npm start', function () {
  this.timeout(40_000);
  let running: Running | undefined;
  let connector: FakeConnector | undefined;
  afterEach(async () => {
    if (running?.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    await connector?.close();
    running = undefined;
    connector = undefined;
  });

  it('refuses to start in production without credentials or storage, naming each variable, with no stack trace', async () => {
    running = startLiaison({ NODE_ENV: 'production' });
    assert.equal(await running.exited, 1);
    const out = running.output();
    assert.match(out, /MicrosoftAppId is required in production/);
    assert.match(out, /Table storage is required in production: set LIAISON_TABLES_ENDPOINT/);
    assert.doesNotMatch(out, /\n\s+at /, 'no stack trace');
  });

  it('starts embedded Azurite when no storage is configured in development, and stops it with the bot', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'liaison-embedded-'));
    try {
      running = startLiaison({ PORT: '0', LIAISON_EMBEDDED_STORAGE_DIR: dataDir });
      const port = await listeningPort(running);
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
      const embedded = /"port":(\d+),"msg":"no Table storage configured: started embedded Azurite/.exec(running.output());
      assert.ok(embedded?.[1], 'the log says where embedded Azurite runs');
      assert.match(running.output(), /authentication is OFF/, 'running without credentials is a visible warning');

      running.child.kill('SIGTERM');
      assert.equal(await running.exited, 0);
      assert.ok(await portIsClosed(Number(embedded[1])), 'Azurite stopped with the bot');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('on SIGTERM stops accepting, finishes the turn in flight, and exits 0', async () => {
    connector = await startFakeConnector();
    running = startLiaison({ PORT: '0', LIAISON_TABLES_CONNECTION_STRING: testStorageConnectionString() });
    const port = await listeningPort(running);

    // The reply to this message takes 1.5 s to reach the connector: the turn is still running at SIGTERM.
    connector.script('*', { status: 200, delayMs: 1_500, body: { id: 'slow-1' } });
    const inFlight = fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(personalMessage({ serviceUrl: connector.url, text: 'help' })),
    });
    await connector.waitForCalls(1, 10_000);
    running.child.kill('SIGTERM');

    assert.equal((await inFlight).status, 200, 'the turn in flight finished');
    assert.equal(await running.exited, 0);
    assert.ok(await portIsClosed(port), 'no longer accepting');
    assert.match(running.output(), /"msg":"stopped"/);
  });
});
