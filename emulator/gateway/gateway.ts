import { randomBytes, randomUUID } from 'node:crypto';
import { PERMISSIONS, type EmulatorUser } from '../registry/identity.ts';
import type { ExecutionStatus, InstallView, Registry } from '../registry/registry.ts';
import type { DebugEventHub } from '../debug/debug-event-hub.ts';
import { matchEndpoint, suggestEndpoint, type DeclaredEndpoint, type EndpointMode } from './endpoints.ts';
import {
  GATEWAY_METHODS,
  buildEnvelope,
  effectiveCall,
  invalidOverrideMessage,
  envelopeUser,
  filterResponseHeaders,
  forwardedHeaders,
  transportHeaders,
  type CallIds,
  type EffectiveCall,
  type GatewayRoute,
} from './runner-request.ts';
import { RateLimiter } from './rate-limit.ts';
import { PREFLIGHT_HEADERS, baseHeaders, jsonAnswer, type GatewayResponse } from './responses.ts';
import { httpRunnerTransport, type RunnerTransport } from './runner-client.ts';
import type { Authenticator, Principal } from './sessions.ts';

/** 10 MiB: the largest request body either route accepts (413 `payload_too_large` above). */
export const MAX_GATEWAY_BODY_BYTES = 10 * 1024 * 1024;

/** One call to `/api/ext/{extId}/{...path}` or `/api/ext-proxy/{extId}/{...path}`, decoded. */
export interface GatewayRequest {
  route: GatewayRoute;
  method: string;
  /** Install id, registry id or `publisher.name` slug. */
  extId: string;
  /** Handler path: `'/' + segments.join('/')`. */
  path: string;
  /** Last value per key. */
  query: Record<string, string>;
  /** Lowercased names. */
  headers: Record<string, string>;
  body: Buffer | undefined;
}

export interface GatewayOptions {
  registry: Registry;
  sessions: Authenticator;
  /** Where advisory-mode warnings go (the Runner's hub, so the shell's live log shows them). */
  debugEvents: Pick<DebugEventHub, 'publish'>;
  /** `RUNNER_BASE_URL`, without a trailing slash. */
  runnerBaseUrl: string;
  /** How `/v1/execute` is reached; default HTTP to `runnerBaseUrl`. */
  runner?: RunnerTransport;
  endpointMode?: EndpointMode;
  /** `EXT_GATEWAY_TIMEOUT_MS`; default 30000. */
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Sent as `x-runner-service-token` on ext-proxy calls; default a random token per Gateway. */
  runnerServiceToken?: string;
  /** Clock in ms for the rate limiter, warning timestamps and (without `stopwatch`) durations; default `Date.now`. */
  now?: () => number;
  /**
   * Monotonic ms for the execution log's `duration_ms`; default `now`. `startEmulator` passes
   * `performance.now` so a virtual clock never turns a real duration into 0 or a test's jump.
   */
  stopwatch?: () => number;
  rateLimit?: { burst?: number; perSecond?: number };
  /** Operator log lines (why a Runner call failed); never sent to callers. */
  log?: (line: Record<string, unknown>) => void;
}

/** The checks one call passed, carried to the Runner call. */
interface Admitted {
  req: GatewayRequest;
  requestId: string;
  headers: Record<string, string>;
  principal: Principal;
  call: EffectiveCall;
  install: InstallView;
  endpoint: DeclaredEndpoint | undefined;
}

/**
 * Both Gateway routes (spec 04): the ordered checks, the execute envelope, the Runner call over
 * HTTP, response mapping and the execution log. No Express here; `gatewayRouter` adapts it.
 *
 * @example
 * const gateway = new Gateway({ registry, sessions, debugEvents: runner.debugEvents, runnerBaseUrl: 'http://127.0.0.1:8085' });
 * await gateway.handle({ route: 'ext', method: 'POST', extId: 'alga-emulator.hello-host', path: '/counter', query: {}, headers: { authorization: `Bearer ${token}` }, body: undefined });
 */
export class Gateway {
  readonly runnerBaseUrl: string;
  readonly endpointMode: EndpointMode;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly runnerServiceToken: string;
  readonly #runner: RunnerTransport;
  readonly #registry: Registry;
  readonly #sessions: Authenticator;
  readonly #events: Pick<DebugEventHub, 'publish'>;
  readonly #now: () => number;
  readonly #stopwatch: () => number;
  readonly #limiter: RateLimiter;
  readonly #log: (line: Record<string, unknown>) => void;

  constructor(options: GatewayOptions) {
    this.#registry = options.registry;
    this.#sessions = options.sessions;
    this.#events = options.debugEvents;
    this.runnerBaseUrl = options.runnerBaseUrl.replace(/\/+$/, '');
    this.#runner = options.runner ?? httpRunnerTransport(this.runnerBaseUrl);
    this.endpointMode = options.endpointMode ?? 'advisory';
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_GATEWAY_BODY_BYTES;
    this.runnerServiceToken = options.runnerServiceToken ?? randomBytes(24).toString('hex');
    this.#now = options.now ?? Date.now;
    this.#stopwatch = options.stopwatch ?? this.#now;
    this.#limiter = new RateLimiter({ ...options.rateLimit, now: this.#now });
    this.#log = options.log ?? (() => undefined);
  }

