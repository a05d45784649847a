// Reliability 18: a fuzzed stream of activities never crashes the process and never corrupts stored state.

import assert from 'node:assert/strict';
import sinon from 'sinon';
import { LIBRARY_TEAM, USERS, cardAction, channelMessage, personalInstall, personalMessage, teamInstall } from '../support/activities';
import { startFlow, type Flow } from '../support/flow';

/** A small seeded generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const ROUNDS = 500;

describe('flow: fuzzed activities', function () {
  this.timeout(60_000);
  let flow: Flow;
  afterEach(async () => {
    await flow.close();
  });

  it(`survives ${ROUNDS} malformed and hostile activities (seed ${SEED}) with no 5xx and intact state`, async () => {
    sinon.stub(console, 'error');
    flow = await startFlow();
    const url = flow.connector.url;
    const next = random(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

    // A valid registration that the fuzz must not corrupt.
    const itChannel = { kind: 'channel' as const, channelId: LIBRARY_TEAM.channels.itRequests.id, threadId: 'fuzz-root' };
    await flow.post(cardAction({ serviceUrl: url, verb: 'setup.save', conversation: itChannel, data: { itRequests: 'true', services: 'wifi', praisePosts: 'false' } }));

    const huge = 'A'.repeat(60_000);
    const junk: unknown[] = [null, 0, -1, 1e308, true, '', huge, '<at>Liaison</at>', '${x}', '{{DATE(2017-02-14T06:08:39Z,SHORT)}}', [], {}, { $gt: '' }, ['a'], '\u0000\u202e'];
    const seeds = [
      () => personalMessage({ serviceUrl: url, text: pick(['help', 'setup', 'status', huge, '[x](https://evil.example)', '']) }),
      () => channelMessage({ serviceUrl: url, text: pick(['setup', 'status', 'help', huge]), channelId: pick([LIBRARY_TEAM.channels.itRequests.id, LIBRARY_TEAM.id]) }),
      () => personalInstall({ serviceUrl: url, from: pick([USERS.technician, USERS.itStaff]) }),
      () => teamInstall({ serviceUrl: url }),
      () => cardAction({ serviceUrl: url, verb: pick(['setup.save', 'unknown', '', huge.slice(0, 200)]), conversation: pick(['personal' as const, itChannel]), data: { itRequests: pick(junk), services: pick(junk), praisePosts: pick(junk) } }),
    ];
    const paths = ['type', 'id', 'channelId', 'serviceUrl', 'conversation', 'conversation.id', 'conversation.conversationType', 'from', 'from.id', 'from.aadObjectId', 'recipient', 'channelData', 'channelData.team', 'channelData.channel', 'channelData.tenant', 'value', 'value.action', 'value.action.verb', 'name', 'membersAdded', 'entities', 'text', 'timestamp'];

    const mutate = (activity: Record<string, unknown>): unknown => {
      for (let i = Math.floor(next() * 3); i >= 0; i--) {
        const path = pick(paths).split('.');
        let target: Record<string, unknown> = activity;
        for (const key of path.slice(0, -1)) {
          const child = target[key];
          if (typeof child !== 'object' || child === null) {
            target = {};
            break;
          }
          target = child as Record<string, unknown>;
        }
        const last = path[path.length - 1] ?? 'type';
        if (next() < 0.3) Reflect.deleteProperty(target, last);
        else target[last] = last === 'serviceUrl' && next() < 0.5 ? url : structuredClone(pick(junk));
      }
      if (next() < 0.1) activity.type = pick(['invoke', 'message', 'conversationUpdate', 'messageReaction', 'event', 'installationUpdate', 'typing', 'endOfConversation', huge.slice(0, 70)]);
      return activity;
    };

    const statuses = new Map<number, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const activity = JSON.parse(JSON.stringify(pick(seeds)())) as Record<string, unknown>;
      const body = next() < 0.85 ? mutate(activity) : activity;
      const response = await flow.post(next() < 0.03 ? JSON.stringify(body).slice(0, 50) : body);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      // botbuilder answers an invoke it has no handler for with 501 Not Implemented, which Teams understands.
      const unhandledInvoke = response.status === 501 && typeof body === 'object' && body !== null && (body as Record<string, unknown>).type === 'invoke';
      assert.ok(response.status < 500 || unhandledInvoke, `round ${round} (seed ${SEED}) answered ${response.status}: ${(JSON.stringify(response.body) as string | undefined)?.slice(0, 300) ?? 'no body'}`);
    }

    assert.equal((await fetch(`${flow.url}/healthz`)).status, 200, 'still serving');
    const crashes = flow.logs.filter((l) => l.level === 50).map((l) => JSON.stringify(l.err ?? l.msg).slice(0, 300));
    assert.deepEqual([...new Set(crashes)], [], 'no handler failed on bad input');
    const stored = await flow.app.services.channelSettings.listForTeam(LIBRARY_TEAM.id);
    for (const r of stored) {
      assert.equal(typeof r.itRequests, 'boolean');
      assert.equal(typeof r.praisePosts, 'boolean');
      assert.ok(r.services.every((s) => flow.app.services.policy.catalogue.some((c) => c.id === s)), 'only catalogue services are stored');
    }
    assert.ok((statuses.get(200) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0, `a mix of outcomes: ${JSON.stringify([...statuses])}`);
  });
});
