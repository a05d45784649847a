import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { findFreePort, startAzurite } from '../src/storage/azurite';
import { testStorageConnectionString, uniqueTableName } from './support/global';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return predicate();
}

async function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

describe('embedded Azurite', function () {
  this.timeout(30_000);

  it('serves the shared test run: create a table and round-trip an entity', async () => {
    const connectionString = testStorageConnectionString();
    const tableName = uniqueTableName('roundtrip');
    const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
    await service.createTable(tableName);
    const table = TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection: true });
    await table.createEntity({ partitionKey: 'p', rowKey: 'r', title: 'Printer jam', count: 3 });
    const entity = await table.getEntity<{ title: string; count: number }>('p', 'r');
    assert.equal(entity.title, 'Printer jam');
    assert.equal(entity.count, 3);
    assert.ok(entity.etag);

    // create-once marker: a second create is a 409 with the service's code in details.errorCode
    await assert.rejects(table.createEntity({ partitionKey: 'p', rowKey: 'r' }), (err: unknown) => {
      const e = err as { statusCode?: number; details?: { errorCode?: string } };
      return e.statusCode === 409 && e.details?.errorCode === 'EntityAlreadyExists';
    });
    await service.deleteTable(tableName);
  });

  it('stop() ends the process, frees the port and is idempotent', async () => {
    const azurite = await startAzurite({});
    assert.match(azurite.connectionString, new RegExp(`TableEndpoint=http://127\\.0\\.0\\.1:${azurite.port}/devstoreaccount1;$`));
    assert.equal(await canListen(azurite.port), false);
    const pid = azurite.pid!;
    assert.ok(isAlive(pid));
    await Promise.all([azurite.stop(), azurite.stop()]);
    await azurite.stop();
    assert.equal(isAlive(pid), false);
    assert.equal(await canListen(azurite.port), true);
  });

  it('keeps data in --location across a restart (graceful stop flushes)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'liaison-azurite-'));
    try {
      const first = await startAzurite({ location: path.join(dir, 'data') });
      const tableName = uniqueTableName('persist');
      const client = TableClient.fromConnectionString(first.connectionString, tableName, { allowInsecureConnection: true });
      await client.createTable();
      await client.createEntity({ partitionKey: 'p', rowKey: 'kept', value: 'still here' });
      await first.stop();

      const second = await startAzurite({ location: path.join(dir, 'data') });
      try {
        const again = TableClient.fromConnectionString(second.connectionString, tableName, { allowInsecureConnection: true });
        const entity = await again.getEntity<{ value: string }>('p', 'kept');
        assert.equal(entity.value, 'still here');
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails clearly when a requested port is taken', async () => {
    const port = await findFreePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      await assert.rejects(startAzurite({ port }), (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, /exited .* before it was ready/);
        assert.match(err.message, /EADDRINUSE/);
        return true;
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('dies with its parent when the parent is killed with SIGKILL', async () => {
    const script = [
      "const { startAzurite } = require('./src/storage/azurite.ts');",
      'startAzurite({}).then((a) => { process.stdout.write(`pid=${a.pid}\\n`); });',
    ].join('\n');
    const parent = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: path.resolve(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const childPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /pid=(\d+)/.exec(out);
        if (m?.[1]) resolve(Number(m[1]));
      });
      parent.once('exit', (code) => {
        reject(new Error(`parent exited early (${String(code)}): ${out}`));
      });
    });
    assert.ok(isAlive(childPid));
    parent.kill('SIGKILL');
    assert.ok(await waitUntil(() => !isAlive(childPid), 10_000), `azurite ${childPid} outlived its parent`);
  });
});
