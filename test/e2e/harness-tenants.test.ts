// One bundle installed for two tenants with different grants and secrets: neither tenant's calls
// reach the other's storage, secrets or logs (harness recipe "multi-tenant isolation").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type TestEmulator } from '../../harness/index.ts';

describe('multi-tenant isolation through the harness', () => {
  let emu: TestEmulator;
  let a: InstallResult;
  let b: InstallResult;
  beforeAll(async () => {
    emu = await createEmulator({ env: { EXT_GATEWAY_RATE_LIMIT: 'off' } });
    a = await emu.install('hello-host', { secrets: { api_token: 'token-of-a' } });
    b = await emu.install('hello-host', { tenant: 'second', secrets: { api_token: 'token-of-b', only_b: 'x' }, grants: ['cap:scheduler.manage'] });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('should run the same bundle as two installs with their own grants', () => {
    expect([a.registryId, a.contentHash]).toEqual([b.registryId, b.contentHash]);
    expect(a.installId).not.toBe(b.installId);
    const helloHost = ['cap:context.read', 'cap:log.emit', 'cap:storage.kv', 'cap:secrets.get', 'cap:http.fetch', 'cap:user.read'];
    expect(emu.registry.getConfig(a.tenantId, a.registryId).providers).toEqual(helloHost);
    expect(emu.registry.getConfig(b.tenantId, b.registryId).providers).toEqual([...helloHost, 'cap:scheduler.manage']);
  });

  it('should keep each tenant’s storage to itself', async () => {
    await emu.invoke(a, { method: 'POST', path: '/counter' });
    await emu.invoke(a, { method: 'POST', path: '/counter' });
    const first = await emu.invoke(b, { method: 'POST', path: '/counter' });
    expect(first.json()).toEqual({ count: 1, revision: '1' });
    expect([emu.storage(a).get('hello-host', 'counter')?.text(), emu.storage(b).get('hello-host', 'counter')?.text()]).toEqual(['2', '1']);
  });

  it('should give each tenant’s guest only its own secrets', async () => {
    const ofA = await emu.invoke(a, { path: '/secret/api_token' });
    const ofB = await emu.invoke(b, { path: '/secret/api_token' });
    expect([ofA.json(), ofB.json()]).toEqual([
      { key: 'api_token', value: 'token-of-a', keys: ['api_token'] },
      { key: 'api_token', value: 'token-of-b', keys: ['api_token', 'only_b'] },
    ]);
    expect((await emu.invoke(a, { path: '/secret/only_b' })).json()).toEqual({ key: 'only_b', error: 'missing' });
  });

  it('should answer a tenant’s user for its own tenant only, whichever install it names', async () => {
    const adminOfA = emu.users('default').find((u) => u.role === 'msp-admin');
    // The Gateway takes the tenant from the session: A's admin naming the shared registry id runs A's install.
    const res = await fetch(`${emu.urls.main}/api/ext/${b.registryId}/secret/api_token`, { headers: { authorization: `Bearer ${emu.devToken('admin', 'default')}` } });
    expect([res.status, await res.json()]).toEqual([200, { key: 'api_token', value: 'token-of-a', keys: ['api_token'] }]);
    expect(() => emu.devToken(adminOfA?.id ?? '', 'second')).toThrow(expect.objectContaining({ code: 'TENANT_MISMATCH' }));
  });

  it('should keep each tenant’s logs and ledger apart', async () => {
    const ofA = await emu.invoke(a, { path: '/context' });
    const ofB = await emu.invoke(b, { path: '/context' });
    const logsOfB = emu.logs({ tenantId: b.tenantId });
    expect(logsOfB.filter((e) => e.request_id === ofB.requestId).map((e) => [e.tenant_id, e.level, e.message])).toEqual([[b.tenantId, 'info', 'GET /context']]);
    expect(logsOfB.every((e) => e.tenant_id === b.tenantId)).toBe(true);
    expect(logsOfB.map((e) => e.request_id)).not.toContain(ofA.requestId);
    expect(emu.logs({ tenantId: a.tenantId }).map((e) => e.request_id)).not.toContain(ofB.requestId);
    expect(emu.ledger.invocations().filter((i) => i.tenantId === b.tenantId).map((i) => i.requestId)).not.toContain(ofA.requestId);
    const grantsOfA = ['cap:context.read', 'cap:log.emit', 'cap:user.read', 'cap:storage.kv', 'cap:secrets.get', 'cap:http.fetch'];
    expect(emu.ledger.grantsFor(ofB.requestId)).toEqual([...grantsOfA, 'cap:scheduler.manage']);
    expect(emu.ledger.grantsFor(ofA.requestId)).toEqual(grantsOfA);
  });
});
