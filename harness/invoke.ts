import { randomUUID } from 'node:crypto';
import { EmulatorError } from '../emulator/index.ts';
import { describeError, type HostCallRecord } from '../emulator/internals.ts';
import type { Caller, TenantRef } from './identities.ts';
import type { OutcomeIndex } from './outcome-index.ts';
import type { Envelope, ExecuteInput } from './runner-fixture.ts';

/** An installed extension: its `publisher.name` slug, registry id or install id, or what `install` returned. */
export type ExtensionRef = string | { registryId: string; tenantId?: string };

/** One call through the Gateway. */
export interface InvokeRequest {
  /** Default `GET`. */
  method?: string;
  /** The handler path, starting with `/` (`/items/42`); it may carry its own `?query`. */
  path: string;
  /** Added to the URL's query; an array repeats the key. */
  query?: Readonly<Record<string, string | readonly string[]>>;
  /** Extra request headers; they win over the harness's (e.g. your own `authorization`). */
  headers?: Readonly<Record<string, string>>;
  /** A JSON body (sent with `content-type: application/json` unless `headers` names another). */
  json?: unknown;
  /** A raw body; use either `json` or `body`. */
  body?: string | Uint8Array;
  /** Who calls (bearer dev token); default `'admin'`, the MSP admin. */
  as?: Caller;
  /** `ext` (`/api/ext`, curl and servers) or `ext-proxy` (`/api/ext-proxy`, the iframe bridge); default `ext`. */
  route?: 'ext' | 'ext-proxy';
  /** The caller's tenant when `as` is a role; default the install's tenant, else the default tenant. */
  tenant?: TenantRef;
}

/** The Gateway's answer to one `invoke`, with what the Runner did for exactly that call. */
export interface InvokeResult {
  status: number;
  /** Response headers, names lower-case. */
  headers: Record<string, string>;
  body: Buffer;
  /** The body as UTF-8. */
  text: string;
  /** The body parsed as JSON; throws BODY_NOT_JSON, quoting the body, when it is not JSON. */
  json<T = unknown>(): T;
  /** The call's `x-request-id` (yours when you sent one, else a new UUID). */
  requestId: string;
  /** The Runner's `/v1/execute` envelope, when the Gateway let the call through to the Runner. */
  envelope: Envelope | undefined;
  /** The guest's host calls during this call, in order; `[]` when the Runner did not run it. */
  hostCalls: HostCallRecord[];
}

/** The Runner's answer to one `execute`. */
export interface ExecuteResult {
  /** HTTP status of `/v1/execute`: 200 whenever an envelope came back; 400/413/415/422 otherwise. */
  status: number;
  /** The envelope, or null when the Runner answered with plain text (a malformed body). */
  envelope: Envelope | null;
  /** The decoded `body_b64` as UTF-8 (`''` for null), or the Runner's plain-text answer. */
  text: string;
  /** `text` parsed as JSON; throws BODY_NOT_JSON, quoting it, when it is not JSON. */
  json<T = unknown>(): T;
  /** The request id the Runner saw (the harness adds `x-request-id` when you sent none). */
  requestId: string;
  hostCalls: HostCallRecord[];
}

/** A resolved call: where to send it and with which credentials. */
export interface InvokeTarget {
  mainUrl: string;
  extId: string;
  /** Bearer token; undefined for an anonymous call. */
  token: string | undefined;
}

/**
 * Sends one call through the Gateway over HTTP and claims the Runner's outcome for its request id.
 *
 * @example const res = await sendInvoke(target, outcomes, { method: 'POST', path: '/counter' }); res.json()
 */
