/**
 * Builds the Teams app package: `npm run package` writes dist/appPackage/liaison.zip
 * (manifest.json, color.png and outline.png at the zip root), ready to upload to Teams.
 *
 * Reads from the environment (and from .env, if present, without overriding what is set):
 *   MicrosoftAppId  required  the bot's Microsoft app id (or user-assigned managed identity client id), a GUID
 *   TEAMS_APP_ID    optional  the Teams app id, a GUID; defaults to MicrosoftAppId
 *   BOT_DOMAIN      required  the bot's public host name, e.g. liaison-bot.azurewebsites.net
 *
 * appPackage/manifest.json holds `${{NAME}}` placeholders, filled here; the result is validated
 * offline against the official schema bundled with @microsoft/app-manifest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import AdmZip from 'adm-zip';
import { GUID, loadEnvFile } from '../config';

type Env = Readonly<Record<string, string | undefined>>;
type ManifestSchema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

export type Result<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export interface PackageSettings {
  microsoftAppId: string;
  teamsAppId: string;
  botDomain: string;
}

export interface PackageFile {
  name: string;
  data: Buffer;
}

/** `${{NAME}}`, the placeholder syntax of appPackage/manifest.json. */
const PLACEHOLDER = /\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ICON_FILE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.png$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Teams limits on bot commands that the JSON schema does not enforce. */
const COMMAND_TITLE_MAX = 32;
const COMMAND_DESCRIPTION_MAX = 128;

export const ICON_SIZES = { color: 192, outline: 32 } as const;

/** Reads and checks the variables the package needs; every problem names its variable. */
export function readSettings(env: Env): Result<PackageSettings> {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const appId = read('MicrosoftAppId');
  if (appId === undefined) {
    problems.push(
      'MicrosoftAppId is required: the bot\'s Microsoft app id (or its managed identity\'s client id), a GUID such as 00000000-0000-0000-0000-000000000000',
    );
  } else if (!GUID.test(appId)) {
    problems.push(`MicrosoftAppId must be a GUID such as 00000000-0000-0000-0000-000000000000, got "${shorten(appId)}"`);
  }

  const teamsAppId = read('TEAMS_APP_ID');
  if (teamsAppId !== undefined && !GUID.test(teamsAppId)) {
    problems.push(`TEAMS_APP_ID must be a GUID (or unset, to use MicrosoftAppId), got "${shorten(teamsAppId)}"`);
  }

  const domain = read('BOT_DOMAIN');
  let botDomain: string | undefined;
  if (domain === undefined) {
    problems.push('BOT_DOMAIN is required: the bot\'s public host name, such as liaison-bot.azurewebsites.net');
  } else {
    const checked = checkHostName(domain);
    if (checked.ok) botDomain = checked.value;
    else problems.push(...checked.problems);
  }

  if (problems.length > 0 || appId === undefined || botDomain === undefined) return { ok: false, problems };
  return {
    ok: true,
    value: { microsoftAppId: appId.toLowerCase(), teamsAppId: (teamsAppId ?? appId).toLowerCase(), botDomain },
  };
}

function checkHostName(raw: string): Result<string> {
  const fail = (why: string): Result<string> => ({
    ok: false,
    problems: [`BOT_DOMAIN must be a bare host name such as liaison-bot.azurewebsites.net, ${why}, got "${shorten(raw)}"`],
  });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return fail('without a scheme like https://');
  if (raw.includes('/')) return fail('without a path');
  if (raw.includes(':')) return fail('without a port (Teams reaches the bot on 443)');
  const host = raw.toLowerCase();
  if (host.length > 253) return fail('at most 253 characters');
  const labels = host.split('.');
  if (labels.length < 2) return fail('with a domain (a single name such as localhost cannot be reached by Teams)');
  if (!labels.every((label) => HOST_LABEL.test(label))) {
    return fail('made of letters, digits and hyphens separated by dots');
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return fail('not an IP address');
  return { ok: true, value: host };
}

function shorten(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

/**
 * The app's version is package.json's: Teams takes an uploaded package as an update only when its
 * manifest version is higher, so each release that changes the package bumps package.json.
 */
function appVersion(): string {
  const json = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return json.version;
}

/** The placeholder values of appPackage/manifest.json for these settings. */
export function placeholderValues(settings: PackageSettings): Record<string, string> {
  return {
    APP_VERSION: appVersion(),
    TEAMS_APP_ID: settings.teamsAppId,
    MICROSOFT_APP_ID: settings.microsoftAppId,
    BOT_DOMAIN: settings.botDomain,
  };
}

/**
 * Replaces `${{NAME}}` in every string of a parsed JSON value. A placeholder without a value is left
 * in place and reported with its field.
 */
export function fillPlaceholders(template: unknown, values: Readonly<Record<string, string>>): { value: unknown; problems: string[] } {
  const problems: string[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (match, name: string) => {
        const value = values[name];
        if (value === undefined) {
          problems.push(`manifest.json ${path || '/'}: placeholder ${match} has no value (known: ${Object.keys(values).join(', ')})`);
          return match;
        }
        return value;
      });
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, `${path}/${index}`));
    if (isObject(node)) {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, `${path}/${key}`)]));
    }
    return node;
  };
  const value = walk(template, '');
  return { value, problems };
}

