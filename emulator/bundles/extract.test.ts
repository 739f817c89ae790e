import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmulatorError } from '../errors.ts';
import { BundleCache, readBundleFile, sanitizeEntryPath, type ExtractedBundle } from './extract.ts';
import { computeContentHash, hashHex } from './hash.ts';
import { packEntries, packExtension, type PackEntry } from './pack.ts';
import { DEFAULT_ARCHIVE_LIMITS } from './limits.ts';
import { processOwner } from './leftovers.ts';
import { deadOwner, gnuTarZstd, listTree, randomish, tempDirs, text, writeTree } from './test-support.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

/** Folders the cache creates up front and keeps: everything else is per-hash. */
const CACHE_PARENTS = ['bundles/', 'tmp/', 'ui/'];

async function setup(entries: PackEntry[]) {
  const root = await temp.make('bundle-cache-');
  const { bytes, contentHash } = await packEntries(entries);
  const fetchArchive = vi.fn(async () => bytes);
  return { root, cache: new BundleCache({ root }), bytes, contentHash, hex: hashHex(contentHash), fetchArchive };
}

const GOOD: PackEntry[] = [
  { path: 'manifest.json', data: text('{"name":"x"}') },
  { path: 'dist/', type: 'directory' },
  { path: 'dist/main.wasm', data: text('wasm') },
  { path: 'ui/', type: 'directory' },
  { path: 'ui/index.html', data: text('<p>ui</p>') },
  { path: 'ui/assets/app.js', data: text('js') },
];

