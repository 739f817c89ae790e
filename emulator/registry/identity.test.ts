// The seeded API keys: none can be computed from a tenant id (a non-loopback HOST exposes the
// publish API to other machines), and a restart keeps them.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { legacyDerivedKey, seededUserId } from './identity.ts';
import { Registry } from './registry.ts';
import { OTHER_TENANT, TENANT, openTestRegistry, type TestRegistry } from './test-support.ts';

let t: TestRegistry;
const extra: Registry[] = [];
afterEach(() => {
  for (const r of extra.splice(0)) r.close();
  t?.close();
});

const keysOf = (registry: Registry, tenantId: string) => registry.identity.apiKeys(tenantId).map((k) => [k.description, k.key]);

async function reopen(): Promise<Registry> {
  t.registry.close();
  const registry = await Registry.open({ dataDir: t.dataDir, store: t.store, signing: t.registry.signing });
  registry.seed({ defaultTenantId: TENANT, devApiKey: 'test-dev-key' });
  extra.push(registry);
  return registry;
}

describe('seeded API keys', () => {
  it('should generate the second tenant admin key and the MSP user key at random, not from the tenant id', async () => {
    t = await openTestRegistry();
    const second = t.registry.identity.apiKeys(OTHER_TENANT).find((k) => k.user_id === seededUserId(OTHER_TENANT, 'msp-admin'))?.key;
    const tech = t.registry.identity.apiKeys(TENANT).find((k) => k.user_id === seededUserId(TENANT, 'msp-user'))?.key;
    expect(second).toMatch(/^alga_dev_[0-9a-f]{32}$/);
    expect(tech).toMatch(/^alga_dev_[0-9a-f]{32}$/);
    expect([second, tech]).not.toContain(legacyDerivedKey(OTHER_TENANT, 'admin'));
    expect([second, tech]).not.toContain(legacyDerivedKey(TENANT, 'tech'));
    expect(t.registry.identity.authenticateApiKey(legacyDerivedKey(OTHER_TENANT, 'admin'))).toBeNull();
  });

  it('should keep the generated keys across a restart', async () => {
    t = await openTestRegistry();
    const before = [keysOf(t.registry, TENANT), keysOf(t.registry, OTHER_TENANT)];
    const registry = await reopen();
    expect([keysOf(registry, TENANT), keysOf(registry, OTHER_TENANT)]).toEqual(before);
  });

  it('should replace a derived key an older data folder holds', async () => {
    t = await openTestRegistry();
    const db = new Database(join(t.dataDir, 'registry.sqlite'));
    db.prepare('DELETE FROM api_keys WHERE description = ?').run('second tenant admin key');
    db.prepare('INSERT INTO api_keys (key, user_id, tenant_id, description, created_at) VALUES (?, ?, ?, ?, ?)').run(legacyDerivedKey(OTHER_TENANT, 'admin'), seededUserId(OTHER_TENANT, 'msp-admin'), OTHER_TENANT, 'second tenant admin key', '2025-01-01T00:00:00.000Z');
    db.close();
    const registry = await reopen();
    expect(registry.identity.authenticateApiKey(legacyDerivedKey(OTHER_TENANT, 'admin'))).toBeNull();
    const replaced = registry.identity.apiKeys(OTHER_TENANT).filter((k) => k.description === 'second tenant admin key');
    expect(replaced.map((k) => /^alga_dev_[0-9a-f]{32}$/.test(k.key))).toEqual([true]);
    expect(registry.identity.authenticateApiKey(replaced[0]?.key ?? '')?.id).toBe(seededUserId(OTHER_TENANT, 'msp-admin'));
  });
});
