// Helpers shared by the registry and publish-API tests (not part of the public API).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packEntries, type PackEntry } from '../bundles/pack.ts';
import { MemoryBundleStore } from '../bundles/store.ts';
import { TrustStore, ensureDevKey, type SigningMode, type SigningPolicy } from '../signing/index.ts';
import { Registry } from './registry.ts';

export const TENANT = '00000000-0000-4000-8000-000000000001';
export const OTHER_TENANT = '00000000-0000-4000-8000-000000000002';

/** A minimal valid manifest with a handler endpoint; override any field. */
export function manifest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'widget',
    publisher: 'acme',
    version: '1.0.0',
    runtime: 'wasm-js@1',
    capabilities: ['cap:storage.kv', 'cap:log.emit'],
    api: { endpoints: [{ method: 'GET', path: '/items', handler: 'dist/main.wasm' }, { method: 'POST', path: '/items/:id', handler: 'dist/main.wasm' }] },
    ...overrides,
  };
}

/** Packs a bundle holding the manifest, a stand-in wasm and a UI page. */
export async function bundleOf(m: Record<string, unknown> = manifest(), extra: PackEntry[] = []): Promise<{ bytes: Uint8Array; contentHash: string; hex: string; manifestJson: string }> {
  const manifestJson = JSON.stringify(m);
  const packed = await packEntries([
    { path: 'manifest.json', data: new TextEncoder().encode(manifestJson) },
    { path: 'dist/main.wasm', data: new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]) },
    { path: 'ui/index.html', data: new TextEncoder().encode('<!doctype html><p>hi</p>') },
    ...extra,
  ]);
  return { ...packed, hex: packed.contentHash.slice('sha256:'.length), manifestJson };
}

export interface TestRegistry {
  registry: Registry;
  store: MemoryBundleStore;
  dataDir: string;
  warnings: string[];
  devApiKey: string;
  close(): void;
}

/** A registry over a memory store in a temp data folder, seeded, in the given signing mode. */
export async function openTestRegistry(options: { mode?: SigningMode; trustPems?: string[]; maxBundleBytes?: number; now?: () => Date; stagingTtlMs?: number } = {}): Promise<TestRegistry> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'registry-test-'));
  const mode = options.mode ?? 'dev';
  const store = new MemoryBundleStore();
  const signing: SigningPolicy =
    mode === 'dev'
      ? (() => {
          const devKey = ensureDevKey(dataDir);
          return { mode, devKey, trust: TrustStore.fromPems([devKey.publicKeyPem, ...(options.trustPems ?? [])]) };
        })()
      : { mode, trust: TrustStore.fromPems(options.trustPems ?? []) };
  const warnings: string[] = [];
  const registry = await Registry.open({ dataDir, store, signing, warn: (w) => warnings.push(w), maxBundleBytes: options.maxBundleBytes, now: options.now, stagingTtlMs: options.stagingTtlMs });
  const { devApiKey } = registry.seed({ defaultTenantId: TENANT, devApiKey: 'test-dev-key' });
  return {
    registry,
    store,
    dataDir,
    warnings,
    devApiKey,
    close() {
      registry.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
