// ticket-proxy: reads and creates tickets through the host app's own API with
// `ui-proxy.call-route`, and maps its WIT errors to HTTP statuses. Built with esbuild and
// componentize-js into dist/main.wasm.
import { jsonResponse, type ExecuteRequest, type ExecuteResponse } from '@alga-psa/extension-runtime';
import { logInfo } from 'alga:extension/logging';
import { callRoute, type ProxyError } from 'alga:extension/ui-proxy';

const decoder = new TextDecoder();

/** The HTTP status each `proxy-error` case answers. */
const STATUS: Record<ProxyError, number> = { 'route-not-found': 404, denied: 403, 'bad-request': 400, internal: 502 };

function payloadOf(err: unknown): string {
  return String((err as { payload?: unknown })?.payload ?? err);
}

/**
 * Calls a host route and answers its JSON as is; a `proxy-error` becomes
 * `{ error, route }` with its status. `payload` undefined → the host gets a GET, else a POST.
 */
function proxy(route: string, payload: Uint8Array | undefined, status = 200): ExecuteResponse {
  let answer: Uint8Array;
  try {
    answer = callRoute(route, payload);
  } catch (err) {
    const error = payloadOf(err);
    return jsonResponse({ error, route }, { status: STATUS[error as ProxyError] ?? 500 });
  }
  try {
    return jsonResponse(JSON.parse(decoder.decode(answer)) as unknown, { status });
  } catch {
    return jsonResponse({ error: 'invalid_host_json', route }, { status: 502 });
  }
}

/** `POST /tickets`: the JSON body, checked to be JSON, forwarded to the host's `/api/tickets`. */
function createTicket(body: Uint8Array | undefined): ExecuteResponse {
  const text = body ? decoder.decode(body) : '';
  try {
    JSON.parse(text);
  } catch {
    return jsonResponse({ error: 'invalid_json' }, { status: 400 });
  }
  return proxy('/api/tickets', new TextEncoder().encode(text), 201);
}

export function handler(request: ExecuteRequest): ExecuteResponse {
  const url = new URL(request.http.url, 'http://extension.local');
  const { method } = request.http;
  logInfo(`${method} ${url.pathname}`);
  const ticket = /^\/tickets\/([^/]+)$/.exec(url.pathname);
  if (method === 'GET' && ticket) {
    // Only plain ids: the host route is built from it, and call-route percent-encodes segments itself.
    const id = ticket[1] ?? '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return jsonResponse({ error: 'invalid_id' }, { status: 400 });
    return proxy(`/api/tickets/${id}`, undefined);
  }
  if (method === 'POST' && url.pathname === '/tickets') return createTicket(request.http.body ?? undefined);
  return jsonResponse({ error: 'not_found', path: url.pathname }, { status: 404 });
}
