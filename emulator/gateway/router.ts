import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
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
      void serve(gateway, route, req, res).catch(next);
    });
    // Only this route's errors (a bad %-escape in the URL, a registry failure), never another router's.
    router.use(prefix, (err: unknown, req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) {
        next(err);
        return;
      }
      // Production's Gateway has only these two bodies. Our errors get their status from the one
      // mapping; Express's own (a bad %-escape in the URL) carry theirs.
      const status = (err instanceof EmulatorError ? errorResponse(err).status : (err as { status?: number } | null)?.status) === 400 ? 400 : 500;
      if (status === 500) logUnexpected(err, { log: options.log, where: `${req.method} ${req.baseUrl}${req.path}` });
      res.status(status).setHeader('x-request-id', firstHeader(req, 'x-request-id') || randomUUID());
      res.json({ error: status === 400 ? 'bad_request' : 'internal_error' });
    });
  }
  return router;
}

async function serve(gateway: Gateway, route: GatewayRoute, req: Request, res: Response): Promise<void> {
  const segments = (req.params as { path?: string[] }).path ?? [];
  const answer = await gateway.handle({
    route,
    method: req.method,
    extId: (req.params as { extId: string }).extId,
    path: `/${segments.filter((s) => s !== '').join('/')}`,
    query: lastValues(req.originalUrl),
    headers: flatHeaders(req),
    body: await readCapped(req, gateway.maxBodyBytes),
  });
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body);
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
