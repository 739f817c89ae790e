// `npm pack` / `npm publish` run this as `prepack`: builds the installable package into `dist/`,
// a mirror of the source tree that plain Node runs without a TypeScript loader.
//   dist/emulator/**, dist/harness/**  JavaScript and declarations compiled by tsc from the
//                                       sources (tests excluded), plus the files the code loads
//                                       beside itself at run time (workers, WIT, scaffold template)
//   dist/emulator/shell/dist/<hash>/    the shell page, prebuilt with Vite
//   dist/sample-extensions/<name>/      the samples, prebuilt (component and UI bundle)
// Relative paths between code and assets are the same as in the checkout, so one
// `new URL('../x', import.meta.url)` works in both. Nothing is committed; `dist/` is ignored.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureShellBuilt } from '../shell/build.ts';
import { buildComponent } from './build-component.ts';
import { buildUi } from './build-ui.ts';
import { projectGuests, projectUis } from './samples.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGE_DIST = join(ROOT, 'dist');

/**
 * Plain-JavaScript modules under emulator/ (workers, child processes and what they import) are
 * copied as they are; these are not. The checkout's bin wrapper registers tsx: tsc compiles its
 * TypeScript entry to the same path in dist/.
 */
const NOT_COPIED_JS = new Set(['emulator/cli/bin/alga-emulator.js']);
const JS_SKIPPED_FOLDERS = ['emulator/shell/app/', 'emulator/scaffold/template/', 'emulator/shell/dist/'];

/** Every plain `.js` module of emulator/ that the compiled code loads beside itself, sorted. */
export async function plainJsAssets(root: string = ROOT): Promise<string[]> {
  const files = await readdir(join(root, 'emulator'), { recursive: true });
  return files
    .map((file) => `emulator/${file.split(sep).join('/')}`)
    .filter((rel) => rel.endsWith('.js') && !NOT_COPIED_JS.has(rel) && !JS_SKIPPED_FOLDERS.some((folder) => rel.startsWith(folder)))
    .sort();
}

/** Folders and files read at run time, copied as they are. */
export const DATA_ASSETS = [
  'emulator/wit/alga-extension.wit',
  'emulator/wit/alga-extension.host-types.json',
  // Declarations only (no code): the public `wit-types` entry and the host types the compiled
  // declarations import.
  'emulator/wit/generated',
  'emulator/scaffold/template',
] as const;

/** What a packaged sample holds: what `packExtension` packs, plus the sources an author reads. */
const SAMPLE_PARTS = ['manifest.json', 'dist/main.wasm', 'ui', 'src', 'ui-src'] as const;

export async function buildPackage(log: (line: string) => void = console.log): Promise<void> {
  await rm(PACKAGE_DIST, { recursive: true, force: true });
  log('compiling emulator/ and harness/ with tsc -p tsconfig.build.json');
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error(`Failed to build the package: tsc exited with ${tsc.status ?? tsc.signal}. Fix the errors above (npx tsc -p tsconfig.build.json shows them).`);
  for (const rel of [...(await plainJsAssets()), ...DATA_ASSETS]) await cp(join(ROOT, rel), join(PACKAGE_DIST, rel), { recursive: true });

  const shell = await ensureShellBuilt({ distRoot: join(PACKAGE_DIST, 'emulator/shell/dist') });
  log(`shell page ${shell.built ? 'built' : 'reused'}: ${shell.hash.slice(0, 16)}`);

  for (const { name, build } of await projectGuests(ROOT)) {
    if (!name.startsWith('sample-extensions/')) continue;
    const result = await buildComponent(build);
    log(`${name}: ${result.cached ? 'component up to date' : `component built in ${(result.ms / 1000).toFixed(1)} s`}`);
  }
  for (const { name, build } of projectUis(ROOT)) {
    const result = await buildUi(build);
    log(`${name}: ${result.changed ? 'built' : 'up to date'}`);
  }
  const samples = join(ROOT, 'sample-extensions');
  for (const entry of await readdir(samples, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const to = join(PACKAGE_DIST, 'sample-extensions', entry.name);
    await mkdir(to, { recursive: true });
    for (const part of SAMPLE_PARTS) {
      await cp(join(samples, entry.name, part), join(to, part), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  }
  await cp(join(samples, 'README.md'), join(PACKAGE_DIST, 'sample-extensions/README.md'));
  log(`package built in ${PACKAGE_DIST}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await buildPackage();
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
