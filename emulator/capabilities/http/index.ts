import { WitError, type CapabilityDefinition, type InvocationScope } from '../types.ts';
import type { EgressPolicy } from './egress.ts';

const GRANT = 'cap:http.fetch';
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export interface HttpCapabilityDeps {
  egress: EgressPolicy;
  /** Performs the request; defaults to the global fetch looked up at call time (so msw sees it). */
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
}

interface GuestHttpRequest {
  method: string;
  url: string;
  headers: { name: string; value: string }[];
  body: Uint8Array | undefined;
}

/** `alga:extension/http`: outbound HTTP, deny by default, no redirects followed. */
export const httpCapability: CapabilityDefinition<HttpCapabilityDeps> = {
  name: 'http',
  witInterface: 'alga:extension/http',
  capability: GRANT,
  functions: { fetch: { returnsResult: true } },
  summary: 'fetch(request): outbound HTTP through the egress allowlist; 3xx returned, not followed.',
  parityNotes: [
    'http.fetch denies every host when EXT_EGRESS_ALLOWLIST is empty (production allows all); set EXT_EGRESS_ALLOWLIST="*" or EXT_EGRESS_EMPTY_ALLOWS_ALL=1 for production behaviour.',
    'http.fetch joins repeated response header values with ", " (Node\'s fetch merges them); set-cookie values stay separate entries. Production gives one entry per value.',
  ],
  create: (deps) => ({
    fetch: (scope, [request]) => performFetch(deps, scope, request as GuestHttpRequest),
  }),
  // performFetch's checks before the network, without emitting: grant, a valid target, the allowlist.
  admits: (deps) => (_fn, scope, [request]) => {
    const { method, url } = (request ?? {}) as Partial<GuestHttpRequest>;
    const target = parseTargetUrl(String(url));
    return scope.grants.has(GRANT) && target !== undefined && METHOD_TOKEN.test(String(method)) && deps.egress.allows(target.host);
  },
};

async function performFetch(deps: HttpCapabilityDeps, scope: InvocationScope, request: GuestHttpRequest) {
  if (!scope.grants.has(GRANT)) {
    scope.emit('warn', `http.fetch denied: ${GRANT} is not granted; add "${GRANT}" to manifest.json "capabilities"`);
    throw new WitError('not-allowed', `${GRANT} not granted`);
  }
  const url = parseTargetUrl(request.url);
  if (!url || !METHOD_TOKEN.test(request.method)) throw new WitError('invalid-url', request.url);
  if (!deps.egress.allows(url.host)) {
    scope.emit('warn', `http.fetch to ${url.host} denied by the egress allowlist; add it to EXT_EGRESS_ALLOWLIST (comma list, "*" allows all)`);
    throw new WitError('not-allowed', `egress to ${url.host} is not allowed`);
  }
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
