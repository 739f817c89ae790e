import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packTar } from 'modern-tar';
import { afterEach, describe, expect, it } from 'vitest';
import { readBundleArchive } from './archive.ts';
import { compressZstd, packEntries } from './pack.ts';
import { gnuTarZstd, randomish, tempDirs, text, writeTree } from './test-support.ts';

const HINT = 'Repack the extension with the emulator packer or `tar -cf - … | zstd`.';
const temp = tempDirs();
afterEach(() => temp.cleanup());

describe('readBundleArchive', () => {
  it('lists the entries of an emulator pack with their type, mode and data', async () => {
    const { bytes } = await packEntries([
      { path: 'dist/', type: 'directory' },
      { path: 'dist/main.wasm', data: text('wasm') },
      { path: 'dist/link', type: 'symlink', linkTarget: '/etc/passwd' },
    ]);
    expect(await readBundleArchive(bytes)).toEqual([
      { path: 'dist/', type: 'directory', data: new Uint8Array(), mode: 0o755 },
      { path: 'dist/main.wasm', type: 'file', data: text('wasm'), mode: 0o644 },
      { path: 'dist/link', type: 'symlink', data: new Uint8Array(), mode: 0o777, linkTarget: '/etc/passwd' },
    ]);
  });

  it('returns hostile paths raw, leaving filtering to the extractor', async () => {
    const { bytes } = await packEntries([
      { path: '../x', data: text('1') },
      { path: '/abs/x', data: text('2') },
    ]);
    expect((await readBundleArchive(bytes)).map((e) => e.path)).toEqual(['../x', '/abs/x']);
  });

  it('reads an archive written by GNU tar piped into zstd -19 (streamed frames)', async () => {
    const dir = await temp.make();
    await writeTree(dir, {
      'ext/manifest.json': '{"name":"x"}',
      'ext/dist/main.wasm': new Uint8Array([0, 97, 115, 109]),
      'ext/ui/index.html': '<p>hi</p>',
    });
    const archive = path.join(dir, 'x.tar.zst');
    gnuTarZstd(path.join(dir, 'ext'), ['manifest.json', 'dist', 'ui'], archive);

    const entries = await readBundleArchive(await readFile(archive));
    const byPath = Object.fromEntries(entries.map((e) => [e.path, e]));
    expect(entries.map((e) => e.path)).toEqual(['manifest.json', 'dist/', 'dist/main.wasm', 'ui/', 'ui/index.html']);
    expect(byPath['dist/']?.type).toBe('directory');
    expect(byPath['dist/main.wasm']?.data).toEqual(new Uint8Array([0, 97, 115, 109]));
    expect(new TextDecoder().decode(byPath['ui/index.html']?.data)).toBe('<p>hi</p>');
  });

  it('rejects plain text with BUNDLE_NOT_ZSTD (400)', async () => {
    await expect(readBundleArchive(text('just some text, not an archive'))).rejects.toMatchObject({
      code: 'BUNDLE_NOT_ZSTD',
      status: 400,
      message: `bundle is not a valid zstd archive: invalid zstd data. ${HINT}`,
    });
  });

  it('rejects an empty file with BUNDLE_NOT_ZSTD', async () => {
    await expect(readBundleArchive(new Uint8Array())).rejects.toMatchObject({
      code: 'BUNDLE_NOT_ZSTD',
      message: `bundle is not a valid zstd archive: the file is empty. ${HINT}`,
    });
  });

  it('rejects a zstd archive cut in half with BUNDLE_NOT_ZSTD', async () => {
    const { bytes } = await packEntries([{ path: 'a.bin', data: randomish(64 * 1024) }]);
    await expect(readBundleArchive(bytes.subarray(0, bytes.length >> 1))).rejects.toMatchObject({
      code: 'BUNDLE_NOT_ZSTD',
      message: `bundle is not a valid zstd archive: the archive is truncated. ${HINT}`,
    });
  });

  it('rejects valid zstd around a truncated tar with BUNDLE_BAD_TAR', async () => {
    const tar = await packTar([{ header: { name: 'a.txt', size: 2000, type: 'file' }, body: new Uint8Array(2000) }]);
    await expect(readBundleArchive(await compressZstd(tar.subarray(0, 1024)))).rejects.toMatchObject({
      code: 'BUNDLE_BAD_TAR',
      status: 400,
      message: `bundle is not a valid tar archive inside its zstd frame: the tar archive is truncated. ${HINT}`,
    });
  });

  it('rejects valid zstd around bytes that are not tar with BUNDLE_BAD_TAR', async () => {
    await expect(readBundleArchive(await compressZstd(new Uint8Array(1024).fill(7)))).rejects.toMatchObject({
      code: 'BUNDLE_BAD_TAR',
      message: `bundle is not a valid tar archive inside its zstd frame: a tar header checksum is wrong (the data is corrupt or not a tar). ${HINT}`,
    });
  });
});
