// Pacing within Teams' rate limits: per conversation 7 per 1 s, 8 per 2 s, 60 per 30 s; per app 30 per
// second. Time is injected (a number the test moves), so nothing here waits for real.

import assert from 'node:assert/strict';
import sinon from 'sinon';
import { APP_LIMITS, CONVERSATION_LIMITS, Pacer, paced, type Limit } from '../../src/outbox/pacing';

/** A clock the test moves by hand. */
class Time {
  t = 0;
  readonly now = (): number => this.t;
}

/** Sends on `key` at each of `times` (ms), each allowed at its time. */
function sendAt(pacer: Pacer, time: Time, key: string, times: readonly number[]): void {
  for (const t of times) {
    time.t = t;
    assert.equal(pacer.delay(key), 0, `a send at ${String(t)} ms should be allowed`);
    pacer.record(key)();
  }
}

/** Sends `count` times on one key as early as the pacer allows; the times of the sends. */
function greedy(limits: readonly Limit[], count: number): number[] {
  const time = new Time();
  const pacer = new Pacer(limits, time.now);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    time.t += pacer.delay('c');
    assert.equal(pacer.delay('c'), 0, 'after waiting the delay, the send is allowed');
    pacer.record('c')();
    times.push(time.t);
  }
  return times;
}

const inWindow = (times: readonly number[], end: number, ms: number): number => times.filter((t) => t > end - ms && t <= end).length;

