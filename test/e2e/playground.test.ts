// End to end in a Teams-like client: the real Liaison server and Table storage (Azurite), the Microsoft 365
// Agents Playground as Teams and its Bot Connector, and headless Chromium as the person using Teams.
// Screenshots of every step go to .artifacts/e2e/. Needs Debian's chromium (/usr/bin/chromium).

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { createLogger } from '../../src/lib/logger';
import { openTables } from '../../src/storage/tables';
import { testStorageConnectionString, uniqueTableName } from '../support/global';
import {
  E2E_ARTIFACTS,
  cardWithText,
  freePort,
  launchBrowser,
  openConversation,
  openPlaygroundPage,
  postMentioningBot,
  screenshot,
  startPlayground,
  type Playground,
  type PlaygroundConfig,
} from '../support/playground';

/** Waits for the bot's answers; the Playground and bot are local, so these are generous. */
const ANSWER_MS = 10_000;
/** Written to .artifacts/e2e/ when a step fails: the page, Liaison's log and the Playground's log. */
const FAILURE_FILES = ['playground-failure.png', 'playground-failure-liaison.log', 'playground-failure-playground.log'];

describe('e2e: Liaison in the Microsoft 365 Agents Playground', function () {
  this.timeout(60_000);

  let app: App | undefined;
  let playground: Playground | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let config: PlaygroundConfig;
  let tempDir: string;
  const botLog: string[] = [];
  /** Steps that passed, by their letter: a step that builds on another says so when that one failed. */
  const passed = new Set<string>();
  const needs = (step: string): void => {
    if (!passed.has(step)) throw new Error(`not run: it builds on step ${step}, which failed`);
  };
  let failed = false;

  before(async function () {
    tempDir = mkdtempSync(join(tmpdir(), 'liaison-e2e-'));
    mkdirSync(E2E_ARTIFACTS, { recursive: true });
    for (const stale of FAILURE_FILES) rmSync(resolve(E2E_ARTIFACTS, stale), { force: true });
    // Fail before starting anything when there is no browser.
    const launched = await launchBrowser();
    browser = launched;

    const playgroundPort = await freePort();
    const tables = openTables({ kind: 'connectionString', connectionString: testStorageConnectionString() }, uniqueTableName('e2e'));
    await tables.ensureCreated();
    app = createApp({
      config: {
        bot: { kind: 'anonymous' }, // the Playground sends no Authorization header
        admins: [],
        allowedTenants: [],
        timeZone: 'UTC',
        // Only the Playground's connector, as production allows only Microsoft's.
        allowedServiceHosts: [`localhost:${playgroundPort}`],
      },
      tables,
      logger: createLogger('info', {
        write(line: string) {
          botLog.push(line);
        },
      }),
    });
    const botUrl = await app.listen(0, '127.0.0.1');

    // Started after the bot: the page waits for the bot endpoint to answer before it shows anything.
    playground = await startPlayground({ botEndpoint: `${botUrl}/api/messages`, port: playgroundPort, logFile: join(tempDir, 'playground.log') });
    assert.equal(playground.port, playgroundPort, 'the Playground listens on the port asked for');
    config = await playground.config();
    assert.equal(config.bot.name, 'Liaison', '.m365agentsplayground.yml was read from the repository');

    page = await openPlaygroundPage(launched, playground.url);
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state === 'passed') passed.add(test.title.slice(0, 1));
    if (test?.state !== 'failed' || failed) return;
    failed = true;
    if (page) await screenshot(page, 'playground-failure').catch(() => undefined);
  });

  after(async function () {
    this.timeout(20_000);
    if (failed || !page) {
      writeFileSync(resolve(E2E_ARTIFACTS, 'playground-failure-liaison.log'), botLog.join(''));
      if (playground && existsSync(playground.logFile)) copyFileSync(playground.logFile, resolve(E2E_ARTIFACTS, 'playground-failure-playground.log'));
    }
    // Each one is stopped even when another fails to stop.
    await browser?.close().catch(() => undefined);
    await playground?.stop().catch(() => undefined);
    await app?.close(2_000).catch(() => undefined);
    rmSync(tempDir, { recursive: true, force: true });
  });

  it('a. welcomes the technician in the personal chat', async () => {
    const p = page!;
    await openConversation(p, 'Personal Chat');
    const welcome = cardWithText(p, "I'm Liaison");
    await welcome.waitFor({ timeout: ANSWER_MS });
    await screenshot(p, '01-personal-chat-welcome');
    const text = await welcome.innerText();
    assert.match(text, /What you can type/);
    assert.equal(text.split('\n')[0], `Hi ${config.currentUser.givenName}, I'm Liaison`, 'the welcome greets the technician by first name');
  });

  it('b. says how to set it up when it is added to the team (General)', async () => {
    const p = page!;
    await openConversation(p, `${config.team.name} - General`);
    const card = cardWithText(p, `Thanks for adding Liaison to ${config.team.name}`);
    await card.waitFor({ timeout: ANSWER_MS });
    await screenshot(p, '02-general-team-welcome');
  });

  it('c. connects IT Service Desk with @Liaison setup and Save', async () => {
    const p = page!;
    const channel = config.team.channels[0]!;
    await openConversation(p, `${config.team.name} - ${channel.name}`);
    const thread = await postMentioningBot(p, config.bot.name, 'setup');
    const card = cardWithText(thread, `Connect ${channel.name} to Liaison`);
    await card.waitFor({ timeout: ANSWER_MS });
    await screenshot(p, '03-it-service-desk-setup-card');

    const weeklyThanks = card.getByRole('checkbox', { name: /weekly summary of thanks/ });
    await weeklyThanks.check();
    assert.equal(await card.getByRole('checkbox', { name: /new IT requests/ }).isChecked(), true, 'IT requests is on by default');
    await screenshot(p, '04-it-service-desk-setup-weekly-thanks-on');
    await card.getByRole('button', { name: 'Save' }).click();

    const saved = `Saved. ${channel.name} receives IT requests for all services and the weekly thanks post.`;
    await thread.getByText(saved, { exact: true }).waitFor({ timeout: ANSWER_MS });
    await thread.getByText('Your response was sent to the app').waitFor();
    await screenshot(p, '05-it-service-desk-setup-saved');
  });

  it('d. lists IT Service Desk in @Liaison status', async () => {
    needs('c');
    const p = page!;
    const channel = config.team.channels[0]!;
    const thread = await postMentioningBot(p, config.bot.name, 'status');
    const card = cardWithText(thread, `Liaison in ${config.team.name}`);
    await card.waitFor({ timeout: ANSWER_MS });
    const text = await card.innerText();
    assert.match(text, new RegExp(`${channel.name}\\s+IT requests for all services and the weekly thanks post`));
    assert.doesNotMatch(text, /No channel/);
    await screenshot(p, '06-it-service-desk-status');
  });

  it('e. stored the registration in Table storage', async () => {
    needs('c');
    const channel = config.team.channels[0]!;
    const stored = await app!.services.channelSettings.listForTeam(config.team.id);
    assert.deepEqual(
      stored.map((r) => ({ channelId: r.channelId, channelName: r.channelName, itRequests: r.itRequests, services: r.services, praisePosts: r.praisePosts, by: r.updatedBy.aadObjectId })),
      [{ channelId: channel.id, channelName: channel.name, itRequests: true, services: [], praisePosts: true, by: config.currentUser.aadObjectId }],
    );
  });
});
