// `/runner/*` → the Runner's `/ext-ui/*` (spec 05): the iframe loads its UI from the main port,
// as in production where the host proxies RUNNER_PUBLIC_BASE=/runner. Only a few request headers
// travel (so the tenant must be in `?tenant=`); status, headers and body come back unchanged.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import express, { type Request, type Response } from 'express';
import { EmulatorError, errorResponse } from '../../errors.ts';

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

const PREFIX = '/runner/ext-ui/';
/** Percent-decoding rounds applied when judging a path: enough for `%252e` (double-encoded dots). */
const DECODE_ROUNDS = 3;

/**
 * The Runner path (path + query, byte for byte as received) for a main-port URL, or null when
 * the URL is not under `/runner/ext-ui/` or could leave it once decoded: a `.` or `..` segment
 * after percent-decoding (`%2e`, `%2E`, double encoding; malformed escapes stay as they are), with
 * `\` read as `/` and tabs and line breaks dropped, as URL parsers do. The answer is never a
 * normalised URL: the Runner gets exactly the checked bytes.
 *
 * @example runnerUiPath('/runner/ext-ui/x/h/index.html?tenant=t') // '/ext-ui/x/h/index.html?tenant=t'
 * @example runnerUiPath('/runner/ext-ui/%2e%2e/healthz') // null
 */
export function runnerUiPath(originalUrl: string): string | null {
  const q = originalUrl.indexOf('?');
  const pathname = q < 0 ? originalUrl : originalUrl.slice(0, q);
  if (!pathname.startsWith(PREFIX)) return null;
  let judged = pathname;
  for (let round = 0; round < DECODE_ROUNDS; round++) {
    const next = judged.replace(/%([0-9a-f]{2})/gi, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === judged) break;
    judged = next;
  }
  const segments = judged.replace(/[\t\n\r]/g, '').replace(/\\/g, '/').split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) return null;
  return originalUrl.slice('/runner'.length);
}

export function runnerProxyRouter(runnerBaseUrl: string): express.Router {
  const router = express.Router();
  const base = new URL(runnerBaseUrl);
  router.use('/runner', (req, res) => {
    const path = runnerUiPath(req.originalUrl);
    if (path === null) {
      const { status, body } = errorResponse(
        new EmulatorError(
          'RUNNER_PROXY_PATH_REFUSED',
          'only /runner/ext-ui/{extensionId}/{contentHash}/{file} is proxied to the Runner, and this path is not under it once decoded and normalised. Fix: load extension UIs from RUNNER_PUBLIC_BASE/ext-ui/… without . or .. segments.',
        ),
      );
      res.status(status).json(body);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(405).setHeader('allow', 'GET, HEAD').end();
      return;
    }
    proxy(base, path, req, res);
  });
  return router;
}

/** Forwards to `{base}{path}` with the path verbatim (an options object: no URL parsing, no dot removal). */
function proxy(base: URL, path: string, req: Request, res: Response): void {
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  const options = {
    protocol: base.protocol,
    hostname: base.hostname.replace(/^\[|\]$/g, ''),
    port: base.port || undefined,
    path: `${base.pathname.replace(/\/+$/, '')}${path}`,
    method: req.method,
    headers: forwardedHeaders(req.headers),
  };
  const upstream = send(options, (answer: IncomingMessage) => {
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
      message: `Failed to reach the Runner at ${base.origin} for ${options.path.split('?')[0]}: ${err.message}. Is it running? (RUNNER_BASE_URL)`,
    });
  });
  req.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.end();
}
