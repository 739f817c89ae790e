import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packTar } from 'modern-tar';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_LIMITS, parseArchiveLimits, type ArchiveLimits } from './limits.ts';
import { compressZstd, packEntries, type PackEntry } from './pack.ts';
import { collectBundle, scanBundle } from './scan.ts';
import { randomish, tempDirs, text, writeTree } from './test-support.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const MIB = 1024 * 1024;

async function scan(entries: PackEntry[], limits: Partial<ArchiveLimits> = {}) {
  const { bytes } = await packEntries(entries);
  return scanBundle(bytes, { ...DEFAULT_ARCHIVE_LIMITS, ...limits });
}

function refusal(entries: PackEntry[], limits: Partial<ArchiveLimits> = {}) {
  return scan(entries, limits).then(
    () => { throw new Error('expected a refusal'); },
    (err: { code: string; status: number; message: string }) => ({ code: err.code, status: err.status, message: err.message }),
  );
}

const file = (p: string, data: Uint8Array | string = 'x'): PackEntry => ({ path: p, data: typeof data === 'string' ? text(data) : data });

describe('scanBundle: what a bundle may cost', () => {
  it('lists the entries and keeps the manifest candidates\' text for a normal bundle', async () => {
    const result = await scan([file('manifest.json', '{"name":"x"}'), { path: 'ui/', type: 'directory' }, file('ui/index.html'), file('.DS_Store')]);
    expect(result.entries).toEqual([
      { path: 'manifest.json', type: 'file', size: 12 },
      { path: 'ui', type: 'directory', size: 0 },
      { path: 'ui/index.html', type: 'file', size: 1 },
    ]);
    expect(result.manifests).toEqual([{ path: 'manifest.json', text: '{"name":"x"}' }]);
    expect(result.skipped).toEqual(['.DS_Store']);
  });

  it('should refuse more entries than EXT_BUNDLE_MAX_ENTRIES with BUNDLE_TOO_MANY_ENTRIES', async () => {
    expect(await refusal([file('a'), file('b'), file('c'), file('d')], { maxEntries: 3 })).toEqual({
      code: 'BUNDLE_TOO_MANY_ENTRIES',
      status: 400,
      message: 'bundle has more than 3 entries (EXT_BUNDLE_MAX_ENTRIES). Fix: bundle the UI into fewer files, or raise EXT_BUNDLE_MAX_ENTRIES.',
    });
    await expect(scan([file('a'), file('b'), file('c')], { maxEntries: 3 })).resolves.toBeDefined();
  });

  it('should refuse a file over EXT_BUNDLE_MAX_ENTRY_BYTES with BUNDLE_ENTRY_TOO_LARGE', async () => {
    expect(await refusal([file('dist/main.wasm', new Uint8Array(101))], { maxEntryBytes: 100 })).toEqual({
      code: 'BUNDLE_ENTRY_TOO_LARGE',
      status: 400,
      message: 'bundle entry "dist/main.wasm" is 101 bytes; the limit is 100 bytes per file (EXT_BUNDLE_MAX_ENTRY_BYTES). Fix: shrink or split the file, or raise EXT_BUNDLE_MAX_ENTRY_BYTES.',
    });
  });

  it('should refuse an archive unpacking past EXT_BUNDLE_MAX_UNPACKED_BYTES with BUNDLE_UNPACKED_TOO_LARGE', async () => {
    expect(await refusal([file('a.bin', randomish(3 * MIB))], { maxUnpackedBytes: 2 * MIB })).toEqual({
      code: 'BUNDLE_UNPACKED_TOO_LARGE',
      status: 400,
      message: 'bundle unpacks to more than 2097152 bytes (2 MiB) (EXT_BUNDLE_MAX_UNPACKED_BYTES); reading stopped there. Fix: shrink the bundle, or raise EXT_BUNDLE_MAX_UNPACKED_BYTES.',
    });
  });

  it('should refuse a path over EXT_BUNDLE_MAX_PATH_BYTES with BUNDLE_PATH_TOO_LONG', async () => {
    expect(await refusal([file('ui/assets/app.js')], { maxPathBytes: 12 })).toEqual({
      code: 'BUNDLE_PATH_TOO_LONG',
      status: 400,
      message: 'bundle entry path "ui/assets/app.js" is 16 bytes; the limit is 12 (EXT_BUNDLE_MAX_PATH_BYTES). Fix: shorten the path, or raise EXT_BUNDLE_MAX_PATH_BYTES.',
    });
  });

  it('should refuse a 300-character name (ENAMETOOLONG on disk) with BUNDLE_PATH_TOO_LONG, counting UTF-8 bytes', async () => {
    const long = `ui/${'n'.repeat(300)}.js`;
    expect(await refusal([file(long)])).toEqual({
      code: 'BUNDLE_PATH_TOO_LONG',
      status: 400,
      message: `bundle entry "ui/${'n'.repeat(57)}…${'n'.repeat(13)}.js" has a 303-byte name; the limit is 255 bytes per file or folder name (EXT_BUNDLE_MAX_NAME_BYTES; most file systems stop at 255). Fix: shorten the name, or raise EXT_BUNDLE_MAX_NAME_BYTES.`,
    });
    expect((await refusal([file(`ui/${'é'.repeat(128)}`)])).code).toBe('BUNDLE_PATH_TOO_LONG');
    await expect(scan([file(`ui/${'é'.repeat(127)}`)])).resolves.toBeDefined();
  });

  it('should refuse a path deeper than EXT_BUNDLE_MAX_PATH_DEPTH with BUNDLE_PATH_TOO_DEEP', async () => {
    expect(await refusal([file('a/b/c/d')], { maxPathDepth: 3 })).toEqual({
      code: 'BUNDLE_PATH_TOO_DEEP',
      status: 400,
      message: 'bundle entry "a/b/c/d" is 4 folders deep; the limit is 3 (EXT_BUNDLE_MAX_PATH_DEPTH). Fix: flatten the folder tree, or raise EXT_BUNDLE_MAX_PATH_DEPTH.',
    });
  });

  it('should refuse a bomb past the ratio floor with BUNDLE_RATIO_TOO_HIGH, and ignore the ratio below the floor', async () => {
    const err = await refusal([file('zeros.bin', new Uint8Array(20 * MIB))]);
    expect(err.code).toBe('BUNDLE_RATIO_TOO_HIGH');
    expect(err.message).toMatch(/^bundle expands more than 100× \(EXT_BUNDLE_MAX_COMPRESSION_RATIO\): \d+ compressed bytes gave over \d+ bytes, the shape of a decompression bomb\. Fix: drop the padding or generated filler that compresses this well, or raise EXT_BUNDLE_MAX_COMPRESSION_RATIO\.$/);
    await expect(scan([file('zeros.bin', new Uint8Array(8 * MIB))])).resolves.toMatchObject({ entries: [{ path: 'zeros.bin', size: 8 * MIB }] });
    await expect(scan([file('zeros.bin', new Uint8Array(20 * MIB))], { maxCompressionRatio: 1_000_000 })).resolves.toBeDefined();
  });

  it('should refuse a zstd frame asking for a window over EXT_BUNDLE_MAX_ZSTD_WINDOW_BYTES before decompressing', async () => {
    // Frame header: magic, descriptor (no single segment), window byte 0x88 = 2^27 (128 MiB), one empty last raw block.
    const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x88, 0x01, 0x00, 0x00]);
    await expect(scanBundle(frame, DEFAULT_ARCHIVE_LIMITS)).rejects.toMatchObject({
      code: 'BUNDLE_ZSTD_WINDOW_TOO_LARGE',
      status: 400,
      message: 'bundle\'s zstd frame needs a 134217728 bytes (128 MiB) decoding window; the limit is 33554432 bytes (32 MiB) (EXT_BUNDLE_MAX_ZSTD_WINDOW_BYTES). Fix: recompress at level 19 or lower without --long (`zstd -19`), or raise EXT_BUNDLE_MAX_ZSTD_WINDOW_BYTES.',
    });
  });
});

