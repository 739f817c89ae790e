// Nothing left behind: staged uploads expire on the registry's clock, a failed finalize drops its
// upload at once, and opening the registry repairs what killed processes left.
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { processOwner } from '../bundles/leftovers.ts';
import { FileBundleStore, MemoryBundleStore, type BundleStore } from '../bundles/store.ts';
import { deadOwner, listTree, writeTree } from '../bundles/test-support.ts';
import { VirtualClock } from '../clock.ts';
import { TrustStore } from '../signing/index.ts';
import { Registry } from './registry.ts';
import { bundleOf, manifest } from './test-support.ts';

const TTL = 60_000;
const made: string[] = [];
const opened: Registry[] = [];
afterEach(async () => {
  for (const registry of opened.splice(0)) registry.close();
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-leftovers-'));
  made.push(dir);
  return dir;
}

async function open(dataDir: string, store: BundleStore, clock: VirtualClock, stagingTtlMs = TTL): Promise<Registry> {
  const registry = await Registry.open({ dataDir, store, signing: { mode: 'off', trust: TrustStore.fromPems([]) }, now: () => new Date(clock.now()), stagingTtlMs });
  opened.push(registry);
  return registry;
}

/** A registry over a memory store whose clock the test moves. */
async function memoryRegistry() {
  const dataDir = await tempDir();
  const store = new MemoryBundleStore();
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  return { dataDir, store, clock, registry: await open(dataDir, store, clock) };
}

async function stage(registry: Registry, bytes: Uint8Array, hex: string): Promise<string> {
  return (await registry.stageUpload({ bytes, size: bytes.length, declaredHash: hex })).upload.key;
}

function stagedRows(dataDir: string): { staging_key: string; finalizing_owner: string | null }[] {
  const db = new Database(path.join(dataDir, 'registry.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT staging_key, finalizing_owner FROM staged_upload ORDER BY staging_key').all() as { staging_key: string; finalizing_owner: string | null }[];
  } finally {
    db.close();
  }
}

function notFoundMessage(key: string): string {
  return (
    `nothing is staged under ${key}: it was finalized already, its finalize failed, it expired (uploads are removed ${TTL} ms after upload, BUNDLE_STAGING_TTL_MS), or it was never uploaded. ` +
    'Fix: upload again with /api/ext-bundles/upload-proxy and finalize the key it returns.'
  );
}

describe('staged uploads expire', () => {
  it('should keep an upload exactly as old as BUNDLE_STAGING_TTL_MS and sweep it one millisecond later', async () => {
    const { registry, store, clock, dataDir } = await memoryRegistry();
    const b = await bundleOf();
    const key = await stage(registry, b.bytes, b.hex);
    expect(stagedRows(dataDir)).toEqual([{ staging_key: key, finalizing_owner: null }]);
    clock.advance(TTL);
    expect(await registry.sweepStagedUploads()).toEqual([]);
    expect(await store.has(key)).toBe(true);
    clock.advance(1);
    expect(await registry.sweepStagedUploads()).toEqual([key]);
    expect([await store.has(key), stagedRows(dataDir)]).toEqual([false, []]);
    await expect(registry.finalize({ key, declaredHash: b.hex })).rejects.toMatchObject({ code: 'STAGED_BUNDLE_NOT_FOUND', status: 404, message: notFoundMessage(key) });
  });

  it('should refuse to finalize an expired upload not yet swept, say why, and remove it', async () => {
    const { registry, store, clock, dataDir } = await memoryRegistry();
    const b = await bundleOf();
    const key = await stage(registry, b.bytes, b.hex);
    clock.advance(TTL + 5);
    await expect(registry.finalize({ key, declaredHash: b.hex, manifestJson: b.manifestJson })).rejects.toMatchObject({
      code: 'STAGED_BUNDLE_NOT_FOUND',
      status: 404,
      message:
        `the upload staged under ${key} expired: staged uploads are kept ${TTL} ms (BUNDLE_STAGING_TTL_MS) and this one was staged ${TTL + 5} ms ago. ` +
        'Fix: upload the bundle again with /api/ext-bundles/upload-proxy and finalize it sooner, or raise BUNDLE_STAGING_TTL_MS.',
    });
    expect([await store.has(key), stagedRows(dataDir), registry.extensions()]).toEqual([false, [], []]);
  });

  it('should finalize an upload younger than the TTL and leave no row behind', async () => {
    const { registry, store, clock, dataDir } = await memoryRegistry();
    const b = await bundleOf();
    const key = await stage(registry, b.bytes, b.hex);
    clock.advance(TTL);
    const result = await registry.finalize({ key, declaredHash: b.hex, manifestJson: b.manifestJson });
    expect(result.version.version).toBe('1.0.0');
    expect([await store.has(key), stagedRows(dataDir)]).toEqual([false, []]);
  });
});

describe('a failed finalize removes its upload at once', () => {
  it.each([
    ['HASH_MISMATCH', async (b: Awaited<ReturnType<typeof bundleOf>>) => ({ declaredHash: 'f'.repeat(64), manifestJson: b.manifestJson })],
    ['MANIFEST_MISMATCH', async (b: Awaited<ReturnType<typeof bundleOf>>) => ({ declaredHash: b.hex, manifestJson: JSON.stringify(manifest({ capabilities: ['cap:nope'] })) })],
    ['INVALID_MANIFEST', async (b: Awaited<ReturnType<typeof bundleOf>>) => ({ declaredHash: b.hex, manifestJson: b.manifestJson }), manifest({ capabilities: ['cap:nope'] })],
    ['INVALID_DECLARED_HASH', async () => ({ declaredHash: 'XYZ', manifestJson: undefined })],
  ] as const)('should remove the upload when finalize fails with %s', async (code, body, bundled?: Record<string, unknown>) => {
    const { registry, store, dataDir } = await memoryRegistry();
    const b = await bundleOf(bundled);
    const key = await stage(registry, b.bytes, b.hex);
    await expect(registry.finalize({ key, ...(await body(b)) })).rejects.toMatchObject({ code });
    expect([await store.has(key), stagedRows(dataDir)]).toEqual([false, []]);
    await expect(registry.finalize({ key, declaredHash: b.hex, manifestJson: b.manifestJson })).rejects.toMatchObject({ code: 'STAGED_BUNDLE_NOT_FOUND', message: notFoundMessage(key) });
  });

  it('should remove the upload of a refused duplicate version (409) and keep the published one', async () => {
    const { registry, store, dataDir } = await memoryRegistry();
    const first = await bundleOf();
    await registry.publishBytes(first.bytes);
    const again = await bundleOf(manifest(), [{ path: 'ui/other.js', data: new Uint8Array([1]) }]);
    const key = await stage(registry, again.bytes, again.hex);
    await expect(registry.finalize({ key, declaredHash: again.hex })).rejects.toMatchObject({ code: 'EXTENSION_VERSION_ALREADY_EXISTS', status: 409 });
    expect([await store.has(key), stagedRows(dataDir)]).toEqual([false, []]);
    expect(await store.get(`sha256/${first.hex}/bundle.tar.zst`)).toEqual(first.bytes);
  });
});

describe('opening the registry repairs leftovers', () => {
  const HEX = 'ab'.repeat(32);
  const CANONICAL = `sha256/${HEX}/bundle.tar.zst`;

  it('should sweep expired uploads at start and keep young ones, on the registry clock', async () => {
    const { registry, store, clock, dataDir } = await memoryRegistry();
    const old = await bundleOf(manifest({ name: 'old' }));
    const oldKey = await stage(registry, old.bytes, old.hex);
    clock.advance(TTL);
    const young = await bundleOf(manifest({ name: 'young' }));
    const youngKey = await stage(registry, young.bytes, young.hex);
    registry.close();
    clock.advance(1);
    const reopened = await open(dataDir, store, clock);
    expect(reopened.repaired).toEqual({ orphanArchives: [], stagedUploads: [oldKey], tempFiles: [] });
    expect([await store.has(oldKey), await store.has(youngKey)]).toEqual([false, true]);
    expect(stagedRows(dataDir)).toEqual([{ staging_key: youngKey, finalizing_owner: null }]);
  });

  it('should remove the upload of a finalize whose process is gone, and keep one a running process finalizes', async () => {
    const { registry, store, clock, dataDir } = await memoryRegistry();
    const b = await bundleOf();
    const killed = await stage(registry, b.bytes, b.hex);
    const running = await stage(registry, b.bytes, b.hex);
    registry.close();
    const db = new Database(path.join(dataDir, 'registry.sqlite'));
    db.prepare('UPDATE staged_upload SET finalizing_owner = ? WHERE staging_key = ?').run(deadOwner(), killed);
    db.prepare('UPDATE staged_upload SET finalizing_owner = ? WHERE staging_key = ?').run(processOwner(), running);
    db.close();
    const reopened = await open(dataDir, store, clock);
    expect(reopened.repaired.stagedUploads).toEqual([killed]);
    expect([await store.has(killed), await store.has(running)]).toEqual([false, true]);
  });

  it('should remove the archive of a publish killed before registering it, but not one a running process is copying', async () => {
    const { registry, store, clock, dataDir } = await memoryRegistry();
    registry.close();
    const other = `sha256/${'cd'.repeat(32)}/bundle.tar.zst`;
    await store.put(CANONICAL, new Uint8Array([1]));
    await store.put(other, new Uint8Array([2]));
    const db = new Database(path.join(dataDir, 'registry.sqlite'));
    const journal = db.prepare('INSERT INTO publish_journal (canonical_key, staging_key, owner, created_at) VALUES (?, ?, ?, ?)');
    journal.run(CANONICAL, '', deadOwner(), 'now');
    journal.run(other, '', processOwner(), 'now');
    db.close();
    const reopened = await open(dataDir, store, clock);
    expect(reopened.repaired.orphanArchives).toEqual([CANONICAL]);
    expect([await store.has(CANONICAL), await store.has(other)]).toEqual([false, true]);
  });

  it('should remove staged files no row names once their file time is older than the TTL, and dead writers\' temp files', async () => {
    const dataDir = await tempDir();
    const base = path.join(dataDir, 'bundles');
    const store = new FileBundleStore(base);
    const clock = new VirtualClock();
    const uuid = '0b8f7a52-3c1e-4c55-9d0e-6f1f4f1d2a10';
    const killedCopy = `sha256/${HEX}/.bundle.tar.zst.${deadOwner()}-${uuid}.tmp`;
    const oldOrphan = `sha256/_staging/${uuid}/bundle.tar.zst`;
    const youngOrphan = 'sha256/_staging/1c9f8b63-4d2f-4d66-8e1f-7a2a5a2e3b21/bundle.tar.zst';
    await writeTree(base, {
      [oldOrphan]: 'written by an emulator that kept no rows',
      [youngOrphan]: 'staged a moment ago by another process',
      [CANONICAL]: 'complete archive',
      [killedCopy]: 'killed copy',
    });
    const past = (Date.now() - TTL - 1000) / 1000;
    await utimes(path.join(base, oldOrphan), past, past);
    const registry = await open(dataDir, store, clock);
    expect(registry.repaired).toEqual({ orphanArchives: [], stagedUploads: [oldOrphan], tempFiles: [killedCopy] });
    expect(await listTree(base)).toEqual([
      'sha256/',
      'sha256/_staging/',
      'sha256/_staging/1c9f8b63-4d2f-4d66-8e1f-7a2a5a2e3b21/',
      youngOrphan,
      `sha256/${HEX}/`,
      CANONICAL,
    ]);
  });
});
