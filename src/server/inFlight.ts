/** Counts requests in progress so that shutdown can wait for them. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  start(): () => void {
    this.count += 1;
    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      this.count -= 1;
      if (this.count === 0) this.waiters.splice(0).forEach((resolve) => { resolve(); });
    };
  }

  get size(): number {
    return this.count;
  }

  /** Resolves when nothing is in flight, or after `timeoutMs`, whichever comes first; true if drained. */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => { resolve(false); }, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
