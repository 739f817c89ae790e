// `/runner/*` → the Runner's `/ext-ui/*` (spec 05): the iframe loads its UI from the main port,
// as in production where the host proxies RUNNER_PUBLIC_BASE=/runner. Only a few request headers
// travel (so the tenant must be in `?tenant=`); status, headers and body come back unchanged.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import express, { type Request, type Response } from 'express';

/** Request headers forwarded to the Runner; everything else (cookies included) stays behind. */
export const FORWARDED_UI_HEADERS = ['accept', 'accept-encoding', 'accept-language', 'if-modified-since', 'if-none-match', 'range', 'user-agent'] as const;

/** Hop-by-hop response headers that describe the Runner connection, not the resource. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'trailer', 'te']);

export function forwardedHeaders(incoming: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_UI_HEADERS) {
    const value = incoming[name] as string | string[] | undefined;
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.join(', ');
  }
  return out;
}

/**
 * The Runner URL for a main-port URL (path + query exactly as received), or null when it is not
 * under `/runner/ext-ui/`. `/runner/ext-ui/x/h/index.html?tenant=t` → `{base}/ext-ui/x/h/index.html?tenant=t`.
 */
export function runnerUiTarget(runnerBaseUrl: string, originalUrl: string): string | null {
  if (!originalUrl.startsWith('/runner/ext-ui/')) return null;
  return `${runnerBaseUrl.replace(/\/+$/, '')}${originalUrl.slice('/runner'.length)}`;
}

export function runnerProxyRouter(runnerBaseUrl: string): express.Router {
  const router = express.Router();
  router.use('/runner', (req, res) => {
    const target = runnerUiTarget(runnerBaseUrl, req.originalUrl);
    if (target === null) {
      res.status(404).json({ error: `only /runner/ext-ui/* is proxied to the Runner, not ${req.path === '/' ? '/runner' : `/runner${req.path}`}`, code: 'NOT_FOUND' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(405).setHeader('allow', 'GET, HEAD').end();
      return;
    }
    proxy(target, req, res);
  });
  return router;
}

function proxy(target: string, req: Request, res: Response): void {
  const url = new URL(target);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(url, { method: req.method, headers: forwardedHeaders(req.headers) }, (answer: IncomingMessage) => {
    res.status(answer.statusCode ?? 502);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) res.setHeader(name, value);
    }
    answer.pipe(res);
  });
  upstream.on('error', (err) => {
    if (res.headersSent) {
      res.destroy(err);
      return;
    }
    res.status(502).json({
      error: 'bad_gateway',
      message: `Failed to reach the Runner at ${url.origin} for ${url.pathname}: ${err.message}. Is it running? (RUNNER_BASE_URL)`,
    });
  });
  req.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.end();
}
