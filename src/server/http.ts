import type { Server as NodeServer } from 'node:http';
import restify, { type Next, type Request, type Response, type Server } from 'restify';
import type { Activity, TurnContext } from 'botbuilder';
import type { AuthenticateRequestResult, BotFrameworkAuthentication } from 'botframework-connector';
import type { Logger } from '../lib/logger';
import { parseActivity, serviceUrlAllowed, tenantOf } from './activity';
import { PAGES } from './pages';
import { readJsonBody } from './body';
import { InFlight } from './inFlight';

export const MAX_BODY_BYTES = 256 * 1024;

/** What the HTTP edge needs from the Bot Framework: authenticate once, then run the turn. */
export interface TurnRunner {
  auth: BotFrameworkAuthentication;
  run(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<{ status: number; body?: unknown } | undefined>;
  logic(context: TurnContext): Promise<void>;
}

export interface HttpDeps {
  turns: TurnRunner;
  /** Resolves true when storage answers. */
  healthy(): Promise<boolean>;
  allowedTenants: readonly string[];
  allowedServiceHosts: readonly string[];
  logger: Logger;
}

export interface HttpEdge {
  server: Server;
  inFlight: InFlight;
}

export function createHttpServer(deps: HttpDeps): HttpEdge {
  const server = restify.createServer({ name: 'liaison', handleUncaughtExceptions: false });
  const node = server.server as NodeServer;
  // Cut off clients that trickle headers or bodies (slowloris).
  node.headersTimeout = 10_000;
  node.requestTimeout = 30_000;
  node.keepAliveTimeout = 5_000;

  const inFlight = new InFlight();

  server.post('/api/messages', async (req: Request, res: Response) => {
    const done = inFlight.start();
    try {
      await handleActivity(req, res, deps);
    } catch (error) {
      deps.logger.error({ err: error }, 'unhandled error on /api/messages');
      if (!res.headersSent) res.send(500, { error: 'internal_error', message: 'Liaison could not process this activity' });
    } finally {
      done();
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    const ok = await deps.healthy();
    res.send(ok ? 200 : 503, { status: ok ? 'ok' : 'storage unavailable' });
  });

  for (const [path, html] of Object.entries(PAGES)) {
    server.get(path, (_req: Request, res: Response, next: Next) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=3600' });
      res.end(html);
      next();
    });
  }

  return { server, inFlight };
}

async function handleActivity(req: Request, res: Response, deps: HttpDeps): Promise<void> {
  const body = await readJsonBody(req, MAX_BODY_BYTES);
  if (!body.ok) {
    res.send(body.status, { error: 'bad_request', message: body.message });
    return;
  }
  const parsed = parseActivity(body.value);
  if (!parsed.ok) {
    res.send(400, { error: 'bad_request', message: parsed.message });
    return;
  }
  const { activity } = parsed;
  const ids = { activityId: activity.id, conversationId: activity.conversation.id, type: activity.type };

  let auth: AuthenticateRequestResult;
  try {
    auth = await deps.turns.auth.authenticateRequest(activity, req.header('authorization', ''));
  } catch (error) {
    // The validator's message says why (expired, bad signature...); it is for the log, not the caller.
    deps.logger.warn({ ...ids, reason: error instanceof Error ? error.message : 'unknown' }, 'rejected an activity that failed authentication');
    res.send(401, { error: 'unauthorized' });
    return;
  }

  if (!serviceUrlAllowed(activity.serviceUrl, deps.allowedServiceHosts)) {
    deps.logger.warn({ ...ids, serviceHost: new URL(activity.serviceUrl).host }, 'rejected an activity from a service URL that is not allowed');
    res.send(403, { error: 'forbidden' });
    return;
  }

  const tenantId = tenantOf(activity);
  if (deps.allowedTenants.length > 0 && (tenantId === undefined || !deps.allowedTenants.includes(tenantId.toLowerCase()))) {
    deps.logger.warn({ ...ids, tenantId }, 'ignored an activity from a tenant that is not allowed');
    res.send(200);
    return;
  }

  const result = await deps.turns.run(auth, activity, (context) => deps.turns.logic(context));
  if (result?.body === undefined) res.send(result?.status ?? 200);
  else res.send(result.status, result.body);
}
