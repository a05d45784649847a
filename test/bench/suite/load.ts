// The load generator of the load scenarios, a process of its own (forked by loadScenarios.ts): autocannon
// against the target's POST /api/messages, first for the warm-up, then, as a second run, for the
// measurement. The slots' state lives here, across both runs:
//
//   setupRequest takes a free slot (the one free longest), builds the slot's next press from its card and
//   keeps the slot's index in the connection's context; onResponse reads the answered card, checks that
//   the press moved the revision on by one, keeps the card for the slot's next press and frees the slot.
//
// A run's end cuts off the presses in flight, so their slots no longer know their card: after the
// warm-up (once the target has settled) each such slot presses once more, outside autocannon, and keeps
// whatever card the answer shows, the current one either way.

import autocannon from 'autocannon';
import type { Card } from '../../support/cards';
import { serveParent } from './ipc';
import { activityFor, answeredCard, revOf, type FromLoad, type LoadFigures, type LoadKind, type Slot, type ToLoad } from './presses';

interface Line {
  slot: Slot;
  busy: boolean;
}

interface Run {
  kind: LoadKind;
  url: string;
  serviceUrl: string;
  connections: number;
  lines: Line[];
  /** Indexes of the free lines, the one free longest first. */
  free: number[];
}

const HEADERS = { 'content-type': 'application/json' };
let current: Run | undefined;

function take(run: Run): number {
  const index = run.free.shift();
  if (index === undefined) throw new Error(`no free slot among ${String(run.lines.length)} for a new request: more connections than slots, or answers lost`);
  const line = run.lines[index]!;
  line.busy = true;
  return index;
}

function release(run: Run, index: number): void {
  run.lines[index]!.busy = false;
  run.free.push(index);
}

/** Keeps the answered card for the slot's next press; false when the press changed nothing. */
function keep(line: Line, body: string): boolean {
  const before = line.slot.card;
  if (before === undefined) return true;
  const card: Card | undefined = answeredCard(body);
  if (card === undefined) throw new Error(`a press was answered without a card: ${body.slice(0, 300)}`);
  line.slot.card = card;
  return revOf(card) === revOf(before) + 1;
}

async function cannon(run: Run, seconds: number): Promise<LoadFigures> {
  let unchanged = 0;
  const result = await autocannon({
    url: `${run.url}/api/messages`,
    method: 'POST',
    headers: HEADERS,
    connections: run.connections,
    pipelining: 1,
    duration: seconds,
    requests: [
      {
        setupRequest(request, context) {
          const index = take(run);
          context.slot = index;
          return { ...request, body: JSON.stringify(activityFor(run.kind, run.lines[index]!.slot, run.serviceUrl)) };
        },
        onResponse(status, body, context) {
          const index = context.slot as number;
          if (status === 200 && !keep(run.lines[index]!, body)) unchanged += 1;
          release(run, index);
        },
      },
    ],
  });
  return {
    rps: result.requests.mean,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    unchanged,
    durationS: result.duration,
    statuses: Object.entries(result.statusCodeStats)
      .map(([code, { count }]) => `${code}x${String(count)}`)
      .join(' '),
  };
}

/** Presses once on each slot whose answer the last run cut off, and keeps the card it answers with. */
async function resync(run: Run): Promise<number> {
  const cut = run.lines.map((line, index) => ({ line, index })).filter(({ line }) => line.busy);
  for (const { line, index } of cut) {
    const response = await fetch(`${run.url}/api/messages`, { method: 'POST', headers: HEADERS, body: JSON.stringify(activityFor(run.kind, line.slot, run.serviceUrl)) });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`resyncing a slot answered ${String(response.status)}: ${body.slice(0, 300)}`);
    keep(line, body);
    release(run, index);
  }
  return cut.length;
}

serveParent<ToLoad, FromLoad>(async (message, reply) => {
  switch (message.type) {
    case 'start': {
      const lines = message.slots.map((slot) => ({ slot, busy: false }));
      current = { kind: message.kind, url: message.url, serviceUrl: message.serviceUrl, connections: message.connections, lines, free: lines.map((_, i) => i) };
      reply({ type: 'warmedUp', figures: await cannon(current, message.warmUpS) });
      return;
    }
    case 'resync':
      if (!current) throw new Error('resync before start');
      reply({ type: 'resynced', slots: await resync(current) });
      return;
    case 'measure':
      if (!current) throw new Error('measure before start');
      reply({ type: 'measured', figures: await cannon(current, message.durationS) });
      return;
    case 'stop':
      process.exit(0);
  }
});
