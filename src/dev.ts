/**
 * `npm run dev`: the bot with embedded Table storage, and the Microsoft 365 Agents Playground (a local
 * Teams client) at http://localhost:56150. Ctrl-C stops all three.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { main } from './index';

const PLAYGROUND_PORT = 56150;
/** The Playground writes its own errors (a bad .m365agentsplayground.yml, say) only to this file. */
const PLAYGROUND_LOG = resolve('.data', 'playground.log');

async function dev(): Promise<void> {
  const bot = await main();
  mkdirSync('.data', { recursive: true });
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const args = [cli, '-e', `${bot.url}/api/messages`, '-c', 'msteams', '-p', String(PLAYGROUND_PORT), '--disable-telemetry'];
  const playground = spawn(process.execPath, args, {
    // It opens a browser unless told not to, and crashes where there is none. Users, team and channels
    // come from .m365agentsplayground.yml in the working folder.
    env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_LOGFILE: PLAYGROUND_LOG },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  process.on('exit', () => playground.kill('SIGTERM'));
  playground.on('exit', (code) => {
    process.stderr.write(`The Agents Playground stopped (exit code ${String(code)}; its log is ${PLAYGROUND_LOG}); stopping Liaison.\n`);
    void bot.stop().then(() => process.exit(code ?? 1));
  });
  process.stdout.write(
    `\nLiaison is running. Open http://localhost:${PLAYGROUND_PORT} to chat with it (if that port was busy, the Playground printed the one it chose above). Ctrl-C stops everything.\n\n`,
  );
}

dev().catch((error: unknown) => {
  process.stderr.write(`npm run dev could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
