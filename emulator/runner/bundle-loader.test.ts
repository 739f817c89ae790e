import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BundleCache } from '../bundles/extract.ts';
import { computeContentHash } from '../bundles/hash.ts';
import { packEntries } from '../bundles/pack.ts';
import { FileBundleStore, MemoryBundleStore, bundleStoreKey } from '../bundles/store.ts';
import { listTree, tempDirs, text } from '../bundles/test-support.ts';
import { EmulatorError } from '../errors.ts';
import { BundleLoader } from './bundle-loader.ts';
import type { BundleVerifier } from './bundle-verifier.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const EXT = 'ext-1';

async function setup(options: { capacity?: number } = {}) {
  const store = new MemoryBundleStore();
  const cache = new BundleCache({ root: await temp.make('loader-cache-') });
  const refused = new Set<string>();
  const verify = vi.fn<BundleVerifier['verify']>(async ({ contentHash }) => {
    if (refused.has(contentHash)) throw new EmulatorError('SIGNATURE_INVALID', `signature of ${contentHash} does not verify`);
  });
  const loader = new BundleLoader({ store, cache, verifier: { verify }, capacity: options.capacity });
  const packed = await packEntries([{ path: 'ui/index.html', data: text('<p>v1</p>') }], { level: 1 });
  const put = (bytes: Uint8Array, tenant = 't1', hash = packed.contentHash) => store.put(bundleStoreKey(tenant, EXT, hash), bytes);
  return { store, cache, loader, verify, refused, packed, put };
}

