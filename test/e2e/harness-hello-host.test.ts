// createEmulator with real components: hello-host through both Gateway routes, the envelope and
// host calls of each call, install-time secrets and grants, two emulators side by side, and close.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type HostCallRecord, type InstallResult, type TestEmulator } from '../../harness/index.ts';
import { TEST_GUEST_DIR } from '../../harness/runner-fixture.ts';

const calls = (records: HostCallRecord[]) => records.map((c) => [c.interface, c.function, c.outcome, c.error]);
const LOG = ['alga:extension/logging', 'logInfo', 'ok', undefined];

describe('createEmulator + hello-host', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  beforeAll(async () => {
    emu = await createEmulator();
    ext = await emu.install('hello-host', { config: { region: 'eu' }, secrets: { api_token: 'tok-1' } });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('should count through ext and ext-proxy and return the envelope and host calls of each call', async () => {
    const direct = await emu.invoke(ext, { method: 'POST', path: '/counter' });
    expect([direct.status, direct.text, direct.headers['content-type']]).toEqual([200, '{"count":1,"revision":"1"}', 'application/json']);
    expect(direct.envelope).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body_b64: Buffer.from('{"count":1,"revision":"1"}').toString('base64'), error: null });
    expect(calls(direct.hostCalls)).toEqual([LOG, ['alga:extension/storage', 'get', 'err', 'missing'], ['alga:extension/storage', 'put', 'ok', undefined]]);

    const proxied = await emu.invoke(ext.slug, { method: 'POST', path: '/counter', route: 'ext-proxy', headers: { 'x-request-id': 'proxy-1' } });
    expect([proxied.status, proxied.json(), proxied.requestId]).toEqual([200, { count: 2, revision: '2' }, 'proxy-1']);
    expect(calls(proxied.hostCalls)).toEqual([LOG, ['alga:extension/storage', 'get', 'ok', undefined], ['alga:extension/storage', 'put', 'ok', undefined]]);
  });

  it('should refuse an MSP user without extension:write and a client-portal user, with nothing run', async () => {
    const before = emu.registry.executionLog({ tenantId: ext.tenantId }).length;
    const msp = await emu.invoke(ext, { method: 'POST', path: '/counter', as: 'msp-user' });
    expect([msp.status, msp.text, msp.envelope, msp.hostCalls]).toEqual([403, '{"error":"forbidden"}', undefined, []]);
    const client = await emu.invoke(ext, { path: '/context', as: 'client' });
    expect([client.status, client.json(), client.envelope, client.hostCalls]).toEqual([403, { error: 'forbidden' }, undefined, []]);
    expect(emu.registry.executionLog({ tenantId: ext.tenantId })).toHaveLength(before);
  });

  it('should give the guest the secrets set at install, and keep the config set at install', async () => {
    const secret = await emu.invoke(ext, { path: '/secret/api_token' });
    expect([secret.status, secret.json()]).toEqual([200, { key: 'api_token', value: 'tok-1', keys: ['api_token'] }]);
    expect(calls(secret.hostCalls)).toEqual([LOG, ['alga:extension/secrets', 'get', 'ok', undefined], ['alga:extension/secrets', 'listKeys', 'ok', undefined]]);
    const missing = await emu.invoke(ext, { path: '/secret/other' });
    expect([missing.status, missing.json()]).toEqual([404, { key: 'other', error: 'missing' }]);
    expect(emu.registry.getConfig(ext.tenantId, ext.registryId).config).toEqual({ region: 'eu' });
  });

  it('should give the guest the invocation context of the call', async () => {
    const res = await emu.invoke(ext, { path: '/context', query: { x: '1' } });
    expect(res.json()).toEqual({
      context: { requestId: res.requestId, tenantId: ext.tenantId, extensionId: ext.registryId, installId: ext.installId, versionId: ext.versionId },
      url: '/context?x=1',
      calls: 1,
    });
  });

  it('should match each of several concurrent calls with its own envelope', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => emu.invoke(ext, { method: 'POST', path: '/counter' })));
    for (const res of results) {
      expect(res.envelope?.body_b64).toBe(res.body.toString('base64'));
      // Two workers run calls at once, so a call may lose the compare-and-swap to another and
      // retry: logInfo, then get + put until a put succeeds, every earlier put refused as a conflict.
      const [first, ...tries] = res.hostCalls;
      expect(first?.function).toBe('logInfo');
      const rounds = tries.length / 2;
      expect(tries.map((c) => c.function)).toEqual(Array.from({ length: rounds }, () => ['get', 'put']).flat());
      expect(tries.filter((c) => c.function === 'put').map((c) => [c.outcome, c.error])).toEqual([
        ...Array.from({ length: rounds - 1 }, () => ['err', 'conflict']),
        ['ok', undefined],
      ]);
    }
    expect(results.map((r) => r.json<{ count: number }>().count).sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('should run an execute body straight at the Runner with its host calls', async () => {
    const context = { tenant_id: ext.tenantId, extension_id: ext.registryId, install_id: ext.installId, content_hash: ext.contentHash, request_id: 'exec-1' };
    const granted = await emu.execute({ context, http: { method: 'GET', path: '/context' }, providers: ['cap:context.read', 'cap:log.emit'] });
    expect([granted.status, granted.envelope?.status, granted.requestId]).toEqual([200, 200, 'exec-1']);
    expect(granted.json()).toEqual({ context: { requestId: 'exec-1', tenantId: ext.tenantId, extensionId: ext.registryId, installId: ext.installId }, url: '/context', calls: 1 });
    expect(calls(granted.hostCalls)).toEqual([LOG, ['alga:extension/context', 'getContext', 'ok', undefined]]);
  });
});