export async function sendInvoke(target: InvokeTarget, outcomes: OutcomeIndex, request: InvokeRequest): Promise<InvokeResult> {
  const method = (request.method ?? 'GET').toUpperCase();
  const what = `${method} ${request.path}`;
  if (typeof request.path !== 'string' || !request.path.startsWith('/')) {
    throw new EmulatorError('INVOKE_REQUEST_INVALID', `Failed to invoke ${what}: path must start with "/", e.g. "/items/42".`);
  }
  const headers = lowerCase(request.headers ?? {});
  const body = requestBody(request, headers, what);
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new EmulatorError('INVOKE_REQUEST_INVALID', `Failed to invoke ${what}: a ${method} cannot carry a body. Set method to POST, PUT, PATCH or DELETE.`);
  }
  const requestId = headers['x-request-id'] ?? randomUUID();
  const sent: Record<string, string> = { 'x-request-id': requestId, ...(target.token ? { authorization: `Bearer ${target.token}` } : {}), ...headers };
  const url = new URL(`${target.mainUrl}/api/${request.route ?? 'ext'}/${encodeURIComponent(target.extId)}${request.path}`);
  for (const [key, value] of Object.entries(request.query ?? {})) {
    for (const one of typeof value === 'string' ? [value] : value) url.searchParams.append(key, one);
  }
  outcomes.forget(requestId);
  const res = await fetch(url, { method, headers: sent, body: body as Uint8Array<ArrayBuffer> | undefined });
  const bytes = Buffer.from(await res.arrayBuffer());
  const answeredId = res.headers.get('x-request-id') ?? requestId;
  const observed = outcomes.take(answeredId);
  const text = bytes.toString('utf8');
  return {
    status: res.status,
    headers: headerRecord(res.headers),
    body: bytes,
    text,
    json: <T>() => parseJson<T>(text, `the answer to ${what} (status ${res.status})`),
    requestId: answeredId,
    envelope: observed?.envelope,
    hostCalls: observed?.hostCalls ?? [],
  };
}

/**
 * POSTs an execute body straight to the Runner's `/v1/execute`, with routing headers from
 * `body.context` unless `headers` overrides them.
 *
 * @example await sendExecute(runnerUrl, outcomes, { context: { tenant_id, extension_id, content_hash }, http: { method: 'GET', path: '/x' } })
 */
export async function sendExecute(runnerUrl: string, outcomes: OutcomeIndex, body: ExecuteInput, extra: Readonly<Record<string, string>> = {}): Promise<ExecuteResult> {
  const headers = lowerCase(extra);
  const context = (body as Partial<ExecuteInput>).context;
  // The Runner's own precedence: context.request_id, then the header.
  const requestId = context?.request_id ?? headers['x-request-id'] ?? randomUUID();
  const sent: Record<string, string> = {
    'content-type': 'application/json',
    'x-alga-tenant': context?.tenant_id ?? '',
    'x-alga-extension': context?.extension_id ?? '',
    'x-request-id': requestId,
    ...headers,
  };
  outcomes.forget(requestId);
  const res = await fetch(`${runnerUrl}/v1/execute`, { method: 'POST', headers: sent, body: JSON.stringify(body) });
  const raw = await res.text();
  const observed = outcomes.take(requestId);
  const envelope = res.status === 200 ? (JSON.parse(raw) as Envelope) : null;
  const text = envelope ? Buffer.from(envelope.body_b64 ?? '', 'base64').toString('utf8') : raw;
  return {
    status: res.status,
    envelope,
    text,
    json: <T>() => parseJson<T>(text, envelope ? `the body of ${body.http?.method} ${body.http?.path} (envelope status ${envelope.status})` : `the Runner's ${res.status} answer`),
    requestId,
    hostCalls: observed?.hostCalls ?? [],
  };
}

function requestBody(request: InvokeRequest, headers: Record<string, string>, what: string): Uint8Array | undefined {
  if (request.json !== undefined && request.body !== undefined) {
    throw new EmulatorError('INVOKE_REQUEST_INVALID', `Failed to invoke ${what}: give either json or body, not both.`);
  }
  if (request.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    return Buffer.from(JSON.stringify(request.json), 'utf8');
  }
  if (typeof request.body === 'string') return Buffer.from(request.body, 'utf8');
  return request.body;
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    const start = text.length > 120 ? `${text.slice(0, 120)}…` : text;
    throw new EmulatorError('BODY_NOT_JSON', `Failed to parse ${what} as JSON: ${describeError(err)}. The body is ${JSON.stringify(start)}; read .text or .body instead.`);
  }
}

/** Response headers as a plain record (fetch's `Headers` already lower-cases the names). */
function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

/** A new record with lower-case names (the caller's object is never changed). */
function lowerCase(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
