import { execFileSync } from 'node:child_process';
import { chmod, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decompress } from 'fzstd';
import { unpackTar } from 'modern-tar';
import { afterEach, describe, expect, it } from 'vitest';
import { readBundleArchive } from './archive.ts';
import { computeContentHash } from './hash.ts';
import { packEntries, packExtension } from './pack.ts';
import { listTree, randomish, tempDirs, text, writeTree } from './test-support.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const FULL_EXTENSION = {
  'manifest.json': '{"name":"full"}',
  'dist/main.wasm': randomish(4096),
  'dist/component.json': '{}',
  'dist/other.js': 'not packed: only main.wasm and component.json come from dist',
  'ui/index.html': '<p>ui</p>',
  'ui/assets/app.js': 'console.log(1)',
  'artifacts/report.txt': 'r',
  'wit/world.wit': 'package x:y;',
  'precompiled/main.cwasm': 'p',
  'sbom.spdx.json': '{}',
  'src/lib.rs': 'not packed',
  'README.md': 'not packed',
};

describe('packExtension', () => {
  it('packs the bundle layout and nothing else, files in sorted order', async () => {
    const dir = await temp.make();
    await writeTree(dir, FULL_EXTENSION);
    const result = await packExtension(dir);
    expect(result.files).toEqual([
      'artifacts/report.txt',
      'dist/component.json',
      'dist/main.wasm',
      'manifest.json',
      'precompiled/main.cwasm',
      'sbom.spdx.json',
      'ui/assets/app.js',
      'ui/index.html',
      'wit/world.wit',
    ]);
    expect(result.contentHash).toBe(computeContentHash(result.bytes));
    expect((await readBundleArchive(result.bytes)).map((e) => e.path)).toEqual([
      'artifacts/',
      'artifacts/report.txt',
      'dist/',
      'dist/component.json',
      'dist/main.wasm',
      'manifest.json',
      'precompiled/',
      'precompiled/main.cwasm',
      'sbom.spdx.json',
      'ui/',
      'ui/assets/',
      'ui/assets/app.js',
      'ui/index.html',
      'wit/',
      'wit/world.wit',
    ]);
  });

  it('gives byte-identical output and hash when packing the same input twice', async () => {
    const dir = await temp.make();
    await writeTree(dir, FULL_EXTENSION);
    const first = await packExtension(dir);
    const second = await packExtension(dir);
    expect(second.bytes).toEqual(first.bytes);
    expect(second.contentHash).toBe(first.contentHash);
  });

  it('ignores file times and permission bits, so a fresh checkout keeps the hash', async () => {
    const a = await temp.make();
    const b = await temp.make();
    await writeTree(a, FULL_EXTENSION);
    await writeTree(b, FULL_EXTENSION);
    await utimes(path.join(b, 'manifest.json'), new Date('2001-01-01'), new Date('2001-01-01'));
    await chmod(path.join(b, 'dist/main.wasm'), 0o700);
    expect((await packExtension(b)).contentHash).toBe((await packExtension(a)).contentHash);
  });

  it('writes fixed metadata: mtime 0, uid/gid 0, empty owner names, 0644 files and 0755 folders', async () => {
    const dir = await temp.make();
    await writeTree(dir, { 'manifest.json': '{}', 'ui/index.html': 'x' });
    const entries = await unpackTar(decompress((await packExtension(dir)).bytes));
    expect(entries.map(({ header: h }) => [h.name, h.type, h.mode, h.mtime?.getTime(), h.uid, h.gid, h.uname, h.gname])).toEqual([
      ['manifest.json', 'file', 0o644, 0, 0, 0, '', ''],
      ['ui/', 'directory', 0o755, 0, 0, 0, '', ''],
      ['ui/index.html', 'file', 0o644, 0, 0, 0, '', ''],
    ]);
  });

  it('packs a UI-only extension that has no dist/main.wasm', async () => {
    const dir = await temp.make();
    await writeTree(dir, { 'manifest.json': '{"name":"ui-only"}', 'ui/index.html': '<p>hi</p>' });
    expect((await packExtension(dir)).files).toEqual(['manifest.json', 'ui/index.html']);
  });

  it('skips hidden files and folders at every level', async () => {
    const dir = await temp.make();
    await writeTree(dir, {
      'manifest.json': '{}',
      'ui/index.html': 'x',
      'ui/.env': 'SECRET=1',
      'ui/.cache/x.js': 'x',
      'ui/assets/.DS_Store': 'x',
      'ui/assets/app.js': 'x',
      '.git/config': 'x',
    });
    expect((await packExtension(dir)).files).toEqual(['manifest.json', 'ui/assets/app.js', 'ui/index.html']);
  });

  it('skips symlinks, including a symlinked dist folder', async () => {
    const dir = await temp.make();
    const elsewhere = await temp.make();
    await writeTree(elsewhere, { 'main.wasm': 'outside', 'secret.txt': 'outside' });
    await writeTree(dir, { 'manifest.json': '{}', 'ui/index.html': 'x' });
    await symlink(elsewhere, path.join(dir, 'dist'));
    await symlink(path.join(elsewhere, 'secret.txt'), path.join(dir, 'ui/secret.txt'));
    await symlink(elsewhere, path.join(dir, 'ui/linked-dir'));
    expect((await packExtension(dir)).files).toEqual(['manifest.json', 'ui/index.html']);
  });

  it('keeps empty folders under ui/ as directory entries', async () => {
    const dir = await temp.make();
    await writeTree(dir, { 'manifest.json': '{}' });
    await mkdir(path.join(dir, 'ui/empty'), { recursive: true });
    expect((await readBundleArchive((await packExtension(dir)).bytes)).map((e) => e.path)).toEqual([
      'manifest.json',
      'ui/',
      'ui/empty/',
    ]);
  });

  it('fails with MANIFEST_NOT_FOUND (400) when manifest.json is missing', async () => {
    const dir = await temp.make();
    await writeTree(dir, { 'dist/main.wasm': 'x' });
    await expect(packExtension(dir)).rejects.toMatchObject({
      code: 'MANIFEST_NOT_FOUND',
      status: 400,
      message:
        `cannot pack ${dir}: ${path.join(dir, 'manifest.json')} is missing or not a regular file. ` +
        'Every extension needs a manifest.json at its root; create one or pass the extension root folder.',
    });
  });

  it('fails with MANIFEST_NOT_FOUND when manifest.json is a folder', async () => {
    const dir = await temp.make();
    await mkdir(path.join(dir, 'manifest.json'));
    await expect(packExtension(dir)).rejects.toMatchObject({ code: 'MANIFEST_NOT_FOUND' });
  });

  it('produces an archive GNU tar extracts to the same files', async () => {
    const dir = await temp.make();
    await writeTree(dir, { 'manifest.json': '{"a":1}', 'dist/main.wasm': randomish(1000), 'ui/index.html': 'x' });
    const out = await temp.make();
    await writeFile(path.join(out, 'b.tar.zst'), (await packExtension(dir)).bytes);
    execFileSync('sh', ['-c', 'cd "$1" && mkdir x && zstd -dc b.tar.zst | tar -xf - -C x', 'sh', out]);
    expect(await listTree(path.join(out, 'x'))).toEqual(['dist/', 'dist/main.wasm', 'manifest.json', 'ui/', 'ui/index.html']);
  });
});

describe('packEntries', () => {
  it('writes hostile paths verbatim, in the given order', async () => {
    const { bytes, files } = await packEntries([
      { path: '../x', data: text('1') },
      { path: '/abs/x', data: text('2') },
      { path: '.hidden/x', data: text('3') },
      { path: 'dist/link', type: 'symlink', linkTarget: '/etc/passwd' },
    ]);
    expect(files).toEqual(['../x', '/abs/x', '.hidden/x']);
    expect((await readBundleArchive(bytes)).map((e) => [e.path, e.type])).toEqual([
      ['../x', 'file'],
      ['/abs/x', 'file'],
      ['.hidden/x', 'file'],
      ['dist/link', 'symlink'],
    ]);
  });

  it.each([0, 23, 2.5])('rejects compression level %s with INVALID_COMPRESSION_LEVEL (400)', async (level) => {
    await expect(packEntries([], { level })).rejects.toMatchObject({
      code: 'INVALID_COMPRESSION_LEVEL',
      status: 400,
      message: `cannot pack: compression level ${level} is not an integer from 1 to 22. Omit it to use the default (10).`,
    });
  });
});
