// What a failed delivery means: retry (and when) or give up. Errors are built the way the Bot Connector
// client throws them: a RestError from @azure/core-rest-pipeline carrying the response and its headers.

import assert from 'node:assert/strict';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { backoffMs, certainlyNotSent, classify, ConnectorFailure, RETRY_BASE_MS, Undeliverable } from '../../src/outbox/failures';
import { LiaisonError } from '../../src/lib/errors';

const NOW = Date.parse('2026-12-01T02:30:00Z');
const MINUTES_5 = 5 * 60_000;

/** An HTTP error from the Bot Connector, as core-client's deserialization policy builds it. */
function httpError(statusCode: number, headers: Record<string, string> = {}): RestError {
  const request = createPipelineRequest({ url: 'https://smba.trafficmanager.net/teams/v3/conversations/19%3Aabc%40thread.tacv2/activities', method: 'POST' });
  return new RestError(`Unexpected status code: ${String(statusCode)}`, {
    statusCode,
    request,
    response: { request, status: statusCode, headers: createHttpHeaders(headers), bodyAsText: '' },
  });
}

/** The same, as the outbox sees it: from the Bot Connector. */
function connectorError(statusCode: number, headers: Record<string, string> = {}): ConnectorFailure {
  return new ConnectorFailure(httpError(statusCode, headers));
}

/** A request that never got an answer: the socket was reset. */
function networkError(code = 'ECONNRESET'): RestError {
  return new RestError('read ECONNRESET', { code, request: createPipelineRequest({ url: 'https://smba.trafficmanager.net/teams/v3/conversations' }) });
}

