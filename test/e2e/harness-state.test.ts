// Seeding and reading state through the public harness (storage, config, secrets, users), and
// per-test isolation with snapshot/restore, against hello-host through the real Gateway.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, SNAPSHOT_API_VERSION, type InstallResult, type Snapshot, type TestEmulator } from '../../harness/index.ts';

describe('harness state: seed and read', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  beforeAll(async () => {
    emu = await createEmulator({ env: { EXT_GATEWAY_RATE_LIMIT: 'off' } });
    ext = await emu.install('hello-host');
  });
  afterAll(async () => {
    await emu.close();
  });

  it('should let a seeded storage value be what the handler reads, and show what it wrote', async () => {
    const store = emu.storage(ext);
    expect(store.get('hello-host', 'counter')).toBeUndefined();
    const seeded = store.put('hello-host', 'counter', '41');
    expect([seeded.revision, seeded.text()]).toEqual([1n, '41']);
    const res = await emu.invoke(ext, { method: 'POST', path: '/counter' });
    expect([res.status, res.json()]).toEqual([200, { count: 42, revision: '2' }]);
    const stored = store.get('hello-host', 'counter');
    expect([stored?.text(), stored?.revision, stored?.json()]).toEqual(['42', 2n, 42]);
    store.put('hello-host', 'other', { a: 1 });
    expect(store.list('hello-host').map((e) => [e.key, e.text()])).toEqual([['counter', '42'], ['other', '{"a":1}']]);
    expect([store.delete('hello-host', 'other'), store.delete('hello-host', 'other')]).toEqual([true, false]);
  });

  it('should refuse seeded values the guest could not store either, with the capability’s answer', () => {
    expect(() => emu.storage(ext).put('hello-host', 'a/b', 'x')).toThrow(expect.objectContaining({ code: 'STORAGE_REFUSED' }));
    emu.storage(ext).put('hello-host', 'number', '7');
    expect(emu.storage(ext).get('hello-host', 'number')?.json()).toBe(7);
    emu.storage(ext).put('hello-host', 'text', 'not json');
    expect(() => emu.storage(ext).get('hello-host', 'text')?.json()).toThrow(expect.objectContaining({ code: 'STORAGE_VALUE_NOT_JSON' }));
  });

  it('should write secrets the guest reads, and list only their names', async () => {
    emu.secrets(ext).set({ api_token: 'seeded' });
    expect(emu.secrets(ext).names()).toEqual(['api_token']);
    const res = await emu.invoke(ext, { path: '/secret/api_token' });
    expect(res.json()).toEqual({ key: 'api_token', value: 'seeded', keys: ['api_token'] });
    emu.secrets(ext).clear();
    expect(emu.secrets(ext).names()).toEqual([]);
    expect((await emu.invoke(ext, { path: '/secret/api_token' })).json()).toEqual({ key: 'api_token', error: 'missing' });
  });

  it('should set config as a versioned string map', () => {
    const before = emu.config(ext).version();
    expect(emu.config(ext).set({ region: 'eu', plan: 'pro' })).toEqual({ region: 'eu', plan: 'pro' });
    expect(emu.config(ext).set({ plan: null })).toEqual({ region: 'eu' });
    expect(emu.config(ext).version()).not.toBe(before);
  });

  it('should add a user the Gateway then authorizes by its permissions', async () => {
    const reader = emu.addUser({ email: 'reader@emulator.test', name: 'Rita Reader', permissions: ['extension:read'] });
    expect(reader).toMatchObject({ tenantId: emu.tenants.default, userType: 'internal', role: 'msp-user', permissions: ['extension:read'] });
    const read = await emu.invoke(ext, { path: '/user', as: reader.id });
    expect(read.status).toBe(200);
    const client = emu.addUser({ email: 'second-client@second.test', tenant: 'second', userType: 'client' });
    expect([client.tenantId, client.userType, client.clientName]).toEqual([emu.tenants.second, 'client', 'Acme Client Co']);
    expect(() => emu.addUser({ email: 'reader@emulator.test' })).toThrow(
      'Failed to add user reader@emulator.test: tenant 00000000-0000-4000-8000-000000000001 already has a user with that email. Pick another email.',
    );
  });

  it('should say when the extension is not installed for the tenant', () => {
    expect(() => emu.storage(ext, { tenant: 'second' })).toThrow(
      `Failed to use the storage of ${ext.registryId}: it is not installed for tenant ${emu.tenants.second}. Install it first: await emu.install(source, { tenant }).`,
    );
  });
});

