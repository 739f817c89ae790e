// What the Gateway sends to the Runner (spec 04 "Envelope sent to the Runner"): the method
// override, header allowlists per route, user shapes, the execute body and transport headers.
import type { SecretEnvelope } from '../contracts/secret-envelope.ts';
import type { EmulatorUser } from '../registry/identity.ts';
import type { InstallView } from '../registry/registry.ts';

export type GatewayRoute = 'ext' | 'ext-proxy';

/** The five methods a Gateway route runs (HEAD runs as GET). */
export const GATEWAY_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** The `__method` values ext-proxy takes (any case), as production's normalizeProxyMethod. */
export const OVERRIDE_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const OVERRIDE_FIELD = '__method';

const EXT_REQUEST_HEADERS = ['x-request-id', 'accept', 'content-type', 'accept-encoding', 'user-agent'];
const PROXY_REQUEST_HEADERS = ['accept', 'content-type', 'accept-encoding', 'user-agent', 'x-request-id', 'x-alga-tenant', 'x-alga-extension', 'x-idempotency-key'];
/** Extension response headers a browser may see, on both routes (see the parity notes). */
export const RESPONSE_HEADERS = ['content-type', 'cache-control', 'x-ext-request-id', 'x-ext-warning'];

/** The call after ext-proxy's method override: the method policy checks use, and what is forwarded. */
export interface EffectiveCall {
  method: string;
  query: Record<string, string>;
  body: Buffer | undefined;
}

/** A `__method` that names no allowed method: the Gateway refuses the call (400). */
export interface InvalidOverride {
  invalidOverride: { source: 'query' | 'body'; value: unknown };
}

/**
 * ext-proxy only, raw POST only: `?__method=` (case-insensitive; removed from the forwarded
 * query), else a `__method` field of a JSON-object body; a valid body field is removed (a body
 * left empty is dropped), as production does. A `__method` (in the query, or a body field) that
 * is not one of OVERRIDE_METHODS — `TRACE`, empty, a value with CR/LF, a non-string — is an
 * InvalidOverride (production ignores it and runs the call as POST). HEAD becomes GET on both
 * routes, and GET never carries a body.
 */
export function effectiveCall(route: GatewayRoute, rawMethod: string, query: Readonly<Record<string, string>>, body: Buffer | undefined): EffectiveCall | InvalidOverride {
  let method = rawMethod.toUpperCase() === 'HEAD' ? 'GET' : rawMethod.toUpperCase();
  const forwardedQuery = { ...query };
  let forwardedBody = body;
  if (route === 'ext-proxy' && method === 'POST') {
    const hasQuery = Object.hasOwn(forwardedQuery, OVERRIDE_FIELD);
    const fromQuery = hasQuery ? overrideMethod(forwardedQuery[OVERRIDE_FIELD]) : undefined;
    if (hasQuery && fromQuery === undefined) return { invalidOverride: { source: 'query', value: forwardedQuery[OVERRIDE_FIELD] } };
    delete forwardedQuery[OVERRIDE_FIELD];
    const fromBody = bodyOverride(body);
    if (fromBody && 'invalidOverride' in fromBody) return fromBody;
    if (fromBody) forwardedBody = fromBody.body;
    method = fromQuery ?? fromBody?.method ?? method;
  }
  return { method, query: forwardedQuery, body: method === 'GET' ? undefined : forwardedBody };
}

/** The refusal message of an InvalidOverride: the allowed methods and the value received. */
export function invalidOverrideMessage({ invalidOverride }: InvalidOverride): string {
  const shown = typeof invalidOverride.value === 'string' ? JSON.stringify(invalidOverride.value.slice(0, 40)) : JSON.stringify(invalidOverride.value) ?? 'undefined';
  const where = invalidOverride.source === 'query' ? 'the __method query parameter' : 'the __method field of the JSON body';
  return `${where} must be one of ${OVERRIDE_METHODS.join(', ')} (any case), got ${shown.slice(0, 60)}. Fix: send one of those, or leave __method out to run the call as POST.`;
}

function overrideMethod(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.toUpperCase();
  return OVERRIDE_METHODS.includes(upper) ? upper : undefined;
}

function bodyOverride(body: Buffer | undefined): { method: string; body: Buffer | undefined } | InvalidOverride | undefined {
  if (!body || body.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.hasOwn(parsed, OVERRIDE_FIELD)) return undefined;
  const { [OVERRIDE_FIELD]: value, ...rest } = parsed as Record<string, unknown>;
  const method = overrideMethod(value);
  if (method === undefined) return { invalidOverride: { source: 'body', value } };
  return { method, body: Object.keys(rest).length === 0 ? undefined : Buffer.from(JSON.stringify(rest), 'utf8') };
}