describe('scanBundle: entries the Runner would not or could not write are refused', () => {
  it.each([
    ['two manifest.json', 'BUNDLE_DUPLICATE_ENTRY', [file('manifest.json', '{"a":1}'), file('manifest.json', '{"a":2}')], 'bundle holds "manifest.json" more than once; one copy would be validated and another run. Fix: repack so that each path appears once.'],
    ['"./x" and "x"', 'BUNDLE_DUPLICATE_ENTRY', [file('./dist/x'), file('dist/x')], 'bundle holds "dist/x" more than once; one copy would be validated and another run. Fix: repack so that each path appears once.'],
    ['a file "ui" (the UI folder)', 'BUNDLE_PATH_CLASH', [file('ui')], 'bundle entry "ui" is a file, but "ui/" needs it to be a folder (the Runner extracts the UI into the folder ui/). Fix: rename one of them.'],
    ['a file "ui" after "ui/x"', 'BUNDLE_PATH_CLASH', [file('ui/x'), file('ui')], 'bundle entry "ui" is a file, but "ui/" needs it to be a folder (the Runner extracts the UI into the folder ui/). Fix: rename one of them.'],
    ['a file "a" then "a/b"', 'BUNDLE_PATH_CLASH', [file('a'), file('a/b')], 'bundle entry "a" is a file, but "a/b" needs it to be a folder. Fix: rename one of them.'],
    ['a file "a" then a folder "a/"', 'BUNDLE_PATH_CLASH', [file('a'), { path: 'a/', type: 'directory' }], 'bundle entry "a" is a file, but "a/" needs it to be a folder. Fix: rename one of them.'],
    ['a symlink', 'BUNDLE_UNSUPPORTED_ENTRY', [file('a'), { path: 'b', type: 'symlink', linkTarget: 'a' }], 'bundle entry "b" is a symlink to "a"; bundles may hold only regular files and folders. Fix: pack the file itself (`tar -h` follows links).'],
    ['an absolute path', 'BUNDLE_UNSAFE_PATH', [file('/etc/x')], 'bundle entry "/etc/x" is an absolute path; the Runner never writes such an entry. Fix: pack only relative paths inside the extension folder. Repack the extension with the emulator packer or `tar -cf - … | zstd`.'],
  ] as [string, string, PackEntry[], string][])('%s → %s', async (_what, code, entries, message) => {
    expect(await refusal(entries)).toEqual({ code, status: 400, message });
  });

  it('keeps a repeated folder entry and a folder entry after its files', async () => {
    const result = await scan([file('ui/a'), { path: 'ui/', type: 'directory' }, { path: 'ui/', type: 'directory' }]);
    expect(result.entries.map((e) => e.path)).toEqual(['ui/a', 'ui', 'ui']);
  });

  it('refuses random bytes with BUNDLE_NOT_ZSTD and a truncated archive with BUNDLE_NOT_ZSTD', async () => {
    await expect(scanBundle(randomish(4096), DEFAULT_ARCHIVE_LIMITS)).rejects.toMatchObject({ code: 'BUNDLE_NOT_ZSTD', message: 'bundle is not a valid zstd archive: invalid zstd data. Repack the extension with the emulator packer or `tar -cf - … | zstd`.' });
    const { bytes } = await packEntries([file('a.bin', randomish(200_000))]);
    await expect(scanBundle(bytes.subarray(0, 70_000), DEFAULT_ARCHIVE_LIMITS)).rejects.toMatchObject({ code: 'BUNDLE_NOT_ZSTD', message: 'bundle is not a valid zstd archive: the archive is truncated. Repack the extension with the emulator packer or `tar -cf - … | zstd`.' });
  });

  it('refuses a tar without its end-of-archive marker with BUNDLE_BAD_TAR', async () => {
    const tar = await packTar([{ header: { name: 'a.txt', size: 3, type: 'file' }, body: text('abc') }]);
    await expect(scanBundle(await compressZstd(tar.subarray(0, 1024), 3), DEFAULT_ARCHIVE_LIMITS)).rejects.toMatchObject({
      code: 'BUNDLE_BAD_TAR',
      message: 'bundle is not a valid tar archive inside its zstd frame: the tar archive is truncated (it has no end-of-archive marker). Repack the extension with the emulator packer or `tar -cf - … | zstd`.',
    });
  });

  it('reads GNU long names and pax headers written by tar | zstd', async () => {
    const dir = await temp.make('scan-gnu-');
    const long = `ui/${'l'.repeat(150)}/${'m'.repeat(120)}.js`;
    await writeTree(dir, { 'manifest.json': '{}', [long]: 'x' });
    for (const format of ['gnu', 'pax']) {
      const out = path.join(dir, `${format}.tar.zst`);
      execFileSync('sh', ['-c', `tar --format=${format} -C "${dir}" -cf - manifest.json ui | zstd -q -c > "${out}"`]);
      const result = await scanBundle(new Uint8Array(await readFile(out)), DEFAULT_ARCHIVE_LIMITS);
      expect(result.entries.filter((e) => e.type === 'file').map((e) => e.path)).toEqual(['manifest.json', long]);
    }
  });
});

