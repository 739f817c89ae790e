/**
 * What production's Runner does with a `call-route` before it sends anything (ee/runner/src/engine/
 * host_api.rs, `ui_proxy::HostWithStore::call_route` and `map_proxy_status`): validate the route,
 * build the URL, the headers and the method, and map the backend's status to a `proxy-error`.
 * Both backends (a real server at UI_PROXY_BASE_URL and the emulator's local one) use these.
 */
import { WitError, type InvocationScope } from '../../contracts/invocation.ts';

/** A route as production reads it: trimmed, split at the first `?`, empty segments dropped. */
export interface ParsedRoute {
  /** Non-empty path segments, as the guest wrote them (not yet percent-encoded). */
  segments: string[];
  /** The raw query after the first `?`; undefined when there is none or it is empty. */
  query: string | undefined;
  /** `/api/…` or `api/…`: sent as is; any other route goes under the extension id. */
  platformApi: boolean;
}

/** Validates a route: empty after trimming or with a `.`/`..` path segment → `bad-request`. */
export function parseRoute(route: string): ParsedRoute {
  const trimmed = route.trim();
  if (trimmed === '') throw new WitError('bad-request', 'empty route');
  const cut = trimmed.indexOf('?');
  const path = cut === -1 ? trimmed : trimmed.slice(0, cut);
  const query = cut === -1 ? undefined : trimmed.slice(cut + 1);
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) throw new WitError('bad-request', 'dot segment');
  return { segments, query: query === '' ? undefined : query, platformApi: path.startsWith('/api/') || path.startsWith('api/') };
}

/** The route's path in the form local routes are registered under: `/` + segments. */
export function routePath(route: ParsedRoute): string {
  return `/${route.segments.join('/')}`;
}

// The url crate's encode sets for special schemes: C0 controls, space and non-ASCII always, plus
// these characters in a path segment / in the query.
const SEGMENT_UNSAFE = new Set('"#<>`?{}/%\\');
const QUERY_UNSAFE = new Set('"#<>\'');

function encodeWith(text: string, unsafe: ReadonlySet<string>): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    out += code <= 0x20 || code >= 0x7f || unsafe.has(ch) ? percentEncode(ch) : ch;
  }
  return out;
}

function percentEncode(ch: string): string {
  return [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/**
 * base path (a trailing empty segment dropped) + the extension id unless the route is a platform
 * API + the route's segments, percent-encoded one by one + the raw query. The base's own query is
 * dropped, as production's `set_query` does.
 */
export function buildProxyUrl(base: URL, extensionId: string, route: ParsedRoute): URL {
  const url = new URL(base.href);
  const basePath = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  const segments = route.platformApi ? route.segments : [extensionId, ...route.segments];
  url.pathname = basePath + segments.map((s) => `/${encodeWith(s, SEGMENT_UNSAFE)}`).join('');
  url.search = route.query === undefined ? '' : `?${encodeWith(route.query, QUERY_UNSAFE)}`;
  return url;
}

/** The request production sends: POST with `content-type: application/json` when a payload is given, else GET. */
export function proxyRequestInit(scope: InvocationScope, payload: Uint8Array | undefined): { method: 'GET' | 'POST'; headers: [string, string][]; body: Uint8Array | undefined } {
  const headers: [string, string][] = [
    ['x-request-id', scope.requestId ?? 'ui-proxy-call'],
    ['x-alga-tenant', scope.tenantId],
    ['x-alga-extension', scope.extensionId],
  ];
  if (scope.installId !== undefined) headers.push(['x-ext-install-id', scope.installId]);
  if (scope.versionId !== undefined) headers.push(['x-ext-version-id', scope.versionId]);
  const apiKey = scope.secrets?.api_key;
  if (apiKey !== undefined) headers.push(['x-api-key', apiKey]);
  if (scope.user) headers.push(['x-user-id', scope.user.userId], ['x-user-email', scope.user.userEmail]);
  if (payload === undefined) return { method: 'GET', headers, body: undefined };
  headers.push(['content-type', 'application/json']);
  return { method: 'POST', headers, body: payload };
}

/** 401/403/429 → denied, 404 → route-not-found, other 4xx → bad-request, anything else not 2xx → internal. */
export function proxyErrorOf(status: number): 'denied' | 'route-not-found' | 'bad-request' | 'internal' {
  if (status === 401 || status === 403 || status === 429) return 'denied';
  if (status === 404) return 'route-not-found';
  if (status >= 400 && status < 500) return 'bad-request';
  return 'internal';
}

/** A backend's answer as the guest gets it: the body bytes of a 2xx, else the mapped `proxy-error`. */
export async function replyOf(response: Response, what: string): Promise<Uint8Array> {
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel().catch(() => undefined);
    throw new WitError(proxyErrorOf(response.status), `${what} answered ${response.status}`);
  }
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw new WitError('internal', `reading the body of ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
