import { mkdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorError } from '../errors.ts';
import {
  FileBundleStore,
  MemoryBundleStore,
  bundleStoreKey,
  createBundleStore,
  sameStoreStat,
  type BundleStore,
  type StoreFs,
} from './store.ts';
import { processOwner } from './leftovers.ts';
import { deadOwner, listTree, tempDirs, text, writeTree } from './test-support.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const HEX = 'ab'.repeat(32);
const KEY = `tenants/acme/extensions/reg-1/sha256/${HEX}/bundle.tar.zst`;

/** The behaviour every BundleStore must share, run once per implementation. */
function describeBundleStoreContract(name: string, factory: () => Promise<BundleStore>): void {
  describe(`${name} (BundleStore contract)`, () => {
    it('delete removes the object, and deleting a missing key is not an error', async () => {
      const store = await factory();
      await store.put(KEY, text('x'));
      await store.delete(KEY);
      expect([await store.get(KEY), await store.has(KEY), await store.stat(KEY)]).toEqual([null, false, null]);
      await expect(store.delete(KEY)).resolves.toBeUndefined();
    });

    it('returns null and has() false for a key never stored', async () => {
      const store = await factory();
      expect(await store.get(KEY)).toBeNull();
      expect(await store.has(KEY)).toBe(false);
    });

    it('returns exactly the bytes put under a key', async () => {
      const store = await factory();
      await store.put(KEY, text('archive'));
      expect(await store.get(KEY)).toEqual(text('archive'));
      expect(await store.has(KEY)).toBe(true);
    });

    it('replaces the value when the same key is put again', async () => {
      const store = await factory();
      await store.put(KEY, text('one'));
      await store.put(KEY, text('two'));
      expect(await store.get(KEY)).toEqual(text('two'));
    });

    it('keeps its copy when the caller later changes the buffers', async () => {
      const store = await factory();
      const bytes = text('abc');
      await store.put(KEY, bytes);
      bytes[0] = 0;
      const read = await store.get(KEY);
      read?.fill(0);
      expect(await store.get(KEY)).toEqual(text('abc'));
    });

    it.each(['../escape', '/abs/key', 'a//b', 'a/./b', 'a\\b', 'a/..', ''])('rejects unsafe key %j with INVALID_BUNDLE_KEY (400)', async (key) => {
      const store = await factory();
      await expect(store.put(key, text('x'))).rejects.toMatchObject({
        code: 'INVALID_BUNDLE_KEY',
        status: 400,
        message:
          `invalid bundle key ${JSON.stringify(key)}: keys are relative "/"-separated paths without empty, "." or ".." segments. ` +
          'Build keys with bundleStoreKey().',
      });
      await expect(store.get(key)).rejects.toMatchObject({ code: 'INVALID_BUNDLE_KEY' });
      await expect(store.has(key)).rejects.toMatchObject({ code: 'INVALID_BUNDLE_KEY' });
    });

    it('stats null for a key never stored and the size of what was put', async () => {
      const store = await factory();
      expect(await store.stat(KEY)).toBeNull();
      await store.put(KEY, text('archive'));
      expect(await store.stat(KEY)).toMatchObject({ size: 7 });
    });

    it('returns the same stat while nothing is written and a different one after every put, same bytes included', async () => {
      const store = await factory();
      await store.put(KEY, text('one'));
      const first = await store.stat(KEY);
      expect(await store.stat(KEY)).toEqual(first);
      await store.put(KEY, text('one'));
      const second = await store.stat(KEY);
      expect(sameStoreStat(first!, second!)).toBe(false);
    });

    it('rejects an unsafe key in stat with INVALID_BUNDLE_KEY', async () => {
      await expect((await factory()).stat('../escape')).rejects.toMatchObject({ code: 'INVALID_BUNDLE_KEY', status: 400 });
    });

    it('reports itself healthy', async () => {
      expect(await (await factory()).healthy()).toBe(true);
    });
  });
}

describeBundleStoreContract('MemoryBundleStore', async () => new MemoryBundleStore());
describeBundleStoreContract('FileBundleStore', async () => new FileBundleStore(await temp.make()));

describe('bundleStoreKey', () => {
  it('builds the production key with a lowercase hex', () => {
    expect(bundleStoreKey('acme', 'reg-1', `SHA256:${HEX.toUpperCase()}`)).toBe(KEY);
  });

  it.each([
    ['tenant', '../x', 'reg'],
    ['tenant', 'a/b', 'reg'],
    ['tenant', 'a\\b', 'reg'],
    ['tenant', '', 'reg'],
    ['tenant', 'a\0b', 'reg'],
    ['tenant', '.', 'reg'],
    ['registryId', 'acme', '..'],
    ['registryId', 'acme', 'x..y'],
  ])('rejects an unsafe %s (%j / %j) with INVALID_BUNDLE_KEY (400)', (field, tenant, registryId) => {
    const value = field === 'tenant' ? tenant : registryId;
    expect(() => bundleStoreKey(tenant, registryId, HEX)).toThrow(
      expect.objectContaining({
        code: 'INVALID_BUNDLE_KEY',
        status: 400,
        message:
          `invalid bundle key: ${field} ${JSON.stringify(value)} must be a non-empty name without "/", "\\", ".." or NUL. ` +
          `Check the ${field} sent with the request.`,
      }),
    );
  });

  it('rejects a malformed hash with INVALID_CONTENT_HASH', () => {
    expect(() => bundleStoreKey('acme', 'reg', 'sha256:nothex')).toThrow(expect.objectContaining({ code: 'INVALID_CONTENT_HASH' }));
  });
});

