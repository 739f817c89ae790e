// hello-host through the real Runner, written only with the public harness: one test per route.
import { fileURLToPath } from 'node:url';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerFixture, executeBody } from '../../../harness/index.ts';

const HELLO_HOST_DIR = fileURLToPath(new URL('..', import.meta.url));
const TENANT = 'tenant-1';

const EXT = '88888888-8888-4888-8888-888888888888';
const ALL = ['cap:storage.kv', 'cap:secrets.get', 'cap:http.fetch'];
const mocks = setupServer(http.get('https://status.example.com/health', () => HttpResponse.json({ up: true })));
let fx: RunnerFixture;
let hash: string;

beforeAll(async () => {
  mocks.listen({ onUnhandledRequest: (req, print) => (new URL(req.url).hostname === '127.0.0.1' ? undefined : print.error()) });
  fx = await RunnerFixture.start({}, {}, { EXT_EGRESS_ALLOWLIST: 'status.example.com' });
  hash = await fx.install(HELLO_HOST_DIR, EXT);
});
afterAll(async () => {
  await fx.close();
  mocks.close();
});

const run = (method: string, path: string, extra = {}) =>
  fx.execute(executeBody(EXT, hash, method, path, { providers: ALL, ...extra }));

describe('hello-host', () => {
  it('GET /context returns the invocation context and a fresh module state', async () => {
    const res = await run('GET', '/context', { context: { tenant_id: TENANT, extension_id: EXT, content_hash: hash, install_id: 'inst-h', request_id: 'req-h' } });
    expect(res.json()).toEqual({
      context: { requestId: 'req-h', tenantId: TENANT, extensionId: EXT, installId: 'inst-h' },
      url: '/context',
      calls: 1,
    });
  });

  it('POST /counter counts across calls with storage revisions', async () => {
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push((await run('POST', '/counter')).json());
    expect(counts).toEqual([
      { count: 1, revision: '1' },
      { count: 2, revision: '2' },
      { count: 3, revision: '3' },
    ]);
  });

  it('POST /counter/stale gets a CAS conflict', async () => {
    const res = await run('POST', '/counter/stale');
    expect(res.envelope.status).toBe(409);
    expect(res.json()).toEqual({ error: 'conflict' });
  });

  it('POST /counter is refused storage without cap:storage.kv', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'POST', '/counter', { providers: [] }));
    expect(res.envelope.status).toBe(500);
    expect(res.envelope.error).toMatch(/^execute_failed: /);
  });

  it('GET /secret/:key reads a secret from the envelope', async () => {
    const secret_envelope = { ciphertext_b64: Buffer.from(JSON.stringify({ token: 'abc' })).toString('base64'), algorithm: 'inline/base64' };
    expect((await run('GET', '/secret/token', { secret_envelope })).json()).toEqual({ key: 'token', value: 'abc', keys: ['token'] });
    expect((await run('GET', '/secret/other', { secret_envelope })).json()).toEqual({ key: 'other', error: 'missing' });
  });

  it('GET /fetch calls an allowed third-party API (mocked)', async () => {
    const res = await run('GET', '/fetch', { http: { method: 'GET', path: '/fetch', query: { url: 'https://status.example.com/health' } } });
    expect(res.json()).toEqual({ status: 200, body: '{"up":true}' });
  });

  it('GET /fetch to a host outside the allowlist answers not-allowed', async () => {
    const res = await run('GET', '/fetch', { http: { method: 'GET', path: '/fetch', query: { url: 'https://evil.example.net/x' } } });
    expect(res.envelope.status).toBe(502);
    expect(res.json()).toEqual({ error: 'not-allowed' });
  });

  it('GET /user returns the calling user, or not-available without one', async () => {
    const user = { user_id: 'u1', user_email: 'u1@example.com', user_name: 'U One', user_type: 'client', client_name: 'Client Co' };
    expect((await run('GET', '/user', { user })).json()).toEqual({
      user: { tenantId: TENANT, clientName: 'Client Co', userId: 'u1', userEmail: 'u1@example.com', userName: 'U One', userType: 'client', additionalFields: [] },
    });
    expect((await run('GET', '/user')).json()).toEqual({ error: 'not-available' });
  });
});
