// Root-level hooks for the whole mocha run (loaded through .mocharc.json `file`, before every spec).
// One in-memory Azurite serves all tests; give each test its own table (uniqueTableName) to stay isolated.

import { randomBytes } from 'node:crypto';
import sinon from 'sinon';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/azurite';

let azurite: EmbeddedAzurite | undefined;
const azuriteLog: string[] = [];

before(async function () {
  this.timeout(60_000);
  azurite = await startAzurite({
    onLog: (line) => {
      azuriteLog.push(line);
      if (azuriteLog.length > 200) azuriteLog.shift();
      if (process.env.LIAISON_TEST_AZURITE_LOG) process.stderr.write(`[azurite] ${line}\n`);
    },
  });
});

after(async function () {
  this.timeout(15_000);
  await azurite?.stop();
  azurite = undefined;
});

afterEach(() => {
  sinon.restore();
});

/** Connection string of the Azurite shared by the test run (use `{ allowInsecureConnection: true }`). */
export function testStorageConnectionString(): string {
  if (!azurite) throw new Error('Azurite is not running: test/support/global.ts must be loaded by mocha (see .mocharc.json)');
  return azurite.connectionString;
}

/** The Azurite shared by the test run. */
export function testAzurite(): EmbeddedAzurite {
  if (!azurite) throw new Error('Azurite is not running: test/support/global.ts must be loaded by mocha (see .mocharc.json)');
  return azurite;
}

/** Recent Azurite output, for diagnosing a failing test. */
export function testAzuriteLog(): readonly string[] {
  return azuriteLog;
}

/** A table name no other test uses (letters and digits, starts with a letter, at most 63 characters). */
export function uniqueTableName(prefix = 't'): string {
  const clean = prefix.replace(/[^A-Za-z0-9]/g, '').slice(0, 40) || 't';
  const start = /^[A-Za-z]/.test(clean) ? clean : `t${clean}`;
  return `${start}${randomBytes(6).toString('hex')}`;
}
