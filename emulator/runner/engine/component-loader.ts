import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { EmulatorError, describeError } from '../../errors.ts';
import { linkProblems, parseDeclarations, type InterfaceDeclarations } from './link-check.ts';
import { exportAllGlobals } from './export-globals.ts';
import { capModuleMemory, memoryMbToPages } from './memory-cap.ts';

/** Bump when the transpile options or cache layout change, so old caches are not reused. */
const TRANSPILE_CACHE_VERSION = 'v1';
const GLUE_FILE = 'main.js';

/** A guest ready to be instantiated in a worker. */
export interface LoadedComponent {
  contentHash: string;
  /** `file:` URL of the transpiled ES module exporting `instantiate`. */
  glueUrl: string;
  /** Core modules by file name, compiled with the memory cap applied. */
  modules: Record<string, WebAssembly.Module>;
  memoryMb: number;
}

export interface ComponentLoaderOptions {
  cacheRoot: string;
  witPath: string;
}

/** Thrown for guests production would refuse to run; the Runner maps it to `execute_failed`. */
export function guestRefused(message: string, cause?: unknown): EmulatorError {
  return new EmulatorError('EXECUTE_FAILED', `execute_failed: ${message}`, { status: 500, cause });
}

/**
 * Turns `dist/main.wasm` bytes into compiled modules: header check, jco transpile (cached on disk
 * by content hash so a restart reuses it), link check against our WIT, memory cap, compile
 * (cached in memory by hash and memory limit).
 */
export class ComponentLoader {
  readonly #options: ComponentLoaderOptions;
  readonly #compiled = new Map<string, Promise<LoadedComponent>>();
  #hostDecls: Promise<InterfaceDeclarations> | undefined;

  constructor(options: ComponentLoaderOptions) {
    this.#options = { ...options };
  }

  load(contentHash: string, wasm: () => Promise<Uint8Array>, memoryMb: number): Promise<LoadedComponent> {
    const key = `${contentHash}:${memoryMb}`;
    let pending = this.#compiled.get(key);
    if (!pending) {
      pending = this.#load(contentHash, wasm, memoryMb);
      this.#compiled.set(key, pending);
      pending.catch(() => this.#compiled.delete(key));
    }
    return pending;
  }

  /**
   * Our own WIT's declarations, generated once and cached on disk by the WIT's hash, so a
   * restart does not need to load jco at all (also checks that the WIT parses).
   */
  hostDeclarations(): Promise<InterfaceDeclarations> {
    this.#hostDecls ??= this.#loadHostDeclarations();
    return this.#hostDecls;
  }

  async #loadHostDeclarations(): Promise<InterfaceDeclarations> {
    const wit = await readFile(this.#options.witPath);
    const key = createHash('sha256').update(TRANSPILE_CACHE_VERSION).update(wit).digest('hex').slice(0, 32);
    const file = join(this.#options.cacheRoot, 'host-types', `${key}.json`);
    try {
      return parseDeclarations(JSON.parse(await readFile(file, 'utf8')) as Record<string, string>);
    } catch {
      // Not cached yet: generate below.
    }
    const { generateHostTypes } = await import('@bytecodealliance/jco-transpile');
    const files = await generateHostTypes(this.#options.witPath, { worldName: 'runner' });
    const texts = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, decode(bytes)]));
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(`${file}.${process.pid}.tmp`, JSON.stringify(texts));
      await rename(`${file}.${process.pid}.tmp`, file);
    } catch {
      // A cache that cannot be written only costs time on the next start.
    }
    return parseDeclarations(texts);
  }

  async #load(contentHash: string, wasm: () => Promise<Uint8Array>, memoryMb: number): Promise<LoadedComponent> {
    const dir = join(this.#options.cacheRoot, 'transpiled', TRANSPILE_CACHE_VERSION, contentHash.replace(':', '-'));
    const files = (await readCached(dir)) ?? (await this.#transpile(dir, await wasm()));
    const problems = linkProblems(files.imports, parseDeclarations(files.declarations), await this.hostDeclarations());
    if (problems.length > 0) throw guestRefused(`component failed to link: ${problems.join('; ')}`);
    if (!files.exports.includes('handler')) {
      throw guestRefused('component does not export the function "handler" of world alga:extension/runner');
    }
    const maxPages = memoryMbToPages(memoryMb);
    const modules: Record<string, WebAssembly.Module> = {};
    for (const [name, bytes] of Object.entries(files.core)) {
      try {
        modules[name] = await WebAssembly.compile(exportAllGlobals(capModuleMemory(bytes, maxPages)) as Uint8Array<ArrayBuffer>);
      } catch (err) {
        throw guestRefused(`cannot prepare core module ${name}: ${describeError(err)}`, err);
      }
    }
    return { contentHash, glueUrl: pathToFileURL(join(dir, GLUE_FILE)).href, modules, memoryMb };
  }

  async #transpile(dir: string, wasm: Uint8Array): Promise<TranspiledFiles> {
    checkComponentHeader(wasm);
    const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
    let result: Awaited<ReturnType<typeof transpileBytes>>;
    try {
      result = await transpileBytes(wasm, {
        name: 'main',
        instantiation: 'async',
        emitTypescriptDeclarations: true,
        wasiShim: false,
        base64Cutoff: Number.MAX_SAFE_INTEGER,
      });
    } catch (err) {
      throw guestRefused(`dist/main.wasm is not a valid component: ${describeError(err)}`, err);
    }
    const files: TranspiledFiles = {
      imports: result.imports,
      exports: result.exports.map(([name]) => name),
      declarations: {},
      core: {},
    };
    for (const [name, bytes] of Object.entries(result.files)) {
      if (name.endsWith('.wasm')) files.core[name] = bytes;
      else if (name.startsWith('interfaces/')) files.declarations[name] = decode(bytes);
    }
    await writeCache(dir, result.files, files);
    return files;
  }
}

