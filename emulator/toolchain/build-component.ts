import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { setPriority } from 'node:os';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulatorError, describeError } from '../errors.ts';
import { WIT_PATH } from '../wit/world.ts';

/** Bump when the build recipe changes so cached outputs are rebuilt. */
const RECIPE_VERSION = '1';

export interface ComponentBuild {
  /** TypeScript or JavaScript entry exporting `handler`. */
  entry: string;
  /** Output component path, normally `<extension>/dist/main.wasm`. */
  outFile: string;
  /** WIT text to build against; defaults to the Runner's. */
  witText?: string;
  /** Extra files whose content invalidates the cache (the entry's folder is always included). */
  inputs?: string[];
  /** Stops the componentize child (the dev loop aborts a build when it closes). */
  signal?: AbortSignal;
}

export interface BuildResult {
  outFile: string;
  cached: boolean;
  ms: number;
}

/**
 * Bundles the entry with esbuild (the `alga:extension/*` imports stay external) and turns it
 * into a component with componentize-js (`--disable all`: the guest imports only
 * `alga:extension/*`). Skipped when the inputs' hash matches the last build.
 */
export async function buildComponent(build: ComponentBuild): Promise<BuildResult> {
  const started = performance.now();
  const witText = build.witText ?? (await readFile(WIT_PATH, 'utf8'));
  const bundled = await bundleEntry(build.entry);
  const inputHash = await hashInputs(bundled, witText, build.inputs ?? []);
  const stampFile = `${build.outFile}.build-hash`;
  if (existsSync(build.outFile) && (await readText(stampFile)) === inputHash) {
    return { outFile: build.outFile, cached: true, ms: performance.now() - started };
  }
  const work = join(dirname(build.outFile), `.build-${process.pid}`);
  await mkdir(work, { recursive: true });
  try {
    const source = join(work, 'guest.js');
    const wit = join(work, 'world.wit');
    await writeFile(source, bundled);
    await writeFile(wit, witText);
    const component = await componentizeGuest(source, wit, build.signal);
    await writeFile(`${build.outFile}.tmp`, component);
    await rename(`${build.outFile}.tmp`, build.outFile);
    await writeFile(stampFile, inputHash);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { outFile: build.outFile, cached: false, ms: performance.now() - started };
}

/**
 * The entry bundled as one ES module. Paths in esbuild's comments are relative to the entry's own
 * folder, not the caller's working directory, so the cache key is the same whoever builds it
 * (`npm run emulate` from an author's project and `npm test` here share one cached component).
 */
export async function bundleEntry(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const absolute = resolve(entry);
  try {
    const result = await build({
      entryPoints: [absolute],
      absWorkingDir: dirname(absolute),
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      external: ['alga:extension/*'],
      logLevel: 'silent',
    });
    return result.outputFiles[0]?.text ?? '';
  } catch (err) {
    throw new EmulatorError('BUILD_FAILED', `Failed to bundle ${entry}: ${esbuildErrors(err, dirname(absolute))}. Fix the TypeScript/JavaScript error above and rebuild.`, { cause: err });
  }
}

interface EsbuildMessage {
  text: string;
  location: { file: string; line: number; column: number } | null;
}

/**
 * esbuild's errors as `<absolute file>:<line>:<column>: <text>` lines (column 1-based, as editors
 * and terminals link them); esbuild's own message names files relative to its working folder.
 */
export function esbuildErrors(err: unknown, workingDir: string): string {
  const errors = (err as { errors?: EsbuildMessage[] } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return describeError(err);
  return errors
    // A virtual module's name (`namespace:path`) is shown as esbuild gives it.
    .map(({ text, location: at }) => (at ? `${at.file.includes(':') ? at.file : resolve(workingDir, at.file)}:${at.line}:${at.column + 1}: ${text}` : text))
    .join('\n');
}

const COMPONENTIZE_CHILD = fileURLToPath(new URL('./componentize-child.js', import.meta.url));

/**
 * componentize-js in a child process (componentize-child.js says why), at the lowest CPU
 * priority: on a busy two-core machine the emulator's own threads (the Gateway, the fast path)
 * go first, and the build takes what is left.
 */
function componentizeGuest(sourcePath: string, witPath: string, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const outFile = `${sourcePath}.wasm`;
  return new Promise((done, fail) => {
    const child = execFile(process.execPath, [COMPONENTIZE_CHILD, sourcePath, witPath, outFile], { maxBuffer: 16 * 1024 * 1024, signal }, (err, _stdout, stderr) => {
      if (!err) {
        readFile(outFile).then((bytes) => done(new Uint8Array(bytes)), fail);
        return;
      }
      const reason = stderr.trim() || err.message;
      fail(new EmulatorError('BUILD_FAILED', `Failed to componentize ${sourcePath}: ${reason}. Fix: make the bundle import only alga:extension interfaces and export handler, then rebuild.`, { cause: err }));
    });
    try {
      if (child.pid !== undefined) setPriority(child.pid, LOWEST_PRIORITY);
    } catch {
      // Not allowed here: the build only competes for the CPU as an equal.
    }
  });
}

/** `nice 19`. */
const LOWEST_PRIORITY = 19;

async function hashInputs(bundled: string, witText: string, extra: string[]): Promise<string> {
  const hash = createHash('sha256').update(RECIPE_VERSION).update(await componentizeVersion()).update(bundled).update(witText);
  for (const file of extra) hash.update(await readFile(file));
  return hash.digest('hex');
}

/** componentize-js does not export its package.json, so find it beside its entry module. */
async function componentizeVersion(): Promise<string> {
  const entry = fileURLToPath(import.meta.resolve('@bytecodealliance/componentize-js'));
  const pkg = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The parameter through which a fast-path bundle reaches its `alga:extension/*` imports. */
export const FAST_PATH_IMPORTS = '__algaImports';
/** The name the fast-path bundle's exports are bound to inside its wrapper function. */
export const FAST_PATH_EXPORTS = '__algaGuest';

/**
 * The entry bundled for the dev loop's fast path (tens of milliseconds): the same esbuild options
 * as the component's bundle, but as one script whose `alga:extension/*` imports read from the
 * `__algaImports` parameter of its wrapper, so a sandbox can run it with the very import objects
 * jco gives the component (runner/engine/fast-path-sandbox.js). Evaluates to the wrapper function.
 */
export async function bundleFastPath(entry: string, interfaces: Readonly<Record<string, readonly string[]>>): Promise<string> {
  const { build } = await import('esbuild');
  const absolute = resolve(entry);
  try {
    const result = await build({
      entryPoints: [absolute],
      absWorkingDir: dirname(absolute),
      bundle: true,
      write: false,
      format: 'iife',
      globalName: FAST_PATH_EXPORTS,
      platform: 'neutral',
      target: 'es2022',
      logLevel: 'silent',
      plugins: [{
        name: 'alga-extension-imports',
        setup(on) {
          on.onResolve({ filter: /^alga:extension\// }, (args) =>
            args.path in interfaces
              ? { path: args.path, namespace: 'alga-import' }
              : { errors: [{ text: `${args.path} is not an interface of the world alga:extension/runner` }] });
          // One ES module per interface exporting exactly the world's functions, so an import the
          // world lacks fails here with its file and line, as componentize-js fails the build.
          on.onLoad({ filter: /.*/, namespace: 'alga-import' }, (args) => {
            const functions = interfaces[args.path] ?? [];
            const table = `${FAST_PATH_IMPORTS}[${JSON.stringify(args.path)}]`;
            // `export { f0 as delete }`: a WIT function may be named like a reserved word.
            const lines = functions.map((fn, i) => `const f${i} = ${table}[${JSON.stringify(fn)}];\nexport { f${i} as ${fn} };`);
            return { contents: lines.join('\n'), loader: 'js' };
          });
        },
      }],
    });
    const code = result.outputFiles[0]?.text ?? '';
    return `(function (${FAST_PATH_IMPORTS}) {\n${code}\nreturn ${FAST_PATH_EXPORTS};\n})`;
  } catch (err) {
    throw new EmulatorError('BUILD_FAILED', `Failed to bundle ${entry}: ${esbuildErrors(err, dirname(absolute))}. Fix the TypeScript/JavaScript error above and rebuild.`, { cause: err });
  }
}
