// The host side of `apiproxy` (spec 05 "apiproxy algorithm"): which call to make, making it with
// an injected fetch, and the `apiproxy_response` payload. Pure apart from the injected fetch.
import { fromBase64, toBase64 } from './base64.ts';
import { payloadOf, requestIdOf } from './bridge-envelope.ts';

export const PROXY_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type ProxyMethod = (typeof PROXY_METHODS)[number];

export type ApiProxyPayload = { body: string } | { error: string };

/** What to do with an `apiproxy` message that passed the source and origin checks. */
export type ApiProxyPlan =
  | { kind: 'ignore'; reason: string }
  | { kind: 'reject'; requestId: string; error: string }
  | { kind: 'call'; requestId: string; method: ProxyMethod; url: string; body: Uint8Array | undefined };

/**
 * Decides the gateway call for an `apiproxy` message of the iframe of `extensionId`. No
 * `request_id` → ignored (no reply is possible). Method: missing or blank → POST, upper-cased;
 * any other → a `reject` reply (production throws instead and the SDK times out: parity note).
 * URL: `/api/ext-proxy/{extId}` + route with a `/` prepended when missing; a `?query` is kept.
 * Body: only for non-GET with a non-empty base64 `payload.body`, decoded to raw bytes.
 */
export function planApiProxy(extensionId: string, data: unknown): ApiProxyPlan {
  const requestId = requestIdOf(data);
  if (requestId === undefined) return { kind: 'ignore', reason: 'apiproxy without request_id: no reply is possible' };
  const payload = (payloadOf(data) ?? {}) as Record<string, unknown>;
  const method = parseMethod(payload.method);
  if (typeof method !== 'string' || !(PROXY_METHODS as readonly string[]).includes(method)) {
    return { kind: 'reject', requestId, error: invalidMethodMessage(payload.method) };
  }
  const route = typeof payload.route === 'string' ? payload.route : '';
  const url = `/api/ext-proxy/${extensionId}${route.startsWith('/') ? route : `/${route}`}`;
  const rawBody = payload.body;
  if (method === 'GET' || rawBody === undefined || rawBody === null || rawBody === '') return { kind: 'call', requestId, method: method as ProxyMethod, url, body: undefined };
  if (typeof rawBody !== 'string') return { kind: 'reject', requestId, error: 'apiproxy payload.body must be a base64 string (the SDK\'s callProxy encodes the bytes for you).' };
  try {
    return { kind: 'call', requestId, method: method as ProxyMethod, url, body: fromBase64(rawBody) };
  } catch (err) {
    return { kind: 'reject', requestId, error: errorMessage(err) };
  }
}

function parseMethod(raw: unknown): string | null {
  if (raw === undefined || raw === null) return 'POST';
  if (typeof raw !== 'string') return null;
  return raw.trim() === '' ? 'POST' : raw.trim().toUpperCase();
}

/** The error sent back (and logged) for a method outside GET/POST/PUT/PATCH/DELETE. */
export function invalidMethodMessage(raw: unknown): string {
  return `Failed to proxy the request: method ${JSON.stringify(raw)} is not one of GET, POST, PUT, PATCH, DELETE. `
    + 'Production drops this message without replying (callProxy then times out after 15 s); pass one of those methods.';
}

/**
 * The emulator Gateway's header that says why it refused a call and how to fix it (the gateway's
 * HINT_HEADER; a unit test keeps the two equal). Production has no such header.
 */
export const GATEWAY_HINT_HEADER = 'x-emulator-hint';

/** The outcome of one gateway call, for the reply and the developer panel. */
export interface ApiProxyResult {
  payload: ApiProxyPayload;
  /** HTTP status of the gateway answer; null when the network call failed. */
  status: number | null;
  durationMs: number;
  /** The Gateway's `x-emulator-hint` on a refused call; never part of the reply to the iframe. */
  hint: string | null;
}

export interface ApiProxyIo {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Milliseconds, for the duration. */
  now: () => number;
}

/**
 * Makes the planned call: not ok → `{error: "Proxy error <status>: <text>"}` (production's text;
 * the Gateway's hint goes to `hint`, for the shell to show); ok → `{body: base64}` (empty → "");
 * network failure → `{error: message}`.
 */
export async function performApiProxy(plan: Extract<ApiProxyPlan, { kind: 'call' }>, io: ApiProxyIo): Promise<ApiProxyResult> {
  const started = io.now();
  const init: RequestInit = { method: plan.method, credentials: 'same-origin' };
  if (plan.body !== undefined) {
    init.headers = { 'content-type': 'application/octet-stream' };
    init.body = plan.body as Uint8Array<ArrayBuffer>;
  }
  let status: number | null = null;
  let hint: string | null = null;
  let payload: ApiProxyPayload;
  try {
    const res = await io.fetch(plan.url, init);
    status = res.status;
    if (!res.ok) {
      hint = res.headers.get(GATEWAY_HINT_HEADER);
      const text = await res.text().catch(() => res.statusText);
      payload = { error: `Proxy error ${res.status}: ${text}` };
    } else {
      payload = { body: toBase64(new Uint8Array(await res.arrayBuffer())) };
    }
  } catch (err) {
    payload = { error: errorMessage(err) };
  }
  return { payload, status, durationMs: io.now() - started, hint };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
