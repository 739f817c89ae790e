import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleStoreKey } from '../bundles/store.ts';
import { openSecretEnvelope } from '../capabilities/secrets/secret-envelope.ts';
import { MissingSchedulesError } from './installs.ts';
import { OTHER_TENANT, TENANT, bundleOf, manifest, openTestRegistry, type TestRegistry } from './test-support.ts';

let t: TestRegistry;
afterEach(() => t?.close());

async function published(m = manifest()): Promise<{ registryId: string; hex: string }> {
  const b = await bundleOf(m);
  const result = await t.registry.publishBytes(b.bytes);
  return { registryId: result.extension.id, hex: b.hex };
}

function rawSecretRows(): { ciphertext: string; algorithm: string }[] {
  const db = new Database(path.join(t.dataDir, 'registry.sqlite'), { readonly: true });
  try {
    return db.prepare(`SELECT ciphertext, algorithm FROM tenant_extension_install_secrets`).all() as { ciphertext: string; algorithm: string }[];
  } finally {
    db.close();
  }
}

describe('install', () => {
  it('should install a version for a tenant with the manifest capabilities and the default providers', async () => {
    t = await openTestRegistry();
    const { registryId, hex } = await published();
    const result = await t.registry.install(TENANT, registryId, '1.0.0');
    expect(result).toEqual({ registryId, version: '1.0.0', installId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const view = t.registry.installOf(TENANT, 'acme.widget');
    expect(view).toMatchObject({ installId: result.installId, enabled: true, status: 'enabled', grantedCaps: ['cap:storage.kv', 'cap:log.emit'], contentHash: `sha256:${hex}`, runnerDomain: `${result.installId}.ext.localhost` });
    expect(t.registry.configOf(result.installId).providers).toEqual(['cap:storage.kv', 'cap:log.emit', 'cap:context.read', 'cap:user.read']);
    expect(await t.store.has(bundleStoreKey(TENANT, registryId, `sha256:${hex}`))).toBe(true);
  });

  it('should accept the slug or the bare name in place of the registry id, and resolve X.Y.* to the highest patch', async () => {
    t = await openTestRegistry();
    await published(manifest({ version: '1.2.0' }));
    await published(manifest({ version: '1.2.7', capabilities: [] }));
    expect((await t.registry.install(TENANT, 'widget', '1.2.*')).version).toBe('1.2.7');
    expect((await t.registry.install(TENANT, 'ACME.Widget', '1.2.0')).version).toBe('1.2.0');
  });

  it('should keep the install id and config on re-install', async () => {
    t = await openTestRegistry();
    const { registryId } = await published();
    const first = await t.registry.install(TENANT, registryId, '1.0.0');
    t.registry.setConfig(TENANT, registryId, { values: { region: 'eu' } });
    const second = await t.registry.install(TENANT, registryId, '1.0.0');
    expect(second.installId).toBe(first.installId);
    expect(t.registry.getConfig(TENANT, registryId).config).toEqual({ region: 'eu' });
  });

  it('should answer EXTENSION_NOT_FOUND and VERSION_NOT_FOUND with what is published', async () => {
    t = await openTestRegistry();
    const { registryId } = await published();
    await expect(t.registry.install(TENANT, 'nope', '1.0.0')).rejects.toMatchObject({ code: 'EXTENSION_NOT_FOUND', status: 404 });
    await expect(t.registry.install(TENANT, registryId, '9.9.9')).rejects.toMatchObject({
      code: 'VERSION_NOT_FOUND',
      status: 404,
      message: 'version "9.9.9" of acme.widget is not published (published: 1.0.0). Publish it first or pick a published version.',
    });
  });

  it('should refuse to install an archive changed on disk after publish (SIGNATURE_INVALID)', async () => {
    t = await openTestRegistry({ mode: 'dev' });
    const { registryId, hex } = await published();
    const swapped = await bundleOf(manifest({ name: 'evil' }));
    await t.store.put(`sha256/${hex}/bundle.tar.zst`, swapped.bytes);
    await expect(t.registry.install(TENANT, registryId, '1.0.0')).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(t.registry.installs(TENANT)).toEqual([]);
  });

  it('should uninstall: schedules, config and secrets go with the install', async () => {
    t = await openTestRegistry();
    const { registryId } = await published();
    const { installId } = await t.registry.install(TENANT, registryId, '1.0.0');
    t.registry.createSchedule(installId, { name: 'nightly', cron: '0 3 * * *', method: 'GET', path: '/items' });
    t.registry.setSecrets(TENANT, registryId, { token: 's3cret' });
    expect(t.registry.uninstall(TENANT, registryId)).toEqual({ registryId });
    expect(t.registry.installs(TENANT)).toEqual([]);
    expect(t.registry.schedules(installId)).toEqual([]);
    expect(rawSecretRows()).toEqual([]);
    expect(() => t.registry.uninstall(TENANT, registryId)).toThrow(expect.objectContaining({ code: 'NOT_INSTALLED', status: 404 }));
  });

  it('should keep tenants apart: an install for one tenant is invisible to the other', async () => {
    t = await openTestRegistry();
    const { registryId, hex } = await published();
    await t.registry.install(TENANT, registryId, '1.0.0');
    expect(t.registry.installs(OTHER_TENANT)).toEqual([]);
    expect(await t.registry.hasActiveBundle(OTHER_TENANT, registryId, hex)).toBe(false);
    expect(await t.registry.hasActiveBundle(TENANT, registryId, hex)).toBe(true);
  });
});

describe('update', () => {
  it('should move the install and remap schedules by method and path', async () => {
    t = await openTestRegistry();
    const { registryId } = await published();
    const { installId } = await t.registry.install(TENANT, registryId, '1.0.0');
    t.registry.createSchedule(installId, { name: 'sync', cron: '*/5 * * * *', method: 'GET', path: '/items' });
    await published(manifest({ version: '1.1.0', api: { endpoints: [{ method: 'GET', path: '/items', handler: 'dist/main.wasm' }] } }));
    const result = await t.registry.update(TENANT, registryId, '1.1.0');
    expect(result).toEqual({ registryId, version: '1.1.0', installId });
    expect(t.registry.installOf(TENANT, registryId)?.version).toBe('1.1.0');
    expect(t.registry.schedules(installId)).toEqual([expect.objectContaining({ name: 'sync', enabled: true, method: 'GET', path: '/items' })]);
  });

  it('should refuse with the missing schedules unless disableMissingSchedules is set', async () => {
    t = await openTestRegistry();
    const { registryId } = await published();
    const { installId } = await t.registry.install(TENANT, registryId, '1.0.0');
    const scheduleId = t.registry.createSchedule(installId, { name: 'push', cron: '0 * * * *', method: 'POST', path: '/items/:id' });
    await published(manifest({ version: '2.0.0', api: { endpoints: [{ method: 'GET', path: '/items', handler: 'dist/main.wasm' }] } }));
    const err = await t.registry.update(TENANT, registryId, '2.0.0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingSchedulesError);
    expect(err).toMatchObject({ code: 'SCHEDULE_ENDPOINTS_MISSING', status: 409, missing: [{ scheduleId, name: 'push', method: 'POST', path: '/items/:id' }] });
    expect(t.registry.installOf(TENANT, registryId)?.version).toBe('1.0.0');
    await t.registry.update(TENANT, registryId, '2.0.0', true);
    expect(t.registry.schedules(installId)).toEqual([expect.objectContaining({ id: scheduleId, enabled: false })]);
  });
});

describe('enable, config and secrets', () => {
  it('should set both is_enabled and status, and a disabled install no longer validates', async () => {
    t = await openTestRegistry();
    const { registryId, hex } = await published();
    await t.registry.install(TENANT, registryId, '1.0.0');
    expect(t.registry.setEnabled(TENANT, registryId, false)).toMatchObject({ enabled: false, status: 'disabled' });
    expect(await t.registry.hasActiveBundle(TENANT, registryId, `sha256:${hex}`)).toBe(false);
    expect(t.registry.setEnabled(TENANT, registryId, true)).toMatchObject({ enabled: true, status: 'enabled' });
  });

  it('should merge config keys, drop keys set to null, and bump the version on every write', async () => {
    t = await openTestRegistry();
    const { registryId } = await published();
    await t.registry.install(TENANT, registryId, '1.0.0');
    const a = t.registry.setConfig(TENANT, registryId, { values: { region: 'eu', tier: 'gold' } });
    const b = t.registry.setConfig(TENANT, registryId, { values: { tier: null, limit: '5' } });
    expect(b.config).toEqual({ region: 'eu', limit: '5' });
    expect(b.version).not.toBe(a.version);
    expect(t.registry.setConfig(TENANT, registryId, { values: { only: 'x' }, replace: true }).config).toEqual({ only: 'x' });
    expect(t.registry.setConfig(TENANT, registryId, { addProviders: ['CAP:HTTP.FETCH'] }).providers).toEqual(['cap:storage.kv', 'cap:log.emit', 'cap:context.read', 'cap:user.read', 'cap:http.fetch']);
    expect(() => t.registry.setConfig(TENANT, registryId, { addProviders: ['cap:http.fetsh'] })).toThrow(expect.objectContaining({ code: 'CAPABILITY_UNKNOWN', status: 400 }));
  });

  it('should refuse an empty config key, an empty secret name and a schedule on a missing install, saying how to fix it', async () => {
    t = await openTestRegistry();
    const { registryId } = await published();
    await t.registry.install(TENANT, registryId, '1.0.0');
    expect(() => t.registry.setConfig(TENANT, registryId, { values: { ' ': 'x' } })).toThrow(
      `Failed to set the config of ${registryId}: a key is empty: each value is read by its name. Fix: give every config key a non-empty name.`,
    );
    expect(() => t.registry.setSecrets(TENANT, registryId, { '': 'x' })).toThrow(
      `Failed to set the secrets of ${registryId}: a secret name is empty: each secret is read by its name. Fix: give every secret a non-empty name.`,
    );
    expect(() => t.registry.createSchedule('ghost', { name: 'nightly', cron: '0 3 * * *', method: 'GET', path: '/items' })).toThrow(
      'Failed to add schedule nightly: install ghost does not exist (uninstalled, or an id from another emulator). Fix: pass the id of a current install (registry.installs(tenant)).',
    );
  });

  it('should merge secrets, drop empty values, clear, and seal them at rest', async () => {
    t = await openTestRegistry();
    const { registryId } = await published();
    const { installId } = await t.registry.install(TENANT, registryId, '1.0.0');
    t.registry.setSecrets(TENANT, registryId, { api_token: 'tok-123', other: 'o' });
    const meta = t.registry.setSecrets(TENANT, registryId, { other: '', extra: 'e' });
    expect(meta).toEqual({ installId, names: ['api_token', 'extra'], secretsVersion: expect.any(String), hasEnvelope: true });
    const [row] = rawSecretRows();
    expect(row?.algorithm).toBe('vault-transit');
    expect(row?.ciphertext).toMatch(/^vault:v1:/);
    expect(row?.ciphertext).not.toContain('tok-123');
    const envelope = t.registry.secretEnvelope(installId);
    expect(envelope).toMatchObject({ algorithm: 'vault-transit', key_path: 'alga-emulator-secrets', mount: 'transit', version: meta.secretsVersion });
    expect(JSON.stringify(envelope)).not.toContain('tok-123');
    expect({ ...openSecretEnvelope(envelope!, t.registry.sealer) }).toEqual({ api_token: 'tok-123', extra: 'e' });
    expect(t.registry.clearSecrets(TENANT, registryId).names).toEqual([]);
  });
});

describe('Runner lookups', () => {
  it('should find an install by its runner domain, ignoring the port', async () => {
    t = await openTestRegistry();
    const { registryId, hex } = await published();
    const { installId } = await t.registry.install(TENANT, registryId, '1.0.0');
    expect(await t.registry.lookupByHost(`${installId}.ext.localhost:8085`)).toEqual({ tenant_id: TENANT, extension_id: registryId, content_hash: `sha256:${hex}` });
    expect(await t.registry.lookupByHost('elsewhere.localhost')).toBeNull();
  });

  it('should refuse bytes that do not match the stored signature at load (SIGNATURE_INVALID)', async () => {
    t = await openTestRegistry({ mode: 'dev' });
    const { registryId, hex } = await published();
    const good = (await t.store.get(`sha256/${hex}/bundle.tar.zst`))!;
    await expect(t.registry.verifyLoadedBundle({ extensionId: registryId, expectedContentHash: hex, bytes: good })).resolves.toBeUndefined();
    const other = await bundleOf(manifest({ name: 'other' }));
    await expect(t.registry.verifyLoadedBundle({ extensionId: registryId, expectedContentHash: hex, bytes: other.bytes })).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('strict mode should refuse at load a bundle the registry never registered (SIGNATURE_MISSING)', async () => {
    t = await openTestRegistry({ mode: 'strict' });
    const stray = await bundleOf();
    await expect(t.registry.verifyLoadedBundle({ extensionId: 'x', expectedContentHash: stray.hex, bytes: stray.bytes })).rejects.toMatchObject({ code: 'SIGNATURE_MISSING' });
  });
});
