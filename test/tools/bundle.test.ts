// `npm run bundle` makes the zip App Service runs. It must hold the app and its production dependencies
// only, and start from them alone (no dev dependency such as Azurite or TypeScript at run time).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AdmZip from 'adm-zip';

const ROOT = resolve(__dirname, '..', '..');

describe('npm run bundle', function () {
  this.timeout(180_000);
  let extracted: string;
  let entries: Set<string>;

  before(() => {
    const run = spawnSync('npm', ['run', '-s', 'bundle'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /Wrote .*dist\/liaison-app\.zip .* az webapp deploy/s);
    const zip = new AdmZip(join(ROOT, 'dist', 'liaison-app.zip'));
    entries = new Set(zip.getEntries().map((e) => e.entryName));
    extracted = mkdtempSync(join(tmpdir(), 'liaison-bundle-'));
    zip.extractAllTo(extracted);
  });

  after(() => {
    rmSync(extracted, { recursive: true, force: true });
  });

  it('holds the compiled app, the card templates and the production dependencies', () => {
    for (const entry of ['dist/index.js', 'dist/app.js', 'cards/welcome.json', 'cards/intake-review.json', 'package.json', 'node_modules/botbuilder/package.json', 'node_modules/@azure/data-tables/package.json']) {
      assert.ok(entries.has(entry), `${entry} is in the zip`);
    }
  });

  it('leaves out dev dependencies, tools and the Teams package', () => {
    const unwanted = [...entries].filter((e) => /^node_modules\/(azurite|typescript|mocha|playwright-core|@microsoft\/m365agentsplayground)\//.test(e) || e.startsWith('dist/tools/') || e.startsWith('dist/appPackage/') || (e.endsWith('.zip') && !e.startsWith('node_modules/')));
    assert.deepEqual(unwanted.slice(0, 5), []);
  });

  it('starts from the zip alone and, in production without settings, refuses with a message naming what is missing', () => {
    const run = spawnSync(process.execPath, ['dist/index.js'], { cwd: extracted, encoding: 'utf8', env: { PATH: process.env.PATH, NODE_ENV: 'production' }, timeout: 30_000 });
    assert.equal(run.status, 1, run.stderr);
    const output = run.stdout + run.stderr;
    assert.match(output, /MicrosoftAppId is required in production/);
    assert.match(output, /Table storage is required in production/);
    assert.doesNotMatch(output, /Cannot find module|\n\s+at /, 'no missing module, no stack trace');
  });
});