describe('delivery failures', () => {
  describe('classify', () => {
    it('429 with Retry-After in seconds: retry after that long', () => {
      assert.deepEqual(classify(connectorError(429, { 'Retry-After': '3' }), NOW), { kind: 'retry', reason: '429 RestError', status: 429, retryAfterMs: 3_000 });
    });

    it('429 with Retry-After as an HTTP date: retry at that date', () => {
      const failure = classify(connectorError(429, { 'retry-after': new Date(NOW + 5_000).toUTCString() }), NOW);
      assert.deepEqual(failure, { kind: 'retry', reason: '429 RestError', status: 429, retryAfterMs: 5_000 });
    });

    it('429 with a Retry-After date in the past: retry without waiting for it', () => {
      const failure = classify(connectorError(429, { 'retry-after': new Date(NOW - 60_000).toUTCString() }), NOW);
      assert.deepEqual(failure, { kind: 'retry', reason: '429 RestError', status: 429, retryAfterMs: 0 });
    });

    it('429 without Retry-After, or with one that means nothing: retry on our own backoff', () => {
      const meaningless: Record<string, string>[] = [{}, { 'retry-after': '' }, { 'retry-after': 'soon' }];
      for (const headers of meaningless) {
        assert.deepEqual(classify(connectorError(429, headers), NOW), { kind: 'retry', reason: '429 RestError', status: 429 }, JSON.stringify(headers));
      }
    });

    it('Retry-After is honoured on other retryable statuses too', () => {
      assert.deepEqual(classify(connectorError(503, { 'retry-after': '120' }), NOW), { kind: 'retry', reason: '503 RestError', status: 503, retryAfterMs: 120_000 });
    });

    const statuses: [number, 'retry' | 'permanent', string][] = [
      [408, 'retry', 'request timeout'],
      [412, 'retry', "a lost race on Teams' side"],
      [429, 'retry', 'throttled'],
      [500, 'retry', 'server error'],
      [502, 'retry', 'bad gateway'],
      [503, 'retry', 'service unavailable'],
      [504, 'retry', 'gateway timeout'],
      [401, 'retry', "Liaison's credentials refused: the operator fixes the setting, the message is fine"],
      [400, 'permanent', 'a malformed message'],
      [403, 'permanent', 'the bot is not in the conversation any more'],
      [404, 'permanent', 'the conversation or message is gone'],
      [413, 'permanent', 'the message is too big'],
    ];
    for (const [status, kind, why] of statuses) {
      it(`${String(status)} (${why}): ${kind}`, () => {
        const failure = classify(connectorError(status), NOW);
        assert.equal(failure.kind, kind);
        assert.equal(failure.status, status);
        assert.match(failure.reason, new RegExp(`^${String(status)} `));
      });
    }

    it('an error without a status (the network) is retried, naming its code', () => {
      for (const error of [networkError('ECONNRESET'), Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })]) {
        assert.deepEqual(classify(new ConnectorFailure(error), NOW), { kind: 'retry', reason: 'network: ECONNRESET' });
      }
      assert.deepEqual(classify(new ConnectorFailure(networkError('ETIMEDOUT')), NOW), { kind: 'retry', reason: 'network: ETIMEDOUT' });
    });

    it('403 and 404 say the conversation is gone; other permanent statuses do not', () => {
      for (const status of [403, 404]) assert.equal(classify(connectorError(status), NOW).kind === 'permanent' && (classify(connectorError(status), NOW) as { gone: boolean }).gone, true);
      for (const status of [400, 413]) assert.deepEqual(classify(connectorError(status), NOW), { kind: 'permanent', reason: `${String(status)} RestError`, status, gone: false });
    });

    it('an error before anything was sent (Table storage, even a 403 from it) is retried', () => {
      assert.deepEqual(classify(httpError(403), NOW), { kind: 'retry', reason: 'before sending: RestError' });
      assert.deepEqual(classify(new TypeError('x is undefined'), NOW), { kind: 'retry', reason: 'before sending: TypeError' });
    });

    it("LiaisonError('SEND_FAILED') is permanent, with its message as the reason", () => {
      assert.deepEqual(classify(new LiaisonError('SEND_FAILED', 'No conversation with this person.'), NOW), { kind: 'permanent', reason: 'No conversation with this person.', gone: false });
    });

    it('Undeliverable is permanent, with its message as the reason, and says whether the conversation is gone', () => {
      assert.deepEqual(classify(new Undeliverable('The request card was never posted.'), NOW), { kind: 'permanent', reason: 'The request card was never posted.', gone: false });
      assert.deepEqual(classify(new Undeliverable('No address for the channel.', true), NOW), { kind: 'permanent', reason: 'No address for the channel.', gone: true });
    });
  });

  describe('certainlyNotSent', () => {
    // A message that must not appear twice (the weekly post) is sent again only when this says true.

    it('an error that is not from the Bot Connector: nothing was sent', () => {
      const before = [httpError(500), httpError(403), networkError('ECONNRESET'), new TypeError('x is undefined'), new LiaisonError('SEND_FAILED', 'No conversation with this person.'), new Undeliverable('No address for the channel.', true), 'a string', undefined];
      for (const error of before) assert.equal(certainlyNotSent(error), true, String(error));
    });

    it('429 (throttled: Teams stores nothing) and 401 (our credentials refused): nothing was sent', () => {
      assert.equal(certainlyNotSent(connectorError(429, { 'retry-after': '3' })), true);
      assert.equal(certainlyNotSent(connectorError(429)), true);
      assert.equal(certainlyNotSent(connectorError(401)), true);
    });

    it('a server error or a bad gateway: Teams may have stored it', () => {
      for (const status of [500, 502, 503, 504]) assert.equal(certainlyNotSent(connectorError(status)), false, String(status));
    });

    it('a timeout: Teams may have stored it', () => {
      assert.equal(certainlyNotSent(connectorError(408)), false, 'a 408');
      assert.equal(certainlyNotSent(new ConnectorFailure(networkError('ETIMEDOUT'))), false, 'ETIMEDOUT');
      // How the pipeline's per-request timeout surfaces: an AbortError, without a status or a code.
      const aborted = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
      assert.equal(certainlyNotSent(new ConnectorFailure(aborted)), false, 'AbortError');
    });

    it('a reset connection: Teams may have stored it', () => {
      assert.equal(certainlyNotSent(new ConnectorFailure(networkError('ECONNRESET'))), false);
      assert.equal(certainlyNotSent(new ConnectorFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))), false);
    });

    it('a connection refused, or a name not found: the request never left, so nothing was sent', () => {
      for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']) {
        assert.equal(certainlyNotSent(new ConnectorFailure(networkError(code))), true, code);
        assert.equal(certainlyNotSent(new ConnectorFailure(Object.assign(new Error(`connect ${code}`), { code }))), true, `${code} as a plain error`);
      }
    });
  });

  describe('backoffMs', () => {
    const middle = (): number => 0.5; // jitter factor 1.0

    it('doubles with each attempt from the base', () => {
      assert.deepEqual(
        [0, 1, 2, 3, 4, 5].map((attempts) => backoffMs(attempts, undefined, RETRY_BASE_MS, middle)),
        [1_000, 2_000, 4_000, 8_000, 16_000, 32_000],
      );
    });

    it('starts from the configured base', () => {
      assert.equal(backoffMs(2, undefined, 250, middle), 1_000);
    });

    it('is capped at 5 minutes, however many attempts', () => {
      for (const attempts of [9, 10, 20, 50, 1_000]) assert.equal(backoffMs(attempts, undefined, RETRY_BASE_MS, middle), MINUTES_5, String(attempts));
    });

    it('jitters between 0.5x and 1.5x', () => {
      const at = (r: number): number => backoffMs(3, undefined, RETRY_BASE_MS, () => r);
      assert.equal(at(0), 4_000);
      assert.equal(at(0.25), 6_000);
      assert.equal(at(0.75), 10_000);
      assert.ok(at(0.999_999) < 12_000);
      for (let i = 0; i < 50; i++) {
        const delay = backoffMs(3);
        assert.ok(delay >= 4_000 && delay < 12_000, String(delay));
      }
    });

    it('is never shorter than Retry-After', () => {
      assert.equal(backoffMs(0, 10_000, RETRY_BASE_MS, middle), 10_000);
      assert.equal(backoffMs(0, 10_000, RETRY_BASE_MS, () => 0.999), 10_000);
      assert.equal(backoffMs(20, 10 * 60_000, RETRY_BASE_MS, middle), 10 * 60_000, 'Retry-After beyond the cap still wins');
    });

    it('uses its own backoff when that is longer than Retry-After', () => {
      assert.equal(backoffMs(5, 3_000, RETRY_BASE_MS, middle), 32_000);
      assert.equal(backoffMs(5, 0, RETRY_BASE_MS, middle), 32_000);
    });
  });
});
