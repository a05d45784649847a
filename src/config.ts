import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as loadDotEnv } from 'dotenv';
import { parsePolicy } from './policy/parse';
import { DEFAULT_POLICY, type Policy } from './policy/policy';

/** Liaison's whole configuration, parsed once at start from the environment. */
export interface Config {
  environment: 'development' | 'production';
  port: number;
  logLevel: LogLevel;
  bot: BotIdentity;
  storage: StorageConfig;
  /** Tenants whose activities are served; empty means any tenant. */
  allowedTenants: readonly string[];
  /** Host names the bot may send to (Bot Connector service URLs); empty means any (development only). */
  allowedServiceHosts: readonly string[];
  timeZone: string;
  /** AAD object ids of the people who may change Liaison's settings; empty means any team member. */
  admins: readonly string[];
  /** Priorities, service levels, opening hours and catalogue: DEFAULT_POLICY unless a policy file overrides it. */
  policy: Policy;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type BotIdentity =
  | { kind: 'anonymous' }
  | { kind: 'password'; appId: string; appType: 'MultiTenant' | 'SingleTenant'; password: string; tenantId?: string }
  | { kind: 'managedIdentity'; appId: string; appType: 'UserAssignedMSI'; tenantId: string };

export type StorageConfig =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'endpoint'; endpoint: string; managedIdentityClientId?: string }
  /** Development only: Liaison starts Azurite itself and keeps its data in `location`. */
  | { kind: 'embedded'; location: string };

/** A configuration problem, naming the variable and what it expects. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`Liaison cannot start because of its configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Service URL hosts of the Bot Connector in the public and government clouds. */
export const DEFAULT_SERVICE_HOSTS = [
  'smba.trafficmanager.net',
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
];

/** Every environment variable Liaison reads, so that deployments can be checked against it. */
export const CONFIG_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'LOG_LEVEL',
  'MicrosoftAppId',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'MicrosoftAppPassword',
  'LIAISON_TABLES_CONNECTION_STRING',
  'LIAISON_TABLES_ENDPOINT',
  'AZURE_CLIENT_ID',
  'LIAISON_EMBEDDED_STORAGE_DIR',
  'LIAISON_ALLOWED_TENANTS',
  'LIAISON_ADMINS',
  'LIAISON_SERVICE_URL_HOSTS',
  'LIAISON_TIME_ZONE',
  'LIAISON_POLICY_FILE',
] as const;
type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads a `.env` file (if there is one) into `process.env` without overriding what is already set,
 * then parses the environment. Throws ConfigError listing every problem at once.
 */
export function loadConfig(cwd = process.cwd()): Config {
  loadEnvFile(cwd);
  return parseConfig(process.env, cwd);
}

/** Adds the variables of `<dir>/.env`, if there is one, to `process.env`; variables already set win. */
export function loadEnvFile(dir: string): void {
  const file = resolve(dir, '.env');
  if (existsSync(file)) loadDotEnv({ path: file, quiet: true });
}

