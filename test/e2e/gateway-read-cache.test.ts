// The Gateway answers install, config and secret-envelope reads from memory (registry/read-cache.ts).
// Every change an author makes must still be seen by the very next call: a secret, a config value,
// a grant, disabling and enabling, a write by another process (the CLI on the same data folder),
// a harness restore followed by a different write, and an uninstall.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type TestEmulator } from '../../harness/index.ts';
import { ROOT } from '../../harness/runner-fixture.ts';

const BIN = join(ROOT, 'emulator/cli/bin/alga-emulator.js');
const exec = promisify(execFile);

describe('Gateway read cache: every change is seen by the next call', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  const secret = async () => {
    const res = await emu.invoke(ext, { path: '/secret/api_token' });
    return [res.status, res.json()];
  };

  beforeAll(async () => {
    emu = await createEmulator();
    ext = await emu.install('hello-host', { config: { region: 'eu' }, secrets: { api_token: 'tok-1' } });
  }, 120_000);
  afterAll(async () => {
    await emu.close();
  });

  it('should see a new secret value on the next call', async () => {
    expect(await secret()).toEqual([200, { key: 'api_token', value: 'tok-1', keys: ['api_token'] }]);
    emu.secrets(ext).set({ api_token: 'tok-2' });
    expect(await secret()).toEqual([200, { key: 'api_token', value: 'tok-2', keys: ['api_token'] }]);
  });

  it('should see a grant (the config row\'s providers) taken away and given back on the next call', async () => {
    emu.registry.setConfig(ext.tenantId, ext.registryId, { removeProviders: ['cap:secrets.get'] });
    expect(await secret()).toEqual([404, { key: 'api_token', error: 'denied' }]);
    emu.registry.setConfig(ext.tenantId, ext.registryId, { addProviders: ['cap:secrets.get'] });
    expect(await secret()).toEqual([200, { key: 'api_token', value: 'tok-2', keys: ['api_token'] }]);
  });

  it('should see disable and enable on the next call', async () => {
    emu.registry.setEnabled(ext.tenantId, ext.registryId, false);
    const off = await emu.invoke(ext, { path: '/context' });
    expect([off.status, off.json()]).toEqual([404, { error: 'extension_not_available' }]);
    emu.registry.setEnabled(ext.tenantId, ext.registryId, true);
    expect((await emu.invoke(ext, { path: '/context' })).status).toBe(200);
  });

  it('should see a config change written by the CLI in another process on the next call', async () => {
    expect((await secret())[0]).toBe(200);
    const env = { ...process.env, EMULATOR_DATA_DIR: emu.dataDir, ALGA_TENANT_ID: ext.tenantId };
    const revoked = await exec(process.execPath, [BIN, 'config', 'set', ext.slug, 'region=apac', '--revoke', 'cap:secrets.get'], { cwd: ROOT, env, timeout: 60_000 });
    expect(revoked.stderr).toBe('');
    expect(await secret()).toEqual([404, { key: 'api_token', error: 'denied' }]);
    expect(emu.config(ext).get()).toEqual({ region: 'apac' });
  }, 90_000);

  it('should see a write made after a restore even when an undone write was cached', async () => {
    emu.registry.setConfig(ext.tenantId, ext.registryId, { addProviders: ['cap:secrets.get'] });
    const snap = await emu.snapshot();
    emu.secrets(ext).set({ api_token: 'tok-undone' });
    expect(await secret()).toEqual([200, { key: 'api_token', value: 'tok-undone', keys: ['api_token'] }]);
    await emu.restore(snap);
    expect(await secret()).toEqual([200, { key: 'api_token', value: 'tok-2', keys: ['api_token'] }]);
    await emu.restore(snap);
    emu.secrets(ext).set({ api_token: 'tok-after' });
    expect(await secret()).toEqual([200, { key: 'api_token', value: 'tok-after', keys: ['api_token'] }]);
  });

  it('should answer extension_not_available on the call right after an uninstall', async () => {
    expect((await emu.invoke(ext, { path: '/context' })).status).toBe(200);
    emu.registry.uninstall(ext.tenantId, ext.registryId);
    const gone = await emu.invoke(ext, { path: '/context' });
    expect([gone.status, gone.json()]).toEqual([404, { error: 'extension_not_available' }]);
  });
});
