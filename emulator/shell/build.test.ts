import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureShellBuilt, installedViteVersion, shellSourceFiles, shellSourceHash } from './build.ts';

let root = '';
let app = '';
let dist = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'shell-build-'));
  app = join(root, 'app');
  dist = join(root, 'dist');
  mkdirSync(join(app, 'lib'), { recursive: true });
  writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="./main.ts"></script>');
  writeFileSync(join(app, 'main.ts'), "import { answer } from './lib/answer.ts';\ndocument.title = String(answer);\n");
  writeFileSync(join(app, 'lib', 'answer.ts'), 'export const answer: number = 42;\n');
  writeFileSync(join(app, 'lib', 'answer.test.ts'), 'ignored by the build and the hash');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('shell build cache key', () => {
  it('should list the sources without tests, sorted', async () => {
    expect(await shellSourceFiles(app)).toEqual(['index.html', 'lib/answer.ts', 'main.ts']);
  });

  it('should change with a source and with the Vite version, and not with a test file', async () => {
    const first = await shellSourceHash(app, '8.3.8');
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(join(app, 'lib', 'answer.test.ts'), 'changed');
    expect(await shellSourceHash(app, '8.3.8')).toBe(first);
    expect(await shellSourceHash(app, '8.3.9')).not.toBe(first);
    writeFileSync(join(app, 'lib', 'answer.ts'), 'export const answer: number = 43;\n');
    expect(await shellSourceHash(app, '8.3.8')).not.toBe(first);
  });
});

describe('ensureShellBuilt', () => {
  it('should build once, reuse the build while the sources are unchanged, and replace it when they change', async () => {
    const built = await ensureShellBuilt({ appDir: app, distRoot: dist });
    expect(built.built).toBe(true);
    expect(built.dir).toBe(join(dist, built.hash.slice(0, 16)));
    expect(built.hash).toBe(await shellSourceHash(app, installedViteVersion() as string));
    const html = readFileSync(join(built.dir, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module" crossorigin src="\/shell\/assets\/index-[\w-]+\.js"><\/script>/);
    const script = readdirSync(join(built.dir, 'assets')).find((f) => f.endsWith('.js')) as string;
    expect(readFileSync(join(built.dir, 'assets', script), 'utf8')).toContain('42');

    const again = await ensureShellBuilt({ appDir: app, distRoot: dist });
    expect(again).toMatchObject({ built: false, dir: built.dir, hash: built.hash });

    writeFileSync(join(app, 'lib', 'answer.ts'), 'export const answer: number = 7;\n');
    const changed = await ensureShellBuilt({ appDir: app, distRoot: dist });
    expect(changed.built).toBe(true);
    expect(changed.dir).not.toBe(built.dir);
    expect(existsSync(built.dir)).toBe(false);
    expect(readdirSync(dist)).toEqual([changed.hash.slice(0, 16)]);
  }, 60_000);

  it('should fail with SHELL_BUILD_FAILED naming the app folder when the sources do not build', async () => {
    writeFileSync(join(app, 'main.ts'), "import { missing } from './nowhere.ts';\nconsole.log(missing);\n");
    await expect(ensureShellBuilt({ appDir: app, distRoot: dist })).rejects.toMatchObject({
      code: 'SHELL_BUILD_FAILED',
      message: expect.stringMatching(new RegExp(`^Failed to build the shell page from ${app.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: [\\s\\S]+\\. Fix it and run \`npm run build:shell\`\\.$`)),
    });
    expect(readdirSync(dist)).toEqual([]);
  }, 60_000);
});

describe('ensureShellBuilt in an installed package (no index.html of the page beside it)', () => {
  it('should use the prebuilt page as it is, writing nothing', async () => {
    const built = await ensureShellBuilt({ appDir: app, distRoot: dist });
    rmSync(join(app, 'index.html'));
    const before = readdirSync(dist, { recursive: true });
    const shipped = await ensureShellBuilt({ appDir: app, distRoot: dist });
    expect([shipped.dir, shipped.hash, shipped.built]).toEqual([built.dir, built.hash, false]);
    expect(readdirSync(dist, { recursive: true })).toEqual(before);
  }, 60_000);

  it('should fail with SHELL_BUILD_FAILED saying to reinstall when no page was shipped', async () => {
    rmSync(join(app, 'index.html'));
    await expect(ensureShellBuilt({ appDir: app, distRoot: dist })).rejects.toMatchObject({
      code: 'SHELL_BUILD_FAILED',
      message: `Failed to find the shell page: this installed package has no prebuilt page in ${dist} and no sources to build one. Fix: reinstall alga-extension-emulator (its tarball ships the page).`,
    });
    expect(existsSync(dist)).toBe(false);
  });
});