describe('pacing', () => {
  describe('Pacer, per conversation', () => {
    let time: Time;
    let pacer: Pacer;
    beforeEach(() => {
      time = new Time();
      pacer = new Pacer(CONVERSATION_LIMITS, time.now);
    });

    it('a conversation that never sent may send now', () => {
      assert.equal(pacer.delay('c'), 0);
    });

    it('allows 7 sends within 1 s; the 8th waits until the first leaves the 1 s window', () => {
      sendAt(pacer, time, 'c', [0, 100, 200, 300, 400, 500, 600]);
      time.t = 700;
      assert.equal(pacer.delay('c'), 300);
      time.t = 1_000;
      assert.equal(pacer.delay('c'), 0);
    });

    it('allows 8 sends within 2 s; the 9th waits until the first leaves the 2 s window', () => {
      sendAt(pacer, time, 'c', [0, 300, 600, 900, 1_200, 1_500, 1_800, 1_900]);
      time.t = 1_950;
      assert.equal(pacer.delay('c'), 50);
      time.t = 2_000;
      assert.equal(pacer.delay('c'), 0);
    });

    it('allows 60 sends within 30 s; the 61st waits until the first leaves the 30 s window', () => {
      sendAt(pacer, time, 'c', Array.from({ length: 60 }, (_, i) => i * 300));
      time.t = 18_000;
      assert.equal(pacer.delay('c'), 12_000);
      time.t = 30_000;
      assert.equal(pacer.delay('c'), 0);
    });

    it('sending as fast as allowed: 7 at once, the 8th a second later, the 61st after 30 s', () => {
      const times = greedy(CONVERSATION_LIMITS, 61);
      assert.deepEqual(times.slice(0, 8), [0, 0, 0, 0, 0, 0, 0, 1_000]);
      assert.equal(times[59], 14_000);
      assert.equal(times[60], 30_000);
    });

    it('sending as fast as allowed never puts more sends in any window than its limit', () => {
      const times = greedy(CONVERSATION_LIMITS, 130);
      for (const { count, ms } of CONVERSATION_LIMITS) {
        for (const end of times) assert.ok(inWindow(times, end, ms) <= count, `${String(count)} per ${String(ms)} ms exceeded at ${String(end)} ms`);
      }
    });

    it('conversations are paced apart from each other', () => {
      sendAt(pacer, time, 'busy', [0, 0, 0, 0, 0, 0, 0]);
      assert.ok(pacer.delay('busy') > 0);
      assert.equal(pacer.delay('quiet'), 0);
    });

    it('the answered callback counts a send from its answer rather than its start', () => {
      const answered = Array.from({ length: 7 }, () => pacer.record('c'));
      for (let i = 0; i < 7; i++) pacer.record('other'); // never answered
      time.t = 400;
      for (const done of answered) done();
      time.t = 1_000;
      assert.equal(pacer.delay('c'), 400, 'the sends count from 400 ms, so the window ends at 1,400 ms');
      assert.equal(pacer.delay('other'), 0, 'unanswered sends count from their start');
    });

    it('a send answered after a later one still counts from its answer', () => {
      const one = new Pacer([{ count: 1, ms: 1_000 }], time.now);
      const first = one.record('c');
      time.t = 100;
      one.record('c')();
      time.t = 500;
      first();
      time.t = 600;
      assert.equal(one.delay('c'), 900, 'the latest send now is the one answered at 500 ms');
    });

    it('prune forgets conversations idle for longer than the longest window and keeps the others', () => {
      const short = new Pacer([{ count: 1, ms: 1_000 }, { count: 2, ms: 2_000 }], time.now);
      const keys = (): string[] => [...(short as unknown as { sent: Map<string, number[]> }).sent.keys()].sort();
      sendAt(short, time, 'idle', [0]);
      sendAt(short, time, 'active', [1_500]);
      time.t = 2_000;
      short.prune();
      assert.deepEqual(keys(), ['active']);
      assert.equal(short.delay('active'), 500, 'what is kept still counts');
      time.t = 3_500;
      short.prune();
      assert.deepEqual(keys(), []);
    });
  });

  describe('Pacer, per app', () => {
    it('allows 30 sends per second across all conversations', () => {
      const time = new Time();
      const app = new Pacer(APP_LIMITS, time.now);
      sendAt(app, time, 'app', Array.from({ length: 30 }, (_, i) => i * 10));
      time.t = 300;
      assert.equal(app.delay('app'), 700);
    });
  });

  describe('paced', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    });
    afterEach(() => {
      clock.restore();
    });

    const now = (): number => clock.now;
    const oncePerSecond = (): Pacer => new Pacer([{ count: 1, ms: 1_000 }], now);
    const roomy = (): Pacer => new Pacer([{ count: 100, ms: 1_000 }], now);

    /** Starts a paced send and says whether it has been sent yet. */
    function start(conversation: Pacer, app: Pacer, key: string): { sent: () => boolean; done: Promise<string> } {
      let sent = false;
      const done = paced(conversation, app, key, () => {
        sent = true;
        return Promise.resolve(key);
      });
      return { sent: () => sent, done };
    }

    it('sends at once when both the conversation and the app may send, and returns what the send returned', async () => {
      const send = start(oncePerSecond(), roomy(), 'c');
      assert.equal(await send.done, 'c');
      assert.equal(clock.now, 0);
    });

    it("counts the send against both the conversation and the app", async () => {
      const conversation = oncePerSecond();
      const app = oncePerSecond();
      await start(conversation, app, 'c').done;
      assert.equal(conversation.delay('c'), 1_000);
      assert.equal(app.delay('app'), 1_000);
      assert.equal(conversation.delay('other'), 0);
    });

    it("waits until the conversation's window has room", async () => {
      const conversation = oncePerSecond();
      const app = roomy();
      await start(conversation, app, 'c').done;
      const second = start(conversation, app, 'c');
      await clock.tickAsync(999);
      assert.equal(second.sent(), false);
      await clock.tickAsync(1);
      assert.equal(second.sent(), true);
      await second.done;
    });

    it("waits for the app's budget even in another conversation", async () => {
      const conversation = roomy();
      const app = oncePerSecond();
      await start(conversation, app, 'c1').done;
      const other = start(conversation, app, 'c2');
      await clock.tickAsync(999);
      assert.equal(other.sent(), false);
      await clock.tickAsync(1);
      assert.equal(other.sent(), true);
      await other.done;
    });

    it('counts a slow send from when it was answered', async () => {
      const conversation = oncePerSecond();
      const app = roomy();
      const slow = paced(conversation, app, 'c', () => new Promise<void>((resolve) => setTimeout(resolve, 500)));
      await clock.tickAsync(500);
      await slow;
      assert.equal(conversation.delay('c'), 1_000, 'counted from 500 ms, the window ends at 1,500 ms');
    });

    it('counts a send that failed, and passes its error on', async () => {
      const conversation = oncePerSecond();
      const app = roomy();
      await assert.rejects(
        paced(conversation, app, 'c', () => Promise.reject(new Error('429'))),
        /429/,
      );
      assert.equal(conversation.delay('c'), 1_000);
    });
  });
});