describe('collectBundle', () => {
  it('returns raw entries with their data and what scanBundle would refuse, under the limits', async () => {
    const { bytes } = await packEntries([file('manifest.json', '1'), file('manifest.json', '2')]);
    const result = await collectBundle(bytes);
    expect(result.entries.map((e) => [e.path, new TextDecoder().decode(e.data)])).toEqual([['manifest.json', '1'], ['manifest.json', '2']]);
    expect(result.refusals).toEqual([{ code: 'BUNDLE_DUPLICATE_ENTRY', path: 'manifest.json', message: 'bundle holds "manifest.json" more than once; one copy would be validated and another run. Fix: repack so that each path appears once.' }]);
    await expect(collectBundle(bytes, { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 1 })).rejects.toMatchObject({ code: 'BUNDLE_TOO_MANY_ENTRIES' });
  });
});

describe('parseArchiveLimits', () => {
  it('reads each EXT_BUNDLE_MAX_* variable and keeps defaults for unset or empty ones', () => {
    expect(parseArchiveLimits({})).toEqual(DEFAULT_ARCHIVE_LIMITS);
    expect(parseArchiveLimits({ EXT_BUNDLE_MAX_ENTRIES: '50000', EXT_BUNDLE_MAX_COMPRESSION_RATIO: ' 400 ', EXT_BUNDLE_MAX_PATH_DEPTH: '' })).toEqual({
      ...DEFAULT_ARCHIVE_LIMITS,
      maxEntries: 50_000,
      maxCompressionRatio: 400,
    });
  });

  it('refuses a value that is not a whole number ≥ 1 with CONFIG_INVALID', () => {
    expect(() => parseArchiveLimits({ EXT_BUNDLE_MAX_UNPACKED_BYTES: '1e9x' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: 'EXT_BUNDLE_MAX_UNPACKED_BYTES must be a whole number ≥ 1, got "1e9x". Fix or unset it.' }),
    );
  });
});