describe('createEmulator: grants per tenant', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await createEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  it('should let only the tenant granted cap:storage.kv at install reach storage', async () => {
    const plain = await emu.install(TEST_GUEST_DIR);
    const granted = await emu.install(TEST_GUEST_DIR, { tenant: 'second', grants: ['cap:storage.kv'] });
    expect([granted.registryId, granted.contentHash]).toEqual([plain.registryId, plain.contentHash]);
    const probe = { iface: 'storage', fn: 'get', args: ['ns', 'k'] };
    const denied = await emu.invoke(plain, { method: 'POST', path: '/probe', json: probe });
    expect([denied.status, denied.json()]).toEqual([200, { err: 'denied' }]);
    expect(calls(denied.hostCalls)).toEqual([['alga:extension/storage', 'get', 'err', 'denied']]);
    const allowed = await emu.invoke(granted, { method: 'POST', path: '/probe', json: probe });
    expect([allowed.status, allowed.json()]).toEqual([200, { err: 'missing' }]);
  });
});

describe('createEmulator: isolation and close', () => {
  it('should keep two emulators in one process apart: a counter in one does not move in the other', async () => {
    const [a, b] = await Promise.all([createEmulator(), createEmulator()]);
    try {
      const [inA, inB] = await Promise.all([a.install('hello-host'), b.install('hello-host')]);
      await a.invoke(inA, { method: 'POST', path: '/counter' });
      const second = await a.invoke(inA, { method: 'POST', path: '/counter' });
      const other = await b.invoke(inB, { method: 'POST', path: '/counter' });
      expect([second.json(), other.json()]).toEqual([{ count: 2, revision: '2' }, { count: 1, revision: '1' }]);
      expect(calls(other.hostCalls)).toEqual([LOG, ['alga:extension/storage', 'get', 'err', 'missing'], ['alga:extension/storage', 'put', 'ok', undefined]]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    expect([existsSync(a.dataDir), existsSync(b.dataDir)]).toEqual([false, false]);
  });

  it('should wait for an in-flight invoke before closing', async () => {
    const emu = await createEmulator();
    const ext = await emu.install('hello-host');
    const order: string[] = [];
    const call = emu.invoke(ext, { method: 'POST', path: '/counter' }).then((res) => {
      order.push(`invoke ${res.status} ${res.text}`);
    });
    const closed = emu.close().then(() => order.push('closed'));
    await Promise.all([call, closed, emu.close()]);
    expect(order).toEqual(['invoke 200 {"count":1,"revision":"1"}', 'closed']);
    expect(existsSync(emu.dataDir)).toBe(false);
  });
});