  /** The rate limiter's buckets (a harness snapshot copies and restores them). */
  get rateLimiter(): RateLimiter {
    return this.#limiter;
  }

  /** Runs one call through the checks of spec 04 in order; every answer carries `x-request-id`. */
  async handle(req: GatewayRequest): Promise<GatewayResponse> {
    const requestId = req.headers['x-request-id']?.trim() || randomUUID();
    const headers = baseHeaders(req.route, requestId, req.headers.origin);
    const refuse = (status: number, error: string, hint: string, extra: Record<string, string> = {}) => jsonAnswer(status, { error }, { ...headers, ...extra }, hint);
    const method = req.method.toUpperCase();
    if (req.route === 'ext' && method === 'OPTIONS') return { status: 204, headers: { ...headers, ...PREFLIGHT_HEADERS }, body: Buffer.alloc(0) };

    const auth = this.#sessions.authenticate({ cookie: req.headers.cookie, authorization: req.headers.authorization });
    if (!auth.ok) {
      const hint = auth.error === 'unauthenticated'
        ? 'no session: send authorization: Bearer <dev token> (npm run emulate prints one per user) or sign in on the shell page'
        : 'the session or token names no existing user or tenant: sign in again or use a current dev token';
      return refuse(401, auth.error, hint);
    }
    const { principal } = auth;
    for (const name of ['x-alga-tenant', 'x-tenant-id']) {
      const value = req.headers[name]?.trim();
      if (value !== undefined && value !== principal.tenantId) {
        return refuse(403, 'tenant_mismatch', `${name} names tenant ${value} but the session acts for ${principal.tenantId}; headers never select the tenant: drop the header or sign in as a user of that tenant`);
      }
    }
    if (req.body && req.body.length > this.maxBodyBytes) {
      return refuse(413, 'payload_too_large', `the request body is over ${this.maxBodyBytes} bytes, the Gateway's limit: send less per call`);
    }
    const call = effectiveCall(req.route, method, req.query, req.body);
    if ('invalidOverride' in call) {
      const message = invalidOverrideMessage(call);
      return jsonAnswer(400, { error: 'invalid_method_override', message }, headers, message);
    }
    if (!GATEWAY_METHODS.includes(call.method)) return refuse(404, 'endpoint_not_found', `${method} is not a Gateway method: use GET, POST, PUT, PATCH or DELETE (HEAD runs as GET)`);
    if (!isComplete(principal.user)) return refuse(401, 'unauthenticated', 'the session user is incomplete (id, tenant and email are required): sign in again');
    if (principal.user.tenantId !== principal.tenantId) {
      return refuse(403, 'tenant_mismatch', `user ${principal.user.id} belongs to tenant ${principal.user.tenantId}, not the session tenant ${principal.tenantId}: sign in again`);
    }
    const install = this.#registry.activeInstall(principal.tenantId, req.extId);
    if (!install) {
      return refuse(404, 'extension_not_available', `no enabled install of "${req.extId}" for tenant ${principal.tenantId}: install it (alga-emulator install, or POST /api/v1/extensions/install) or enable it; pass its registry id, install id or publisher.name slug`);
    }
    const endpoint = matchEndpoint(install.endpoints, call.method, req.path);
    if (!endpoint) {
      const entry = JSON.stringify(suggestEndpoint(call.method, req.path, install.endpoints[0]?.handler ?? 'dist/main.wasm'));
      if (this.endpointMode === 'strict') return refuse(404, 'endpoint_not_found', `${call.method} ${req.path} is not declared in api.endpoints of ${install.slug} ${install.version}: add ${entry} to manifest.json`);
      this.#warnUndeclared(install, requestId, call.method, req.path, entry);
    }
    const denied = principalDenial(principal.user, call.method, install);
    if (denied) return refuse(403, 'forbidden', denied);
    const rate = this.#limiter.take(principal.tenantId, install.registryId);
    if (!rate.ok) {
      return refuse(429, 'rate_limited', `more than the burst of calls for this tenant and extension (refill 1 per second): retry after ${rate.retryAfterSeconds} s`, { 'retry-after': String(rate.retryAfterSeconds) });
    }
    return this.#execute({ req, requestId, headers, principal, call, install, endpoint });
  }

