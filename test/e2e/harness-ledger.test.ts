// The capability ledger through createEmulator with hello-host: arguments and results of real
// host calls, secret redaction, the matchers, and the least-privilege report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, formatLeastPrivilege, type InstallResult, type TestEmulator } from '../../harness/index.ts';
import '../../harness/matchers.ts';

const SECRET = 'tok-ledger-secret-1';

describe('capability ledger + hello-host', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  beforeAll(async () => {
    emu = await createEmulator();
    ext = await emu.install('hello-host', { secrets: { api_token: SECRET } });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('should record the arguments, results and request id of POST /counter and match them', async () => {
    emu.ledger.clear();
    const res = await emu.invoke(ext, { method: 'POST', path: '/counter' });
    expect(res.status).toBe(200);
    expect(res).toHaveCalledCapability('storage.put', { namespace: 'hello-host', key: 'counter' });
    expect(res).not.toHaveCalledCapability('http.fetch');
    expect(emu.ledger).toStayWithinGrants();
    expect(emu.ledger.forRequest(res.requestId).map((c) => [c.function, c.requestId, c.args, c.outcome === 'ok' ? c.result : c.error])).toEqual([
      ['logInfo', res.requestId, ['POST /counter'], null],
      ['get', res.requestId, ['hello-host', 'counter'], 'missing'],
      ['put', res.requestId, [{ namespace: 'hello-host', key: 'counter', value: { bytes: 1, utf8: '1' } }], { namespace: 'hello-host', key: 'counter', value: { bytes: 1, utf8: '1' }, revision: '1' }],
    ]);
    expect(() => expect(res).toHaveCalledCapability('storage.put', { key: 'other' })).toThrow('Expected a call to storage.put with {"key":"other"}, but none of its 1 call matched.');
  });

  it('should report secrets.get and http.fetch as unused after only POST /counter', () => {
    const report = emu.leastPrivilege(ext.slug);
    expect(report).toEqual({
      granted: ['cap:context.read', 'cap:secrets.get', 'cap:http.fetch', 'cap:storage.kv', 'cap:log.emit', 'cap:user.read'],
      used: ['cap:storage.kv', 'cap:log.emit'],
      unused: ['cap:secrets.get', 'cap:http.fetch'],
      denied: [],
    });
    expect(formatLeastPrivilege(report).split('\n')[3]).toBe('unused (remove from "capabilities" in manifest.json): cap:secrets.get, cap:http.fetch');
  });

  it('should never keep the secret value in the ledger, though the guest read it', async () => {
    const res = await emu.invoke(ext, { path: '/secret/api_token' });
    expect(res.json()).toEqual({ key: 'api_token', value: SECRET, keys: ['api_token'] });
    expect(res).toHaveCalledCapability('secrets.get', { key: 'api_token' });
    expect(emu.ledger.forRequest(res.requestId).find((c) => c.function === 'get')?.result).toBe('[redacted]');
    expect(JSON.stringify(emu.ledger.invocations())).not.toContain(SECRET);
    expect(emu.leastPrivilege(ext.slug).unused).toEqual(['cap:http.fetch']);
  });

  it('should flag a call outside the grants of a raw execute, with its fix', async () => {
    const context = { tenant_id: ext.tenantId, extension_id: ext.registryId, install_id: ext.installId, content_hash: ext.contentHash, request_id: 'ledger-exec-1' };
    const res = await emu.execute({ context, http: { method: 'GET', path: '/secret/api_token' }, providers: [] });
    expect(res.json()).toEqual({ key: 'api_token', error: 'denied' });
    expect(emu.ledger.grantsFor('ledger-exec-1')).toEqual(['cap:context.read', 'cap:log.emit', 'cap:user.read']);
    expect(() => expect(emu.ledger).toStayWithinGrants()).toThrow(
      'Expected every host call to stay within its grants, but 1 call was not granted:\n  1. secrets.get("api_token") → err denied (request ledger-exec-1) needs cap:secrets.get: add "cap:secrets.get" to "capabilities" in manifest.json',
    );
    expect(emu.leastPrivilege({ registryId: ext.registryId }).denied).toEqual([
      { capability: 'cap:secrets.get', call: 'secrets.get', fix: 'add "cap:secrets.get" to "capabilities" in manifest.json', count: 1 },
    ]);
  });

  it('should keep the host calls of an invocation the denial crashed (execute_failed)', async () => {
    const context = { tenant_id: ext.tenantId, extension_id: ext.registryId, install_id: ext.installId, content_hash: ext.contentHash, request_id: 'ledger-exec-2' };
    const res = await emu.execute({ context, http: { method: 'POST', path: '/counter' }, providers: [] });
    expect(res.envelope?.error).toMatch(/^execute_failed: /);
    expect(res.hostCalls.map((c) => [c.interface, c.function, c.outcome, c.error])).toEqual([
      ['alga:extension/logging', 'logInfo', 'ok', undefined],
      ['alga:extension/storage', 'get', 'err', 'denied'],
    ]);
    expect(emu.leastPrivilege({ registryId: ext.registryId }).denied).toContainEqual(
      { capability: 'cap:storage.kv', call: 'storage.get', fix: 'add "cap:storage.kv" to "capabilities" in manifest.json', count: 1 },
    );
  });
});