/** JSON pointers of the strings that still hold a `${{...}}` placeholder. */
export function findPlaceholders(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return new RegExp(PLACEHOLDER.source).test(value) ? [path || '/'] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => findPlaceholders(item, `${path}/${index}`));
  if (isObject(value)) return Object.entries(value).flatMap(([key, item]) => findPlaceholders(item, `${path}/${key}`));
  return [];
}

const schemaCache = new Map<string, ManifestSchema>();

/** Loads the official schema for a manifest version from @microsoft/app-manifest, never from the network. */
async function loadSchema(manifestVersion: string): Promise<ManifestSchema | undefined> {
  const cached = schemaCache.get(manifestVersion);
  if (cached) return cached;
  const packageBuild = dirname(require.resolve('@microsoft/app-manifest'));
  const file = join(packageBuild, 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  if (!existsSync(file)) return undefined;
  // The same clean-up AppManifestUtils.fetchSchema applies (some schemas hold \a and \v escapes).
  const text = (await readFile(file, 'utf8')).replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  const schema = JSON.parse(text) as ManifestSchema;
  schemaCache.set(manifestVersion, schema);
  return schema;
}

/**
 * Checks a filled manifest: no placeholder left, the official JSON schema of its manifestVersion
 * (offline), and Teams limits the schema leaves out. Returns one line per problem, naming the field.
 */
export async function validateManifest(manifest: unknown): Promise<string[]> {
  if (!isObject(manifest)) return ['manifest.json: must be a JSON object'];
  const problems = findPlaceholders(manifest).map((path) => `manifest.json ${path}: still holds a \${{...}} placeholder`);

  const version = manifest.manifestVersion;
  if (typeof version !== 'string' || !/^1\.[0-9]+$/.test(version)) {
    return [...problems, 'manifest.json /manifestVersion: must be a released schema version such as "1.30"'];
  }
  const expectedSchemaUrl = `https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`;
  if (manifest.$schema !== expectedSchemaUrl) {
    problems.push(`manifest.json /$schema: must be ${expectedSchemaUrl} to match manifestVersion ${version}`);
  }
  const schema = await loadSchema(version);
  if (!schema) {
    return [...problems, `manifest.json /manifestVersion: schema ${version} is not bundled with @microsoft/app-manifest, so it cannot be validated offline`];
  }
  const schemaErrors = await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest, schema);
  problems.push(...schemaErrors.map(formatSchemaError));
  problems.push(...checkCommands(manifest));
  return problems;
}

/** Turns "<instancePath> <message>. Details: <params>" from AppManifestUtils into "manifest.json <field>: ...". */
function formatSchemaError(error: string): string {
  const match = /^(\S*) ([\s\S]*?)\. Details: ([\s\S]*)$/.exec(error);
  if (!match) return `manifest.json: ${error}`;
  const [, path = '', message = '', details = ''] = match;
  return `manifest.json ${path || '/'}: ${message}${usefulDetails(details)}`;
}

/** Most of ajv's params repeat the message; the name of an unexpected property and the allowed values do not. */
function usefulDetails(details: string): string {
  let params: unknown;
  try {
    params = JSON.parse(details) as unknown;
  } catch {
    return '';
  }
  if (!isObject(params)) return '';
  if (typeof params.additionalProperty === 'string') return `: "${params.additionalProperty}"`;
  if (Array.isArray(params.allowedValues)) return `: ${JSON.stringify(params.allowedValues)}`;
  return '';
}

