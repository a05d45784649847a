/**
 * End-to-end helpers: the Microsoft 365 Agents Playground (the local Teams emulator) as a child process,
 * headless Debian Chromium driven by playwright-core, and the page interactions a Teams user makes.
 * How the Playground behaves is recorded in test/e2e/playground-notes.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { z } from 'zod';
import { launchChromium } from '../../src/tools/chromium';

export const REPO_ROOT = resolve(__dirname, '..', '..');
/** Screenshots and logs of the end-to-end tests (git-ignored). */
export const E2E_ARTIFACTS = resolve(REPO_ROOT, '.artifacts', 'e2e');

/** A TCP port that was free a moment ago (on all interfaces, where the Playground binds). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolvePort(port);
      });
    });
  });
}

const Named = z.object({ id: z.string(), name: z.string() });
/** `GET /_internal/v1/config`: the parsed .m365agentsplayground.yml (only the parts the tests use). */
const ConfigResponse = z.object({
  config: z.object({
    tenantId: z.string(),
    bot: Named,
    currentUser: Named.extend({ aadObjectId: z.string(), givenName: z.string() }),
    teams: z.array(Named.extend({ channels: z.array(Named) })).length(1),
  }),
});

/** The part of `.m365agentsplayground.yml` the tests use, as the Playground parsed it. */
export interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: { id: string; name: string; aadObjectId: string; givenName: string };
  /** The one team; `channels` are those besides General (whose id is the team id). */
  team: { id: string; name: string; channels: { id: string; name: string }[] };
}

export interface Playground {
  /** The page and mock connector, e.g. http://localhost:56150. */
  url: string;
  /** The port it printed that it listens on (startPlayground fails unless it is the one asked for). */
  port: number;
  logFile: string;
  /** What the Playground read from .m365agentsplayground.yml. */
  config(): Promise<PlaygroundConfig>;
  /** The end of its log file (its errors go only there). */
  logTail(lines?: number): string;
  /** SIGINT (it flushes and exits within about 250 ms); SIGKILL if it has not gone after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface PlaygroundOptions {
  /** The bot's messaging endpoint; the bot must already answer there (the page waits for it). */
  botEndpoint: string;
  port: number;
  logFile: string;
  /** Where .m365agentsplayground.yml is read from. */
  cwd?: string;
  readyTimeoutMs?: number;
}

/** Starts the Playground CLI and resolves once `GET /_debug/ping` answers on the port asked for. */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const { botEndpoint, port, logFile } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const child = spawn(process.execPath, [cli, '-e', botEndpoint, '-c', 'msteams', '-p', String(port), '--disable-telemetry'], {
    cwd: options.cwd ?? REPO_ROOT,
    env: {
      ...process.env,
      // It opens a browser unless told not to, and crashes where there is none.
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => {
      resolveExit(code);
    });
  });

  const logTail = (lines = 40): string => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log file)';
    }
  };

  const stop = async (graceMs = 3_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  let listeningOn: number;
  try {
    listeningOn = await waitForPing(child, port, readyTimeoutMs, () => output, logTail);
  } catch (error) {
    await stop();
    throw error;
  }

  const url = `http://localhost:${listeningOn}`;
  return {
    url,
    port: listeningOn,
    logFile,
    logTail,
    stop,
    async config() {
      const response = await fetch(`http://127.0.0.1:${port}/_internal/v1/config`);
      if (!response.ok) throw new Error(`GET /_internal/v1/config answered ${response.status}`);
      const { config } = ConfigResponse.parse(await response.json());
      const team = config.teams[0]!;
      return {
        tenantId: config.tenantId,
        bot: config.bot,
        currentUser: config.currentUser,
        team: { id: team.id, name: team.name, channels: team.channels.filter((c) => c.id !== team.id).map(({ id, name }) => ({ id, name })) },
      };
    },
  };
}