describe('harness snapshot/restore', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  let clean: Snapshot;
  beforeAll(async () => {
    emu = await createEmulator({ env: { EXT_GATEWAY_RATE_LIMIT: '3/1' } });
    ext = await emu.install('hello-host', { secrets: { api_token: 'tok-1' } });
    clean = await emu.snapshot();
  });
  beforeEach(() => emu.restore(clean));
  afterAll(async () => {
    await emu.close();
  });

  it('should start every test from the snapshot: the counter of one test does not reach the next (1/2)', async () => {
    expect((await emu.invoke(ext, { method: 'POST', path: '/counter' })).json()).toEqual({ count: 1, revision: '1' });
    expect((await emu.invoke(ext, { method: 'POST', path: '/counter' })).json()).toEqual({ count: 2, revision: '2' });
  });

  it('should start every test from the snapshot: the counter of one test does not reach the next (2/2)', async () => {
    expect(emu.storage(ext).get('hello-host', 'counter')).toBeUndefined();
    expect(emu.ledger.entries()).toEqual([]);
    expect(emu.logs()).toEqual([]);
    expect((await emu.invoke(ext, { method: 'POST', path: '/counter' })).json()).toEqual({ count: 1, revision: '1' });
  });

  it('should give back the rate-limit budget a test used up', async () => {
    // '3/1': a burst of 3 tokens; the restore in beforeEach gave this test the full burst.
    for (let i = 0; i < 3; i++) expect((await emu.invoke(ext, { path: '/context' })).status).toBe(200);
    expect((await emu.invoke(ext, { path: '/context' })).status).toBe(429);
    await emu.restore(clean);
    expect((await emu.invoke(ext, { path: '/context' })).status).toBe(200);
  });

  it('should undo installs, config, secrets, users and sessions made after the snapshot', async () => {
    const other = await emu.install('hello-host', { tenant: 'second' });
    emu.config(ext).set({ region: 'us' });
    emu.secrets(ext).set({ extra: 'x' });
    const user = emu.addUser({ email: 'temp@emulator.test', permissions: ['extension:read', 'extension:write'] });
    await emu.restore(clean);
    expect(emu.registry.installOf(other.tenantId, other.registryId)).toBeNull();
    expect([emu.config(ext).get(), emu.secrets(ext).names()]).toEqual([{}, ['api_token']]);
    expect(emu.registry.identity.user(user.id)).toBeNull();
    const res = await emu.invoke(ext, { path: '/secret/api_token' });
    expect(res.json()).toEqual({ key: 'api_token', value: 'tok-1', keys: ['api_token'] });
  });

  it('should nest: restoring an inner snapshot keeps what came before it, restoring the outer drops the inner', async () => {
    await emu.invoke(ext, { method: 'POST', path: '/counter' });
    const inner = await emu.snapshot();
    expect(inner).toEqual({ apiVersion: SNAPSHOT_API_VERSION, id: inner.id });
    await emu.invoke(ext, { method: 'POST', path: '/counter' });
    await emu.restore();
    expect(emu.storage(ext).get('hello-host', 'counter')?.text()).toBe('1');
    expect(emu.ledger.invocations()).toHaveLength(1);
    await emu.restore(clean);
    await expect(emu.restore(inner)).rejects.toMatchObject({ code: 'SNAPSHOT_UNKNOWN' });
  });

  it('should wait for an in-flight call before restoring', async () => {
    const call = emu.invoke(ext, { method: 'POST', path: '/counter' });
    await emu.restore(clean);
    expect((await call).status).toBe(200);
    expect(emu.storage(ext).get('hello-host', 'counter')).toBeUndefined();
  });
});

describe('harness snapshots: two emulators', () => {
  it('should refuse a snapshot of another emulator and refuse both once closed', async () => {
    const a = await createEmulator();
    const b = await createEmulator();
    try {
      await a.snapshot();
      const second = await a.snapshot();
      await expect(b.restore(second)).rejects.toMatchObject({ code: 'SNAPSHOT_UNKNOWN' });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    await expect(a.snapshot()).rejects.toMatchObject({ code: 'EMULATOR_CLOSED' });
    await expect(a.restore()).rejects.toMatchObject({ code: 'EMULATOR_CLOSED' });
  });
});

describe('harness snapshots: faults and the virtual clock', () => {
  it('should bring back planned faults with the calls they had left, and the virtual time', async () => {
    const emu = await createEmulator({ clock: 'virtual', env: { EXT_GATEWAY_RATE_LIMIT: 'off' } });
    try {
      const ext = await emu.install('hello-host');
      const fault = emu.faults.inject({ capability: 'storage.put', error: 'internal', times: 2 });
      const at = emu.clock.now();
      const snap = await emu.snapshot();
      expect((await emu.invoke(ext, { method: 'POST', path: '/counter' })).status).toBe(500);
      emu.faults.inject({ capability: 'http.fetch', error: 'transport' });
      emu.clock.advance(60_000);
      expect(fault.remaining).toBe(1);
      await emu.restore(snap);
      expect([fault.remaining, emu.faults.pending(), emu.clock.now()]).toEqual([2, [fault], at]);
    } finally {
      await emu.close();
    }
  });
});
