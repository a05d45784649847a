import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, DEFAULT_SERVICE_HOSTS, parseConfig } from '../src/config';
import { DEFAULT_POLICY } from '../src/policy/policy';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

function problemsOf(env: Record<string, string>, cwd = '/srv/liaison'): string[] {
  try {
    parseConfig(env, cwd);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.problems];
  }
  assert.fail('expected the configuration to be refused');
}

describe('configuration', () => {
  it('runs in development with nothing set: no authentication, embedded storage, safe defaults', () => {
    const config = parseConfig({}, '/srv/liaison');
    assert.equal(config.environment, 'development');
    assert.equal(config.port, 3978);
    assert.deepEqual(config.bot, { kind: 'anonymous' });
    assert.deepEqual(config.storage, { kind: 'embedded', location: '/srv/liaison/.data/azurite' });
    assert.deepEqual(config.allowedTenants, []);
    assert.deepEqual(config.allowedServiceHosts, []);
    assert.equal(config.timeZone, 'UTC');
    assert.equal(config.policy, DEFAULT_POLICY);
  });

  it('reads a managed identity deployment as production uses it', () => {
    const config = parseConfig({
      NODE_ENV: 'production',
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: TENANT,
      LIAISON_TABLES_ENDPOINT: 'https://liaison.table.core.windows.net',
      AZURE_CLIENT_ID: APP_ID,
      LIAISON_ALLOWED_TENANTS: ` ${TENANT.toUpperCase()} `,
      LIAISON_ADMINS: `${APP_ID},${TENANT}`,
      LIAISON_TIME_ZONE: 'Australia/Perth',
      PORT: '8080',
    });
    assert.deepEqual(config.bot, { kind: 'managedIdentity', appId: APP_ID, appType: 'UserAssignedMSI', tenantId: TENANT });
    assert.deepEqual(config.storage, { kind: 'endpoint', endpoint: 'https://liaison.table.core.windows.net', managedIdentityClientId: APP_ID });
    assert.deepEqual(config.allowedTenants, [TENANT]);
    assert.deepEqual(config.admins, [APP_ID, TENANT]);
    assert.deepEqual(config.allowedServiceHosts, DEFAULT_SERVICE_HOSTS);
    assert.equal(config.timeZone, 'Australia/Perth');
    assert.equal(config.port, 8080);
  });

  it('refuses to start in production without credentials or storage, naming both', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /MicrosoftAppId is required in production/);
    assert.match(problems[1] ?? '', /Table storage is required in production: set LIAISON_TABLES_ENDPOINT/);
  });

  it('refuses an account-key connection string in production, pointing to the managed identity', () => {
    const production = { NODE_ENV: 'production', MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: TENANT };
    for (const connectionString of [
      'DefaultEndpointsProtocol=https;AccountName=liaison;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net',
      'UseDevelopmentStorage=true',
    ]) {
      const problems = problemsOf({ ...production, LIAISON_TABLES_CONNECTION_STRING: connectionString });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', /^LIAISON_TABLES_CONNECTION_STRING holds an account key, which production does not accept: set LIAISON_TABLES_ENDPOINT/);
      assert.ok(!problems[0]?.includes('c2VjcmV0'), 'the key is not repeated in the message');
    }
    // Development keeps accepting Azurite's well-known key.
    assert.equal(parseConfig({ LIAISON_TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).storage.kind, 'connectionString');
  });

  it('refuses an unresolved Key Vault reference, naming the variable', () => {
    const problems = problemsOf({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'MultiTenant', MicrosoftAppPassword: '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/bot)' });
    assert.ok(problems.some((p) => p.startsWith('MicrosoftAppPassword still holds a Key Vault reference')), problems.join('\n'));
  });

  const malformed: [string, Record<string, string>, RegExp][] = [
    ['a port out of range', { PORT: '70000' }, /^PORT must be a whole number/],
    ['an unknown environment', { NODE_ENV: 'staging' }, /^NODE_ENV must be "development" or "production"/],
    ['an app id that is not a GUID', { MicrosoftAppId: 'liaison', MicrosoftAppPassword: 'x' }, /^MicrosoftAppId must be a GUID/],
    ['an unknown app type', { MicrosoftAppId: APP_ID, MicrosoftAppType: 'Personal' }, /^MicrosoftAppType must be UserAssignedMSI, SingleTenant or MultiTenant/],
    ['a managed identity without tenant', { MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI' }, /^MicrosoftAppTenantId is required when MicrosoftAppType is UserAssignedMSI/],
    ['a password without app id', { MicrosoftAppPassword: 'secret' }, /^MicrosoftAppPassword is set but MicrosoftAppId is empty/],
    ['a secret-based bot without password', { MicrosoftAppId: APP_ID, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT }, /^MicrosoftAppPassword is required when MicrosoftAppType is SingleTenant/],
    ['both storage settings', { LIAISON_TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true', LIAISON_TABLES_ENDPOINT: 'https://a.table.core.windows.net' }, /^Set either LIAISON_TABLES_CONNECTION_STRING or LIAISON_TABLES_ENDPOINT, not both/],
    ['a table endpoint that is not a URL', { LIAISON_TABLES_ENDPOINT: 'liaison.table' }, /^LIAISON_TABLES_ENDPOINT must be the table service URL/],
    ['a connection string without an account', { LIAISON_TABLES_CONNECTION_STRING: 'hello' }, /^LIAISON_TABLES_CONNECTION_STRING must be an Azure Storage connection string/],
    ['tenants that are not GUIDs', { LIAISON_ALLOWED_TENANTS: 'contoso.onmicrosoft.com' }, /^LIAISON_ALLOWED_TENANTS must be a comma-separated list of GUIDs \(not GUIDs: contoso.onmicrosoft.com\)/],
    ['admins given as e-mail addresses', { LIAISON_ADMINS: 'megan@contoso.com' }, /^LIAISON_ADMINS must be a comma-separated list of GUIDs/],
    ['an unknown time zone', { LIAISON_TIME_ZONE: 'Mars/Olympus' }, /^LIAISON_TIME_ZONE must be an IANA time zone/],
    ['an unknown log level', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    ['service hosts with a scheme', { LIAISON_SERVICE_URL_HOSTS: 'https://smba.trafficmanager.net/' }, /^LIAISON_SERVICE_URL_HOSTS must be a comma-separated list of host names/],
    ['a policy file that does not exist', { LIAISON_POLICY_FILE: 'policy.json' }, /^LIAISON_POLICY_FILE must name a readable JSON file \(\/srv\/liaison\/policy\.json: there is no such file\)$/],
  ];
  for (const [what, env, expected] of malformed) {
    it(`stops with a message naming the variable for ${what}`, () => {
      const problems = problemsOf(env);
      assert.ok(problems.some((p) => expected.test(p)), `got: ${problems.join(' | ')}`);
    });
  }

  it('lists every problem at once rather than one per start', () => {
    assert.equal(problemsOf({ PORT: 'x', LIAISON_TIME_ZONE: 'Nowhere', LOG_LEVEL: 'loud' }).length, 3);
  });

  describe('policy file (LIAISON_POLICY_FILE)', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'liaison-policy-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads the example policy, relative to the working folder', () => {
      const config = parseConfig({ LIAISON_POLICY_FILE: 'deploy/policy.example.json' }, resolve(__dirname, '..'));
      assert.deepEqual(config.policy.branches, ['Central Library', 'Northside Branch']);
      assert.deepEqual(config.policy.serviceLevels, DEFAULT_POLICY.serviceLevels);
    });

    it('applies the overrides the file holds', () => {
      writeFileSync(join(dir, 'policy.json'), JSON.stringify({ manyPatrons: 40, openingHours: { sat: { open: '10:00', close: '13:00' } } }));
      const config = parseConfig({ LIAISON_POLICY_FILE: 'policy.json' }, dir);
      assert.equal(config.policy.manyPatrons, 40);
      assert.deepEqual(config.policy.openingHours.sat, { open: '10:00', close: '13:00' });
      assert.equal(config.policy.deadlineNearDays, DEFAULT_POLICY.deadlineNearDays);
    });

    it('accepts a file saved with a byte-order mark', () => {
      writeFileSync(join(dir, 'policy.json'), `\uFEFF${JSON.stringify({ deadlineNearDays: 5 })}`);
      assert.equal(parseConfig({ LIAISON_POLICY_FILE: 'policy.json' }, dir).policy.deadlineNearDays, 5);
    });

    it('stops on a file that is not JSON, naming the variable and the file', () => {
      writeFileSync(join(dir, 'policy.json'), '{ manyPatrons: 40 }');
      const problems = problemsOf({ LIAISON_POLICY_FILE: 'policy.json' }, dir);
      assert.equal(problems.length, 1);
      assert.ok(problems[0]?.startsWith(`LIAISON_POLICY_FILE (${join(dir, 'policy.json')}) is not valid JSON: `), problems[0]);
    });

    it('stops on every invalid setting, naming the variable, the file and the path inside it', () => {
      writeFileSync(join(dir, 'policy.json'), JSON.stringify({ serviceLevels: { P2: { response: 'soon' } }, manyPatron: 5 }));
      const file = join(dir, 'policy.json');
      const problems = problemsOf({ LIAISON_POLICY_FILE: 'policy.json', PORT: 'x' }, dir);
      assert.match(problems[0] ?? '', /^PORT must be a whole number/);
      assert.deepEqual(problems.slice(1), [
        `LIAISON_POLICY_FILE (${file}): serviceLevels.P2.response: expected a duration such as "4 business hours" (got "soon")`,
        `LIAISON_POLICY_FILE (${file}): manyPatron: unknown setting; expected one of catalogue, branches, matrix, priorityNames, manyPatrons, deadlineNearDays, autoCloseDays, wording, serviceLevels, openingHours, holidays, praise`,
      ]);
    });

    it('stops on a folder given as the file', () => {
      const problems = problemsOf({ LIAISON_POLICY_FILE: '.' }, dir);
      assert.match(problems[0] ?? '', /^LIAISON_POLICY_FILE must name a readable JSON file \(.+: EISDIR/);
    });
  });
});