interface TranspiledFiles {
  imports: string[];
  exports: string[];
  declarations: Record<string, string>;
  core: Record<string, Uint8Array>;
}

/** A component starts with `\0asm` and layer 1 (`0d 00 01 00`); a core module with version 1. */
export function checkComponentHeader(bytes: Uint8Array): void {
  const magic = bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
  if (!magic) {
    throw guestRefused('dist/main.wasm is not a WebAssembly binary (precompiled artifacts are not accepted; ship the component)');
  }
  if (bytes[4] === 1 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0) {
    throw guestRefused(
      'dist/main.wasm is a core WebAssembly module, not a component of world alga:extension/runner; build it with componentize-js or `wasm-tools component new`',
    );
  }
}

async function readCached(dir: string): Promise<TranspiledFiles | undefined> {
  let meta: { imports: string[]; exports: string[] };
  try {
    meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as typeof meta;
  } catch {
    return undefined;
  }
  const files: TranspiledFiles = { ...meta, declarations: {}, core: {} };
  for (const name of await readdir(dir)) {
    if (name.endsWith('.wasm')) files.core[name] = new Uint8Array(await readFile(join(dir, name)));
  }
  for (const name of await readdir(join(dir, 'interfaces'))) {
    files.declarations[`interfaces/${name}`] = await readFile(join(dir, 'interfaces', name), 'utf8');
  }
  return files;
}

/** Writes into a temp folder and renames it into place; `meta.json` marks a complete entry. */
async function writeCache(dir: string, raw: Record<string, Uint8Array>, files: TranspiledFiles): Promise<void> {
  const temp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await mkdir(join(temp, 'interfaces'), { recursive: true });
    for (const [name, bytes] of Object.entries(raw)) {
      if (name === GLUE_FILE || name.endsWith('.wasm') || name.startsWith('interfaces/')) {
        await writeFile(join(temp, name), bytes);
      }
    }
    await writeFile(join(temp, 'meta.json'), JSON.stringify({ imports: files.imports, exports: files.exports }));
    await rename(temp, dir);
  } catch {
    // Another process may have won the race; a cache write failure never fails the call.
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
