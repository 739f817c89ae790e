import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMULATOR_ROOT } from '../../scaffold/scaffold.ts';
import { emulateProcess } from './project-commands.ts';
import { runIn, tempDir, writeTree } from './test-support.ts';
import type { CommandInput } from './types.ts';

describe('alga-emulator create', () => {
  it('should scaffold the project, list its files and say what to run next', async () => {
    const cwd = await tempDir();
    const { code, out, err } = await runIn(cwd, ['create', 'acme-notes', '--no-ui']);
    expect([code, err]).toEqual([0, []]);
    expect(out).toEqual([
      `created acme-notes (handler) in ${join(cwd, 'acme-notes')}:`,
      '  manifest.json',
      '  package.json',
      '  README.md',
      '  .gitignore',
      '  tsconfig.json',
      '  vitest.config.ts',
      '  src/handler.ts',
      '  src/wit-types.d.ts',
      '  test/extension.test.ts',
      '',
      'Next:',
      // Run from a checkout whose package is not built (a clean clone), the first step builds it.
      ...(existsSync(join(EMULATOR_ROOT, 'dist/emulator/cli/bin/alga-emulator.js'))
        ? []
        : [`  npm run --prefix ${EMULATOR_ROOT} build:package   # once, and after each pull: the project links to this checkout's compiled package`]),
      '  cd acme-notes',
      '  npm install',
      '  npm test          # builds dist/main.wasm (about 15 s the first time), then runs test/extension.test.ts',
      '  npm run emulate   # the emulator with this extension installed; rebuilds when you save src/',
    ]);
    expect(JSON.parse(await readFile(join(cwd, 'acme-notes/package.json'), 'utf8')).devDependencies['alga-extension-emulator']).toBe(`file:${EMULATOR_ROOT}`);
  });

  it('should print JSON with --json and take --name and --emulator-spec', async () => {
    const cwd = await tempDir();
    const { code, out } = await runIn(cwd, ['create', '.', '--name', 'acme', '--emulator-spec', '^0.1.0', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ dir: cwd, name: 'acme', ui: true });
    expect(JSON.parse(await readFile(join(cwd, 'package.json'), 'utf8')).devDependencies['alga-extension-emulator']).toBe('^0.1.0');
  });

  it('should exit 1 with the stable code for a non-empty folder', async () => {
    const cwd = await tempDir();
    await writeTree(cwd, { 'acme/notes.txt': 'mine' });
    const { code, out, err } = await runIn(cwd, ['create', 'acme']);
    expect([code, out]).toEqual([1, []]);
    expect(err).toEqual([
      "error SCAFFOLD_DIR_NOT_EMPTY: Failed to create the extension project in acme: the folder is not empty (1 entry: notes.txt). Pick a new or empty folder, or pass --force to write the project's files into it (files of the same name are overwritten, other files are kept).",
    ]);
    expect(await readdir(join(cwd, 'acme'))).toEqual(['notes.txt']);
  });

  it.each([
    [['create', 'x', '--ui', '--no-ui'], 'error USAGE: pass either --ui or --no-ui, not both.'],
    [['create'], 'error USAGE: "create" takes 1 argument (<dir>), got 0. Run `alga-emulator create --help`.'],
    [['create', 'x', '--nme', 'y'], 'error USAGE: unknown option --nme for "create". Did you mean --name? Run `alga-emulator create --help`.'],
  ])('should refuse %j as a usage error (exit 2)', async (argv, line) => {
    const cwd = await tempDir();
    expect(await runIn(cwd, argv)).toEqual({ code: 2, out: [], err: [line] });
    expect(await readdir(cwd)).toEqual([]);
  });
});

