import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AdmZip from 'adm-zip';
import {
  fillPlaceholders,
  findPlaceholders,
  packageApp,
  placeholderValues,
  readSettings,
  validateManifest,
} from '../src/tools/package-app';
import { decodePng, pixelAt, type DecodedPng } from './support/png';

const ROOT = resolve(__dirname, '..');
const APP_PACKAGE_DIR = join(ROOT, 'appPackage');
const APP_ID = '6d1c6f0e-3a57-4b8e-9d2a-1f0c2b3a4d5e';
const TEAMS_APP_ID = '0b7e3c1a-2f4d-4e6a-8b9c-5d4e3f2a1b0c';
const DOMAIN = 'liaison-bot.azurewebsites.net';
const GOOD_ENV = { MicrosoftAppId: APP_ID, TEAMS_APP_ID, BOT_DOMAIN: DOMAIN };

interface Command {
  title: string;
  description?: string;
}
interface CommandList {
  scopes: string[];
  commands: Command[];
}

function template(): unknown {
  return JSON.parse(readFileSync(join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8')) as unknown;
}

function filledTemplate(): Record<string, unknown> {
  const settings = readSettings(GOOD_ENV);
  assert.ok(settings.ok);
  const { value, problems } = fillPlaceholders(template(), placeholderValues(settings.value));
  assert.deepEqual(problems, []);
  return value as Record<string, unknown>;
}

function icon(name: string): DecodedPng {
  return decodePng(readFileSync(join(APP_PACKAGE_DIR, name)));
}

async function problemsFor(env: Record<string, string | undefined>): Promise<string[]> {
  const result = await packageApp({ env, appPackageDir: APP_PACKAGE_DIR });
  if (result.ok) assert.fail('packaging should fail');
  return result.problems;
}

describe('Teams app package', () => {
  describe('manifest template', () => {
    it('validates against the official schema once sample ids are filled in', async () => {
      const manifest = filledTemplate();
      assert.deepEqual(await validateManifest(manifest), []);
      assert.equal(manifest.id, TEAMS_APP_ID);
      assert.deepEqual(manifest.validDomains, [DOMAIN]);
    });

    it('uses a schema version bundled with @microsoft/app-manifest, so validation needs no network', () => {
      const manifest = template() as Record<string, unknown>;
      const version = String(manifest.manifestVersion);
      const bundled = join(
        resolve(require.resolve('@microsoft/app-manifest'), '..'),
        'json-schemas',
        'teams',
        `v${version}`,
        'MicrosoftTeams.schema.json',
      );
      assert.doesNotThrow(() => readFileSync(bundled), `schema ${version} should be bundled`);
      assert.equal(manifest.$schema, `https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);
    });

    it('offers exactly the agreed commands, each with a description', () => {
      const bots = filledTemplate().bots as { botId: string; scopes: string[]; commandLists: CommandList[] }[];
      assert.equal(bots.length, 1);
      const [bot] = bots;
      assert.equal(bot!.botId, APP_ID);
      assert.deepEqual(bot!.scopes, ['personal', 'team']);
      const commands = Object.fromEntries(bot!.commandLists.map((list) => [list.scopes.join(','), list.commands.map((c) => c.title)]));
      assert.deepEqual(commands, { personal: ['help', 'new request', 'my requests'], team: ['help', 'setup', 'status'] });
      for (const list of bot!.commandLists) {
        for (const command of list.commands) {
          assert.ok(command.description && command.description.length > 0 && command.description.length <= 128, command.title);
        }
      }
    });

    it('reports a schema error with the field it concerns', async () => {
      const manifest = filledTemplate();
      manifest.accentColor = 'teal';
      const problems = await validateManifest(manifest);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, /^manifest\.json \/accentColor: /);
    });

    it('reports a placeholder that has no value', () => {
      const { problems } = fillPlaceholders({ a: ['x ${{NOPE}} y'] }, { BOT_DOMAIN: DOMAIN });
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /\/a\/0: placeholder \$\{\{NOPE\}\} has no value/);
    });
  });

  describe('icons', () => {
    it('color.png is a 192x192 full-colour image', () => {
      const png = icon('color.png');
      assert.equal(png.width, 192);
      assert.equal(png.height, 192);
      const colours = new Set<string>();
      for (let i = 0; i < png.rgba.length; i += 4) colours.add(png.rgba.subarray(i, i + 3).join(','));
      assert.ok(colours.size > 10, `only ${colours.size} colours`);
    });

    it('outline.png is 32x32, white on a fully transparent background', () => {
      const png = icon('outline.png');
      assert.equal(png.width, 32);
      assert.equal(png.height, 32);
      for (const [x, y] of [[0, 0], [31, 0], [0, 31], [31, 31]] as const) {
        assert.equal(pixelAt(png, x, y)[3], 0, `corner ${x},${y} should be transparent`);
      }
      let transparent = 0;
      let opaque = 0;
      for (let y = 0; y < png.height; y++) {
        for (let x = 0; x < png.width; x++) {
          const [r, g, b, a] = pixelAt(png, x, y);
          if (a === 0) transparent++;
          else assert.ok(r >= 250 && g >= 250 && b >= 250, `pixel ${x},${y} is ${r},${g},${b}, not white`);
          if (a === 255) opaque++;
        }
      }
      assert.ok(transparent > 256, 'background should be transparent');
      assert.ok(opaque > 128, 'the mark should be drawn in solid white');
    });
  });

  describe('packaging', () => {
    it('builds a zip with exactly manifest.json, color.png and outline.png, all placeholders filled', async () => {
      const result = await packageApp({ env: GOOD_ENV, appPackageDir: APP_PACKAGE_DIR });
      assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
      const zip = new AdmZip(result.value.zip);
      const names = zip.getEntries().map((entry) => entry.entryName).sort();
      assert.deepEqual(names, ['color.png', 'manifest.json', 'outline.png']);

      const text = zip.readAsText('manifest.json');
      assert.doesNotMatch(text, /\$\{\{/);
      const manifest = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(findPlaceholders(manifest), []);
      assert.equal(manifest.id, TEAMS_APP_ID);
      const { version } = JSON.parse(readFileSync(join(APP_PACKAGE_DIR, '..', 'package.json'), 'utf8')) as { version: string };
      assert.equal(manifest.version, version, "the app's version is package.json's, so a release can update the app in Teams");
      assert.deepEqual(await validateManifest(manifest), []);
      assert.deepEqual(zip.readFile('outline.png'), readFileSync(join(APP_PACKAGE_DIR, 'outline.png')));
    });

    it('uses MicrosoftAppId as the Teams app id when TEAMS_APP_ID is not set', async () => {
      const result = await packageApp({ env: { MicrosoftAppId: APP_ID, BOT_DOMAIN: DOMAIN }, appPackageDir: APP_PACKAGE_DIR });
      assert.ok(result.ok);
      assert.equal(result.value.manifest.id, APP_ID);
    });

    it('names MicrosoftAppId when it is not a GUID', async () => {
      const problems = await problemsFor({ MicrosoftAppId: 'liaison-bot', BOT_DOMAIN: DOMAIN });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, /^MicrosoftAppId must be a GUID/);
    });

    it('names BOT_DOMAIN when it is missing, and every other problem on its own line', async () => {
      const problems = await problemsFor({ MicrosoftAppId: '', TEAMS_APP_ID: 'x', BOT_DOMAIN: '  ' });
      assert.equal(problems.length, 3, problems.join('\n'));
      assert.match(problems[0]!, /^MicrosoftAppId is required/);
      assert.match(problems[1]!, /^TEAMS_APP_ID must be a GUID/);
      assert.match(problems[2]!, /^BOT_DOMAIN is required/);
    });

    for (const [domain, why] of [
      ['https://liaison-bot.azurewebsites.net', /without a scheme/],
      ['liaison-bot.azurewebsites.net/api/messages', /without a path/],
      ['liaison-bot.azurewebsites.net:443', /without a port/],
      ['localhost', /with a domain/],
      ['liaison_bot.example.com', /letters, digits and hyphens/],
    ] as const) {
      it(`rejects BOT_DOMAIN "${domain}"`, async () => {
        const problems = await problemsFor({ MicrosoftAppId: APP_ID, BOT_DOMAIN: domain });
        assert.equal(problems.length, 1, problems.join('\n'));
        assert.match(problems[0]!, /^BOT_DOMAIN must be a bare host name/);
        assert.match(problems[0]!, why);
      });
    }

    it('the command line prints one line per problem, no stack trace, and exits 1', () => {
      const env: NodeJS.ProcessEnv = { ...process.env, MicrosoftAppId: 'not-a-guid', BOT_DOMAIN: '' };
      delete env.TEAMS_APP_ID;
      const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'src', 'tools', 'package-app.ts')], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(run.status, 1, run.stderr);
      const lines = run.stderr.trim().split('\n');
      assert.deepEqual(lines.map((line) => /^package: (MicrosoftAppId|BOT_DOMAIN) /.exec(line)?.[1]), ['MicrosoftAppId', 'BOT_DOMAIN']);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
      assert.equal(run.stdout, '');
    });
  });
});
