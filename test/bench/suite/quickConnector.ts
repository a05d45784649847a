// A Bot Connector on loopback that answers every post at once, as Teams does when all is well, and only
// counts them: what the bots under load send goes here. (test/support/fakeConnector.ts records every call,
// which under load would grow without end; the IT scenario's target keeps one of those for its setup.)

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface QuickConnector {
  /** serviceUrl to use, with a trailing slash. */
  url: string;
  /** Activities posted so far (sends, replies, updates). */
  posted(): number;
  close(): Promise<void>;
}

export async function startQuickConnector(): Promise<QuickConnector> {
  let posted = 0;
  let next = Date.now();
  const server = http.createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      const activity = req.method === 'POST' || req.method === 'PUT' ? /^\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/.test(req.url ?? '') : false;
      if (activity) posted += 1;
      res.writeHead(activity ? 200 : 404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(activity ? JSON.stringify({ id: String((next += 1)) }) : '{"error":{"code":"NotFound","message":"No such route in the quick connector"}}');
    });
  });
  await new Promise<void>((done) => {
    server.listen(0, '127.0.0.1', done);
  });
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/`,
    posted: () => posted,
    close: () =>
      new Promise((done) => {
        server.close(() => {
          done();
        });
        server.closeAllConnections();
      }),
  };
}