/** Resolves with the port it printed ("Listening on <port>") once that is the port asked for and it answers there. */
async function waitForPing(child: ChildProcess, port: number, timeoutMs: number, output: () => string, logTail: () => string): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The Playground exited (${String(child.exitCode ?? child.signalCode)}) before it was ready. Output: ${output().trim()}\nLog:\n${logTail()}`);
    }
    // A busy port makes it silently take another one, so both "Listening on <our port>" and "pong" are needed.
    const listening = /Listening on (\d+)/.exec(output());
    if (listening && listening[1] !== String(port)) {
      throw new Error(`The Playground was asked for port ${port} (was it busy?) but listens on ${listening[1] ?? '?'}. Log:\n${logTail()}`);
    }
    if (listening) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/_debug/ping`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok && (await response.text()).includes('pong')) return port;
      } catch {
        // not listening yet
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`The Playground did not answer /_debug/ping on port ${port} within ${timeoutMs} ms. Output: ${output().trim()}\nLog:\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Headless Debian Chromium. Fails (never skips) when it is not installed. */
export const launchBrowser = launchChromium;

/** Opens the Playground's web client. Anything not on loopback (Office CDN fonts, telemetry) is aborted. */
export async function openPlaygroundPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.route(/^[a-z]+:\/\/(?!localhost[:/]|127\.0\.0\.1[:/]|\[::1\][:/])/i, (route) => route.abort());
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return page;
}

/**
 * Opens a chat or channel from the left-hand list, e.g. "Personal Chat" or "Library Services - IT Service Desk".
 * The list marks the open one only by its styling (no aria-selected), so callers check where they are by what
 * the bot shows there.
 */
export async function openConversation(page: Page, label: string): Promise<void> {
  await page.locator(`[role=treeitem][aria-label="${label}"]`).click();
  await page.locator('div[role=textbox][contenteditable=true]').first().waitFor();
}

/** An Adaptive Card on the page (or in a thread) whose text matches. */
export function cardWithText(scope: Page | Locator, text: string | RegExp): Locator {
  return scope.locator('.ac-adaptiveCard').filter({ hasText: text });
}

/**
 * Starts a new post in the open channel that @mentions the bot, the way a person does it: type "@" and part
 * of the name, pick the bot from the typeahead (a typed name alone is not a mention, and the Playground does
 * not deliver unmentioned channel messages), then the text, then Post. Resolves with the new thread.
 */
export async function postMentioningBot(page: Page, botName: string, text: string): Promise<Locator> {
  // Counted before typing: the new-post box is a card too, and matches once it holds the text.
  const threads = threadsWith(page, `${botName} ${text}`);
  const before = await threads.count();
  const composer = page.locator('div[role=textbox][contenteditable=true]').first();
  await composer.click();
  await page.keyboard.type(`@${botName.slice(0, 3)}`);
  await page.locator('#typeahead-menu [role=menuitem]', { hasText: botName }).click();
  await composer.locator('span.mention', { hasText: botName }).waitFor();
  await page.keyboard.type(` ${text}`);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  // Threads are listed newest first; waiting for one more tells a second identical post from the first.
  await threads.nth(before).waitFor();
  return threads.first();
}

/** The threads of the open channel whose text (the root post and its replies) matches, newest first. */
export function threadsWith(page: Page, text: string | RegExp): Locator {
  return page.locator('div.fui-Card[role=group]').filter({ hasText: text });
}

/**
 * How tall the window must be to show every conversation pane whole. The client scrolls inside its panes, so
 * a full-page screenshot alone would cut long threads off. (A string: the tests are compiled without DOM types.)
 */
const CONTENT_HEIGHT = `(() => {
  let bottom = 0;
  for (const el of document.querySelectorAll('*')) {
    if (el.scrollHeight <= el.clientHeight + 1 || !el.querySelector('.ac-adaptiveCard')) continue;
    const overflow = getComputedStyle(el).overflowY;
    if (overflow !== 'auto' && overflow !== 'scroll') continue;
    bottom = Math.max(bottom, el.getBoundingClientRect().top + el.scrollHeight);
  }
  return Math.ceil(bottom);
})()`;

/** A full-page PNG in .artifacts/e2e/ showing the open conversation whole (up to 4000 px tall); returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(E2E_ARTIFACTS, { recursive: true });
  const path = resolve(E2E_ARTIFACTS, `${name}.png`);
  const viewport = page.viewportSize() ?? { width: 1440, height: 900 };
  const needed = await page.evaluate<number>(CONTENT_HEIGHT);
  const height = Math.min(Math.max(viewport.height, needed + 24), 4000);
  if (height !== viewport.height) await page.setViewportSize({ width: viewport.width, height });
  try {
    await page.screenshot({ path, fullPage: true });
  } finally {
    if (height !== viewport.height) await page.setViewportSize(viewport);
  }
  return path;
}

/** The bot's messages in the open personal chat, oldest first (each one holds a card or a text). */
export function botMessages(page: Page): Locator {
  return page.locator('.fai-OutputCard');
}

/**
 * Types a message in the open chat's composer and sends it with Enter, and resolves with the bot's next
 * message (a card pressed later is replaced inside that same message, so the locator keeps pointing at it).
 */
export async function sendInChat(page: Page, text: string, timeout = 10_000): Promise<Locator> {
  return nextBotMessage(page, async () => {
    await page.locator('div[role=textbox][contenteditable=true]').first().click();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  }, timeout);
}

/** Runs `act` and resolves with the bot message that appears after it in the open personal chat. */
export async function nextBotMessage(page: Page, act: () => Promise<void>, timeout = 10_000): Promise<Locator> {
  const messages = botMessages(page);
  const before = await messages.count();
  await act();
  const next = messages.nth(before);
  await next.waitFor({ timeout });
  return next;
}

/**
 * Waits for the bot message in the open personal chat that shows `text` (a message the bot sent on its own,
 * such as an update), and resolves with it pinned by its place in the chat: its card may be replaced later.
 */
export async function botMessageWith(page: Page, text: string, timeout = 10_000): Promise<Locator> {
  const messages = botMessages(page);
  await messages.filter({ hasText: text }).first().waitFor({ timeout });
  const index = (await messages.allInnerTexts()).findIndex((shown) => shown.includes(text));
  if (index < 0) throw new Error(`A bot message shows "${text}" but its text could not be read`);
  return messages.nth(index);
}

/** Picks a choice of a filtered Input.ChoiceSet (a combobox with a drop-down list) as a person does: open it, click the option. */
export async function chooseOption(page: Page, combobox: Locator, option: string | RegExp): Promise<void> {
  await combobox.click();
  await page.getByRole('listbox').getByRole('option', { name: option }).click();
}

/** Picks a day of the current month in an Input.Date (a date picker with a calendar pop-up); `isoDay` is YYYY-MM-DD. */
export async function pickDate(page: Page, dateInput: Locator, isoDay: string): Promise<void> {
  const [year, month, day] = isoDay.split('-').map(Number) as [number, number, number];
  const monthName = new Date(Date.UTC(year, month - 1, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  await dateInput.click();
  // The calendar names each day "27, November, 2026".
  await page.getByRole('dialog', { name: 'Calendar' }).getByRole('button', { name: `${day}, ${monthName}, ${year}`, exact: true }).click();
}

/** A banner the client shows under a card after a press, with a button to dismiss it. */
const INVOKE_BANNER = 'div:has(> button[aria-label="Dismiss Invoke Message"])';

/**
 * The red banners the client shows under a card when a press fails (an `application/vnd.microsoft.error`
 * answer, or "Unable to reach app"). The grey "Your response was sent to the app" banner is not one of them.
 */
export function errorBanners(scope: Page | Locator): Locator {
  return scope.locator(`${INVOKE_BANNER}:not([aria-label="Display Invoked Message"])`);
}

/** Every banner under the cards: the grey ones (the answer was a card, or a message to show) and the red ones. */
export function invokeBanners(scope: Page | Locator): Locator {
  return scope.locator(INVOKE_BANNER);
}
