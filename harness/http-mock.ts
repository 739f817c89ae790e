import { getResponse, type RequestHandler } from 'msw';
import { EmulatorError } from '../emulator/index.ts';
import { describeError } from '../emulator/internals.ts';

/**
 * What happens to a guest's outbound request that no handler answers: `'error'` (default) answers
 * the guest a `transport` error and records the request so the test fails; `'bypass'` sends it to
 * the network (the global fetch, looked up per call).
 */
export type OnUnhandledRequest = 'error' | 'bypass';

/** `createEmulator({ http })`: the outbound HTTP mock of one emulator. */
export interface HttpMockOptions {
  /** Default `'error'`: a forgotten mock fails the test instead of reaching the network. */
  onUnhandled?: OnUnhandledRequest;
  /** Handlers in place from the start; `resetHandlers()` comes back to these. */
  handlers?: readonly RequestHandler[];
}

/**
 * The outbound HTTP of one emulator's guests (`http.fetch`), answered by msw handlers. The egress
 * allowlist is checked before: a request to a host outside `EXT_EGRESS_ALLOWLIST` is `not-allowed`
 * and never reaches a handler. Each emulator has its own handlers; nothing is process-global, so
 * the test's own `setupServer` (if any) never sees these requests.
 *
 * @example
 * import { HttpResponse, http } from 'msw';
 * emu.http.use(http.get('https://status.example.com/health', () => HttpResponse.json({ up: true })));
 * await emu.invoke(ext, { path: '/fetch', query: { url: 'https://status.example.com/health' } });
 * emu.http.assertAllHandled();
 */
export interface HttpMock {
  /** Adds handlers in front of the current ones (they win), like msw's `server.use`. */
  use(...handlers: RequestHandler[]): void;
  /** Drops handlers added with `use`; with arguments, replaces every handler with those. */
  resetHandlers(...next: RequestHandler[]): void;
  /** The current handlers, first match wins. */
  listHandlers(): readonly RequestHandler[];
  /** The requests no handler answered since the last `assertAllHandled()` (clones; bodies readable). */
  unhandled(): Request[];
  /**
   * Throws HTTP_UNHANDLED_REQUEST listing each unhandled `METHOD url`, then forgets them (they are
   * reported once). `emu.close()` calls it, so a forgotten mock cannot pass silently.
   */
  assertAllHandled(): void;
}

/**
 * The `HttpMock` behind `emu.http`, plus the `fetch` the emulator's Runner is given.
 *
 * @example
 * const mock = new HttpMockRouter({ onUnhandled: 'error' });
 * const platform = await startEmulator({ fetch: mock.fetch });
 */
export class HttpMockRouter implements HttpMock {
  readonly #onUnhandled: OnUnhandledRequest;
  readonly #initial: readonly RequestHandler[];
  #handlers: RequestHandler[];
  #unhandled: Request[] = [];

  constructor(options: HttpMockOptions = {}) {
    const onUnhandled = options.onUnhandled ?? 'error';
    if (onUnhandled !== 'error' && onUnhandled !== 'bypass') {
      throw new EmulatorError('CONFIG_INVALID', `Failed to create the emulator: http.onUnhandled must be 'error' or 'bypass', got ${JSON.stringify(onUnhandled)}. Fix: pass http: { onUnhandled: 'error' } (the default) or 'bypass'.`);
    }
    this.#onUnhandled = onUnhandled;
    this.#initial = [...(options.handlers ?? [])];
    this.#handlers = [...this.#initial];
  }

  use(...handlers: RequestHandler[]): void {
    this.#handlers = [...handlers, ...this.#handlers];
  }

  resetHandlers(...next: RequestHandler[]): void {
    this.#handlers = next.length > 0 ? [...next] : [...this.#initial];
  }

  /** A snapshot part: restoring puts back the handlers in use at the capture. */
  capture(): () => void {
    const handlers = [...this.#handlers];
    return () => {
      this.#handlers = [...handlers];
    };
  }

  listHandlers(): readonly RequestHandler[] {
    return [...this.#handlers];
  }

  unhandled(): Request[] {
    return this.#unhandled.map((request) => request.clone());
  }

  assertAllHandled(): void {
    const left = this.#unhandled;
    if (left.length === 0) return;
    this.#unhandled = [];
    throw unhandledError(left);
  }

  /**
   * The outbound fetch for the Runner: the first handler that answers wins; `passthrough()` and
   * `'bypass'` go to the global fetch; `HttpResponse.error()`, a throwing handler and (with
   * `'error'`) no handler reject, which `http.fetch` gives the guest as `transport`.
   */
  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const kept = request.clone();
    let response: Response | undefined;
    try {
      response = await getResponse(this.#handlers, request);
    } catch (err) {
      throw new Error(`msw handler for ${describe(kept)} threw: ${describeError(err)}`, { cause: err });
    }
    if (response === undefined) {
      if (this.#onUnhandled === 'bypass') return globalThis.fetch(kept);
      this.#unhandled.push(kept);
      throw new Error(`no handler for ${describe(kept)} (emu.http onUnhandled: 'error')`);
    }
    if (isPassthrough(response)) return globalThis.fetch(kept);
    if (response.type === 'error') throw new TypeError(`msw handler answered ${describe(kept)} with a network error`);
    return response;
  };
}

/**
 * The one formula for unhandled requests.
 * @example unhandledError([new Request('https://x.test/a')]).message // 'Unhandled outbound request from an extension: GET https://x.test/a. Add …'
 */
export function unhandledError(requests: readonly Request[]): EmulatorError {
  const many = requests.length > 1;
  return new EmulatorError(
    'HTTP_UNHANDLED_REQUEST',
    `Unhandled outbound request${many ? 's' : ''} from an extension: ${requests.map(describe).join(', ')}. ` +
      `Add ${many ? 'handlers' : 'a handler'} with emu.http.use(...) or allow ${many ? 'them' : 'it'} with { http: { onUnhandled: 'bypass' } }.`,
  );
}

function describe(request: Request): string {
  return `${request.method} ${request.url}`;
}

/** msw's `passthrough()` answer (a 302 marked with `x-msw-intention: passthrough`). */
function isPassthrough(response: Response): boolean {
  return response.status === 302 && response.headers.get('x-msw-intention') === 'passthrough';
}
