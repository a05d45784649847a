/**
 * Builds the zip App Service runs: `npm run bundle` compiles Liaison and writes dist/liaison-app.zip
 * with dist/, cards/, package.json and the production dependencies only (no Azurite, no TypeScript).
 *
 *   npm run bundle                          the app with the built-in policy
 *   npm run bundle -- --policy my.json      also checks my.json and ships it as policy.json
 *                                           (set LIAISON_POLICY_FILE=policy.json, the Bicep's policyFile)
 *
 * Deploy with: az webapp deploy --resource-group <rg> --name <app> --src-path dist/liaison-app.zip --type zip
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AdmZip from 'adm-zip';
import { parsePolicy } from '../policy/parse';

const ROOT = resolve(__dirname, '..', '..');
const STAGE = join(ROOT, '.artifacts', 'bundle');
const OUT = join(ROOT, 'dist', 'liaison-app.zip');

/** What the app needs at run time, besides its production dependencies. */
const SHIPPED = ['dist', 'cards', 'package.json', 'package-lock.json'] as const;

export type Outcome = { ok: true; zip: string; bytes: number } | { ok: false; problem: string };

function policyProblem(file: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    return `${file} is not a readable JSON file: ${error instanceof Error ? error.message : String(error)}`;
  }
  const parsed = parsePolicy(json);
  return parsed.ok ? undefined : `${file} is not a valid policy:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}`;
}

export function bundle(options: { policy?: string } = {}): Outcome {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) return { ok: false, problem: 'dist/index.js is missing: run npm run build first (npm run bundle does).' };
  const policy = options.policy === undefined ? undefined : resolve(options.policy);
  if (policy !== undefined) {
    const problem = policyProblem(policy);
    if (problem !== undefined) return { ok: false, problem };
  }

  rmSync(STAGE, { recursive: true, force: true });
  mkdirSync(STAGE, { recursive: true });
  for (const item of SHIPPED) {
    cpSync(join(ROOT, item), join(STAGE, item), { recursive: true, filter: (source) => !source.startsWith(join(ROOT, 'dist', 'appPackage')) && !source.endsWith('.zip') });
  }
  if (policy !== undefined) cpSync(policy, join(STAGE, 'policy.json'));

  // The lock file pins the same versions the tests ran with; the npm cache usually has them all.
  const install = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: STAGE, encoding: 'utf8' });
  if (install.status !== 0) return { ok: false, problem: `npm ci --omit=dev failed:\n${install.stderr || install.stdout}` };

  const zip = new AdmZip();
  zip.addLocalFolder(STAGE);
  rmSync(OUT, { force: true });
  zip.writeZip(OUT);
  rmSync(STAGE, { recursive: true, force: true });
  return { ok: true, zip: OUT, bytes: statSync(OUT).size };
}

function main(argv: readonly string[]): number {
  const at = argv.indexOf('--policy');
  const policy = at === -1 ? undefined : argv[at + 1];
  if (at !== -1 && policy === undefined) {
    process.stderr.write('--policy needs a file: npm run bundle -- --policy my-policy.json\n');
    return 1;
  }
  const outcome = bundle(policy === undefined ? {} : { policy });
  if (!outcome.ok) {
    process.stderr.write(`${outcome.problem}\n`);
    return 1;
  }
  writeFileSync(1, `Wrote ${outcome.zip} (${(outcome.bytes / 1024 / 1024).toFixed(1)} MB). Deploy it with:\n  az webapp deploy --resource-group <rg> --name <app> --src-path dist/liaison-app.zip --type zip\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
