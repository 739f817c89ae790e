// ui-proxy with UI_PROXY_BASE_URL set: production's URL building, headers, timeout and status
// mapping, against a real HTTP server on loopback.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import { WitError, type InvocationScope } from '../../contracts/invocation.ts';
import { uiProxyCapability } from './index.ts';
import { UiProxyBackend } from './local-backend.ts';
import { FAKE_USER, fakeScope } from '../test-support.ts';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: Record<string, string>;
  body: string;
}

let server: Server;
let origin: string;
const seen: Seen[] = [];

function forwarded(req: IncomingMessage): Record<string, string> {
  // Only what the Runner chooses; Node's fetch adds its own transport headers (accept, user-agent, …).
  return Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith('x-') || name === 'content-type') as [string, string][]);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: forwarded(req), body: Buffer.concat(chunks).toString() });
      const status = /\/status\/(\d+)/.exec(req.url ?? '')?.[1];
      if (req.url?.includes('/slow')) return void setTimeout(() => res.end('late'), 500);
      res.statusCode = status ? Number(status) : 200;
      res.end(`answer to ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function callRoute(base: string, scope: InvocationScope, route: string, payload?: Uint8Array, timeoutMs = 5000): Promise<unknown> {
  const deps = { baseUrl: new URL(base), timeoutMs, backend: new UiProxyBackend(), fetch: (input: URL | RequestInfo, init?: RequestInit) => globalThis.fetch(input, init) };
  return Promise.resolve(guardedFunctions(uiProxyCapability, deps).callRoute?.(scope, [route, payload]));
}

async function failure(call: Promise<unknown>): Promise<WitError> {
  const err: unknown = await call.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WitError);
  return err as WitError;
}

const scope = (overrides: Partial<InvocationScope> = {}) => fakeScope({ grants: new Set(['cap:ui.proxy']), ...overrides });
const lastSeen = () => seen[seen.length - 1];

describe('ui-proxy forwarding to UI_PROXY_BASE_URL', () => {
  it.each([
    ['/ui-proxy', '/items/7?x=1&y=a b', '/ui-proxy/ext-1/items/7?x=1&y=a%20b'],
    ['/ui-proxy/?ignored=1', '/api/tickets', '/ui-proxy/api/tickets'],
    ['/', 'api/tickets//open/', '/api/tickets/open'],
    ['/', 'a b/é/%2e%2e/x#y', '/ext-1/a%20b/%C3%A9/%252e%252e/x%23y'],
    ['/', '/items?', '/ext-1/items'],
    ['/', '?only=query', '/ext-1?only=query'],
  ])('base %s + route %s → %s', async (basePath, route, expected) => {
    await callRoute(`${origin}${basePath}`, scope(), route);
    expect(lastSeen()?.url).toBe(expected);
  });

  it('sends GET with the context headers, and the body of a 2xx back as bytes', async () => {
    const answer = await callRoute(origin, scope({ requestId: undefined, installId: undefined, versionId: undefined }), '/api/x');
    expect(new TextDecoder().decode(answer as Uint8Array)).toBe('answer to /api/x');
    expect(lastSeen()).toEqual({ method: 'GET', url: '/api/x', body: '', headers: { 'x-request-id': 'ui-proxy-call', 'x-alga-tenant': 'tenant-a', 'x-alga-extension': 'ext-1' } });
  });

  it('sends POST with content-type application/json, the API key secret and the user when a payload is given', async () => {
    await callRoute(origin, scope({ user: FAKE_USER, secrets: { api_key: 'secret-key', other: 'x' } }), '/api/tickets', new TextEncoder().encode('{"title":"t"}'));
    expect(lastSeen()).toEqual({
      method: 'POST',
      url: '/api/tickets',
      body: '{"title":"t"}',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'req-1',
        'x-alga-tenant': 'tenant-a',
        'x-alga-extension': 'ext-1',
        'x-ext-install-id': 'install-1',
        'x-ext-version-id': 'v1',
        'x-api-key': 'secret-key',
        'x-user-id': 'user-1',
        'x-user-email': 'ada@example.com',
      },
    });
  });

  it.each([
    [401, 'denied'], [403, 'denied'], [429, 'denied'], [404, 'route-not-found'], [400, 'bad-request'], [422, 'bad-request'], [500, 'internal'], [502, 'internal'],
  ])('maps %i to %s', async (status, payload) => {
    const err = await failure(callRoute(origin, scope(), `/api/status/${status}`));
    expect([err.payload, err.message]).toEqual([payload, `${payload}: GET ${origin}/api/status/${status} answered ${status}`]);
  });

  it('answers internal past UI_PROXY_TIMEOUT_MS and when the server cannot be reached', async () => {
    const started = performance.now();
    const slow = await failure(callRoute(origin, scope(), '/api/slow', undefined, 50));
    expect(slow.payload).toBe('internal');
    expect(performance.now() - started).toBeLessThan(450);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await failure(callRoute(`http://127.0.0.1:${port}`, scope(), '/api/x'));
    expect([unreachable.payload, unreachable.message]).toEqual(['internal', `internal: GET http://127.0.0.1:${port}/api/x failed: fetch failed`]);
  });
});