function checkCommands(manifest: Record<string, unknown>): string[] {
  const problems: string[] = [];
  asArray(manifest.bots).forEach((bot, b) => {
    if (!isObject(bot)) return;
    asArray(bot.commandLists).forEach((list, l) => {
      if (!isObject(list)) return;
      asArray(list.commands).forEach((command, c) => {
        if (!isObject(command)) return;
        const at = `manifest.json /bots/${b}/commandLists/${l}/commands/${c}`;
        if (typeof command.title === 'string' && command.title.length > COMMAND_TITLE_MAX) {
          problems.push(`${at}/title: Teams allows at most ${COMMAND_TITLE_MAX} characters`);
        }
        if (typeof command.description === 'string' && command.description.length > COMMAND_DESCRIPTION_MAX) {
          problems.push(`${at}/description: Teams allows at most ${COMMAND_DESCRIPTION_MAX} characters`);
        }
      });
    });
  });
  return problems;
}

/** Width, height and colour type from a PNG's IHDR chunk, or undefined if the data is not a PNG. */
export function pngHeader(data: Buffer): { width: number; height: number; colorType: number } | undefined {
  if (data.length < 33 || !data.subarray(0, 8).equals(PNG_SIGNATURE) || data.toString('latin1', 12, 16) !== 'IHDR') {
    return undefined;
  }
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), colorType: data.readUInt8(25) };
}

/** Checks an icon's format and size; the outline icon also needs an alpha channel for its transparent background. */
export function checkIcon(file: string, data: Buffer, size: number, needsAlpha: boolean): string[] {
  const header = pngHeader(data);
  if (!header) return [`${file}: is not a PNG image`];
  const problems: string[] = [];
  if (header.width !== size || header.height !== size) {
    problems.push(`${file}: must be ${size}x${size} pixels, is ${header.width}x${header.height}`);
  }
  // Colour types 4 (grey + alpha) and 6 (RGBA) carry transparency per pixel.
  if (needsAlpha && header.colorType !== 4 && header.colorType !== 6) {
    problems.push(`${file}: must have an alpha channel (a transparent background)`);
  }
  return problems;
}

/** A zip with the given files at its root, in the given order. */
export function buildZip(files: readonly PackageFile[]): Buffer {
  const zip = new AdmZip();
  for (const file of files) zip.addFile(file.name, file.data);
  return zip.toBuffer();
}

/**
 * The whole package, in memory: read settings, fill and validate the manifest, check the icons, zip.
 * Nothing is written; every problem found is returned, one line each.
 */
export async function packageApp(options: { env: Env; appPackageDir: string }): Promise<Result<{ zip: Buffer; manifest: Record<string, unknown> }>> {
  const settings = readSettings(options.env);
  if (!settings.ok) return settings;

  const templateFile = join(options.appPackageDir, 'manifest.json');
  let template: unknown;
  try {
    template = JSON.parse(await readFile(templateFile, 'utf8')) as unknown;
  } catch (err) {
    return { ok: false, problems: [`${relative(process.cwd(), templateFile)}: cannot be read as JSON (${errorMessage(err)})`] };
  }

  const filled = fillPlaceholders(template, placeholderValues(settings.value));
  const manifest = filled.value;
  const problems = [...filled.problems, ...(await validateManifest(manifest))];
  if (!isObject(manifest)) return { ok: false, problems };

  const icons = isObject(manifest.icons) ? manifest.icons : {};
  const files: PackageFile[] = [{ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') }];
  for (const kind of ['color', 'outline'] as const) {
    const name = icons[kind];
    if (typeof name !== 'string') continue; // the schema check has reported it
    if (!ICON_FILE.test(name)) {
      problems.push(`manifest.json /icons/${kind}: must name a .png file in appPackage, got "${shorten(name)}"`);
      continue;
    }
    let data: Buffer;
    try {
      data = await readFile(join(options.appPackageDir, name));
    } catch (err) {
      problems.push(`appPackage/${name}: cannot be read (${errorMessage(err)})`);
      continue;
    }
    problems.push(...checkIcon(`appPackage/${name}`, data, ICON_SIZES[kind], kind === 'outline'));
    files.push({ name, data });
  }

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { zip: buildZip(files), manifest } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function main(): Promise<number> {
  const root = resolve(__dirname, '..', '..');
  loadEnvFile(root);

  const result = await packageApp({ env: process.env, appPackageDir: join(root, 'appPackage') });
  if (!result.ok) {
    for (const problem of result.problems) process.stderr.write(`package: ${problem}\n`);
    return 1;
  }
  const target = join(root, 'dist', 'appPackage', 'liaison.zip');
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, result.value.zip);
  process.stdout.write(`Wrote ${relative(process.cwd(), target)} (Teams app ${String(result.value.manifest.id)})\n`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`package: ${errorMessage(err)}\n`);
      process.exitCode = 1;
    },
  );
}