describe('BundleLoader', () => {
  it('verifies the archive with the hash computed from its bytes, then extracts it', async () => {
    const { loader, verify, packed, put } = await setup();
    await put(packed.bytes);
    const bundle = await loader.load('t1', EXT, packed.contentHash.toUpperCase());
    expect(bundle.contentHash).toBe(packed.contentHash);
    expect(await listTree(bundle.uiRoot)).toEqual(['index.html']);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify).toHaveBeenCalledWith({ tenantId: 't1', extensionId: EXT, contentHash: packed.contentHash, expectedContentHash: packed.contentHash, bytes: packed.bytes });
  });

  it('neither reads nor verifies again while the stored archive is unchanged: one stat per load', async () => {
    const { store, loader, verify, packed, put } = await setup();
    await put(packed.bytes);
    await loader.load('t1', EXT, packed.contentHash);
    const get = vi.spyOn(store, 'get');
    const stat = vi.spyOn(store, 'stat');
    await loader.load('t1', EXT, packed.contentHash);
    await loader.load('t1', EXT, packed.contentHash);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(get).not.toHaveBeenCalled();
    expect(stat).toHaveBeenCalledTimes(2);
  });

  it('re-reads and re-verifies after any write under the key, identical bytes included', async () => {
    const { loader, verify, packed, put } = await setup();
    await put(packed.bytes);
    const first = await loader.load('t1', EXT, packed.contentHash);
    await put(packed.bytes);
    expect(await loader.load('t1', EXT, packed.contentHash)).toEqual(first);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('refuses an archive replaced after a successful load with the verifier code leading the message', async () => {
    const { loader, refused, packed, put } = await setup();
    await put(packed.bytes);
    await loader.load('t1', EXT, packed.contentHash);
    const swapped = text('swapped archive');
    refused.add(computeContentHash(swapped));
    await put(swapped);
    const expected = {
      // The code keeps its catalog status; the Runner's 502 comes from its step (bundle_fetch_failed).
      code: 'SIGNATURE_INVALID',
      status: 400,
      message: `SIGNATURE_INVALID: signature of ${computeContentHash(swapped)} does not verify`,
    };
    await expect(loader.load('t1', EXT, packed.contentHash)).rejects.toMatchObject(expected);
    await expect(loader.load('t1', EXT, packed.contentHash)).rejects.toMatchObject(expected);
  });

  it('verifies before comparing hashes, then refuses an accepted archive whose hash no longer matches', async () => {
    const { loader, verify, packed, put } = await setup();
    await put(packed.bytes);
    await loader.load('t1', EXT, packed.contentHash);
    const swapped = text('accepted but different');
    await put(swapped);
    await expect(loader.load('t1', EXT, packed.contentHash)).rejects.toMatchObject({
      code: 'ARCHIVE_HASH_MISMATCH',
      status: 502,
      message: `archive hash mismatch: expected ${packed.contentHash}, got ${computeContentHash(swapped)}`,
    });
    expect(verify).toHaveBeenLastCalledWith(expect.objectContaining({ contentHash: computeContentHash(swapped) }));
  });

  it('wraps a verifier that throws something other than an EmulatorError as BUNDLE_VERIFY_FAILED', async () => {
    const { cache, store, packed, put } = await setup();
    const loader = new BundleLoader({ store, cache, verifier: { verify: async () => Promise.reject(new Error('keyring unreadable')) } });
    await put(packed.bytes);
    await expect(loader.load('t1', EXT, packed.contentHash)).rejects.toMatchObject({
      code: 'BUNDLE_VERIFY_FAILED',
      status: 502,
      message: 'BUNDLE_VERIFY_FAILED: keyring unreadable',
    });
  });

  it('answers BUNDLE_NOT_FOUND for a key without an archive, and once its archive vanished', async () => {
    const { cache, packed } = await setup();
    const base = await temp.make('loader-store-');
    const loader = new BundleLoader({ store: new FileBundleStore(base), cache });
    const key = bundleStoreKey('t1', EXT, packed.contentHash);
    const notFound = { code: 'BUNDLE_NOT_FOUND', status: 404, message: `bundle not found in store at ${key}` };
    await expect(loader.load('t1', EXT, packed.contentHash)).rejects.toMatchObject(notFound);
    await new FileBundleStore(base).put(key, packed.bytes);
    await loader.load('t1', EXT, packed.contentHash);
    await rm(path.join(base, key));
    await expect(loader.load('t1', EXT, packed.contentHash)).rejects.toMatchObject(notFound);
  });

  it('shares the extraction by hash across tenants but still reads and verifies each tenant’s own archive', async () => {
    const { loader, verify, packed, put } = await setup();
    await put(packed.bytes, 't1');
    await put(packed.bytes, 't2');
    const one = await loader.load('t1', EXT, packed.contentHash);
    const two = await loader.load('t2', EXT, packed.contentHash);
    expect(two).toEqual(one);
    expect(verify.mock.calls.map(([input]) => input.tenantId)).toEqual(['t1', 't2']);
    await expect(loader.load('t3', EXT, packed.contentHash)).rejects.toMatchObject({ code: 'BUNDLE_NOT_FOUND' });
  });

  it('reads and verifies once for concurrent loads of one key', async () => {
    const { loader, verify, packed, put } = await setup();
    await put(packed.bytes);
    await Promise.all(Array.from({ length: 5 }, () => loader.load('t1', EXT, packed.contentHash)));
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('retries after a failure instead of remembering it', async () => {
    const { loader, verify, refused, packed, put } = await setup();
    await put(packed.bytes);
    refused.add(packed.contentHash);
    await expect(loader.load('t1', EXT, packed.contentHash)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    refused.clear();
    await expect(loader.load('t1', EXT, packed.contentHash)).resolves.toMatchObject({ contentHash: packed.contentHash });
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('forgets the oldest verified key beyond its capacity (verifying it again when next loaded)', async () => {
    const { loader, verify, packed, put } = await setup({ capacity: 1 });
    await put(packed.bytes, 't1');
    await put(packed.bytes, 't2');
    await loader.load('t1', EXT, packed.contentHash);
    await loader.load('t2', EXT, packed.contentHash);
    await loader.load('t1', EXT, packed.contentHash);
    expect(verify).toHaveBeenCalledTimes(3);
  });

  it('accepts every archive without a verifier (production today)', async () => {
    const { store, cache, packed, put } = await setup();
    await put(packed.bytes);
    await expect(new BundleLoader({ store, cache }).load('t1', EXT, packed.contentHash)).resolves.toMatchObject({ contentHash: packed.contentHash });
  });
});
