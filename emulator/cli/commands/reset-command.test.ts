import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBytes } from './output.ts';
import { cliFixture, runIn, tempDir } from './test-support.ts';

async function du(path: string): Promise<number> {
  const stats = await lstat(path);
  if (!stats.isDirectory()) return stats.size;
  let total = 0;
  for (const name of await readdir(path)) total += await du(join(path, name));
  return total;
}

describe('alga-emulator reset', () => {
  it('should remove what the emulator created and print each path with its size', async () => {
    const fx = await cliFixture();
    await fx.run(['publish', 'ext']);
    await writeFile(join(fx.dataDir, 'storage.sqlite'), 'kv');
    await writeFile(join(fx.dataDir, 'storage.sqlite-wal'), 'wal');
    await mkdir(join(fx.dataDir, 'cache/transpiled'), { recursive: true });
    await writeFile(join(fx.dataDir, 'cache/transpiled/x.js'), 'js');
    // What a running emulator writes (a stale one after a crash is the emulator's too).
    await writeFile(join(fx.dataDir, 'running-emulator.json'), '{}');
    const names = ['bundles', 'cache', 'keys', 'registry.sqlite', 'running-emulator.json', 'storage.sqlite', 'storage.sqlite-wal'];
    expect((await readdir(fx.dataDir)).sort()).toEqual(names);
    const sizes = await Promise.all(names.map((n) => du(join(fx.dataDir, n))));
    const total = sizes.reduce((a, b) => a + b, 0);
    const { code, out } = await fx.run(['reset']);
    expect(code).toBe(0);
    expect(out).toEqual([...names.map((n, i) => `removed ${join(fx.dataDir, n)} (${formatBytes(sizes[i] as number)})`), `reset ${fx.dataDir}: removed 7 items, ${formatBytes(total)}`]);
    expect(await readdir(fx.dataDir)).toEqual([]);
    expect((await fx.run(['reset'])).out).toEqual([`nothing to remove in ${fx.dataDir}`]);
  });

  it('should let the emulator start afresh after a reset', async () => {
    const fx = await cliFixture();
    await fx.run(['publish', 'ext']);
    await fx.run(['reset']);
    expect((await fx.run(['publish', 'ext'])).code).toBe(0);
  });

  it('should say there is nothing to remove in a missing folder', async () => {
    const cwd = await tempDir();
    expect(await runIn(cwd, ['reset', '--data-dir', 'none'])).toEqual({ code: 0, out: [`nothing to remove in ${join(cwd, 'none')}`], err: [] });
  });

  it('should refuse a folder holding files it does not recognise, and keep them with --force', async () => {
    const fx = await cliFixture();
    await fx.run(['publish', 'ext']);
    await writeFile(join(fx.dataDir, 'notes.txt'), 'mine');
    await mkdir(join(fx.dataDir, 'photos'));
    const refused = await fx.run(['reset']);
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([
      `error RESET_REFUSED: ${fx.dataDir} holds 2 items the emulator did not create: notes.txt, photos/. Remove them by hand, or pass --force to remove only what the emulator created and keep them.`,
    ]);
    expect((await readdir(fx.dataDir)).sort()).toEqual(['bundles', 'keys', 'notes.txt', 'photos', 'registry.sqlite']);
    const forced = await fx.run(['reset', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.out.slice(-3)).toEqual([`kept ${join(fx.dataDir, 'notes.txt')} (not created by the emulator)`, `kept ${join(fx.dataDir, 'photos/')} (not created by the emulator)`, expect.stringMatching(/^reset .*: removed 3 items, /)]);
    expect((await readdir(fx.dataDir)).sort()).toEqual(['notes.txt', 'photos']);
  });

  it.each([
    ['/', 'the filesystem root'],
    ['.', 'the current folder'],
  ])('should refuse --data-dir %s (%s), even with --force', async (dir, what) => {
    const cwd = await tempDir();
    const { code, err } = await runIn(cwd, ['reset', '--data-dir', dir, '--force']);
    expect(code).toBe(1);
    const shown = dir === '/' ? '/' : cwd;
    expect(err).toEqual([`error RESET_REFUSED: refusing to reset ${shown}: it is ${what}. Point --data-dir (or EMULATOR_DATA_DIR) at the emulator's data folder, e.g. .emulator.`]);
  });

  it('should refuse the home folder and a data dir that is a file', async () => {
    const home = await tempDir();
    const cwd = await tempDir();
    const inHome = await runIn(cwd, ['reset', '--data-dir', home], {}, home);
    expect(inHome.err).toEqual([`error RESET_REFUSED: refusing to reset ${home}: it is your home folder. Point --data-dir (or EMULATOR_DATA_DIR) at the emulator's data folder, e.g. .emulator.`]);
    await writeFile(join(cwd, 'file'), 'x');
    const file = await runIn(cwd, ['reset', '--data-dir', 'file']);
    expect(file.err).toEqual([`error RESET_REFUSED: ${join(cwd, 'file')} is not a folder; point --data-dir at the emulator's data folder.`]);
  });
});
