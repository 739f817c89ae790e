import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createExtensionProject, defaultEmulatorSpec, EMULATOR_ROOT } from './scaffold.ts';
import { NODE_WRITE_FS, STAGING_PREFIX, type WriteFs } from './write-project.ts';

const HANDLER_FILES = ['manifest.json', 'package.json', 'README.md', '.gitignore', 'tsconfig.json', 'vitest.config.ts', 'src/handler.ts', 'src/wit-types.d.ts', 'test/extension.test.ts'];
const UI_FILES = ['ui-src/main.ts', 'ui/index.html', 'ui/style.css'];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scaffold-test-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file and folder under `dir`, sorted, folders with a trailing slash. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((e) => `${join(e.parentPath, e.name).slice(dir.length + 1)}${e.isDirectory() ? '/' : ''}`).sort();
}

/** A WriteFs whose `op` fails on its `nth` call (1-based). */
function failingOn(op: keyof WriteFs, nth: number): WriteFs {
  let calls = 0;
  const fail = () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  return {
    writeFile: (path, contents) => (op === 'writeFile' && ++calls === nth ? fail() : NODE_WRITE_FS.writeFile(path, contents)),
    rename: (from, to) => (op === 'rename' && ++calls === nth ? fail() : NODE_WRITE_FS.rename(from, to)),
  };
}

describe('createExtensionProject', () => {
  it('should create a missing folder and its parents, named after the folder', async () => {
    const cwd = await tempDir();
    const created = await createExtensionProject({ dir: 'work/acme-notes', cwd, emulatorSpec: '^0.1.0' });
    expect(created).toEqual({ dir: join(cwd, 'work/acme-notes'), name: 'acme-notes', ui: true, files: [...HANDLER_FILES, ...UI_FILES] });
    expect(JSON.parse(await readFile(join(cwd, 'work/acme-notes/manifest.json'), 'utf8'))).toMatchObject({ name: 'acme-notes', ui: { hooks: { appMenu: { label: 'Acme Notes' } } } });
    expect(JSON.parse(await readFile(join(cwd, 'work/acme-notes/package.json'), 'utf8')).devDependencies['alga-extension-emulator']).toBe('^0.1.0');
    expect(await readdir(cwd)).toEqual(['work']);
  });

  it('should fill an existing empty folder, with --name and without a UI', async () => {
    const dir = await tempDir();
    const created = await createExtensionProject({ dir, name: 'plain-handler', ui: false });
    expect(created.files).toEqual(HANDLER_FILES);
    expect((await tree(dir)).filter((p) => !p.endsWith('/'))).toEqual([...HANDLER_FILES].sort());
    expect(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))).not.toHaveProperty('ui');
  });

  it('should depend on this checkout by default', async () => {
    const dir = join(await tempDir(), 'acme');
    await createExtensionProject({ dir });
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).devDependencies['alga-extension-emulator']).toBe(`file:${EMULATOR_ROOT}`);
  });

  it('should write into a non-empty folder with --force, replacing same-named files and keeping the rest', async () => {
    const dir = join(await tempDir(), 'acme');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'README.md'), 'old readme');
    await writeFile(join(dir, 'src/other.ts'), 'kept');
    await createExtensionProject({ dir, force: true, ui: false });
    expect(await readFile(join(dir, 'src/other.ts'), 'utf8')).toBe('kept');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toMatch(/^# Acme\n/);
    expect(await tree(dir)).toEqual(['.gitignore', 'README.md', 'manifest.json', 'package.json', 'src/', 'src/handler.ts', 'src/other.ts', 'src/wit-types.d.ts', 'test/', 'test/extension.test.ts', 'tsconfig.json', 'vitest.config.ts']);
  });
});

