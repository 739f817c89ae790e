// hello-host as an author tests it, with the public harness only: the real Runner, Gateway and
// registry on loopback, outbound HTTP mocked per emulator, and the capability ledger.
import { fileURLToPath } from 'node:url';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type TestEmulator } from '../../../harness/index.ts';
import '../../../harness/matchers.ts';

const HELLO_HOST_DIR = fileURLToPath(new URL('..', import.meta.url));
let emu: TestEmulator;
let ext: InstallResult;

beforeAll(async () => {
  emu = await createEmulator({ env: { EXT_EGRESS_ALLOWLIST: 'status.example.com' } });
  emu.http.use(http.get('https://status.example.com/health', () => HttpResponse.json({ up: true })));
  ext = await emu.install(HELLO_HOST_DIR, { secrets: { token: 'abc' } });
});
afterAll(() => emu.close());

describe('hello-host through the Gateway', () => {
  it('GET /context returns the invocation context and a fresh module state', async () => {
    const res = await emu.invoke(ext, { path: '/context', headers: { 'x-request-id': 'req-h' } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      context: { requestId: 'req-h', tenantId: ext.tenantId, extensionId: ext.registryId, installId: ext.installId, versionId: ext.versionId },
      url: '/context',
      calls: 1,
    });
  });

  it('POST /counter counts across calls with storage revisions', async () => {
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push((await emu.invoke(ext, { method: 'POST', path: '/counter' })).json());
    expect(counts).toEqual([
      { count: 1, revision: '1' },
      { count: 2, revision: '2' },
      { count: 3, revision: '3' },
    ]);
  });

  it('POST /counter/stale gets a CAS conflict', async () => {
    const res = await emu.invoke(ext, { method: 'POST', path: '/counter/stale' });
    expect([res.status, res.json()]).toEqual([409, { error: 'conflict' }]);
    expect(res).toHaveCalledCapability('storage.put', { namespace: 'hello-host', key: 'counter' });
  });

  it('POST /counter without cap:storage.kv fails, and the ledger shows the denied call', async () => {
    const res = await emu.execute({
      context: { tenant_id: ext.tenantId, extension_id: ext.registryId, install_id: ext.installId, content_hash: ext.contentHash },
      http: { method: 'POST', path: '/counter' },
      providers: [],
    });
    expect(res.envelope?.status).toBe(500);
    expect(res.envelope?.error).toMatch(/^execute_failed: /);
    expect(res.hostCalls.map((c) => [c.function, c.outcome, c.error])).toContainEqual(['get', 'err', 'denied']);
  });

  it('GET /secret/:key reads the install\'s sealed secrets, never leaking them into the ledger', async () => {
    const found = await emu.invoke(ext, { path: '/secret/token' });
    expect(found.json()).toEqual({ key: 'token', value: 'abc', keys: ['token'] });
    const missing = await emu.invoke(ext, { path: '/secret/other' });
    expect([missing.status, missing.json()]).toEqual([404, { key: 'other', error: 'missing' }]);
    expect(JSON.stringify(emu.ledger.forRequest(found.requestId))).not.toContain('abc');
  });

  it('GET /fetch calls an allowed third-party API, mocked with msw', async () => {
    const res = await emu.invoke(ext, { path: '/fetch', query: { url: 'https://status.example.com/health' } });
    expect(res.json()).toEqual({ status: 200, body: '{"up":true}' });
    expect(res).toHaveCalledCapability('http.fetch');
    emu.http.assertAllHandled();
  });

  it('GET /fetch to a host outside the allowlist answers not-allowed', async () => {
    const res = await emu.invoke(ext, { path: '/fetch', query: { url: 'https://evil.example.net/x' } });
    expect([res.status, res.json()]).toEqual([502, { error: 'not-allowed' }]);
  });

  it('GET /user returns the calling user', async () => {
    const admin = emu.users().find((u) => u.role === 'msp-admin');
    const res = await emu.invoke(ext, { path: '/user' });
    expect(res.json()).toMatchObject({ user: { tenantId: ext.tenantId, userId: admin?.id, userEmail: 'admin@emulator.test', userName: 'Morgan Admin', userType: 'internal' } });
  });

  it('GET /user answers not-available when the Runner gets no user (a direct execute)', async () => {
    const res = await emu.execute({
      context: { tenant_id: ext.tenantId, extension_id: ext.registryId, install_id: ext.installId, content_hash: ext.contentHash },
      http: { method: 'GET', path: '/user' },
    });
    expect(res.json()).toEqual({ error: 'not-available' });
  });

  it('keeps every call within the manifest\'s grants, except the raw execute without providers', () => {
    expect(emu.leastPrivilege(ext).denied.map((d) => d.capability)).toEqual(['cap:storage.kv']);
  });
});
