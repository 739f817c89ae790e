/** `EXT_GATEWAY_ENDPOINT_MODE`: run undeclared endpoints with a warning, or refuse them as production does. */
export type EndpointMode = 'advisory' | 'strict';

/** One `api.endpoints` entry of the installed version. */
export interface DeclaredEndpoint {
  method: string;
  path: string;
  handler: string;
}

/**
 * The declared endpoint a call matches: same method, same number of segments, each literal
 * segment equal and each `:param` segment non-empty. HEAD matches GET entries.
 */
export function matchEndpoint(endpoints: readonly DeclaredEndpoint[], method: string, path: string): DeclaredEndpoint | undefined {
  const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const segments = splitPath(path);
  return endpoints.find((e) => {
    if (e.method.toUpperCase() !== wanted) return false;
    const pattern = splitPath(e.path);
    return pattern.length === segments.length && pattern.every((p, i) => (p.startsWith(':') ? (segments[i] ?? '') !== '' : p === segments[i]));
  });
}

/**
 * The manifest entry that would declare this call, for the advisory warning: segments that look
 * like ids (numbers, UUIDs, long hex) become `:id`, `:id2`, … so the entry covers its siblings.
 */
export function suggestEndpoint(method: string, path: string, handler: string): DeclaredEndpoint {
  let params = 0;
  const segments = splitPath(path).map((segment) => {
    if (!/^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})$/i.test(segment)) return segment;
    params += 1;
    return params === 1 ? ':id' : `:id${params}`;
  });
  return { method: method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase(), path: `/${segments.join('/')}`, handler };
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}
