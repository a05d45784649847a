// The process under test of a load scenario (forked by loadScenarios.ts): starts the scenario's server on
// loopback, prepares its slots, and tells the parent where it listens and what the load needs. It counts
// the requests it receives and, from the parent's mark on, the Table round trips they cost; at the end it
// reports those and its peak RSS.

import { setTimeout as sleep } from 'node:timers/promises';
import { startBaselineA, startBaselineB } from './baselines';
import { serveParent } from './ipc';
import { startIntakeTarget, startItTarget } from './liaison';
import type { FromTarget, Target, ToTarget } from './presses';

/** Quiet for this long (no request open, no Table round trip) counts as settled. */
const QUIET_MS = 300;
const SETTLE_TIMEOUT_MS = 10_000;

let target: Target | undefined;
let open = 0;
let received = 0;
let mark = { received: 0, roundTrips: 0 };

function started(): Target {
  if (!target) throw new Error('the target is not set up');
  return target;
}

/**
 * Waits until no request is open and no Table round trip was made for QUIET_MS: a press the load cut off
 * at the end of its run is still finished by the server, and its writes must land on the right side of a mark.
 */
async function settle(t: Target): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let trips = t.roundTrips?.() ?? 0;
  let quietSince = Date.now();
  while (Date.now() - quietSince < QUIET_MS) {
    if (Date.now() > deadline) throw new Error(`the target did not settle within ${String(SETTLE_TIMEOUT_MS)} ms (${String(open)} requests open)`);
    await sleep(25);
    const now = t.roundTrips?.() ?? 0;
    if (open > 0 || now !== trips) quietSince = Date.now();
    trips = now;
  }
}

serveParent<ToTarget, FromTarget>(async (message, reply) => {
  switch (message.type) {
    case 'setup': {
      const { kind, connectionString, prefix, slots, serviceUrl } = message;
      target =
        kind === 'baseline-a'
          ? await startBaselineA(serviceUrl, slots)
          : kind === 'baseline-b'
            ? await startBaselineB(connectionString, prefix, serviceUrl, slots)
            : kind === 'intake-step'
              ? await startIntakeTarget(connectionString, prefix, serviceUrl, slots)
              : await startItTarget(connectionString, prefix, slots);
      target.http.on('request', (_req, res) => {
        open += 1;
        received += 1;
        res.once('close', () => {
          open -= 1;
        });
      });
      reply({ type: 'ready', url: target.url, serviceUrl: target.serviceUrl, slots: target.slots });
      return;
    }
    case 'settle':
      await settle(started());
      reply({ type: 'settled' });
      return;
    case 'mark': {
      const t = started();
      await settle(t);
      mark = { received, roundTrips: t.roundTrips?.() ?? 0 };
      reply({ type: 'marked' });
      return;
    }
    case 'stats': {
      const t = started();
      await settle(t);
      const trips = t.roundTrips?.();
      reply({
        type: 'stats',
        maxRssKb: process.resourceUsage().maxRSS,
        ...(trips === undefined ? {} : { roundTrips: trips - mark.roundTrips }),
        handled: received - mark.received,
      });
      return;
    }
    case 'stop':
      await target?.close();
      process.exit(0);
  }
});