export function parseConfig(env: Env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const read = (name: ConfigVariable): string | undefined => {
    const value = env[name]?.trim();
    if (value === undefined || value === '') return undefined;
    if (KEY_VAULT_REFERENCE.test(value)) {
      problems.push(`${name} still holds a Key Vault reference (${value.slice(0, 40)}...): the app cannot read that secret; check the app's identity has access to the vault`);
      return undefined;
    }
    return value;
  };

  const environment = parseEnvironment(read('NODE_ENV'), problems);
  const port = parsePort(read('PORT'), problems);
  const logLevel = parseLogLevel(read('LOG_LEVEL'), problems);
  const bot = parseBotIdentity(read, environment, problems);
  const storage = parseStorage(read, environment, cwd, problems);
  const allowedTenants = parseGuidList('LIAISON_ALLOWED_TENANTS', read('LIAISON_ALLOWED_TENANTS'), problems);
  const admins = parseGuidList('LIAISON_ADMINS', read('LIAISON_ADMINS'), problems);
  const allowedServiceHosts = parseHostList(read('LIAISON_SERVICE_URL_HOSTS'), environment, problems);
  const timeZone = parseTimeZone(read('LIAISON_TIME_ZONE'), problems);
  const policy = readPolicy(read('LIAISON_POLICY_FILE'), cwd, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return { environment, port, logLevel, bot, storage, allowedTenants, allowedServiceHosts, timeZone, admins, policy };
}

function parseEnvironment(value: string | undefined, problems: string[]): Config['environment'] {
  if (value === undefined || value === 'development') return 'development';
  if (value === 'production') return 'production';
  problems.push(`NODE_ENV must be "development" or "production" (got "${value}")`);
  return 'development';
}

function parsePort(value: string | undefined, problems: string[]): number {
  if (value === undefined) return 3978;
  const port = Number(value);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  problems.push(`PORT must be a whole number from 0 to 65535 (got "${value}")`);
  return 3978;
}

function parseLogLevel(value: string | undefined, problems: string[]): LogLevel {
  if (value === undefined) return 'info';
  const level = LOG_LEVELS.find((l) => l === value.toLowerCase());
  if (level) return level;
  problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
  return 'info';
}

function parseBotIdentity(
  read: (name: ConfigVariable) => string | undefined,
  environment: Config['environment'],
  problems: string[],
): BotIdentity {
  const appId = read('MicrosoftAppId');
  const password = read('MicrosoftAppPassword');
  const appType = read('MicrosoftAppType') ?? (appId === undefined ? undefined : 'MultiTenant');
  const tenantId = read('MicrosoftAppTenantId');

  if (appId === undefined) {
    if (environment === 'production') {
      problems.push('MicrosoftAppId is required in production: the Azure Bot\'s app id (for a managed identity, its client id). Without it anyone could post to /api/messages');
    }
    if (password !== undefined) problems.push('MicrosoftAppPassword is set but MicrosoftAppId is empty: set both, or neither for local development');
    return { kind: 'anonymous' };
  }
  if (!GUID.test(appId)) problems.push(`MicrosoftAppId must be a GUID such as 00000000-0000-0000-0000-000000000000 (got "${appId}")`);
  if (tenantId !== undefined && !GUID.test(tenantId)) problems.push(`MicrosoftAppTenantId must be a GUID (got "${tenantId}")`);

  switch (appType) {
    case 'UserAssignedMSI':
      if (tenantId === undefined) problems.push('MicrosoftAppTenantId is required when MicrosoftAppType is UserAssignedMSI');
      if (password !== undefined) problems.push('MicrosoftAppPassword must be empty when MicrosoftAppType is UserAssignedMSI (the managed identity needs no secret)');
      return { kind: 'managedIdentity', appId, appType, tenantId: tenantId ?? '' };
    case 'MultiTenant':
    case 'SingleTenant':
      if (password === undefined) problems.push(`MicrosoftAppPassword is required when MicrosoftAppType is ${appType}`);
      if (appType === 'SingleTenant' && tenantId === undefined) problems.push('MicrosoftAppTenantId is required when MicrosoftAppType is SingleTenant');
      return { kind: 'password', appId, appType, password: password ?? '', ...(tenantId === undefined ? {} : { tenantId }) };
    default:
      problems.push(`MicrosoftAppType must be UserAssignedMSI, SingleTenant or MultiTenant (got "${String(appType)}")`);
      return { kind: 'anonymous' };
  }
}

function parseStorage(
  read: (name: ConfigVariable) => string | undefined,
  environment: Config['environment'],
  cwd: string,
  problems: string[],
): StorageConfig {
  const connectionString = read('LIAISON_TABLES_CONNECTION_STRING');
  const endpoint = read('LIAISON_TABLES_ENDPOINT');
  const clientId = read('AZURE_CLIENT_ID');

  if (connectionString !== undefined && endpoint !== undefined) {
    problems.push('Set either LIAISON_TABLES_CONNECTION_STRING or LIAISON_TABLES_ENDPOINT, not both');
  }
  if (connectionString !== undefined) {
    if (!/(^|;)\s*(TableEndpoint|AccountName)\s*=/i.test(connectionString) && !/^UseDevelopmentStorage=true/i.test(connectionString)) {
      problems.push('LIAISON_TABLES_CONNECTION_STRING must be an Azure Storage connection string (with AccountName=... or TableEndpoint=...)');
    }
    if (environment === 'production' && /(^|;)\s*AccountKey\s*=|^UseDevelopmentStorage=true/i.test(connectionString)) {
      problems.push('LIAISON_TABLES_CONNECTION_STRING holds an account key, which production does not accept: set LIAISON_TABLES_ENDPOINT and give the app\'s managed identity the "Storage Table Data Contributor" role (AZURE_CLIENT_ID names the identity)');
    }
    return { kind: 'connectionString', connectionString };
  }
  if (endpoint !== undefined) {
    if (!isHttpUrl(endpoint)) problems.push(`LIAISON_TABLES_ENDPOINT must be the table service URL, e.g. https://<account>.table.core.windows.net (got "${endpoint}")`);
    if (clientId !== undefined && !GUID.test(clientId)) problems.push(`AZURE_CLIENT_ID must be the managed identity's client id, a GUID (got "${clientId}")`);
    return { kind: 'endpoint', endpoint, ...(clientId === undefined ? {} : { managedIdentityClientId: clientId }) };
  }
  if (environment === 'production') {
    problems.push('Table storage is required in production: set LIAISON_TABLES_ENDPOINT (with a managed identity) or LIAISON_TABLES_CONNECTION_STRING');
  }
  return { kind: 'embedded', location: resolve(cwd, read('LIAISON_EMBEDDED_STORAGE_DIR') ?? '.data/azurite') };
}

function parseGuidList(name: string, value: string | undefined, problems: string[]): string[] {
  if (value === undefined) return [];
  const items = value.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  const bad = items.filter((s) => !GUID.test(s));
  if (bad.length > 0) problems.push(`${name} must be a comma-separated list of GUIDs (not GUIDs: ${bad.join(', ')})`);
  return items;
}

function parseHostList(value: string | undefined, environment: Config['environment'], problems: string[]): string[] {
  if (value === undefined) return environment === 'production' ? DEFAULT_SERVICE_HOSTS : [];
  const hosts = value.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  const bad = hosts.filter((h) => !/^[a-z0-9.-]+(:\d+)?$/.test(h));
  if (bad.length > 0) problems.push(`LIAISON_SERVICE_URL_HOSTS must be a comma-separated list of host names (not host names: ${bad.join(', ')})`);
  return hosts;
}

function parseTimeZone(value: string | undefined, problems: string[]): string {
  if (value === undefined) return 'UTC';
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    problems.push(`LIAISON_TIME_ZONE must be an IANA time zone such as Europe/London or Australia/Perth (got "${value}")`);
    return 'UTC';
  }
}

function readPolicy(file: string | undefined, cwd: string, problems: string[]): Policy {
  if (file === undefined) return DEFAULT_POLICY;
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    problems.push(`LIAISON_POLICY_FILE must name a readable JSON file (${path}: ${missing ? 'there is no such file' : messageOf(error)})`);
    return DEFAULT_POLICY;
  }
  let json: unknown;
  try {
    // Windows editors often save JSON with a byte-order mark, which JSON.parse refuses.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    problems.push(`LIAISON_POLICY_FILE (${path}) is not valid JSON: ${messageOf(error)}`);
    return DEFAULT_POLICY;
  }
  const parsed = parsePolicy(json);
  if (parsed.ok) return parsed.value;
  problems.push(...parsed.problems.map((problem) => `LIAISON_POLICY_FILE (${path}): ${problem}`));
  return DEFAULT_POLICY;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
