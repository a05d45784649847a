// Keeps sends within Teams' rate limits (platform.md): per bot and conversation 7 per 1 s, 8 per 2 s,
// 60 per 30 s and 1,800 per hour; per app 30 per second. A sliding log of send times per key says how
// long the next send must wait.

export interface Limit {
  count: number;
  ms: number;
}

export const CONVERSATION_LIMITS: readonly Limit[] = [
  { count: 7, ms: 1_000 },
  { count: 8, ms: 2_000 },
  { count: 60, ms: 30_000 },
  { count: 1_800, ms: 3_600_000 },
];

export const APP_LIMITS: readonly Limit[] = [{ count: 30, ms: 1_000 }];

/** Sends each conversation (and the app as a whole) has made recently, to wait before the next. */
export class Pacer {
  private readonly sent = new Map<string, number[]>();
  /** Conversations Teams asked to wait (Retry-After), until when. */
  private readonly held = new Map<string, number>();
  private readonly longest: number;

  constructor(
    private readonly limits: readonly Limit[],
    private readonly now: () => number = Date.now,
  ) {
    this.longest = Math.max(...limits.map((l) => l.ms));
  }

  /** Milliseconds until `key` may send again (0: now). */
  delay(key: string): number {
    const now = this.now();
    const heldUntil = this.held.get(key);
    let wait = heldUntil === undefined ? 0 : Math.max(0, heldUntil - now);
    const times = this.sent.get(key);
    if (!times) return wait;
    for (const { count, ms } of this.limits) {
      // The count-th most recent send must have left the window.
      const oldestInWindow = times[times.length - count];
      if (oldestInWindow !== undefined && now - oldestInWindow < ms) wait = Math.max(wait, oldestInWindow + ms - now);
    }
    return wait;
  }

  /**
   * Counts a send that starts now. Call the returned function when it has been answered: the send is
   * then counted from that moment, because Teams counts it when it arrives, which is somewhere in
   * between, and sends that left together can arrive in another order.
   */
  record(key: string): () => void {
    const started = this.now();
    const times = this.sent.get(key) ?? [];
    times.push(started);
    const cutoff = started - this.longest;
    let drop = 0;
    while (drop < times.length && (times[drop] ?? started) <= cutoff) drop++;
    const kept = drop > 0 ? times.slice(drop) : times;
    this.sent.set(key, kept);
    return () => {
      const current = this.sent.get(key);
      const at = current?.indexOf(started) ?? -1;
      if (!current || at < 0) return;
      current[at] = this.now();
      current.sort((x, y) => x - y);
    };
  }

  /** Teams answered 429 with Retry-After: nothing more goes to this conversation until then. */
  holdUntil(key: string, until: number): void {
    this.held.set(key, Math.max(until, this.held.get(key) ?? 0));
  }

  /** Forgets keys with no send within the longest window, so that memory follows the active conversations. */
  prune(): void {
    const now = this.now();
    const cutoff = now - this.longest;
    for (const [key, times] of this.sent) {
      if ((times[times.length - 1] ?? 0) <= cutoff) this.sent.delete(key);
    }
    for (const [key, until] of this.held) if (until <= now) this.held.delete(key);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until both the conversation and the app may send, counts the send against both and sends.
 * Waits are re-checked, because other conversations share the app's budget.
 */
export async function paced<T>(conversation: Pacer, app: Pacer, key: string, send: () => Promise<T>): Promise<T> {
  for (;;) {
    const wait = Math.max(conversation.delay(key), app.delay('app'));
    if (wait <= 0) break;
    await sleep(wait);
  }
  const answered = [conversation.record(key), app.record('app')];
  try {
    return await send();
  } finally {
    for (const done of answered) done();
  }
}