  /** Steps 9-11: log row, config, envelope, Runner call, response mapping, finished log row. */
  async #execute(a: Admitted): Promise<GatewayResponse> {
    const started = this.#stopwatch();
    const logId = this.#registry.startExecution({ tenantId: a.principal.tenantId, registryId: a.install.registryId, versionId: a.install.versionId, requestId: a.requestId });
    const finish = (answer: GatewayResponse, status: ExecutionStatus, error: string | null): GatewayResponse => {
      const metrics = {
        method: a.call.method,
        path: a.req.path,
        endpoint_template: a.endpoint?.path ?? null,
        principal_kind: a.principal.user.userType === 'client' ? 'client' : 'msp',
        user_id: a.principal.user.id,
        http_status: answer.status,
        duration_ms: Math.max(0, Math.round(this.#stopwatch() - started)),
      };
      this.#registry.finishExecution(logId, { status, metrics, error });
      return answer;
    };
    try {
      const config = this.#registry.storedConfigOf(a.install.installId);
      if (!config) {
        const error = a.req.route === 'ext' ? 'not_installed' : 'Extension not installed';
        return finish(jsonAnswer(404, { error }, a.headers, `install ${a.install.installId} has no config row: reinstall the extension`), 'policy_denied', 'not_installed');
      }
      const ids: CallIds = { requestId: a.requestId, tenantId: a.principal.tenantId, install: a.install, idempotencyKey: a.call.method === 'GET' ? undefined : a.req.headers['x-idempotency-key']?.trim() || randomUUID() };
      const secretEnvelope = this.#registry.secretEnvelope(a.install.installId);
      const envelope = buildEnvelope({
        ids,
        call: a.call,
        path: a.req.path,
        headers: forwardedHeaders(a.req.route, a.req.headers, ids),
        config: config.config,
        providers: config.providers,
        secretEnvelope,
        user: envelopeUser(a.req.route, a.principal.user, this.#tenantName(a.principal.tenantId)),
        timeoutMs: this.timeoutMs,
      });
      const transport = transportHeaders(a.req.route, ids, { serviceToken: this.runnerServiceToken, configVersion: config.version, secretsVersion: secretEnvelope?.version ?? undefined });
      const reply = await this.#runner(transport, envelope, this.timeoutMs);
      if (reply.kind === 'timeout') {
        return finish(jsonAnswer(504, { error: 'timeout', requestId: a.requestId }, a.headers, `the Runner did not answer within EXT_GATEWAY_TIMEOUT_MS=${this.timeoutMs} ms: raise it or make the handler faster`), 'timeout', 'timeout');
      }
      if (reply.kind === 'bad_gateway') {
        this.#log({ level: 'error', msg: 'gateway: runner call failed', request_id: a.requestId, reason: reply.reason });
        return finish(jsonAnswer(502, { error: 'bad_gateway', requestId: a.requestId }, a.headers, 'the Runner did not answer with an execute envelope: check that RUNNER_BASE_URL points at a running Runner, and the emulator log'), 'error', 'bad_gateway');
      }
      const answer: GatewayResponse = { status: reply.status, headers: { ...a.headers, ...filterResponseHeaders(reply.headers) }, body: reply.body };
      if (reply.error !== null) return finish(answer, 'error', reply.error.split(':')[0] ?? 'error');
      return finish(answer, reply.status >= 400 ? 'upstream_error' : 'ok', null);
    } catch (err) {
      finish(jsonAnswer(500, { error: 'internal_error' }, a.headers), 'error', 'internal_error');
      throw err;
    }
  }

  /** The tenant's name for the envelope's user, from the registry's read cache (a rename is seen by the next call). */
  #tenantName(tenantId: string): string {
    return this.#registry.cachedRead(`tenant\n${tenantId}`, () => this.#registry.identity.tenant(tenantId))?.name ?? '';
  }

  #warnUndeclared(install: InstallView, requestId: string, method: string, path: string, entry: string): void {
    this.#events.publish({
      ts: String(this.#now()),
      level: 'warn',
      stream: 'log',
      tenant_id: install.tenantId,
      extension_id: install.registryId,
      install_id: install.installId,
      request_id: requestId,
      version_id: install.versionId,
      content_hash: install.contentHash ?? undefined,
      message:
        `gateway: ${method} ${path} is not declared in api.endpoints of ${install.slug} ${install.version}. It ran because EXT_GATEWAY_ENDPOINT_MODE=advisory; ` +
        `production answers 404 endpoint_not_found. Add ${entry} to manifest.json api.endpoints, or set EXT_GATEWAY_ENDPOINT_MODE=strict to reproduce production.`,
    });
  }
}

function isComplete(user: EmulatorUser): boolean {
  return Boolean(user.id && user.tenantId && user.email);
}

/** Step 7: why this user may not call this extension with this method, or undefined when allowed. */
function principalDenial(user: EmulatorUser, method: string, install: InstallView): string | undefined {
  if (user.userType === 'client') {
    const hooks = (install.ui as { hooks?: { clientPortalMenu?: { label?: unknown } } } | null)?.hooks;
    const label = hooks?.clientPortalMenu?.label;
    if (typeof label !== 'string' || label.trim() === '') return `client-portal users may call only extensions with ui.hooks.clientPortalMenu.label; ${install.slug} ${install.version} has none`;
    if (!user.clientId) return `client-portal user ${user.email} has no client id: give the user a client`;
    return undefined;
  }
  const needed = method === 'GET' ? PERMISSIONS.read : PERMISSIONS.write;
  return user.permissions.includes(needed) ? undefined : `user ${user.email} lacks the ${needed} permission that ${method} calls need: call as a user with it (e.g. the MSP admin)`;
}
