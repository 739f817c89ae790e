import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import { WitError, type InvocationScope } from '../../contracts/invocation.ts';
import { uiProxyCapability, type UiProxyDeps } from './index.ts';
import { UiProxyBackend } from './local-backend.ts';
import { loadRoutesFile } from './routes-file.ts';
import { FAKE_USER, fakeScope, thrown } from '../test-support.ts';

const makeScope = (overrides: Partial<InvocationScope> = {}): InvocationScope =>
  fakeScope({ grants: new Set(['cap:ui.proxy']), ...overrides });

const settings = (env: Record<string, string>) => uiProxyCapability.settings?.parse(env);

function host(deps: Partial<UiProxyDeps> = {}) {
  const full: UiProxyDeps = { baseUrl: undefined, timeoutMs: 5000, backend: new UiProxyBackend(), fetch: () => Promise.reject(new Error('no network in this test')), ...deps };
  const fn = guardedFunctions(uiProxyCapability, full).callRoute;
  if (!fn) throw new Error('ui-proxy has no callRoute');
  return { deps: full, call: (scope: InvocationScope, route: string, payload?: Uint8Array) => fn(scope, [route, payload]) };
}

async function rejected(call: unknown): Promise<WitError> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(WitError);
    return err as WitError;
  }
  throw new Error('expected a WitError, the call answered');
}

const text = (bytes: unknown) => new TextDecoder().decode(bytes as Uint8Array);

describe('uiProxyCapability.callRoute: grant and route validation', () => {
  it('answers denied without cap:ui.proxy', () => {
    const err = thrown(() => host().call(makeScope({ grants: new Set(['cap:context.read']) }), '/items'));
    expect([err.payload, err.message]).toEqual(['denied', 'denied: cap:ui.proxy not granted']);
  });

  it.each(['', '   '])('answers bad-request for the empty route %j', (route) => {
    const err = thrown(() => host().call(makeScope(), route));
    expect([err.payload, err.message]).toEqual(['bad-request', 'bad-request: empty route']);
  });

  it.each(['/a/../b', '..', '/a/./b', './b', 'a/..', '/a/..?x=1'])('answers bad-request for the dot-segment route %j', (route) => {
    expect(thrown(() => host().call(makeScope(), route)).message).toBe('bad-request: dot segment');
  });
});

