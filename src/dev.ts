/**
 * `npm run dev`: the bot with embedded Table storage, and the Microsoft 365 Agents Playground (a local
 * Teams client) at http://localhost:56150. Ctrl-C stops all three.
 */
import { spawn } from 'node:child_process';
import { main } from './index';

const PLAYGROUND_PORT = 56150;

async function dev(): Promise<void> {
  const bot = await main();
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const playground = spawn(process.execPath, [cli, '-e', `${bot.url}/api/messages`, '-c', 'msteams', '-p', String(PLAYGROUND_PORT)], {
    // It opens a browser unless told not to, and crashes where there is none.
    env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  process.on('exit', () => playground.kill('SIGTERM'));
  playground.on('exit', (code) => {
    process.stderr.write(`The Agents Playground stopped (exit code ${String(code)}); stopping Liaison.\n`);
    void bot.stop().then(() => process.exit(code ?? 1));
  });
  process.stdout.write(`\nLiaison is running. Open http://localhost:${PLAYGROUND_PORT} to chat with it; Ctrl-C stops everything.\n\n`);
}

dev().catch((error: unknown) => {
  process.stderr.write(`npm run dev could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