describe('BundleCache.ensureExtracted', () => {
  it('splits the archive into the bundle root and the UI root (ui/ stripped), then marks it ready', async () => {
    const { root, cache, contentHash, hex, fetchArchive } = await setup(GOOD);
    const bundle = await cache.ensureExtracted(contentHash, fetchArchive);
    expect(bundle).toEqual({ contentHash, bundleRoot: path.join(root, 'bundles', hex), uiRoot: path.join(root, 'ui', hex) });
    expect(await listTree(root)).toEqual([
      ...CACHE_PARENTS,
      `bundles/${hex}/`,
      `bundles/${hex}/.ready`,
      `bundles/${hex}/dist/`,
      `bundles/${hex}/dist/main.wasm`,
      `bundles/${hex}/manifest.json`,
      `ui/${hex}/`,
      `ui/${hex}/assets/`,
      `ui/${hex}/assets/app.js`,
      `ui/${hex}/index.html`,
    ].sort());
    expect(await readFile(path.join(bundle.uiRoot, 'index.html'), 'utf8')).toBe('<p>ui</p>');
    expect(await readFile(path.join(bundle.bundleRoot, '.ready'), 'utf8')).toBe(`${contentHash}\n`);
    expect(await cache.isReady(contentHash)).toBe(true);
  });

  it('accepts the hash in any case and returns it normalized', async () => {
    const { cache, contentHash, fetchArchive } = await setup(GOOD);
    expect((await cache.ensureExtracted(contentHash.toUpperCase(), fetchArchive)).contentHash).toBe(contentHash);
  });

  it('writes every extracted file read-only', async () => {
    const { root, cache, contentHash, fetchArchive } = await setup(GOOD);
    await cache.ensureExtracted(contentHash, fetchArchive);
    const files = (await listTree(root)).filter((p) => !p.endsWith('/'));
    expect(files).toHaveLength(5);
    for (const file of files) expect((await stat(path.join(root, file))).mode & 0o777).toBe(0o444);
  });

  it('creates an empty UI root for a bundle without ui/ and an empty bundle root for a UI-only archive', async () => {
    const handlerOnly = await setup([{ path: 'dist/main.wasm', data: text('w') }]);
    const bundle = await handlerOnly.cache.ensureExtracted(handlerOnly.contentHash, handlerOnly.fetchArchive);
    expect(await listTree(bundle.uiRoot)).toEqual([]);

    const uiOnly = await setup([{ path: 'ui/index.html', data: text('x') }]);
    const uiBundle = await uiOnly.cache.ensureExtracted(uiOnly.contentHash, uiOnly.fetchArchive);
    expect(await listTree(uiBundle.bundleRoot)).toEqual(['.ready']);
    expect(await listTree(uiBundle.uiRoot)).toEqual(['index.html']);
  });

  it('extracts a bundle written by GNU tar | zstd -19', async () => {
    const src = await temp.make();
    await writeTree(src, {
      'manifest.json': '{}',
      'dist/main.wasm': randomish(20_000),
      'ui/index.html': '<p>gnu</p>',
      'ui/css/site.css': 'p{}',
    });
    gnuTarZstd(src, ['manifest.json', 'dist', 'ui'], path.join(src, 'b.tar.zst'));
    const bytes = new Uint8Array(await readFile(path.join(src, 'b.tar.zst')));
    const root = await temp.make();
    const bundle = await new BundleCache({ root }).ensureExtracted(computeContentHash(bytes), async () => bytes);
    expect(await listTree(bundle.bundleRoot)).toEqual(['.ready', 'dist/', 'dist/main.wasm', 'manifest.json']);
    expect(await listTree(bundle.uiRoot)).toEqual(['css/', 'css/site.css', 'index.html']);
    expect(new Uint8Array(await readFile(path.join(bundle.bundleRoot, 'dist/main.wasm')))).toEqual(randomish(20_000));
  });

  it('extracts a bundle made by packExtension', async () => {
    const src = await temp.make();
    await writeTree(src, { 'manifest.json': '{}', 'ui/index.html': 'x' });
    const { bytes, contentHash } = await packExtension(src);
    const bundle = await new BundleCache({ root: await temp.make() }).ensureExtracted(contentHash, async () => bytes);
    expect(await readBundleFile(bundle, 'ui/index.html')).toEqual(text('x'));
  });

  it.each([
    ['../x', { path: '../x', data: text('evil') }, 'BUNDLE_UNSAFE_PATH', 'bundle entry "../x" contains ".."; the Runner never writes such an entry.'],
    ['/abs/x', { path: '/abs/x', data: text('evil') }, 'BUNDLE_UNSAFE_PATH', 'bundle entry "/abs/x" is an absolute path;'],
    ['ui/../../x', { path: 'ui/../../x', data: text('evil') }, 'BUNDLE_UNSAFE_PATH', 'bundle entry "ui/../../x" contains "..";'],
    ['a//b', { path: 'a//b', data: text('evil') }, 'BUNDLE_UNSAFE_PATH', 'bundle entry "a//b" has an empty segment ("//");'],
    ['dist/notes..txt', { path: 'dist/notes..txt', data: text('evil') }, 'BUNDLE_UNSAFE_PATH', 'bundle entry "dist/notes..txt" contains "..";'],
    ['a symlink', { path: 'dist/link', type: 'symlink', linkTarget: '/etc/passwd' }, 'BUNDLE_UNSUPPORTED_ENTRY', 'bundle entry "dist/link" is a symlink to "/etc/passwd"; bundles may hold only regular files and folders.'],
    ['a duplicate', { path: 'dist/main.wasm', data: text('second') }, 'BUNDLE_DUPLICATE_ENTRY', 'bundle holds "dist/main.wasm" more than once;'],
    ['a file clashing with a folder', { path: 'dist', data: text('a file') }, 'BUNDLE_PATH_CLASH', 'bundle entry "dist" is a file, but "dist/" needs it to be a folder.'],
  ] as [string, PackEntry, string, string][])('refuses the whole archive holding %s (BUNDLE_CORRUPT, cause %s) and writes nothing anywhere', async (_what, hostile, cause, start) => {
    // The cache sits one level down so that an entry climbing out of it would land in `outer`.
    const outer = await temp.make('bundle-outer-');
    const root = path.join(outer, 'cache');
    const { bytes, contentHash } = await packEntries([{ path: 'dist/main.wasm', data: text('good') }, hostile, { path: 'ui/index.html', data: text('good') }]);
    const err = await new BundleCache({ root }).ensureExtracted(contentHash, async () => bytes).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BUNDLE_CORRUPT', status: 500, cause: { code: cause, status: 400 } });
    expect((err as Error).message.startsWith(start)).toBe(true);
    expect(await listTree(outer)).toEqual(['cache/', ...CACHE_PARENTS.map((p) => `cache/${p}`)]);
  });

  it('skips hidden (dot-prefixed) entries and the bundle root entry, extracting their siblings', async () => {
    const { root, cache, contentHash, hex, fetchArchive } = await setup([
      { path: './', type: 'directory' },
      { path: '.hidden/x', data: text('skipped') },
      { path: 'ui/.env', data: text('skipped') },
      { path: '././dist/main.wasm', data: text('good') },
      { path: 'ui/index.html', data: text('good') },
    ]);
    await cache.ensureExtracted(contentHash, fetchArchive);
    expect(await listTree(root)).toEqual(
      [...CACHE_PARENTS, `bundles/${hex}/`, `bundles/${hex}/.ready`, `bundles/${hex}/dist/`, `bundles/${hex}/dist/main.wasm`, `ui/${hex}/`, `ui/${hex}/index.html`].sort(),
    );
  });

  it('extracts once for 5 concurrent calls and does not fetch again once ready', async () => {
    const { cache, contentHash, fetchArchive } = await setup(GOOD);
    const results = await Promise.all(Array.from({ length: 5 }, () => cache.ensureExtracted(contentHash, fetchArchive)));
    expect(fetchArchive).toHaveBeenCalledTimes(1);
    expect(new Set(results.map((r) => r.bundleRoot)).size).toBe(1);

    await cache.ensureExtracted(contentHash, fetchArchive);
    await new BundleCache({ root: cache.root }).ensureExtracted(contentHash, fetchArchive);
    expect(fetchArchive).toHaveBeenCalledTimes(1);
  });

  it('lets two caches on one folder race: both succeed and one copy remains', async () => {
    const { root, cache, contentHash, hex, fetchArchive } = await setup(GOOD);
    const other = new BundleCache({ root });
    await Promise.all([cache.ensureExtracted(contentHash, fetchArchive), other.ensureExtracted(contentHash, fetchArchive)]);
    expect(await listTree(path.join(root, 'tmp'))).toEqual([]);
    expect(await listTree(path.join(root, 'ui', hex))).toEqual(['assets/', 'assets/app.js', 'index.html']);
  });

  it('replaces folders left behind by a crashed extraction (no .ready marker)', async () => {
    const { root, contentHash, hex, fetchArchive } = await setup(GOOD);
    await writeTree(root, { [`bundles/${hex}/junk`]: 'half', [`ui/${hex}/junk`]: 'half' });
    const bundle = await new BundleCache({ root, staleAfterMs: 30 }).ensureExtracted(contentHash, fetchArchive);
    expect(await listTree(bundle.bundleRoot)).toEqual(['.ready', 'dist/', 'dist/main.wasm', 'manifest.json']);
    expect(await listTree(bundle.uiRoot)).toEqual(['assets/', 'assets/app.js', 'index.html']);
  });

  it('refuses bytes whose sha256 differs with ARCHIVE_HASH_MISMATCH (502) and writes nothing', async () => {
    const { root, cache, bytes, fetchArchive } = await setup(GOOD);
    const expected = `sha256:${'0'.repeat(64)}`;
    await expect(cache.ensureExtracted(expected, fetchArchive)).rejects.toMatchObject({
      code: 'ARCHIVE_HASH_MISMATCH',
      status: 502,
      message: `archive hash mismatch: expected ${expected}, got ${computeContentHash(bytes)}`,
    });
    expect(await listTree(root)).toEqual([]);
    expect(await cache.isReady(expected)).toBe(false);
  });

  it('fails a truncated archive with BUNDLE_CORRUPT (the store is at fault) and leaves nothing behind', async () => {
    const { root, cache, bytes } = await setup([{ path: 'dist/main.wasm', data: randomish(100_000) }]);
    const half = bytes.slice(0, bytes.length >> 1);
    const err = await cache.ensureExtracted(computeContentHash(half), async () => half).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmulatorError);
    expect(err).toMatchObject({ code: 'BUNDLE_CORRUPT', status: 500 });
    expect(await listTree(root)).toEqual(CACHE_PARENTS);
  });

  it('fails a plain-text file with the right hash with BUNDLE_CORRUPT and leaves nothing behind', async () => {
    const root = await temp.make();
    const bytes = text('this is not an archive');
    await expect(new BundleCache({ root }).ensureExtracted(computeContentHash(bytes), async () => bytes)).rejects.toMatchObject({
      code: 'BUNDLE_CORRUPT',
      status: 500,
      message:
        'bundle is not a valid zstd archive: invalid zstd data. Repack the extension with the emulator packer or `tar -cf - … | zstd`.',
    });
    expect(await listTree(root)).toEqual(CACHE_PARENTS);
  });

  it('fails with EXTRACT_FAILED when an entry cannot be written, never naming the cache folder, and removes the partial work', async () => {
    // Limits raised so that the rules let through a path the file system cannot create (> PATH_MAX).
    const deep = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')}${'d'.repeat(240)}`).join('/');
    const { bytes, contentHash } = await packEntries([{ path: 'manifest.json', data: text('{}') }, { path: `${deep}/f`, data: text('w') }]);
    const root = await temp.make('bundle-cache-');
    const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxPathBytes: 10_000 };
    const err = await new BundleCache({ root, limits }).ensureExtracted(contentHash, async () => bytes).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EXTRACT_FAILED', status: 500 });
    const message = (err as Error).message;
    expect(message).toMatch(/^cannot write bundle entry "00d+…d+\/f" into the cache: ENAMETOOLONG\. Fix: check that the cache folder \(EXT_CACHE_ROOT\) is writable and has free space\.$/);
    expect(message).not.toContain(root);
    expect(String((err as Error).cause)).toContain('ENAMETOOLONG');
    expect(await listTree(root)).toEqual(CACHE_PARENTS);
  });

  it('fails with EXTRACT_FAILED when the final folder cannot be placed, removing the part already placed', async () => {
    const { root, cache, contentHash, hex, fetchArchive } = await setup(GOOD);
    // A file where the UI root should go: the bundle part is renamed first, then the UI rename fails.
    await mkdir(path.join(root, 'ui'), { recursive: true });
    await writeFile(path.join(root, 'ui', hex), 'in the way');
    await expect(cache.ensureExtracted(contentHash, fetchArchive)).rejects.toMatchObject({ code: 'EXTRACT_FAILED' });
    expect(await listTree(root)).toEqual([...CACHE_PARENTS, `ui/${hex}`].sort());
  });

  it('wraps a failing fetch in EXTRACT_FAILED and passes an EmulatorError through unchanged', async () => {
    const { cache, contentHash } = await setup(GOOD);
    await expect(cache.ensureExtracted(contentHash, async () => Promise.reject(new Error('connection reset')))).rejects.toMatchObject({
      code: 'EXTRACT_FAILED',
      message: `cannot fetch bundle ${contentHash}: connection reset. Check that the bundle store holds this archive.`,
    });
    const notFound = new EmulatorError('BUNDLE_NOT_FOUND', 'no such bundle');
    await expect(cache.ensureExtracted(contentHash, async () => Promise.reject(notFound))).rejects.toBe(notFound);
  });

  it('remembers a refused archive: the next call answers the same BUNDLE_CORRUPT without fetching or reading it again', async () => {
    const { cache, contentHash, fetchArchive } = await setup([{ path: 'ui', data: text('x') }]);
    const first = await cache.ensureExtracted(contentHash, fetchArchive).catch((e: unknown) => e);
    expect(first).toMatchObject({ code: 'BUNDLE_CORRUPT', cause: { code: 'BUNDLE_PATH_CLASH' } });
    await expect(cache.ensureExtracted(contentHash, fetchArchive)).rejects.toBe(first);
    expect(fetchArchive).toHaveBeenCalledTimes(1);
  });

  it('retries after a failure instead of caching it', async () => {
    const { cache, contentHash, bytes } = await setup(GOOD);
    const fetchArchive = vi.fn<() => Promise<Uint8Array>>().mockRejectedValueOnce(new Error('flaky')).mockResolvedValue(bytes);
    await expect(cache.ensureExtracted(contentHash, fetchArchive)).rejects.toMatchObject({ code: 'EXTRACT_FAILED' });
    await expect(cache.ensureExtracted(contentHash, fetchArchive)).resolves.toMatchObject({ contentHash });
    expect(fetchArchive).toHaveBeenCalledTimes(2);
  });

  it('readyBundle answers null before extraction and the bundle after, without fetching', async () => {
    const { root, cache, contentHash, hex, fetchArchive } = await setup(GOOD);
    expect(await cache.readyBundle(contentHash)).toBeNull();
    expect(await listTree(root)).toEqual([]);
    await cache.ensureExtracted(contentHash, fetchArchive);
    expect(await new BundleCache({ root }).readyBundle(contentHash.toUpperCase())).toEqual({
      contentHash,
      bundleRoot: path.join(root, 'bundles', hex),
      uiRoot: path.join(root, 'ui', hex),
    });
    expect(fetchArchive).toHaveBeenCalledTimes(1);
  });

  it('rejects a malformed hash with INVALID_CONTENT_HASH before fetching', async () => {
    const { cache, fetchArchive } = await setup(GOOD);
    await expect(cache.ensureExtracted('sha256:xyz', fetchArchive)).rejects.toMatchObject({ code: 'INVALID_CONTENT_HASH' });
    expect(fetchArchive).not.toHaveBeenCalled();
  });
});

