// What a failed delivery means: try again later (and when), or give up on this message.

import { isLiaisonError } from '../lib/errors';

export type Failure =
  | { kind: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  /** `gone`: the conversation itself cannot be reached (Liaison removed from it, or it is deleted). */
  | { kind: 'permanent'; reason: string; status?: number; gone: boolean };

/** Statuses worth another try: throttled, a lost race on Teams' side, and gateways or the service being down. */
const RETRYABLE = new Set([408, 412, 429, 500, 502, 503, 504]);

/** A delivery that cannot succeed, whatever the number of tries; `gone` when its conversation cannot be reached. */
export class Undeliverable extends Error {
  constructor(
    reason: string,
    readonly gone = false,
  ) {
    super(reason);
    this.name = 'Undeliverable';
  }
}

/** An error from the Bot Connector itself (as opposed to Table storage or Liaison), which its status explains. */
export class ConnectorFailure extends Error {
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error));
    this.name = 'ConnectorFailure';
  }
}

/** Runs a Bot Connector call, marking its failures as the connector's (Liaison's own refusals stay Liaison's). */
export async function viaConnector<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isLiaisonError(error)) throw error;
    throw new ConnectorFailure(error);
  }
}

export function classify(error: unknown, now: number = Date.now()): Failure {
  if (error instanceof Undeliverable) return { kind: 'permanent', reason: error.message, gone: error.gone };
  if (isLiaisonError(error, 'SEND_FAILED')) return { kind: 'permanent', reason: error.message, gone: false };
  // Table storage or Liaison itself failed on the way: nothing says the message cannot go, so try again.
  if (!(error instanceof ConnectorFailure)) return { kind: 'retry', reason: `before sending: ${codeOf(error)}` };
  const cause = error.error;
  const status = statusOf(cause);
  if (status === undefined) return { kind: 'retry', reason: `network: ${codeOf(cause)}` };
  const reason = `${String(status)} ${codeOf(cause)}`;
  // 401: Liaison's own credentials were refused. The message is fine; the operator must fix the setting.
  if (RETRYABLE.has(status) || status === 401) {
    const retryAfterMs = retryAfterOf(cause, now);
    return { kind: 'retry', reason, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  // 403 (not in the conversation any more), 404 (message or conversation gone), 413 (too big), other 4xx.
  return { kind: 'permanent', reason, status, gone: status === 403 || status === 404 };
}

/** Network errors raised before a request reached the connector. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether a failed send certainly left nothing behind in Teams: it failed before the connector, was
 * refused (401), throttled (429: Teams stores nothing) or never connected. A 5xx, a timeout or a reset
 * may come after Teams stored the message, so a message that must not appear twice is not sent again.
 */
export function certainlyNotSent(error: unknown): boolean {
  if (!(error instanceof ConnectorFailure)) return true;
  const status = statusOf(error.error);
  if (status !== undefined) return status === 401 || status === 429;
  return NOT_CONNECTED.has(codeOf(error.error));
}

export const RETRY_BASE_MS = 1_000;
const MAX_MS = 5 * 60_000;

/** Exponential backoff with jitter around it (0.5x to 1.5x), at most 5 minutes, never shorter than Retry-After. */
export function backoffMs(attempts: number, retryAfterMs?: number, baseMs = RETRY_BASE_MS, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_MS, baseMs * 2 ** Math.min(attempts, 20) * (0.5 + random()));
  return Math.max(exponential, retryAfterMs ?? 0);
}

/** What a Bot Connector error carries (a RestError from @azure/core-rest-pipeline). */
interface HttpLike {
  statusCode?: unknown;
  code?: unknown;
  response?: { headers?: { get?: unknown } };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as HttpLike | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function codeOf(error: unknown): string {
  const code = (error as HttpLike | undefined)?.code;
  if (typeof code === 'string') return code.slice(0, 60);
  return error instanceof Error ? error.name : 'error';
}

/** Retry-After as seconds or as an HTTP date, at most 5 minutes. */
function retryAfterOf(error: unknown, now: number): number | undefined {
  const headers = (error as HttpLike | undefined)?.response?.headers;
  if (typeof headers?.get !== 'function') return undefined;
  const raw: unknown = (headers.get as (name: string) => unknown).call(headers, 'retry-after');
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(raw) - now;
  // An absurd Retry-After (hours) must not park a conversation: at most the backoff's own ceiling.
  return Number.isNaN(ms) ? undefined : Math.min(MAX_MS, Math.max(0, ms));
}