describe('FileBundleStore', () => {
  it('stores each key as a file at that relative path under the base folder', async () => {
    const base = await temp.make();
    await new FileBundleStore(base).put(KEY, text('zst'));
    expect(await readFile(path.join(base, KEY), 'utf8')).toBe('zst');
    expect(await listTree(base)).toEqual([
      'tenants/',
      'tenants/acme/',
      'tenants/acme/extensions/',
      'tenants/acme/extensions/reg-1/',
      'tenants/acme/extensions/reg-1/sha256/',
      `tenants/acme/extensions/reg-1/sha256/${HEX}/`,
      KEY,
    ]);
  });

  it('accepts a file:// URL as its base', async () => {
    const base = await temp.make();
    const store = new FileBundleStore(pathToFileURL(base).href);
    await store.put(KEY, text('x'));
    expect(store.describe()).toBe(`file bundle store at ${base}`);
    expect(await readFile(path.join(base, KEY), 'utf8')).toBe('x');
  });

  it('leaves neither the final file nor a temp file when the write fails midway', async () => {
    const base = await temp.make();
    const store = new FileBundleStore(base, { fs: { open: failAfterPartialWrite } });
    const err = await store.put(KEY, text('0123456789')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmulatorError);
    expect(err).toMatchObject({
      code: 'BUNDLE_STORE_WRITE_FAILED',
      status: 500,
      message:
        `cannot write bundle ${KEY} to ${path.join(base, KEY)}: disk full (simulated). ` +
        'Check that the bundle store folder exists and is writable (BUNDLE_STORE_BASE).',
    });
    expect(await listTree(path.join(base, path.dirname(KEY)))).toEqual([]);
    expect(await store.has(KEY)).toBe(false);
  });

  it('keeps the previous value and removes the temp file when the rename fails', async () => {
    const base = await temp.make();
    await new FileBundleStore(base).put(KEY, text('old'));
    const failing = new FileBundleStore(base, {
      fs: { rename: async () => Promise.reject(Object.assign(new Error('EIO (simulated)'), { code: 'EIO' })) },
    });
    await expect(failing.put(KEY, text('new'))).rejects.toMatchObject({ code: 'BUNDLE_STORE_WRITE_FAILED' });
    expect(await listTree(path.join(base, path.dirname(KEY)))).toEqual(['bundle.tar.zst']);
    expect(await failing.get(KEY)).toEqual(text('old'));
  });

  it('stats the file: a rewrite in place (another size) changes the stat, a folder at the key is null', async () => {
    const base = await temp.make();
    const store = new FileBundleStore(base);
    await store.put(KEY, text('abc'));
    const before = await store.stat(KEY);
    await writeFile(path.join(base, KEY), text('abcdef'));
    const after = await store.stat(KEY);
    expect(after).toMatchObject({ size: 6 });
    expect(sameStoreStat(before!, after!)).toBe(false);
    await mkdir(path.join(base, 'tenants/acme/folder'), { recursive: true });
    expect(await store.stat('tenants/acme/folder')).toBeNull();
  });

  it('is unhealthy when its base is a file', async () => {
    const dir = await temp.make();
    await writeFile(path.join(dir, 'not-a-folder'), 'x');
    expect(await new FileBundleStore(path.join(dir, 'not-a-folder')).healthy()).toBe(false);
  });

  it('creates a missing base folder when checked for health', async () => {
    const dir = await temp.make();
    expect(await new FileBundleStore(path.join(dir, 'a/b')).healthy()).toBe(true);
    expect(await listTree(dir)).toEqual(['a/', 'a/b/']);
  });
});

describe('createBundleStore', () => {
  it('uses a folder at the default path when BUNDLE_STORE_BASE is unset', () => {
    expect(createBundleStore(undefined, '/tmp/default-bundles').describe()).toBe('file bundle store at /tmp/default-bundles');
  });

  it('uses memory for memory:', () => {
    expect(createBundleStore('memory:', '/unused')).toBeInstanceOf(MemoryBundleStore);
  });

  it('uses the folder of a file:// URL or a plain path', () => {
    expect(createBundleStore('file:///srv/bundles', '/unused').describe()).toBe('file bundle store at /srv/bundles');
    expect(createBundleStore('/srv/other', '/unused').describe()).toBe('file bundle store at /srv/other');
  });

  it('refuses other schemes with UNSUPPORTED_BUNDLE_STORE', () => {
    expect(() => createBundleStore('s3://bucket/prefix', '/unused')).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_BUNDLE_STORE',
        message:
          'unsupported BUNDLE_STORE_BASE "s3://bucket/prefix": the emulator stores bundles in a folder or in memory. ' +
          'Use a folder path, a file:// URL, or memory:.',
      }),
    );
  });
});