describe('readBundleFile', () => {
  async function extracted(): Promise<ExtractedBundle> {
    const { cache, contentHash, fetchArchive } = await setup(GOOD);
    return cache.ensureExtracted(contentHash, fetchArchive);
  }

  it('reads bundle files and ui/ files by their archive path', async () => {
    const bundle = await extracted();
    expect(await readBundleFile(bundle, 'dist/main.wasm')).toEqual(text('wasm'));
    expect(await readBundleFile(bundle, 'ui/assets/app.js')).toEqual(text('js'));
  });

  it('returns null for a missing file or a folder', async () => {
    const bundle = await extracted();
    expect(await readBundleFile(bundle, 'dist/missing.wasm')).toBeNull();
    expect(await readBundleFile(bundle, 'dist')).toBeNull();
    expect(await readBundleFile(bundle, 'manifest.json/x')).toBeNull();
  });

  it('fails an unreadable path with BUNDLE_READ_FAILED naming the archive path, never the cache folder', async () => {
    const bundle = await extracted();
    const long = `ui/${'n'.repeat(300)}.js`;
    const err = await readBundleFile(bundle, long).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'BUNDLE_READ_FAILED',
      status: 500,
      message: `cannot read ${JSON.stringify(long)} of bundle ${bundle.contentHash}: ENAMETOOLONG. Fix: check that the cache folder (EXT_CACHE_ROOT) is readable; deleting it makes the bundle extract again.`,
      cause: { code: 'ENAMETOOLONG' },
    });
  });

  it.each(['../x', '/etc/passwd', '.ready', 'ui/.env', ''])('refuses %j with INVALID_BUNDLE_PATH (400)', async (rel) => {
    const bundle = await extracted();
    await expect(readBundleFile(bundle, rel)).rejects.toMatchObject({ code: 'INVALID_BUNDLE_PATH', status: 400 });
  });
});