describe('createExtensionProject refusals (nothing written)', () => {
  it('should refuse a folder name that is not a valid extension name, suggesting one', async () => {
    const cwd = await tempDir();
    await expect(createExtensionProject({ dir: 'My Notes', cwd })).rejects.toMatchObject({
      code: 'SCAFFOLD_INVALID_NAME',
      message: 'Failed to create the extension project: the name "My Notes" (taken from the folder name) is not a valid extension name: use lower-case letters and digits, in words joined by single hyphens, starting with a letter. Pass --name with a name such as --name my-notes.',
    });
    expect(await readdir(cwd)).toEqual([]);
  });

  it('should refuse an invalid --name', async () => {
    const cwd = await tempDir();
    await expect(createExtensionProject({ dir: 'x', cwd, name: '' })).rejects.toMatchObject({
      code: 'SCAFFOLD_INVALID_NAME',
      message: 'Failed to create the extension project: the name "" (given with --name) is not a valid extension name: it is empty. Pass --name with a name such as --name my-extension.',
    });
  });

  it('should refuse a non-empty folder without --force, saying what to do', async () => {
    const cwd = await tempDir();
    for (const name of ['d.txt', 'a.txt', 'c.txt', 'b.txt']) await writeFile(join(cwd, name), name);
    await expect(createExtensionProject({ dir: '.', cwd, name: 'acme' })).rejects.toMatchObject({
      code: 'SCAFFOLD_DIR_NOT_EMPTY',
      message: "Failed to create the extension project in .: the folder is not empty (4 entries: a.txt, b.txt, c.txt, …). Pick a new or empty folder, or pass --force to write the project's files into it (files of the same name are overwritten, other files are kept).",
    });
    expect(await readdir(cwd)).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
  });

  it('should refuse a target that is a file, or lies under one', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'notes'), 'a file');
    await expect(createExtensionProject({ dir: 'notes', cwd })).rejects.toMatchObject({
      code: 'SCAFFOLD_NOT_A_FOLDER',
      message: 'Failed to create the extension project in notes: notes is a file, not a folder. Pick another path for the project.',
    });
    await expect(createExtensionProject({ dir: 'notes/sub/acme', cwd })).rejects.toMatchObject({
      code: 'SCAFFOLD_NOT_A_FOLDER',
      message: 'Failed to create the extension project in notes/sub/acme: notes is a file, not a folder. Pick another path for the project.',
    });
  });

  it('should refuse with --force when a folder sits where the project writes a file', async () => {
    const dir = join(await tempDir(), 'acme');
    await mkdir(join(dir, 'src/handler.ts'), { recursive: true });
    await expect(createExtensionProject({ dir, force: true })).rejects.toMatchObject({
      code: 'SCAFFOLD_PATH_CONFLICT',
      message: `Failed to create the extension project in ${dir}: src/handler.ts is a folder, but the project needs a file there. Move it away and run again.`,
    });
    expect(await tree(dir)).toEqual(['src/', 'src/handler.ts/']);
  });

  it('should refuse with --force when a file sits where the project needs a folder', async () => {
    const dir = join(await tempDir(), 'acme');
    await mkdir(dir);
    await writeFile(join(dir, 'test'), 'a file');
    await expect(createExtensionProject({ dir, force: true })).rejects.toMatchObject({
      code: 'SCAFFOLD_PATH_CONFLICT',
      message: `Failed to create the extension project in ${dir}: test is a file, but the project needs a folder there. Move it away and run again.`,
    });
    expect(await tree(dir)).toEqual(['test']);
  });
});

describe('createExtensionProject write failures leave nothing half-written', () => {
  const message = (shown: string) =>
    `Failed to create the extension project in ${shown}: ENOSPC: no space left on device, write. Nothing was left behind; check that the folder is writable and has free space, then run again.`;

  it('should remove the staged files and created parents when a write fails', async () => {
    const cwd = await tempDir();
    await expect(createExtensionProject({ dir: 'a/b/acme', cwd }, failingOn('writeFile', 3))).rejects.toMatchObject({ code: 'SCAFFOLD_WRITE_FAILED', message: message('a/b/acme') });
    expect(await readdir(cwd)).toEqual([]);
  });

  it('should remove the created parents when the final rename fails', async () => {
    const cwd = await tempDir();
    await expect(createExtensionProject({ dir: 'a/b/acme', cwd }, failingOn('rename', 1))).rejects.toMatchObject({ code: 'SCAFFOLD_WRITE_FAILED' });
    expect(await readdir(cwd)).toEqual([]);
  });

  it('should restore replaced files and remove new ones when a move into an existing folder fails', async () => {
    const dir = join(await tempDir(), 'acme');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'manifest.json'), 'old manifest');
    await writeFile(join(dir, 'README.md'), 'old readme');
    await writeFile(join(dir, 'src/other.ts'), 'kept');
    const before = await tree(dir);
    // Renames: manifest backup, manifest, package.json, README backup, README, .gitignore, … fail at the 7th.
    await expect(createExtensionProject({ dir, force: true }, failingOn('rename', 7))).rejects.toMatchObject({ code: 'SCAFFOLD_WRITE_FAILED', message: message(dir) });
    expect(await tree(dir)).toEqual(before);
    expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe('old manifest');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('old readme');
    expect((await readdir(dir)).filter((e) => e.startsWith(STAGING_PREFIX))).toEqual([]);
  });

  it('should remove new folders when a move fails inside one', async () => {
    const dir = await tempDir();
    // The six top-level files and src/handler.ts (creating src/) move first; src/wit-types.d.ts is the 8th rename.
    await expect(createExtensionProject({ dir, name: 'acme', ui: false }, failingOn('rename', 8))).rejects.toMatchObject({ code: 'SCAFFOLD_WRITE_FAILED' });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('defaultEmulatorSpec', () => {
  it('should link a checkout and use the version range for an installed package', () => {
    expect(defaultEmulatorSpec('/home/me/alga-extension-emulator', '0.1.0')).toBe('file:/home/me/alga-extension-emulator');
    expect(defaultEmulatorSpec('/app/node_modules/alga-extension-emulator', '0.1.0')).toBe('^0.1.0');
  });
});
