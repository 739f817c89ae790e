import type * as UiProxyWit from '../../wit/generated/host/interfaces/alga-extension-ui-proxy.js';
import { WitError, type InvocationScope } from '../../contracts/invocation.ts';
import { EmulatorError } from '../../errors.ts';
import { defineCapability, requireGrant, type Env, type HostServices } from '../capability.ts';
import { LOCAL_BASE, UiProxyBackend, toResponse } from './local-backend.ts';
import { loadRoutesFile } from './routes-file.ts';
import { buildProxyUrl, parseRoute, proxyRequestInit, replyOf, routePath, type ParsedRoute } from './route-url.ts';

const GRANT = 'cap:ui.proxy';
const DEFAULT_TIMEOUT_MS = 5_000;

export interface UiProxySettings {
  /** `UI_PROXY_BASE_URL`; unset → the local backend answers instead of a real server. */
  baseUrl: URL | undefined;
  /** `UI_PROXY_TIMEOUT_MS` (default 5000), for both backends. */
  timeoutMs: number;
  /** `UI_PROXY_ROUTES_FILE`: local routes loaded at start. */
  routesFile: string | undefined;
}

export interface UiProxyDeps {
  baseUrl: URL | undefined;
  timeoutMs: number;
  /** The local backend: routes registered by tests or the routes file. */
  backend: UiProxyBackend;
  /**
   * Performs the forward when `baseUrl` is set: the global fetch looked up per call. Not the
   * Runner's `HostServices.fetch`, which is the guests' egress (`http.fetch`, mocked by `emu.http`);
   * the host app behind ui-proxy is the platform's own server, not a third party.
   */
  fetch: typeof globalThis.fetch;
}

function parseSettings(env: Env): UiProxySettings {
  const rawBase = env.UI_PROXY_BASE_URL || undefined;
  let baseUrl: URL | undefined;
  if (rawBase !== undefined) {
    baseUrl = URL.canParse(rawBase) ? new URL(rawBase) : undefined;
    if (!baseUrl || (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:')) {
      throw new EmulatorError('CONFIG_INVALID', `UI_PROXY_BASE_URL must be an absolute http(s) URL, got "${rawBase}". Fix it, or unset it to use the local ui-proxy backend.`);
    }
  }
  const rawTimeout = env.UI_PROXY_TIMEOUT_MS || undefined;
  const timeoutMs = rawTimeout === undefined ? DEFAULT_TIMEOUT_MS : Number(rawTimeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new EmulatorError('CONFIG_INVALID', `UI_PROXY_TIMEOUT_MS must be an integer >= 1, got "${rawTimeout}". Fix or unset it.`);
  }
  return { baseUrl, timeoutMs, routesFile: env.UI_PROXY_ROUTES_FILE || undefined };
}

/** `alga:extension/ui-proxy`: production's forwarding to UI_PROXY_BASE_URL, else the emulator's local backend. */
export const uiProxyCapability = defineCapability<typeof UiProxyWit>()({
  name: 'ui-proxy',
  witInterface: 'alga:extension/ui-proxy',
  capability: GRANT,
  grantedByDefault: false,
  functions: { callRoute: { returnsResult: true } },
  summary: 'call-route(route, payload): forwarded to UI_PROXY_BASE_URL as production does, else answered by local routes (emu.uiProxy.route, UI_PROXY_ROUTES_FILE).',
  parityNotes: [
    'ui-proxy.call-route without UI_PROXY_BASE_URL is answered by the emulator\'s local backend (routes from emu.uiProxy.route or UI_PROXY_ROUTES_FILE; an unregistered route is route-not-found, as production answers every call without a base URL).',
    'ui-proxy: an invalid UI_PROXY_BASE_URL or UI_PROXY_TIMEOUT_MS stops start-up with CONFIG_INVALID (production logs a warning and disables the proxy or uses 5000 ms).',
  ],
  settings: {
    rows: [
      ['UI_PROXY_BASE_URL', 'unset (local backend)', 'host app that ui-proxy.call-route forwards to, as production; unset = the emulator\'s local routes'],
      ['UI_PROXY_TIMEOUT_MS', '5000', 'timeout of one call-route (either backend); past it the guest gets internal'],
      ['UI_PROXY_ROUTES_FILE', 'unset', 'JSON file of local ui-proxy routes (route → {status, json | body, headers}) for npm run emulate'],
    ],
    parse: parseSettings,
  },
  open: (_services: HostServices, { baseUrl, timeoutMs, routesFile }: UiProxySettings): UiProxyDeps => {
    const backend = new UiProxyBackend();
    if (routesFile !== undefined) loadRoutesFile(routesFile, backend);
    return { baseUrl, timeoutMs, backend, fetch: (input, init) => globalThis.fetch(input, init) };
  },
  guard: () => requireGrant(GRANT, 'denied'),
  create: (deps) => ({
    callRoute: (scope, [route, payload]) => {
      const parsed = parseRoute(String(route));
      return deps.baseUrl ? forward(deps, deps.baseUrl, scope, parsed, payload) : answerLocally(deps, scope, parsed, payload);
    },
  }),
});

/** Production's path: the real server, with its timeout; a transport failure or timeout → internal. */
async function forward(deps: UiProxyDeps, base: URL, scope: InvocationScope, route: ParsedRoute, payload: Uint8Array | undefined): Promise<Uint8Array> {
  const url = buildProxyUrl(base, scope.extensionId, route);
  const init = proxyRequestInit(scope, payload);
  let response: Response;
  try {
    response = await deps.fetch(url, { ...init, body: init.body ? Buffer.from(init.body) : undefined, signal: AbortSignal.timeout(deps.timeoutMs) });
  } catch (err) {
    throw new WitError('internal', `${init.method} ${url.href} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  return replyOf(response, `${init.method} ${url.href}`);
}

/** The local backend: the same request, handed to the registered handler instead of the network. */
async function answerLocally(deps: UiProxyDeps, scope: InvocationScope, route: ParsedRoute, payload: Uint8Array | undefined): Promise<Uint8Array> {
  const path = routePath(route);
  const found = deps.backend.match(route.segments);
  if (!found) {
    scope.emit(
      'warn',
      `ui-proxy.call-route ${path}: no local route answers it (UI_PROXY_BASE_URL is unset, so the emulator's local backend does). Fix: register it in a test with emu.uiProxy.route('${path}', (request) => Response.json(...)), add "${path}" to the UI_PROXY_ROUTES_FILE JSON file, or set UI_PROXY_BASE_URL to a real host app.`,
    );
    throw new WitError('route-not-found', `no local ui-proxy route for ${path}`);
  }
  const init = proxyRequestInit(scope, payload);
  const url = buildProxyUrl(LOCAL_BASE, scope.extensionId, route);
  const request = new Request(url, { ...init, body: init.body ? Buffer.from(init.body) : undefined, signal: AbortSignal.timeout(deps.timeoutMs) });
  const what = `local route ${found.match.route}`;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new WitError('internal', `${what} did not answer within UI_PROXY_TIMEOUT_MS (${deps.timeoutMs} ms)`)), deps.timeoutMs);
  });
  try {
    const answer: unknown = await Promise.race([Promise.resolve().then(() => found.handler(request, found.match)), timedOut]);
    return await replyOf(toResponse(answer), what);
  } catch (err) {
    if (err instanceof WitError) throw err;
    scope.emit('error', `ui-proxy ${what} threw: ${err instanceof Error ? err.message : String(err)}`);
    throw new WitError('internal', `${what} threw: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    clearTimeout(timer);
  }
}
