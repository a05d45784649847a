// The parent's end and the children's end of the IPC the load scenarios use: the parent forks a TypeScript
// child (through tsx), sends it messages and waits for a reply of a given type, never without a time limit;
// a child answers, and reports any failure as a `failed` message before it exits.

import { fork, type ChildProcess } from 'node:child_process';

export interface Message {
  type: string;
}

/** What a child sends when it cannot go on. */
export interface Failed {
  type: 'failed';
  error: string;
}

/**
 * tsx's CommonJS hook (the project compiles to CommonJS), by path, so that a child starts wherever the
 * parent was started from. `--import tsx` works too, but its ESM hooks run on a thread of their own that
 * adds about 40 MB to the child's RSS, which is measured; this hook adds about 15 MB (esbuild's transforms).
 */
const TSX_CJS = require.resolve('tsx/cjs');
/** restify's spdy reaches for process.binding('http_parser'); the warning says nothing about a run. */
const QUIET = '--disable-warning=DEP0111';
const STOP_GRACE_MS = 5_000;

/** A forked TypeScript child that receives `In` and sends `Out` (or `Failed`). */
export class Child<In extends Message, Out extends Message> {
  private readonly inbox: (Out | Failed)[] = [];
  private wake: (() => void) | undefined;
  private exit: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly process: ChildProcess,
  ) {
    process.on('message', (message) => {
      this.inbox.push(message as Out | Failed);
      this.wake?.();
    });
    this.exited = new Promise((resolve) => {
      process.once('exit', (code, signal) => {
        this.exit = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
        this.wake?.();
        resolve();
      });
    });
    process.once('error', (error) => {
      this.exit = `error ${error.message}`;
      this.wake?.();
    });
  }

  /** Forks `script` (a .ts file) with tsx; its output goes to this process's. */
  static start<In extends Message, Out extends Message>(name: string, script: string): Child<In, Out> {
    const child = fork(script, [], { execArgv: [QUIET, '--require', TSX_CJS, ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Child<In, Out>(name, child);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  send(message: In): void {
    if (!this.process.connected) throw new Error(`${this.name} is not running (${this.exit ?? 'disconnected'})`);
    this.process.send(message);
  }

  /** The next message of this type; fails on a `failed` message, on the child's exit, or after `timeoutMs`. */
  async expect<T extends Out['type']>(type: T, timeoutMs: number): Promise<Extract<Out, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const failed = this.inbox.find((m): m is Failed => m.type === 'failed');
      if (failed) throw new Error(`${this.name} failed: ${failed.error}`);
      const at = this.inbox.findIndex((m) => m.type === type);
      if (at >= 0) return this.inbox.splice(at, 1)[0] as Extract<Out, { type: T }>;
      if (this.exit !== undefined) throw new Error(`${this.name} stopped (${this.exit}) while the parent waited for "${type}"`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name} did not send "${type}" within ${String(timeoutMs)} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Asks the child to stop (a `stop` message), then kills it if it has not exited within a few seconds. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    if (this.process.connected) this.process.send({ type: 'stop' });
    const timer = setTimeout(() => this.process.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * The child's end: handles the parent's messages one at a time. A failure, anywhere in the process, is sent
 * to the parent and ends the process; so does losing the parent.
 */
// The type parameters only type the handler a child passes, which is all they are for.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function serveParent<In extends Message, Out extends Message>(handle: (message: In, reply: (message: Out) => void) => Promise<void>): void {
  const reply = (message: Out | Failed): void => {
    process.send?.(message);
  };
  const fail = (error: unknown): void => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (!process.connected) process.exit(1);
    process.send?.({ type: 'failed', error: text } satisfies Failed, undefined, {}, () => process.exit(1));
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  process.on('disconnect', () => process.exit(1));
  let queue = Promise.resolve();
  process.on('message', (message) => {
    queue = queue.then(() => handle(message as In, reply)).catch(fail);
  });
}
