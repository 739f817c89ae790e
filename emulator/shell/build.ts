// Builds the shell page (`emulator/shell/app/`) with Vite's JS API into
// `emulator/shell/dist/<source hash>/`, skipping the build when the sources are unchanged.
// `npm run build:shell` runs it (`--force` rebuilds); startEmulator calls ensureShellBuilt().
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EmulatorError, describeError } from '../errors.ts';
import { SHELL_ASSET_BASE } from './server/pages.ts';

export const SHELL_APP_DIR = fileURLToPath(new URL('./app/', import.meta.url));
export const SHELL_DIST_ROOT = fileURLToPath(new URL('./dist/', import.meta.url));
/** Bump when the build options change, so older outputs are rebuilt. */
const BUILD_FORMAT = 'shell-build-v1';
const READY = '.ready';

export interface ShellBuild {
  /** Folder holding `index.html` and `assets/`. */
  dir: string;
  /** sha256 of the app sources, Vite's version and the build format. */
  hash: string;
  /** False when an existing build for this hash was reused. */
  built: boolean;
  ms: number;
}

export interface ShellBuildOptions {
  appDir?: string;
  distRoot?: string;
  /** Rebuild even when a build for the current sources exists. */
  force?: boolean;
}

/** Source files of the page (tests excluded), relative paths with `/`, sorted. */
export async function shellSourceFiles(appDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && !entry.name.endsWith('.test.ts')) out.push(relative(appDir, full).split(sep).join('/'));
    }
  };
  await walk(appDir);
  return out.sort();
}

/** The cache key: every source file's path and bytes, plus Vite's version and the build format. */
export async function shellSourceHash(appDir: string, viteVersion: string): Promise<string> {
  const hash = createHash('sha256').update(`${BUILD_FORMAT}\0vite ${viteVersion}\0`);
  for (const file of await shellSourceFiles(appDir)) {
    hash.update(`${file}\0`).update(await readFile(join(appDir, file))).update('\0');
  }
  return hash.digest('hex');
}

/** Vite's version, or null when the vite package is not installed (published installs). */
export function installedViteVersion(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return (require('vite/package.json') as { version: string }).version;
  } catch {
    return null;
  }
}

/**
 * The built page for the current sources: reused when present, else built (into a temp folder,
 * then renamed into place, so concurrent emulators never see a half-written build).
 */
export async function ensureShellBuilt(options: ShellBuildOptions = {}): Promise<ShellBuild> {
  const started = performance.now();
  const appDir = options.appDir ?? SHELL_APP_DIR;
  const distRoot = options.distRoot ?? SHELL_DIST_ROOT;
  // An installed package ships the page prebuilt and not its sources: use it, never build into it.
  if (!existsSync(join(appDir, 'index.html'))) return prebuiltShell(distRoot, started);
  const viteVersion = installedViteVersion();
  if (viteVersion === null) {
    throw new EmulatorError('SHELL_BUILD_FAILED', 'Failed to build the shell page: the vite package is not installed. Run `npm install` (vite is a dev dependency) and then `npm run build:shell`.');
  }
  const hash = await shellSourceHash(appDir, viteVersion);
  const dir = join(distRoot, hash.slice(0, 16));
  if (!options.force && existsSync(join(dir, READY))) return { dir, hash, built: false, ms: performance.now() - started };
  const tmp = join(distRoot, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(distRoot, { recursive: true });
    const vite = await import('vite');
    await vite.build({
      root: appDir,
      base: SHELL_ASSET_BASE,
      configFile: false,
      envDir: false,
      publicDir: false,
      logLevel: 'silent',
      build: { outDir: tmp, emptyOutDir: true, sourcemap: true, target: 'es2022', reportCompressedSize: false },
    });
    await writeFile(join(tmp, READY), `${hash}\n`);
    if (options.force) await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
      // Another process finished the same build first: use it.
      if (!existsSync(join(dir, READY))) throw err;
      await rm(tmp, { recursive: true, force: true });
    });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (err instanceof EmulatorError) throw err;
    throw new EmulatorError('SHELL_BUILD_FAILED', `Failed to build the shell page from ${appDir}: ${describeError(err)}. Fix it and run \`npm run build:shell\`.`, { cause: err });
  }
  await removeOtherBuilds(distRoot, dir);
  return { dir, hash, built: true, ms: performance.now() - started };
}

/** The one build an installed package ships (`npm pack` built it; see toolchain/build-package.ts). */
async function prebuiltShell(distRoot: string, started: number): Promise<ShellBuild> {
  const builds = await readdir(distRoot, { withFileTypes: true }).catch(() => []);
  for (const entry of builds) {
    const ready = join(distRoot, entry.name, READY);
    if (entry.isDirectory() && existsSync(ready)) return { dir: join(distRoot, entry.name), hash: (await readFile(ready, 'utf8')).trim(), built: false, ms: performance.now() - started };
  }
  throw new EmulatorError('SHELL_BUILD_FAILED', `Failed to find the shell page: this installed package has no prebuilt page in ${distRoot} and no sources to build one. Fix: reinstall alga-extension-emulator (its tarball ships the page).`);
}

/** Drops builds of older sources (temp folders of builds in progress are left alone). */
async function removeOtherBuilds(distRoot: string, keep: string): Promise<void> {
  for (const entry of await readdir(distRoot, { withFileTypes: true })) {
    const full = join(distRoot, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.') && full !== keep) await rm(full, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const result = await ensureShellBuilt({ force: process.argv.includes('--force') });
    console.log(result.built ? `shell page built in ${(result.ms / 1000).toFixed(1)} s: ${result.dir}` : `shell page up to date: ${result.dir}`);
  } catch (err) {
    console.error(`error ${err instanceof EmulatorError ? err.code : 'SHELL_BUILD_FAILED'}: ${describeError(err)}`);
    process.exitCode = 1;
  }
}