describe('sanitizeEntryPath', () => {
  it.each([
    ['./dist/main.wasm', 'dist/main.wasm'],
    ['././ui/', 'ui'],
    ['dist/', 'dist'],
    ['ui/index.html', 'ui/index.html'],
    ['./', null],
    ['', null],
    ['/abs', null],
    ['a/../b', null],
    ['a..b', null],
    ['a//b', null],
    ['.git/config', null],
    ['ui/.env', null],
    ['a\\b', null],
  ])('maps %j to %j', (raw, expected) => {
    expect(sanitizeEntryPath(raw)).toBe(expected);
  });
});

describe('BundleCache.removeInterruptedExtractions', () => {
  it('removes the work folders of extractions whose process is gone, keeps live ones, finished bundles and foreign entries', async () => {
    const { root, cache, contentHash, fetchArchive } = await setup(GOOD);
    await cache.ensureExtracted(contentHash, fetchArchive);
    const dead = `0123456789abcdef-${deadOwner()}-Ab12Cd`;
    const legacy = '0123456789abcdef-Zz9yX8';
    const live = `fedcba9876543210-${processOwner()}-q1w2e3`;
    await writeTree(path.join(root, 'tmp'), {
      [`${dead}/bundle/dist/main.wasm`]: 'half written',
      [`${legacy}/ui/index.html`]: 'before owners were named',
      [`${live}/bundle/manifest.json`]: 'in flight',
      'notes/readme.txt': 'not ours',
    });
    expect(await cache.removeInterruptedExtractions()).toEqual([dead, legacy]);
    expect(await listTree(path.join(root, 'tmp'))).toEqual([`${live}/`, `${live}/bundle/`, `${live}/bundle/manifest.json`, 'notes/', 'notes/readme.txt']);
    expect(await cache.isReady(contentHash)).toBe(true);
    expect(await readBundleFile((await cache.readyBundle(contentHash))!, 'ui/index.html')).toEqual(text('<p>ui</p>'));
  });

  it('finds nothing to remove in a cache that was never used', async () => {
    const root = path.join(await temp.make('bundle-cache-'), 'never-created');
    expect(await new BundleCache({ root }).removeInterruptedExtractions()).toEqual([]);
  });
});