/** An `open` whose handle writes the first half of the data and then fails, like a full disk. */
const failAfterPartialWrite: StoreFs['open'] = async (file, flags, mode) => {
  const { open } = await import('node:fs/promises');
  const handle = await open(file, flags, mode);
  return {
    writeFile: async (data) => {
      await handle.writeFile(data.subarray(0, data.length >> 1));
      throw Object.assign(new Error('disk full (simulated)'), { code: 'ENOSPC' });
    },
    sync: () => handle.sync(),
    close: () => handle.close(),
  };
};

describe('FileBundleStore.delete', () => {
  it('removes the folders the key made once they are empty, and keeps folders still in use', async () => {
    const dir = await temp.make();
    const store = new FileBundleStore(dir);
    await store.put('sha256/_staging/a/bundle.tar.zst', text('a'));
    await store.put('sha256/_staging/b/bundle.tar.zst', text('b'));
    await store.delete('sha256/_staging/a/bundle.tar.zst');
    expect(await listTree(dir)).toEqual(['sha256/', 'sha256/_staging/', 'sha256/_staging/b/', 'sha256/_staging/b/bundle.tar.zst']);
    await store.delete('sha256/_staging/b/bundle.tar.zst');
    expect(await listTree(dir)).toEqual([]);
  });
});

describe('FileBundleStore start-up repair', () => {
  const UUID = '0b8f7a52-3c1e-4c55-9d0e-6f1f4f1d2a10';
  const STAGED = 'sha256/_staging/0b8f7a52-3c1e-4c55-9d0e-6f1f4f1d2a10/bundle.tar.zst';
  const CANONICAL = `sha256/${HEX}/bundle.tar.zst`;

  it('removes the temp files of writers that are gone (and the folders they leave empty), keeps everything else', async () => {
    const base = await temp.make();
    const store = new FileBundleStore(base);
    await store.put(CANONICAL, text('complete archive'));
    const dead = deadOwner();
    const live = processOwner();
    await writeTree(base, {
      [`sha256/_staging/${UUID}/.bundle.tar.zst.${dead}-${UUID}.tmp`]: 'killed upload',
      [`sha256/${HEX}/.bundle.tar.zst.${dead}-${UUID}.tmp`]: 'killed copy',
      [`sha256/${'cd'.repeat(32)}/.bundle.tar.zst.${UUID}.tmp`]: 'written before owners were named',
      [`sha256/${'ef'.repeat(32)}/.bundle.tar.zst.${live}-${UUID}.tmp`]: 'a write in flight',
      'sha256/notes.tmp': 'not a temp file of ours',
    });
    expect(await store.removeInterruptedWrites()).toEqual([
      `sha256/_staging/${UUID}/.bundle.tar.zst.${dead}-${UUID}.tmp`,
      `sha256/${HEX}/.bundle.tar.zst.${dead}-${UUID}.tmp`,
      `sha256/${'cd'.repeat(32)}/.bundle.tar.zst.${UUID}.tmp`,
    ]);
    expect(await listTree(base)).toEqual([
      'sha256/',
      `sha256/${HEX}/`,
      `sha256/${HEX}/bundle.tar.zst`,
      `sha256/${'ef'.repeat(32)}/`,
      `sha256/${'ef'.repeat(32)}/.bundle.tar.zst.${live}-${UUID}.tmp`,
      'sha256/notes.tmp',
    ]);
    expect(await store.get(CANONICAL)).toEqual(text('complete archive'));
  });

  it('names its temp files after the writing process, so a write in flight survives a repair', async () => {
    const base = await temp.make();
    let repaired: string[] = [];
    let seen: string[] = [];
    const store = new FileBundleStore(base, {
      fs: {
        rename: async (from, to) => {
          seen = await listTree(base);
          repaired = await new FileBundleStore(base).removeInterruptedWrites();
          await rename(from, to);
        },
      },
    });
    await store.put(STAGED, text('x'));
    expect(seen).toContainEqual(expect.stringMatching(new RegExp(`^sha256/_staging/${UUID}/\\.bundle\\.tar\\.zst\\.${processOwner()}-[0-9a-f-]{36}\\.tmp$`)));
    expect(repaired).toEqual([]);
    expect(await store.get(STAGED)).toEqual(text('x'));
  });

  it('lists the keys under a prefix with their file time, skipping temp files; a missing prefix lists nothing', async () => {
    const base = await temp.make();
    const store = new FileBundleStore(base);
    await store.put(STAGED, text('x'));
    await writeTree(base, { [`sha256/_staging/${UUID}/.bundle.tar.zst.${UUID}.tmp`]: 'temp' });
    await utimes(path.join(base, STAGED), 1_700_000_000, 1_700_000_000);
    expect(await store.list('sha256/_staging')).toEqual([{ key: STAGED, writtenAtMs: 1_700_000_000_000 }]);
    expect(await store.list('sha256/nothing-here')).toEqual([]);
  });
});
