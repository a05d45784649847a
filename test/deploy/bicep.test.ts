import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_VARIABLES, DEFAULT_SERVICE_HOSTS, parseConfig } from '../../src/config';

// The Bicep cannot be compiled here, so these tests read it as text: the app settings must stay in step
// with the configuration loader, and the security settings must not quietly change.

const ROOT = resolve(__dirname, '..', '..');
const DEPLOY = join(ROOT, 'deploy');
const MAIN = join(DEPLOY, 'main.bicep');

/** Settings App Service or Application Insights read, not Liaison. Anything else must be in CONFIG_VARIABLES. */
const PLATFORM_SETTINGS = [
  'WEBSITE_RUN_FROM_PACKAGE',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'ApplicationInsightsAgent_EXTENSION_VERSION',
];

const CLIENT_ID = '6d1c6f0e-3a57-4b8e-9d2a-1f0c2b3a4d5e';
const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const TABLE_ENDPOINT = 'https://stliaisonabc123.table.core.windows.net/';

/** What Azure puts in place of each Bicep expression that is neither a literal nor a parameter with a literal default. */
const SAMPLE_VALUES: Readonly<Record<string, string>> = {
  MicrosoftAppId: CLIENT_ID,
  AZURE_CLIENT_ID: CLIENT_ID,
  MicrosoftAppTenantId: TENANT,
  LIAISON_TABLES_ENDPOINT: TABLE_ENDPOINT,
  LIAISON_ALLOWED_TENANTS: TENANT,
  APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${CLIENT_ID};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`,
};

interface AppSetting {
  name: string;
  /** The Bicep text after `value:`. */
  expression: string;
  /** The value when the expression is a plain string literal. */
  literal?: string;
}

interface Param {
  name: string;
  type: string;
  defaultExpression?: string;
}

function read(file: string): string {
  return readFileSync(file, 'utf8');
}

function bicepFiles(): string[] {
  const modules = readdirSync(join(DEPLOY, 'modules'))
    .filter((file) => file.endsWith('.bicep'))
    .map((file) => join(DEPLOY, 'modules', file));
  return [MAIN, ...modules];
}

/** A Bicep string literal without interpolation, e.g. 'production' or 'It\'s'. */
function stringLiteral(expression: string): string | undefined {
  const match = /^'((?:[^'\\$]|\\.)*)'$/.exec(expression.trim());
  return match ? match[1]!.replace(/\\(.)/g, '$1') : undefined;
}

/** Every `{ name: '...', value: ... }` line of main.bicep, in order. */
function appSettings(): AppSetting[] {
  const pattern = /^\s*\{\s*name:\s*'([^']+)',\s*value:\s*(.+?)\s*\}\s*$/gm;
  return [...read(MAIN).matchAll(pattern)].map(([, name, expression]) => {
    const literal = stringLiteral(expression!);
    return { name: name!, expression: expression!, ...(literal === undefined ? {} : { literal }) };
  });
}

function params(text: string): Param[] {
  const pattern = /^param\s+(\w+)\s+(\w+)(?:\s*=\s*(.+))?$/gm;
  return [...text.matchAll(pattern)].map(([, name, type, defaultExpression]) => ({
    name: name!,
    type: type!,
    ...(defaultExpression === undefined ? {} : { defaultExpression: defaultExpression.trim() }),
  }));
}

/** The value App Service would hold, given the parameters' defaults and sample values for Azure's own ids. */
function resolveSetting(setting: AppSetting, declared: readonly Param[]): string {
  if (setting.literal !== undefined) return setting.literal;
  const param = declared.find((p) => p.name === setting.expression.trim());
  const fromDefault = param?.defaultExpression === undefined ? undefined : stringLiteral(param.defaultExpression);
  if (fromDefault !== undefined) return fromDefault;
  const sample = SAMPLE_VALUES[setting.name];
  assert.ok(sample !== undefined, `${setting.name} = ${setting.expression}: add a sample value for it to SAMPLE_VALUES in this test`);
  return sample;
}

function settingsEnv(): Record<string, string> {
  const declared = params(read(MAIN));
  return Object.fromEntries(appSettings().map((setting) => [setting.name, resolveSetting(setting, declared)]));
}

/** Every value a Bicep property is given in the deploy files, e.g. all the `httpsOnly:` values. */
function propertyValues(property: string): string[] {
  const pattern = new RegExp(`^\\s*${property}:\\s*(.+?)\\s*(?://.*)?$`, 'gm');
  return bicepFiles().flatMap((file) => [...read(file).matchAll(pattern)].map(([, value]) => value!));
}

describe('deploy/main.bicep', () => {
  it('names only settings Liaison reads, or the few App Service and Application Insights read', () => {
    const settings = appSettings();
    assert.ok(settings.length >= 10, `found only ${settings.length} app settings: is the one-per-line format kept?`);
    const known = new Set<string>([...CONFIG_VARIABLES, ...PLATFORM_SETTINGS]);
    const unknown = settings.map((s) => s.name).filter((name) => !known.has(name));
    assert.deepEqual(unknown, [], 'app settings that neither Liaison nor the platform reads (a typo?)');
    const names = settings.map((s) => s.name);
    assert.deepEqual(names.filter((name, i) => names.indexOf(name) !== i), [], 'app settings named twice');
  });

  it('holds every setting production needs: the configuration loader accepts them as production with a managed identity', () => {
    const config = parseConfig(settingsEnv(), ROOT);
    assert.equal(config.environment, 'production');
    assert.deepEqual(config.bot, { kind: 'managedIdentity', appId: CLIENT_ID, appType: 'UserAssignedMSI', tenantId: TENANT });
    assert.deepEqual(config.storage, { kind: 'endpoint', endpoint: TABLE_ENDPOINT, managedIdentityClientId: CLIENT_ID });
    assert.ok(config.allowedTenants.length > 0, 'the tenant allow-list must not be empty by default');
    assert.deepEqual(config.allowedTenants, [TENANT]);
    assert.deepEqual(config.allowedServiceHosts, DEFAULT_SERVICE_HOSTS);
    assert.equal(config.logLevel, 'info');
  });

  it('gives the bot and Table storage the same identity, and no secret anywhere', () => {
    const settings = appSettings();
    const expressionOf = (name: string): string | undefined => settings.find((s) => s.name === name)?.expression;
    assert.equal(expressionOf('MicrosoftAppId'), 'identity.properties.clientId');
    assert.equal(expressionOf('AZURE_CLIENT_ID'), expressionOf('MicrosoftAppId'));
    const literal = (name: string): string | undefined => settings.find((s) => s.name === name)?.literal;
    assert.equal(literal('NODE_ENV'), 'production');
    assert.equal(literal('MicrosoftAppType'), 'UserAssignedMSI');
    for (const secret of ['MicrosoftAppPassword', 'LIAISON_TABLES_CONNECTION_STRING']) {
      assert.equal(expressionOf(secret), undefined, `${secret} must not be an app setting: Liaison uses the managed identity`);
    }
    assert.equal(expressionOf('PORT'), undefined, 'App Service sets PORT itself');
    for (const file of bicepFiles()) {
      const text = read(file);
      assert.doesNotMatch(text, /listKeys\(|AccountKey=|@secure\(\)/, `${file} must not handle keys or secrets`);
    }
  });

  it('runs the prebuilt zip read-only, without a server-side build, as npm start does', () => {
    const env = settingsEnv();
    assert.equal(env.WEBSITE_RUN_FROM_PACKAGE, '1');
    assert.equal(env.SCM_DO_BUILD_DURING_DEPLOYMENT, 'false');
    assert.equal(env.ApplicationInsightsAgent_EXTENSION_VERSION, '~3');
    const pkg = JSON.parse(read(join(ROOT, 'package.json'))) as { scripts: Record<string, string> };
    assert.deepEqual(propertyValues('appCommandLine'), [`'${pkg.scripts.start ?? ''}'`]);
  });

  const security: [property: string, expected: string][] = [
    ['httpsOnly', 'true'],
    ['minTlsVersion', "'1.2'"],
    ['scmMinTlsVersion', "'1.2'"],
    ['ftpsState', "'Disabled'"],
    ['alwaysOn', 'true'],
    ['healthCheckPath', "'/healthz'"],
    ['allowSharedKeyAccess', 'false'],
    ['minimumTlsVersion', "'TLS1_2'"],
    ['allowBlobPublicAccess', 'false'],
    ['supportsHttpsTrafficOnly', 'true'],
    ['msaAppType', "'UserAssignedMSI'"],
    ['channelName', "'MsTeamsChannel'"],
    ['allow', 'false'],
  ];
  for (const [property, expected] of security) {
    it(`sets ${property} to ${expected} wherever it appears`, () => {
      const values = propertyValues(property);
      assert.ok(values.length > 0, `${property} is not set in deploy/`);
      assert.deepEqual(values, values.map(() => expected));
    });
  }

  it('runs Node 20 on Linux', () => {
    const values = propertyValues('linuxFxVersion');
    assert.equal(values.length, 1);
    assert.match(values[0]!, /^'NODE\|20(-lts)?'$/);
    assert.deepEqual(propertyValues('reserved'), ['true']);
  });

  it('serves the health check path Liaison answers', () => {
    assert.match(read(join(ROOT, 'src', 'server', 'http.ts')), /server\.get\('\/healthz'/);
  });

  it('gives the managed identity "Storage Table Data Contributor" on the storage account', () => {
    const storage = read(join(DEPLOY, 'modules', 'storage.bicep'));
    assert.match(storage, /'0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'/);
    assert.match(storage, /roleDefinitionId: subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', storageTableDataContributor\)/);
    assert.match(storage, /principalType: 'ServicePrincipal'/);
  });

  it('registers the bot with the managed identity and https://<web app>/api/messages', () => {
    const bot = read(join(DEPLOY, 'modules', 'bot.bicep'));
    assert.match(bot, /'Microsoft\.BotService\/botServices@[\d-]+(-preview)?'/);
    assert.match(bot, /'Microsoft\.BotService\/botServices\/channels@[\d-]+(-preview)?'/);
    assert.match(bot, /^\s*endpoint: 'https:\/\/\$\{hostName\}\/api\/messages'$/m);
    assert.match(bot, /^\s*msaAppId: identityClientId$/m);
    assert.match(bot, /^\s*msaAppMSIResourceId: identityId$/m);
    assert.match(bot, /^\s*msaAppTenantId: tenantId$/m);
    const main = read(MAIN);
    assert.match(main, /^\s*hostName: webApp\.outputs\.defaultHostName$/m);
    assert.match(main, /^\s*identityClientId: identity\.properties\.clientId$/m);
  });

  it('describes every parameter, in main.bicep and in the modules', () => {
    for (const file of bicepFiles()) {
      const lines = read(file).split('\n');
      lines.forEach((line, index) => {
        if (!/^param\s/.test(line)) return;
        const decorators: string[] = [];
        for (let i = index - 1; i >= 0 && lines[i]!.startsWith('@'); i--) decorators.push(lines[i]!);
        assert.ok(
          decorators.some((d) => d.startsWith('@description(')),
          `${file}:${index + 1}: ${line.trim()} has no @description`,
        );
      });
    }
  });

  it('closes every string it opens, outside comments (no compiler here to catch a stray quote)', () => {
    for (const file of bicepFiles()) {
      read(file)
        .split('\n')
        .forEach((line, index) => {
          // Bicep escapes a quote inside a string as \'; a comment may hold any text.
          const code = line.replace(/\\./g, '').replace(/'[^']*'/g, 'S').replace(/\/\/.*$/, '');
          assert.ok(!code.includes("'"), `${file}:${String(index + 1)}: a string is not closed: ${line.trim()}`);
        });
    }
  });

  it('outputs what the next steps need', () => {
    const outputs = [...read(MAIN).matchAll(/^output\s+(\w+)\s/gm)].map(([, name]) => name);
    for (const name of ['webAppName', 'botDomain', 'microsoftAppId', 'botName', 'storageAccountName']) {
      assert.ok(outputs.includes(name), `main.bicep has no output ${name}`);
    }
  });

  it('has an example parameters file naming only real parameters, each with the right type', () => {
    const example = JSON.parse(read(join(DEPLOY, 'main.parameters.example.json'))) as {
      $schema: string;
      parameters: Record<string, { value: unknown }>;
    };
    assert.match(example.$schema, /deploymentParameters\.json#$/);
    const declared = params(read(MAIN));
    // Parameters whose default is right for everyone (the region, the deployment's tenant) may be left out.
    const optional = ['location', 'allowedTenants'];
    assert.deepEqual(Object.keys(example.parameters).sort(), declared.map((p) => p.name).filter((name) => !optional.includes(name)).sort());
    const jsonType = { string: 'string', int: 'number', bool: 'boolean', object: 'object', array: 'object' } as const;
    for (const [name, { value }] of Object.entries(example.parameters)) {
      const param = declared.find((p) => p.name === name);
      assert.equal(typeof value, jsonType[param?.type as keyof typeof jsonType], `${name} should be a ${String(param?.type)}`);
    }
  });
});