/** The ids one call carries to the Runner. */
export interface CallIds {
  requestId: string;
  tenantId: string;
  install: InstallView;
  /** Non-GET only: the incoming `x-idempotency-key` or a new UUID. */
  idempotencyKey: string | undefined;
}

/** `http.headers`: the route's allowlist of incoming headers, then the Gateway's own values. */
export function forwardedHeaders(route: GatewayRoute, incoming: Readonly<Record<string, string>>, ids: CallIds): Record<string, string> {
  const allowlist = route === 'ext' ? EXT_REQUEST_HEADERS : PROXY_REQUEST_HEADERS;
  const headers: Record<string, string> = {};
  for (const name of allowlist) if (incoming[name] !== undefined) headers[name] = incoming[name];
  if (route === 'ext-proxy') {
    headers['x-request-id'] = ids.requestId;
    if (ids.idempotencyKey !== undefined) headers['x-idempotency-key'] = ids.idempotencyKey;
  }
  headers['x-alga-tenant'] = ids.tenantId;
  headers['x-alga-extension'] = ids.install.registryId;
  return headers;
}

/** Headers of the POST to `/v1/execute` (never the caller's authorization or cookies). */
export function transportHeaders(route: GatewayRoute, ids: CallIds, extra: { serviceToken: string; configVersion: string; secretsVersion: string | undefined }): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-request-id': ids.requestId,
    'x-alga-tenant': ids.tenantId,
    'x-alga-extension': ids.install.registryId,
  };
  if (route === 'ext') {
    if (ids.idempotencyKey !== undefined) headers['x-idempotency-key'] = ids.idempotencyKey;
    return headers;
  }
  headers['x-runner-service-token'] = extra.serviceToken;
  headers['x-ext-install-id'] = ids.install.installId;
  headers['x-ext-version-id'] = ids.install.versionId;
  headers['x-ext-registry-id'] = ids.install.registryId;
  headers['x-ext-config-version'] = extra.configVersion;
  if (extra.secretsVersion) headers['x-ext-secrets-version'] = extra.secretsVersion;
  return headers;
}

export type EnvelopeUser =
  | { user_id: string; user_email: string; user_name: string; user_type: string; client_name: string; client_id: string | null; additional_fields: Record<string, string> }
  | { user_id: string; user_email: string; user_name: string; user_type: string; company_name: string; client_id: string | null };

/**
 * The `user` block. The client/company name is the user's client for client-portal users and the
 * tenant's name for MSP users. The emulator has no contacts, locales or time zones: those
 * additional fields are `""`, `en` and `UTC`; `username` is the email.
 */
export function envelopeUser(route: GatewayRoute, user: EmulatorUser, tenantName: string): EnvelopeUser {
  const base = { user_id: user.id, user_email: user.email, user_name: user.name, user_type: user.userType };
  const name = user.clientName ?? tenantName;
  if (route === 'ext') return { ...base, company_name: name, client_id: user.clientId };
  return { ...base, client_name: name, client_id: user.clientId, additional_fields: { contact_id: '', contactId: '', username: user.email, locale: 'en', timezone: 'UTC' } };
}

/** The JSON body of `POST /v1/execute` (spec 02's execute request). */
export interface ExecuteEnvelope {
  context: { request_id: string; tenant_id: string; extension_id: string; install_id: string; version_id: string; content_hash: string; config: Record<string, string> };
  http: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body_b64?: string };
  limits: { timeout_ms: number };
  providers: string[];
  secret_envelope?: SecretEnvelope;
  user: EnvelopeUser;
}

export function buildEnvelope(input: {
  ids: CallIds;
  call: EffectiveCall;
  path: string;
  headers: Record<string, string>;
  config: Readonly<Record<string, unknown>>;
  providers: string[];
  secretEnvelope: SecretEnvelope | undefined;
  user: EnvelopeUser;
  timeoutMs: number;
}): ExecuteEnvelope {
  const { ids, call } = input;
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.config)) config[key] = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return {
    context: {
      request_id: ids.requestId,
      tenant_id: ids.tenantId,
      extension_id: ids.install.registryId,
      install_id: ids.install.installId,
      version_id: ids.install.versionId,
      content_hash: ids.install.contentHash ?? '',
      config,
    },
    http: {
      method: call.method,
      path: input.path,
      query: call.query,
      headers: input.headers,
      ...(call.method === 'GET' ? {} : { body_b64: (call.body ?? Buffer.alloc(0)).toString('base64') }),
    },
    limits: { timeout_ms: input.timeoutMs },
    providers: input.providers,
    ...(input.secretEnvelope ? { secret_envelope: input.secretEnvelope } : {}),
    user: input.user,
  };
}

/** The extension's response headers a caller may see (names lowercased; others dropped). */
export function filterResponseHeaders(headers: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (RESPONSE_HEADERS.includes(lower) && typeof value === 'string') out[lower] = value;
  }
  return out;
}
