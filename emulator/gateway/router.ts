import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { EmulatorError, errorResponse, logUnexpected, type LogLine } from '../errors.ts';
import type { GatewayRoute } from './runner-request.ts';
import type { Gateway } from './gateway.ts';

const ROUTES: [string, GatewayRoute][] = [
  ['/api/ext', 'ext'],
  ['/api/ext-proxy', 'ext-proxy'],
];

/**
 * `/api/ext/{extId}/{...path}` and `/api/ext-proxy/{extId}/{...path}` for every method: decodes
 * the request (raw body, capped), calls `Gateway.handle`, writes its answer.
 */
export function gatewayRouter(gateway: Gateway, options: { log?: LogLine } = {}): express.Router {
  const router = express.Router();
  for (const [prefix, route] of ROUTES) {
    router.all(`${prefix}/:extId{/*path}`, (req, res, next) => {
      const segments = (req.params as { path?: string[] }).path ?? [];
      void serve(gateway, route, { extId: (req.params as { extId: string }).extId, segments, url: req.originalUrl }, req, res).catch(next);
    });
    // Only this route's errors (a bad %-escape in the URL, a registry failure), never another router's.
    router.use(prefix, (err: unknown, req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) {
        next(err);
        return;
      }
      answerError(err, req, res, `${req.method} ${req.baseUrl}${req.path}`, options.log);
    });
  }
  return router;
}

/**
 * The same routes without Express, for the plain URLs nearly every call has: it takes a request
 * and answers it exactly as `gatewayRouter` would, or returns false and leaves it to the Express
 * app. Express's dispatch (request set-up, the router's layers, path matching and decoding) was
 * 0.2 ms of the main thread's 1.4 ms per Gateway call here. Taken: `/api/ext/` or
 * `/api/ext-proxy/` in that case, an extension id, and a path with no `%`-escape and no empty
 * segment but a trailing slash; those match the Express route with every parameter already
 * decoded. Anything else (escapes, which Express decodes and may refuse with 400; other casing,
 * which Express matches case-insensitively; `//`; a raw `#`) goes to Express.
 *
 * @example
 * gatewayFastPath(gateway)(req, res) // true: answered (or being answered); false: not this path's
 */
export function gatewayFastPath(gateway: Gateway, options: { log?: LogLine } = {}): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const target = plainTarget(req.url ?? '');
    if (!target) return false;
    serve(gateway, target.route, { ...target, url: req.url ?? '' }, req, res).catch((err: unknown) => {
      // Express's last handler, with the headers already out: the socket is closed.
      if (res.headersSent) req.socket.destroy();
      else answerError(err, req, res, `${req.method} ${target.pathname}`, options.log);
    });
    return true;
  };
}

interface Target {
  route: GatewayRoute;
  pathname: string;
  extId: string;
  segments: string[];
}

/** The route and parameters of a plain Gateway URL (see `gatewayFastPath`), or undefined. */
export function plainTarget(url: string): Target | undefined {
  const query = url.indexOf('?');
  const pathname = query < 0 ? url : url.slice(0, query);
  for (const [prefix, route] of ROUTES) {
    if (!pathname.startsWith(`${prefix}/`)) continue;
    const rest = pathname.slice(prefix.length + 1);
    if (rest === '' || rest.startsWith('/') || rest.includes('%') || rest.includes('//') || rest.includes('#')) return undefined;
    const [extId = '', ...segments] = rest.split('/');
    return { route, pathname, extId, segments };
  }
  return undefined;
}

async function serve(gateway: Gateway, route: GatewayRoute, params: { extId: string; segments: string[]; url: string }, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const answer = await gateway.handle({
    route,
    method: req.method ?? 'GET',
    extId: params.extId,
    path: `/${params.segments.filter((s) => s !== '').join('/')}`,
    query: lastValues(params.url),
    headers: flatHeaders(req),
    body: await readCapped(req, gateway.maxBodyBytes),
  });
  // A status the Runner's envelope gave: an integer from 100 to 599 (runner-client.ts).
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body);
}

/**
 * Production's Gateway has only these two error bodies. Our errors get their status from the
 * one mapping; Express's own (a bad %-escape in the URL) carry theirs.
 */
function answerError(err: unknown, req: IncomingMessage, res: ServerResponse, where: string, log: LogLine | undefined): void {
  const status = (err instanceof EmulatorError ? errorResponse(err).status : (err as { status?: number } | null)?.status) === 400 ? 400 : 500;
  if (status === 500) logUnexpected(err, { log, where });
  res.statusCode = status;
  res.setHeader('x-request-id', firstHeader(req, 'x-request-id') || randomUUID());
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: status === 400 ? 'bad_request' : 'internal_error' }));
}

/** Query parameters of the URL, the last value winning per key. */
function lastValues(url: string): Record<string, string> {
  const search = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(search)) out[key] = value;
  return out;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim();
}

/**
 * Reads the body keeping at most `cap + 1` bytes (enough for the Gateway to see it is too large)
 * and draining the rest, so the client still reads the 413 instead of a reset connection.
 */
function readCapped(req: IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on('data', (chunk: Buffer) => {
      if (kept > cap) return;
      const part = chunk.length > cap + 1 - kept ? chunk.subarray(0, cap + 1 - kept) : chunk;
      chunks.push(part);
      kept += part.length;
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