describe('alga-emulator build', () => {
  it('should bundle ui-src/main.ts into ui/app.js, then find it up to date', async () => {
    const cwd = await tempDir();
    await writeTree(cwd, { 'manifest.json': '{}', 'ui-src/main.ts': "const greeting: string = 'hi';\ndocument.title = greeting;\n" });
    expect(await runIn(cwd, ['build'])).toEqual({ code: 0, out: ['built ui/app.js'], err: ['bundling ui/app.js from ui-src/main.ts…'] });
    expect(await readFile(join(cwd, 'ui/app.js'), 'utf8')).toContain('document.title = greeting');
    expect((await runIn(cwd, ['build', '.', '--json'])).out).toEqual([JSON.stringify({ ui: { entry: 'ui-src/main.ts', outFile: 'ui/app.js', changed: false } }, null, 2)]);
  });

  it('should say when there is nothing to build', async () => {
    const cwd = await tempDir();
    await writeTree(cwd, { 'ext/manifest.json': '{}', 'ext/ui/index.html': '<p>hi</p>' });
    expect(await runIn(cwd, ['build', 'ext'])).toEqual({
      code: 0,
      out: ['nothing to build in ext: no handler entry (src/handler.ts or src/index.ts) and no ui-src/main.ts'],
      err: [],
    });
  });

  it('should refuse a folder without manifest.json and a missing --entry', async () => {
    const cwd = await tempDir();
    expect((await runIn(cwd, ['build', 'nowhere'])).err).toEqual([
      `error BUILD_NOT_AN_EXTENSION: Failed to build ${join(cwd, 'nowhere')}: there is no manifest.json in it. Run the build in an extension project (\`alga-emulator create <dir>\` makes one).`,
    ]);
    await writeTree(cwd, { 'manifest.json': '{}' });
    expect(await runIn(cwd, ['build', '--entry', 'src/main.ts'])).toEqual({
      code: 1,
      out: [],
      err: [`error BUILD_ENTRY_NOT_FOUND: Failed to build ${cwd}: --entry src/main.ts is not a file in the project. Check the path (it is relative to the project folder).`],
    });
  });
});

describe('alga-emulator emulate', () => {
  it('should run the emulate script (under tsx in a checkout) with the servers\' Node options, absolute --ext folders, the flags and the data folder', () => {
    const input: CommandInput = {
      args: [],
      options: { ext: ['.', '../other'], fresh: true, samples: true },
      globals: { dataDir: '/work/acme/.emulator', tenant: undefined, json: false },
      ctx: { env: { PATH: '/bin' }, cwd: '/work/acme', home: '/home/me', now: () => 0 },
    };
    const { args, env } = emulateProcess(input);
    expect(args).toEqual(['--max-semi-space-size=2', '--wasm-lazy-validation', '--import', import.meta.resolve('tsx'), join(EMULATOR_ROOT, 'emulator/cli/bin/emulate.ts'), '--ext', '/work/acme', '--ext', '/work/other', '--fresh', '--samples']);
    expect(env).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', PATH: '/bin', EMULATOR_DATA_DIR: '/work/acme/.emulator' });
  });

  it('should keep a MALLOC_ARENA_MAX the user set', () => {
    const input: CommandInput = {
      args: [], options: {},
      globals: { dataDir: '/work/acme/.emulator', tenant: undefined, json: false },
      ctx: { env: { MALLOC_ARENA_MAX: '8' }, cwd: '/work/acme', home: '/home/me', now: () => 0 },
    };
    expect(emulateProcess(input).env.MALLOC_ARENA_MAX).toBe('8');
  });

  it('should leave out --max-semi-space-size when the user\'s NODE_OPTIONS sets it, in either spelling', () => {
    const input = (NODE_OPTIONS: string): CommandInput => ({
      args: [], options: {},
      globals: { dataDir: '/work/acme/.emulator', tenant: undefined, json: false },
      ctx: { env: { NODE_OPTIONS }, cwd: '/work/acme', home: '/home/me', now: () => 0 },
    });
    expect(emulateProcess(input('--enable-source-maps --max-semi-space-size=16')).args.slice(0, 2)).toEqual(['--wasm-lazy-validation', '--import']);
    expect(emulateProcess(input('--max_semi_space_size=16')).args.slice(0, 2)).toEqual(['--wasm-lazy-validation', '--import']);
    expect(emulateProcess(input('--max-semi-space-size=16')).env.NODE_OPTIONS).toBe('--max-semi-space-size=16');
    expect(emulateProcess(input('--enable-source-maps')).args[0]).toBe('--max-semi-space-size=2');
  });

  it('should pass --build on to the emulate script', () => {
    const input: CommandInput = {
      args: [],
      options: { ext: ['.'], build: 'make wasm' },
      globals: { dataDir: '/work/acme/.emulator', tenant: undefined, json: false },
      ctx: { env: {}, cwd: '/work/acme', home: '/home/me', now: () => 0 },
    };
    const { args } = emulateProcess(input);
    expect(args.slice(args.indexOf(join(EMULATOR_ROOT, 'emulator/cli/bin/emulate.ts')) + 1)).toEqual(['--ext', '/work/acme', '--build', 'make wasm']);
  });
});
