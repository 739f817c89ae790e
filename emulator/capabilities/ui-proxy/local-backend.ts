/**
 * The emulator's stand-in for the host app behind `ui-proxy.call-route` when UI_PROXY_BASE_URL is
 * unset: routes registered by tests (`emu.uiProxy.route`) or read from UI_PROXY_ROUTES_FILE.
 * One per Runner (opened with the ui-proxy capability), so two emulators never share routes.
 */
import { EmulatorError } from '../../errors.ts';

/** What a local route sees besides the request: the route pattern that matched and its `:params`. */
export interface UiProxyMatch {
  route: string;
  params: Record<string, string>;
}

/**
 * A local route's handler. It gets the request production would send (URL under
 * `http://ui-proxy.local`, method, headers, body) and answers a `Response` (any status: 404 →
 * `route-not-found`, 403 → `denied`, …), or a value sent as a 200 body: bytes or a string as is,
 * anything else as JSON.
 * @example emu.uiProxy.route('/api/tickets/:id', (req, { params }) => ({ id: params.id, title: 'Printer on fire' }))
 */
export type UiProxyHandler = (request: Request, match: UiProxyMatch) => unknown;

/** The origin local routes see in `request.url`. */
export const LOCAL_BASE = new URL('http://ui-proxy.local/');

interface LocalRoute {
  route: string;
  segments: string[];
  handler: UiProxyHandler;
}

/** Registered local routes; the latest registration of a path wins. */
export class UiProxyBackend {
  #routes: LocalRoute[] = [];

  /**
   * Registers `handler` for `route` (the path the guest passes to `call-route`, without a query;
   * a `:name` segment matches any one segment).
   */
  route(route: string, handler: UiProxyHandler): void {
    if (typeof handler !== 'function') {
      throw new EmulatorError('CONFIG_INVALID', `Failed to register the ui-proxy route ${route}: the handler is not a function. Fix: pass (request) => Response | value.`);
    }
    const segments = route.split('?')[0]?.split('/').filter((s) => s !== '') ?? [];
    const path = `/${segments.join('/')}`;
    this.#routes = [{ route: path, segments, handler }, ...this.#routes.filter((r) => r.route !== path)];
  }

  /** The registered route paths, latest first. */
  routes(): string[] {
    return this.#routes.map((r) => r.route);
  }

  /** The handler for a request path (`/a/b`), exact paths before `:param` patterns. */
  match(segments: readonly string[]): { handler: UiProxyHandler; match: UiProxyMatch } | undefined {
    const exact = this.#routes.find((r) => r.segments.length === segments.length && r.segments.every((s, i) => s === segments[i]));
    const found = exact ?? this.#routes.find((r) => r.segments.length === segments.length && r.segments.every((s, i) => s.startsWith(':') || s === segments[i]));
    if (!found) return undefined;
    const params: Record<string, string> = {};
    found.segments.forEach((s, i) => {
      if (s.startsWith(':')) params[s.slice(1)] = segments[i] as string;
    });
    return { handler: found.handler, match: { route: found.route, params } };
  }

  /** Captures the routes; the returned function puts them back (harness snapshots). */
  capture(): () => void {
    const kept = this.#routes;
    return () => {
      this.#routes = kept;
    };
  }

  /** Drops every route. */
  clear(): void {
    this.#routes = [];
  }
}

/** A handler's answer as a `Response`: bytes and strings as they are, other values as JSON. */
export function toResponse(value: unknown): Response {
  if (value instanceof Response) return value;
  if (value instanceof Uint8Array) return new Response(new Uint8Array(value));
  if (typeof value === 'string') return new Response(value, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return Response.json(value ?? null);
}