describe('uiProxyCapability.callRoute: the local backend (UI_PROXY_BASE_URL unset)', () => {
  it('answers route-not-found for an unregistered route and tells the author how to register it', async () => {
    const warnings: string[] = [];
    const err = await rejected(host().call(makeScope({ emit: (_level, message) => void warnings.push(message) }), 'api/tickets?x=1'));
    expect([err.payload, err.message]).toEqual(['route-not-found', 'route-not-found: no local ui-proxy route for /api/tickets']);
    expect(warnings).toEqual([
      `ui-proxy.call-route /api/tickets: no local route answers it (UI_PROXY_BASE_URL is unset, so the emulator's local backend does). Fix: register it in a test with emu.uiProxy.route('/api/tickets', (request) => Response.json(...)), add "/api/tickets" to the UI_PROXY_ROUTES_FILE JSON file, or set UI_PROXY_BASE_URL to a real host app.`,
    ]);
  });

  it('hands the handler the request production would send and answers its JSON as bytes', async () => {
    const { deps, call } = host();
    const seen: unknown[] = [];
    deps.backend.route('/api/tickets/:id', async (request, match) => {
      seen.push([request.method, request.url, [...(request.headers as unknown as Iterable<[string, string]>)], await request.text(), match]);
      return { id: match.params.id };
    });
    const scope = makeScope({ user: FAKE_USER, secrets: { api_key: 'k-1' } });
    expect(text(await call(scope, '/api/tickets/T-9?full=1', new TextEncoder().encode('{"a":1}')))).toBe('{"id":"T-9"}');
    expect(seen).toEqual([[
      'POST',
      'http://ui-proxy.local/api/tickets/T-9?full=1',
      [['content-type', 'application/json'], ['x-alga-extension', 'ext-1'], ['x-alga-tenant', 'tenant-a'], ['x-api-key', 'k-1'], ['x-ext-install-id', 'install-1'], ['x-ext-version-id', 'v1'], ['x-request-id', 'req-1'], ['x-user-email', 'ada@example.com'], ['x-user-id', 'user-1']],
      '{"a":1}',
      { route: '/api/tickets/:id', params: { id: 'T-9' } },
    ]]);
  });

  it('prefers an exact route to a pattern, the latest registration of a path wins, and other routes sit under the extension id', async () => {
    const { deps, call } = host();
    deps.backend.route('/items/:id', () => 'pattern');
    deps.backend.route('/items/new', () => 'first');
    deps.backend.route('items/new/', (request) => `latest ${request.method} ${request.url}`);
    expect(text(await call(makeScope({ requestId: undefined }), '/items/new'))).toBe('latest GET http://ui-proxy.local/ext-1/items/new');
    expect(text(await call(makeScope(), '/items/7'))).toBe('pattern');
    expect(deps.backend.routes()).toEqual(['/items/new', '/items/:id']);
  });

  it.each([
    [401, 'denied'], [403, 'denied'], [429, 'denied'], [404, 'route-not-found'], [400, 'bad-request'], [418, 'bad-request'], [500, 'internal'], [503, 'internal'], [304, 'internal'],
  ])('maps a %i answer to %s', async (status, payload) => {
    const { deps, call } = host();
    deps.backend.route('/x', () => new Response(null, { status }));
    const err = await rejected(call(makeScope(), '/x'));
    expect([err.payload, err.message]).toEqual([payload, `${payload}: local route /x answered ${status}`]);
  });

  it('answers internal when the handler throws or outlives UI_PROXY_TIMEOUT_MS', async () => {
    const { deps, call } = host({ timeoutMs: 30 });
    deps.backend.route('/boom', () => {
      throw new Error('db down');
    });
    deps.backend.route('/slow', () => new Promise((resolve) => setTimeout(() => resolve('late'), 300)));
    const errors: string[] = [];
    const boom = await rejected(call(makeScope({ emit: (_l, m) => void errors.push(m) }), '/boom'));
    expect([boom.payload, boom.message, errors]).toEqual(['internal', 'internal: local route /boom threw: db down', ['ui-proxy local route /boom threw: db down']]);
    expect((await rejected(call(makeScope(), '/slow'))).message).toBe('internal: local route /slow did not answer within UI_PROXY_TIMEOUT_MS (30 ms)');
  });

  it('keeps routes per backend and puts captured routes back', async () => {
    const a = new UiProxyBackend();
    const b = new UiProxyBackend();
    a.route('/one', () => 1);
    const back = a.capture();
    a.route('/two', () => 2);
    expect([a.routes(), b.routes()]).toEqual([['/two', '/one'], []]);
    back();
    expect(a.routes()).toEqual(['/one']);
  });
});

describe('ui-proxy settings and routes file', () => {
  it('defaults to the local backend and 5000 ms, and refuses a bad base URL or timeout', () => {
    expect(settings({})).toEqual({ baseUrl: undefined, timeoutMs: 5000, routesFile: undefined });
    expect(settings({ UI_PROXY_BASE_URL: 'http://127.0.0.1:3000/base', UI_PROXY_TIMEOUT_MS: '250' })?.baseUrl?.href).toBe('http://127.0.0.1:3000/base');
    expect(() => settings({ UI_PROXY_BASE_URL: 'localhost:3000' })).toThrow('UI_PROXY_BASE_URL must be an absolute http(s) URL, got "localhost:3000". Fix it, or unset it to use the local ui-proxy backend.');
    expect(() => settings({ UI_PROXY_TIMEOUT_MS: '0' })).toThrow('UI_PROXY_TIMEOUT_MS must be an integer >= 1, got "0". Fix or unset it.');
  });

  it('serves the canned answers of UI_PROXY_ROUTES_FILE and names the entry at fault', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-proxy-routes-'));
    const file = join(dir, 'routes.json');
    writeFileSync(file, JSON.stringify({ '/api/tickets': { json: [{ id: 'T-1' }] }, '/gone': { status: 404 }, '/csv': { body: 'a,b', headers: { 'content-type': 'text/csv' } } }));
    const { deps, call } = host();
    loadRoutesFile(file, deps.backend);
    expect(text(await call(makeScope(), '/api/tickets'))).toBe('[{"id":"T-1"}]');
    expect(text(await call(makeScope(), '/csv'))).toBe('a,b');
    expect((await rejected(call(makeScope(), '/gone'))).payload).toBe('route-not-found');
    writeFileSync(file, JSON.stringify({ '/x': { status: 99 } }));
    expect(() => loadRoutesFile(file, new UiProxyBackend())).toThrow(
      `Failed to load UI_PROXY_ROUTES_FILE ${file}: the status of "/x" must be an integer from 200 to 599, got 99. Fix the file (see "ui-proxy local routes" in emulator/README.md) or unset UI_PROXY_ROUTES_FILE.`,
    );
  });
});
