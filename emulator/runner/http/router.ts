import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { EmulatorError, errorResponse, type LogLine } from '../../errors.ts';
import type { Runner } from '../runner.ts';
import { ShapeError, parseExecuteBody } from '../execute/request-body.ts';
import type { UiRequest } from '../ui/ui-assets.ts';
import { parseUiUrl } from '../ui/ui-path.ts';

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const ROUTES: Record<string, string[]> = {
  '/v1/execute': ['POST'],
  '/healthz': ['GET', 'HEAD'],
  '/warmup': ['POST'],
};

/**
 * The Runner's HTTP surface, built without listening (tests call it in-process). `log` hears
 * unexpected errors (default: the Runner's log); clients get `500 internal error` without them.
 */
export function createRunnerApp(runner: Runner, options: { log?: LogLine } = {}): express.Express {
  const log: LogLine = options.log ?? ((line) => runner.log(line));
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Production adds this to every Runner response, /v1/execute and /healthz included (a quirk).
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', IMMUTABLE);
    next();
  });
  app.post('/v1/execute', (req, res, next) => {
    if (!req.is('application/json')) {
      res.status(415).type('text/plain').send('Expected request with `Content-Type: application/json`');
      return;
    }
    next();
  });
  app.post('/v1/execute', express.raw({ type: () => true, limit: MAX_BODY_BYTES }), (req, res, next) => {
    void handleExecute(runner, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.headers, res).catch(next);
  });
  app.get('/healthz', (_req, res, next) => {
    runner.health().then(({ status, body }) => res.status(status).json(body), next);
  });
  // A mount, not a `/ext-ui/*tail` route: Express would decode (and 400 on) the tail before the
  // Runner's ordered checks. The Runner builds the HEAD answer itself (no body).
  app.use('/ext-ui', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    void handleUi(runner, req, res).catch(next);
  });
  app.post('/warmup', (_req, res) => {
    res.status(400).type('text/plain').send('warmup unsupported without tenant + extension context');
  });
  app.use((req, res) => {
    const allowed = ROUTES[req.path] ?? (parseUiUrl(req.originalUrl) ? ['GET', 'HEAD'] : undefined);
    if (allowed) res.status(405).setHeader('Allow', allowed.join(', ')).end();
    else res.status(404).end();
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const framework = (err ?? {}) as { type?: string; status?: number; message?: string };
    if (framework.type === 'entity.too.large') {
      res.status(413).type('text/plain').send('Failed to buffer the request body: length limit exceeded');
      return;
    }
    // body-parser's other client errors (aborted upload, bad encoding) say what the caller did wrong.
    if (!(err instanceof EmulatorError) && typeof framework.status === 'number' && framework.status < 500) {
      res.status(framework.status).type('text/plain').send(framework.message ?? 'bad request');
      return;
    }
    answerFailure(runner, log, err, res, `${req.method} ${req.path}`);
  });
  withFastPath(app, executeFastPath(runner, log));
  return app;
}

/**
 * `POST /v1/execute` without Express, for the requests nearly every call is: it answers as the
 * Express route does, or returns false and leaves the request to Express. Taken: exactly that
 * method and URL, a `Content-Type` of `application/json` (optionally `; charset=utf-8`), a
 * `Content-Length` within the 2 MiB limit, and no `Content-Encoding` or `Transfer-Encoding`.
 * Anything else (another type's 415, an oversized body's 413, a compressed or chunked body, a
 * query string) goes through Express's route. Express's dispatch and body parser were about
 * 0.2 ms of the main thread per call.
 */
export function executeFastPath(runner: Runner, log: LogLine): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/execute' || !PLAIN_JSON.has((req.headers['content-type'] ?? '').toLowerCase())) return false;
    if (req.headers['content-encoding'] !== undefined || req.headers['transfer-encoding'] !== undefined) return false;
    const length = Number(req.headers['content-length'] ?? NaN);
    if (!Number.isSafeInteger(length) || length > MAX_BODY_BYTES) return false;
    res.setHeader('Cache-Control', IMMUTABLE);
    readBody(req, length)
      .then((raw) => handleExecute(runner, raw, req.headers, res))
      .catch((err: unknown) => {
        if (res.headersSent || req.destroyed) req.socket.destroy();
        else answerFailure(runner, log, err, res, 'POST /v1/execute');
      });
    return true;
  };
}

/** Content types `req.is('application/json')` accepts that the fast path takes as they are. */
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/** The body of `length` bytes; rejects when the client goes away first. */
function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = Buffer.concat(chunks);
      if (body.length === length) resolve(body);
      else reject(new Error(`request size did not match content length (${body.length} of ${length} bytes)`));
    });
    req.once('error', reject);
    req.once('aborted', () => reject(new Error('request aborted')));
  });
}

/**
 * Puts `fast` in front of an Express app's dispatch: a request `fast` takes never reaches
 * Express. The app stays an Express app, so callers listen on it and mount it as before.
 */
export function withFastPath(app: express.Express, fast: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  // `handle` is what the app, as a request listener, calls for each request (Express 5).
  const dispatch = app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, next?: unknown) => void };
  const handle = dispatch.handle.bind(app);
  dispatch.handle = (req, res, next) => {
    if (!fast(req, res)) handle(req, res, next);
  };
}

/** An error the execute route did not answer itself: its status and redacted message, as text. */
function answerFailure(runner: Runner, log: LogLine, err: unknown, res: ServerResponse, where: string): void {
  const { status, body } = errorResponse(err, { redact: runner.redact, log, where });
  sendText(res, status, String(body.error));
}

async function handleExecute(runner: Runner, raw: Buffer, requestHeaders: IncomingHttpHeaders, res: ServerResponse): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    sendText(res, 400, `Failed to parse the request body as JSON: ${(err as Error).message}`);
    return;
  }
  let body;
  try {
    body = parseExecuteBody(json);
  } catch (err) {
    if (!(err instanceof ShapeError)) throw err;
    sendText(res, 422, `Failed to deserialize the JSON body into the target type: ${err.message}`);
    return;
  }
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(requestHeaders)) headers[name] = Array.isArray(value) ? value[0] : value;
  const { envelope } = await runner.execute(headers, body);
  send(res, 200, 'application/json; charset=utf-8', JSON.stringify(envelope));
}

/** What Express's `res.status(s).type('text/plain').send(text)` writes (this app has no ETag). */
function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, 'text/plain; charset=utf-8', text);
}

function send(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

async function handleUi(runner: Runner, req: Request, res: Response): Promise<void> {
  // The raw URL, not Express's decoded params: the path tail is judged after one decoding step.
  const route = parseUiUrl(req.originalUrl);
  if (!route) {
    res.status(404).end();
    return;
  }
  const request: UiRequest = {
    ...route,
    method: req.method === 'HEAD' ? 'HEAD' : 'GET',
    tenantHeader: req.get('x-tenant-id'),
    host: req.get('host'),
    ifNoneMatch: req.get('if-none-match'),
  };
  const reply = await runner.serveUi(request);
  res.status(reply.status);
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  res.end(reply.body ?? undefined);
}

/** Listens on loopback; resolves with the server and its base URL. */
export function listen(app: express.Express, port: number, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    // Idle keep-alive sockets stay open 65 s instead of Node's 5 s: a client that reuses one
    // after a pause (packing a bundle between upload and finalize, a test preparing a large
    // archive) otherwise races the server closing it and gets ECONNRESET mid-request.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      resolve({ server, url: `http://${host}:${address.port}` });
    });
  });
}
