import { afterEach, describe, expect, it } from 'vitest';
import { bundleStoreKey } from '../bundles/store.ts';
import { OTHER_TENANT, TENANT, bundleOf, manifest, openTestRegistry, type TestRegistry } from './test-support.ts';

let t: TestRegistry;
afterEach(() => t?.close());

const DEV = { newBundleForExistingVersion: true };
const ITEMS = [{ method: 'GET', path: '/items', handler: 'dist/main.wasm' }, { method: 'POST', path: '/items/:id', handler: 'dist/main.wasm' }];
const REPORT = { method: 'POST', path: '/report', handler: 'dist/main.wasm' };

async function publishAndInstall(m = manifest()): Promise<{ registryId: string; installId: string }> {
  const published = await t.registry.publishBytes((await bundleOf(m)).bytes, DEV);
  const { installId } = await t.registry.install(TENANT, published.extension.id, '1.0.0');
  return { registryId: published.extension.id, installId };
}

const endpointsOf = (registryId: string, tenant = TENANT) => t.registry.installOf(tenant, registryId)?.endpoints.map((e) => `${e.method} ${e.path}`);

describe('republishing a version in the dev loop', () => {
  it('should give the version the new manifest\'s capabilities, endpoints and UI and the installs the new grants, keeping config and secrets', async () => {
    t = await openTestRegistry();
    const { registryId, installId } = await publishAndInstall();
    t.registry.setConfig(TENANT, registryId, { values: { region: 'eu' } });
    t.registry.setSecrets(TENANT, registryId, { api_key: 's3cret' });
    const changed = manifest({
      capabilities: ['cap:storage.kv', 'cap:log.emit', 'cap:secrets.get'],
      api: { endpoints: [...ITEMS, REPORT] },
      ui: { type: 'iframe', entry: 'ui/index.html', hooks: { appMenu: { label: 'Widget' } } },
    });
    const republished = await t.registry.publishBytes((await bundleOf(changed)).bytes, DEV);
    expect(republished.version.version).toBe('1.0.0');
    const view = t.registry.installOf(TENANT, registryId);
    expect(view).toMatchObject({
      installId,
      version: '1.0.0',
      contentHash: `sha256:${republished.contentHash}`,
      grantedCaps: ['cap:storage.kv', 'cap:log.emit', 'cap:secrets.get'],
      ui: { type: 'iframe', entry: 'ui/index.html', hooks: { appMenu: { label: 'Widget' } } },
    });
    expect(endpointsOf(registryId)).toEqual(['GET /items', 'POST /items/:id', 'POST /report']);
    const config = t.registry.getConfig(TENANT, registryId);
    expect([config.config, config.providers]).toEqual([{ region: 'eu' }, ['cap:storage.kv', 'cap:log.emit', 'cap:secrets.get', 'cap:context.read', 'cap:user.read']]);
    expect(t.registry.listSecrets(TENANT, registryId).names).toEqual(['api_key']);
    const version = t.registry.versions(registryId)[0];
    expect([JSON.parse(version?.capabilities ?? ''), JSON.parse(version?.api_endpoints ?? '')]).toEqual([['cap:storage.kv', 'cap:log.emit', 'cap:secrets.get'], [...ITEMS, REPORT]]);
  });

  it('should take a dropped capability away and keep a grant added by hand, through a later reinstall too', async () => {
    t = await openTestRegistry();
    const { registryId } = await publishAndInstall();
    t.registry.setConfig(TENANT, registryId, { addProviders: ['cap:http.fetch'] });
    await t.registry.publishBytes((await bundleOf(manifest({ capabilities: ['cap:log.emit'] }))).bytes, DEV);
    expect(t.registry.installOf(TENANT, registryId)?.grantedCaps).toEqual(['cap:log.emit']);
    expect(t.registry.getConfig(TENANT, registryId).providers).toEqual(['cap:log.emit', 'cap:context.read', 'cap:user.read', 'cap:http.fetch']);
    await t.registry.install(TENANT, registryId, '1.0.0');
    expect(t.registry.getConfig(TENANT, registryId).providers).toEqual(['cap:log.emit', 'cap:context.read', 'cap:user.read', 'cap:http.fetch']);
  });

  it('should follow the manifest of an earlier bundle made active again (a revert), for every tenant\'s install', async () => {
    t = await openTestRegistry();
    const original = await bundleOf(manifest());
    const published = await t.registry.publishBytes(original.bytes, DEV);
    const registryId = published.extension.id;
    await t.registry.install(TENANT, registryId, '1.0.0');
    await t.registry.install(OTHER_TENANT, registryId, '1.0.0');
    const changed = await t.registry.publishBytes((await bundleOf(manifest({ capabilities: ['cap:secrets.get'], api: { endpoints: [REPORT] } }))).bytes, DEV);
    expect([t.registry.installOf(OTHER_TENANT, registryId)?.grantedCaps, endpointsOf(registryId, OTHER_TENANT)]).toEqual([['cap:secrets.get'], ['POST /report']]);
    // The Runner reads each tenant's own copy: the publish placed it for both installs.
    for (const tenant of [TENANT, OTHER_TENANT]) expect(await t.store.has(bundleStoreKey(tenant, registryId, `sha256:${changed.contentHash}`))).toBe(true);
    expect(t.registry.getConfig(OTHER_TENANT, registryId).providers).toEqual(['cap:secrets.get', 'cap:context.read', 'cap:log.emit', 'cap:user.read']);
    const reverted = await t.registry.publishBytes(original.bytes, DEV);
    expect(reverted.contentHash).toBe(original.hex);
    for (const tenant of [TENANT, OTHER_TENANT]) {
      expect([t.registry.installOf(tenant, registryId)?.contentHash, t.registry.installOf(tenant, registryId)?.grantedCaps, endpointsOf(registryId, tenant)]).toEqual([
        original.contentHash,
        ['cap:storage.kv', 'cap:log.emit'],
        ['GET /items', 'POST /items/:id'],
      ]);
    }
  });

  it('should keep schedules on endpoints that stay, in the new manifest order', async () => {
    t = await openTestRegistry();
    const { registryId, installId } = await publishAndInstall();
    const scheduleId = t.registry.createSchedule(installId, { name: 'nightly', cron: '0 3 * * *', method: 'POST', path: '/items/:id' });
    await t.registry.publishBytes((await bundleOf(manifest({ api: { endpoints: [REPORT, { ...ITEMS[1], handler: 'dist/other.wasm' }] } }))).bytes, DEV);
    expect(t.registry.installOf(TENANT, registryId)?.endpoints).toEqual([REPORT, { ...ITEMS[1], handler: 'dist/other.wasm' }]);
    expect(t.registry.schedules(installId)).toEqual([{ id: scheduleId, name: 'nightly', enabled: true, method: 'POST', path: '/items/:id' }]);
  });

  it('should refuse to drop an endpoint a schedule fires, with SCHEDULE_ENDPOINTS_MISSING, and change nothing', async () => {
    t = await openTestRegistry();
    const { registryId, installId } = await publishAndInstall();
    const before = t.registry.installOf(TENANT, registryId);
    t.registry.createSchedule(installId, { name: 'nightly', cron: '0 3 * * *', method: 'POST', path: '/items/:id' });
    const dropped = await bundleOf(manifest({ capabilities: ['cap:secrets.get'], api: { endpoints: [ITEMS[0]] } }));
    await expect(t.registry.publishBytes(dropped.bytes, DEV)).rejects.toMatchObject({
      code: 'SCHEDULE_ENDPOINTS_MISSING',
      status: 409,
      message: `Failed to republish acme.widget 1.0.0: the new manifest.json drops the endpoint(s) that 1 schedule(s) fire: nightly (POST /items/:id, tenant ${TENANT}). ` +
        'Fix: keep those endpoints in api.endpoints until the extension has deleted those schedules (scheduler delete-schedule).',
    });
    expect(t.registry.installOf(TENANT, registryId)).toEqual(before);
    expect(await t.store.has(`sha256/${dropped.hex}/bundle.tar.zst`)).toBe(false);
  });

  it('should still answer 409 for the same version without the dev-loop option, and change nothing', async () => {
    t = await openTestRegistry();
    const { registryId } = await publishAndInstall();
    await expect(t.registry.publishBytes((await bundleOf(manifest({ capabilities: ['cap:secrets.get'] }))).bytes)).rejects.toMatchObject({ code: 'EXTENSION_VERSION_ALREADY_EXISTS' });
    expect(t.registry.installOf(TENANT, registryId)?.grantedCaps).toEqual(['cap:storage.kv', 'cap:log.emit']);
  });
});
