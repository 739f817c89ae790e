import type * as HttpWit from '../../wit/generated/host/interfaces/alga-extension-http.js';
import type { HttpRequest } from '../../wit/generated/host/interfaces/alga-extension-types.js';
import { WitError } from '../../contracts/invocation.ts';
import { defineCapability, type Env, type Guard, type HostServices } from '../capability.ts';
import { parseEgressAllowlist, type EgressPolicy } from './egress.ts';

const GRANT = 'cap:http.fetch';
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FETCH_TIMEOUT_MS = 30_000;

/** What http.fetch reads from the environment. */
export interface HttpSettings {
  /** `EXT_EGRESS_ALLOWLIST` as written. */
  allowlist: string;
  /** `EXT_EGRESS_EMPTY_ALLOWS_ALL`: production's allow-all when the list is empty. */
  emptyAllowsAll: boolean;
  timeoutMs: number;
}

export interface HttpCapabilityDeps {
  egress: EgressPolicy;
  timeoutMs: number;
  /** Performs the request; defaults to the global fetch looked up at call time (so msw sees it). */
  fetch: typeof globalThis.fetch;
}

function parseSettings(env: Env): HttpSettings {
  const emptyAllowsAll = ['1', 'true', 'yes'].includes((env.EXT_EGRESS_EMPTY_ALLOWS_ALL ?? '').toLowerCase());
  return { allowlist: env.EXT_EGRESS_ALLOWLIST ?? '', emptyAllowsAll, timeoutMs: FETCH_TIMEOUT_MS };
}

/** Grant, a valid target and method, then the allowlist: checked before the network, without emitting. */
function egressGuard({ egress }: HttpCapabilityDeps): Guard {
  return (_fn, scope, [request]) => {
    if (!scope.grants.has(GRANT)) {
      return { reason: 'grant', payload: 'not-allowed', detail: `${GRANT} not granted`, warn: `http.fetch denied: ${GRANT} is not granted; add "${GRANT}" to manifest.json "capabilities"` };
    }
    const { method, url } = (request ?? {}) as Partial<HttpRequest>;
    const target = parseTargetUrl(String(url));
    if (!target || !METHOD_TOKEN.test(String(method))) return { reason: 'request', payload: 'invalid-url', detail: String(url) };
    if (!egress.allows(target.host)) {
      return {
        reason: 'egress',
        payload: 'not-allowed',
        detail: `egress to ${target.host} is not allowed`,
        warn: `http.fetch to ${target.host} denied by the egress allowlist; add it to EXT_EGRESS_ALLOWLIST (comma list, "*" allows all)`,
      };
    }
    return undefined;
  };
}

/** `alga:extension/http`: outbound HTTP, deny by default, no redirects followed. */
export const httpCapability = defineCapability<typeof HttpWit>()({
  name: 'http',
  witInterface: 'alga:extension/http',
  capability: GRANT,
  grantedByDefault: false,
  functions: { fetch: { returnsResult: true } },
  summary: 'fetch(request): outbound HTTP through the egress allowlist; 3xx returned, not followed.',
  parityNotes: [
    'http.fetch denies every host when EXT_EGRESS_ALLOWLIST is empty (production allows all); set EXT_EGRESS_ALLOWLIST="*" or EXT_EGRESS_EMPTY_ALLOWS_ALL=1 for production behaviour.',
    'http.fetch joins repeated response header values with ", " (Node\'s fetch merges them); set-cookie values stay separate entries. Production gives one entry per value.',
  ],
  settings: {
    rows: [
      ['EXT_EGRESS_ALLOWLIST', 'empty (deny all)', 'hosts http.fetch may reach: comma list, subdomains match, "*" allows all'],
      ['EXT_EGRESS_EMPTY_ALLOWS_ALL', '0', '1 = production behaviour: an empty allowlist allows every host'],
    ],
    parse: parseSettings,
  },
  open: ({ fetch }: HostServices, { allowlist, emptyAllowsAll, timeoutMs }: HttpSettings): HttpCapabilityDeps => ({
    egress: parseEgressAllowlist(allowlist, emptyAllowsAll),
    timeoutMs,
    fetch,
  }),
  guard: egressGuard,
  create: (deps) => ({ fetch: (_scope, [request]) => performFetch(deps, request) }),
});

async function performFetch(deps: HttpCapabilityDeps, request: HttpRequest) {
  const url = parseTargetUrl(request.url) as URL;
  let response: Response;
  try {
    response = await deps.fetch(url, {
      method: request.method,
      headers: request.headers.map((h) => [h.name, h.value] as [string, string]),
      body: request.body && request.body.length > 0 ? Buffer.from(request.body) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
  } catch (err) {
    throw new WitError('transport', err instanceof Error ? err.message : String(err));
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw new WitError('internal', err instanceof Error ? err.message : String(err));
  }
  return { status: response.status, headers: responseHeaders(response.headers), body };
}

function parseTargetUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lowercase names. Node's fetch has already joined repeated values with ", " (see parity notes);
 * set-cookie values are kept as separate entries.
 */
function responseHeaders(headers: Headers): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  headers.forEach((value, name) => {
    if (name.toLowerCase() !== 'set-cookie') out.push({ name: name.toLowerCase(), value });
  });
  for (const cookie of headers.getSetCookie()) out.push({ name: 'set-cookie', value: cookie });
  return out;
}
