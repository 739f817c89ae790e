import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { OWNER_PATTERN, ownerIsGone, processOwner } from '../../bundles/leftovers.ts';
import { EmulatorError, describeError, executeFailed } from '../../errors.ts';
import { HOST_TYPES_PATH, witSha256, type HostTypesFile } from '../../wit/host-types.ts';
import { linkProblems, parseDeclarations, type InterfaceDeclarations } from './link-check.ts';
import { componentSkeleton, restoreCoreModules, type ComponentSkeleton, type StrippedModule } from './component-skeleton.ts';
import { WasmFormatError } from './wasm-sections.ts';
import { memoryMbToPages } from './memory-cap.ts';
import { prepareModuleBytes, readModuleWithRoom, type ModuleBytes } from './module-rewrite.ts';
import { runColdTranspile, type TranspileOutcome, type WarmTranspiler } from './warm-transpiler.ts';
import { lazyValidationOn, validateFully } from './full-validation.ts';

/**
 * Bump when the transpile options, the edits to jco's output (glue-rewrite.js) or the cache
 * layout change, so old caches are not reused. v2: the glue reads JCO_DEBUG once.
 */
export const TRANSPILE_CACHE_VERSION = 'v2';

/** Transpile work folders: `{hash dir}.tmp-{owner}-{random}`, or `.tmp-{pid}-{random}` before owners were named (owner unknown). */
const TRANSPILE_TEMP = new RegExp(`^.+\\.tmp-(?:(${OWNER_PATTERN})|\\d+)-[a-z0-9]+$`);
/** Host-types and recent-list temp files: `{key}.json.{owner}.tmp` / `recent.json.{owner}.tmp`, or `.{pid}.tmp` before owners were named. */
const HOST_TYPES_TEMP = new RegExp(`^(?:[0-9a-f]+|recent)\\.json\\.(?:(${OWNER_PATTERN})|\\d+)\\.tmp$`);

/** Names in a folder; a missing folder has none. */
async function listNames(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}
const GLUE_FILE = 'main.js';
/**
 * Written in a transpile folder once all its core modules were compiled and fully validated: a
 * load that finds it does not validate them again (compiles validate lazily in the servers). A
 * refused module leaves no such file, so it is refused again after a restart.
 */
const VALIDATED_FILE = 'validated';
/** `{cacheRoot}/transpiled/{version}/recent.json`: the components loaded last, newest first. */
const RECENT_FILE = 'recent.json';
/** How many components the recent list keeps. */
const RECENT_KEPT = 8;

/** A component as the recent list names it: what `loadCached` needs to compile it again. */
export interface RecentComponent {
  contentHash: string;
  memoryMb: number;
}

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
  /** Called as soon as a component's glue module is on disk, before its core modules compile. */
  onGlueReady?: (glueUrl: string) => void;
  /**
   * Transpiles in a jco child started ahead of need (`RUNNER_WARM_TRANSPILER`); started here and
   * killed by `close()`. Without one, each transpile starts a cold child.
   */
  warmTranspiler?: WarmTranspiler;
  /**
   * Whether `WebAssembly.compile` validates lazily in this process (full-validation.ts); default:
   * whether it was started with the option. Then a module never loaded is validated on its own,
   * and a cached one that was validated once (VALIDATED_FILE) is not validated again.
   */
  lazyValidation?: boolean;
}

/** Thrown for guests production would refuse to run; the Runner maps it to `execute_failed`. */
export function guestRefused(message: string, cause?: unknown): EmulatorError {
  return executeFailed(message, cause);
}

/**
 * Turns `dist/main.wasm` bytes into compiled modules: header check, jco transpile of the
 * component's skeleton with the original core modules put back (cached on disk by content hash so
 * a restart reuses it), link check against our WIT, memory cap, compile
 * (cached in memory by hash and memory limit).
 */
export class ComponentLoader {
  readonly #options: ComponentLoaderOptions;
  readonly #compiled = new Map<string, Promise<LoadedComponent>>();
  /** Recent-list writes not finished yet (`close()` waits for them). */
  readonly #writes = new Set<Promise<void>>();
  #hostDecls: Promise<InterfaceDeclarations> | undefined;
  /**
   * How components were obtained: jco transpiles run vs disk-cache hits, how many transpiles a
   * warm child did, how many were done on a skeleton, and how many core modules were validated
   * besides their compile (for tests and logs).
   */
  readonly stats = { transpiled: 0, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 0, separateValidations: 0 };

  constructor(options: ComponentLoaderOptions) {
    this.#options = { ...options, lazyValidation: options.lazyValidation ?? lazyValidationOn() };
    this.#options.warmTranspiler?.start();
  }

  /**
   * Kills the warm transpile child, if any (transpiles after this run cold children), and waits
   * for the recent-list writes still in flight, so nothing writes into the cache after it.
   */
  async close(): Promise<void> {
    await this.#options.warmTranspiler?.close();
    await Promise.allSettled(this.#writes);
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
   * The components loaded most recently from this cache (by any process sharing it), newest
   * first; a Runner preloads the first few when it starts. Empty when none was recorded.
   */
  async recentlyLoaded(): Promise<RecentComponent[]> {
    try {
      const list = JSON.parse(await readFile(this.#recentFile(), 'utf8')) as unknown;
      return Array.isArray(list) ? list.filter(isRecentComponent) : [];
    } catch {
      return [];
    }
  }

  /** Compiles a component from the transpile cache only; undefined when it was never transpiled here. */
  async loadCached(contentHash: string, memoryMb: number): Promise<LoadedComponent | undefined> {
    if (!this.#compiled.has(`${contentHash}:${memoryMb}`)) {
      try {
        await readFile(join(this.#transpiledDir(contentHash), 'meta.json'));
      } catch {
        return undefined;
      }
    }
    return this.load(contentHash, () => Promise.reject(new Error(`${contentHash} is not in the transpile cache`)), memoryMb);
  }

  /**
   * Start-up repair: removes the temp folders and files of transpiles whose process was killed
   * (`{cacheRoot}/transpiled/{version}/*.tmp-…`, `{cacheRoot}/host-types/*.tmp`); a live
   * process's work is left alone. Returns their paths relative to the cache root.
   */
  async removeInterruptedTranspiles(): Promise<string[]> {
    const root = this.#options.cacheRoot;
    const candidates = [join('host-types', '')];
    for (const version of await listNames(join(root, 'transpiled'))) candidates.push(join('transpiled', version, ''));
    const removed: string[] = [];
    for (const folder of candidates) {
      for (const name of await listNames(join(root, folder))) {
        const match = TRANSPILE_TEMP.exec(name) ?? HOST_TYPES_TEMP.exec(name);
        if (!match || !ownerIsGone(match[1] ?? null)) continue;
        await rm(join(root, folder, name), { recursive: true, force: true });
        removed.push(join(folder, name));
      }
    }
    return removed;
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
    const shipped = await readShippedHostTypes(witSha256(wit));
    if (shipped) return parseDeclarations(shipped);
    const key = createHash('sha256').update(TRANSPILE_CACHE_VERSION).update(wit).digest('hex').slice(0, 32);
    const file = join(this.#options.cacheRoot, 'host-types', `${key}.json`);
    try {
      return parseDeclarations(JSON.parse(await readFile(file, 'utf8')) as Record<string, string>);
    } catch {
      // Not cached yet: generate below.
    }
    // Generated in the jco child process, like transpiles, so the Runner never holds jco's memory.
    const out = join(await mkdtemp(join(tmpdir(), 'alga-host-types-')), 'types.json');
    try {
      const outcome = await runColdTranspile(['--host-types', this.#options.witPath, out]);
      if (!outcome.ok) throw new Error(`cannot load ${this.#options.witPath}: ${outcome.stderr}`);
      const texts = await readFile(out, 'utf8');
      try {
        await mkdir(dirname(file), { recursive: true });
        const temp = `${file}.${processOwner()}.tmp`;
        await writeFile(temp, texts);
        await rename(temp, file);
      } catch {
        // A cache that cannot be written only costs time on the next start.
      }
      return parseDeclarations(JSON.parse(texts) as Record<string, string>);
    } finally {
      await rm(dirname(out), { recursive: true, force: true });
    }
  }

  #transpiledDir(contentHash: string): string {
    return join(this.#options.cacheRoot, 'transpiled', TRANSPILE_CACHE_VERSION, contentHash.replace(':', '-'));
  }

  #recentFile(): string {
    return join(this.#options.cacheRoot, 'transpiled', TRANSPILE_CACHE_VERSION, RECENT_FILE);
  }

  /** Whether a core module must be validated besides its compile: one never validated, when compiles validate lazily. */
  #validateSeparately(neverValidated: boolean): boolean {
    const validate = neverValidated && this.#options.lazyValidation === true;
    if (validate) this.stats.separateValidations++;
    return validate;
  }

  /** Puts a loaded component first in the recent list (temp file + rename; a failed write only costs a preload). */
  async #remember(entry: RecentComponent): Promise<void> {
    const same = (c: RecentComponent) => c.contentHash === entry.contentHash && c.memoryMb === entry.memoryMb;
    const list = [entry, ...(await this.recentlyLoaded()).filter((c) => !same(c))].slice(0, RECENT_KEPT);
    const file = this.#recentFile();
    const temp = `${file}.${processOwner()}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(list));
      await rename(temp, file);
    } catch {
      await rm(temp, { force: true });
    }
  }

  async #load(contentHash: string, wasm: () => Promise<Uint8Array>, memoryMb: number): Promise<LoadedComponent> {
    const dir = this.#transpiledDir(contentHash);
    const maxPages = memoryMbToPages(memoryMb);
    const cached = await readCached(dir);
    if (cached) this.stats.diskCacheHits++;
    else this.stats.transpiled++;
    const files = cached ?? (await this.#transpile(dir, await wasm(), maxPages));
    this.#options.onGlueReady?.(pathToFileURL(join(dir, GLUE_FILE)).href);
    const problems = linkProblems(files.imports, parseDeclarations(files.declarations), await this.hostDeclarations());
    if (problems.length > 0) throw guestRefused(`component failed to link: ${problems.join('; ')}`);
    if (!files.exports.includes('handler')) {
      throw guestRefused('component does not export the function "handler" of world alga:extension/runner');
    }
    const modules: Record<string, WebAssembly.Module> = {};
    for (const [name, source] of Object.entries(files.core)) {
      const prepared = await ('preparing' in source ? source.preparing : prepareCoreModule(source, maxPages, this.#validateSeparately(!files.validated)));
      if (!prepared.ok) throw guestRefused(`cannot prepare core module ${name}: ${describeError(prepared.error)}`, prepared.error);
      modules[name] = prepared.module;
    }
    // Best effort, like the recent list: without the file the next load validates again.
    if (!files.validated) await writeFile(join(dir, VALIDATED_FILE), '').catch(() => undefined);
    const write = this.#remember({ contentHash, memoryMb });
    this.#writes.add(write);
    void write.finally(() => this.#writes.delete(write));
    return { contentHash, glueUrl: pathToFileURL(join(dir, GLUE_FILE)).href, modules, memoryMb };
  }

  /**
   * Transpiles `wasm` into the cache folder `dir`. When jco is given the skeleton, the original
   * core modules are known before it starts, so they are prepared (capped, compiled) while it
   * works, from the moment its child has the job; `preparing` hands those compiles to `#load`,
   * which reports their failures in the usual order.
   */
  async #transpile(dir: string, wasm: Uint8Array, maxPages: number): Promise<TranspiledFiles> {
    checkComponentHeader(wasm);
    const skeleton = skeletonOf(wasm);
    let preparing: Promise<PreparedModule>[] | undefined;
    const prepare = () => (preparing = skeleton?.stripped.map((module) => prepareCoreModule({ bytes: module.original, room: 0 }, maxPages, this.#validateSeparately(true))));
    // Named after this process, so start-up repair removes it only once this process is gone.
    const temp = `${dir}.tmp-${processOwner()}-${Math.random().toString(36).slice(2)}`;
    let restored: Map<string, Uint8Array> | undefined;
    try {
      restored = await this.#transpileInto(temp, wasm, skeleton, prepare);
      try {
        await rename(temp, dir);
      } catch {
        // Another process finished the same hash first; use its copy (the same bytes).
      }
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
    // The modules being prepared already are not read back (12 MB each, at the load's peak).
    const early = new Map<string, Promise<PreparedModule>>();
    if (restored && skeleton && preparing) {
      for (const [name, original] of restored) {
        const started = preparing[skeleton.stripped.findIndex((module) => module.original === original)];
        if (started) early.set(name, started);
      }
    }
    const files = await readCached(dir, early);
    if (!files) throw guestRefused('transpiled component could not be read back from the cache');
    return files;
  }

  /**
   * jco's output for `wasm`, written to `outDir`. jco transpiles the skeleton when there is one
   * (`onSkeletonSent` is called once its child has the job), and the original core modules are
   * put back in place of the skeleton ones; returns them by file name. The original component is
   * transpiled instead (and undefined returned) when it has no skeleton, when jco refuses the
   * skeleton (so a refusal is jco's verdict on the real bytes, in its own words), or when the
   * skeleton modules do not come back intact.
   */
  async #transpileInto(outDir: string, wasm: Uint8Array, skeleton: ComponentSkeleton | undefined, onSkeletonSent: () => void): Promise<Map<string, Uint8Array> | undefined> {
    if (skeleton) {
      if ((await this.#runTranspileOn(outDir, skeleton.bytes, onSkeletonSent)).ok) {
        const restored = await putOriginalsBack(outDir, skeleton.stripped);
        if (restored) {
          this.stats.skeletonTranspiles++;
          return restored;
        }
      }
      await rm(outDir, { recursive: true, force: true });
    }
    const outcome = await this.#runTranspileOn(outDir, wasm);
    if (!outcome.ok) throw guestRefused(`dist/main.wasm is not a valid component: ${outcome.stderr}`);
    return undefined;
  }

  /**
   * Transpiles `component` into `outDir` (created), through a file the child reads and that is
   * removed after. `onSent` runs once the child was started or sent the job.
   */
  async #runTranspileOn(outDir: string, component: Uint8Array, onSent?: () => void): Promise<TranspileOutcome> {
    await mkdir(outDir, { recursive: true });
    const input = join(outDir, 'input.wasm');
    await writeFile(input, component);
    // The child is spawned (or the warm one sent the job) synchronously by this call.
    const running = this.#runTranspile(input, outDir);
    onSent?.();
    const outcome = await running;
    await rm(input, { force: true });
    return outcome;
  }

  /** jco in a child process (transpile-child.js): the warm one when there is one, else a cold one. */
  async #runTranspile(input: string, outDir: string): Promise<TranspileOutcome> {
    const warm = this.#options.warmTranspiler;
    if (!warm) return runColdTranspile([input, outDir]);
    const result = await warm.transpile(input, outDir);
    if (result.by === 'warm') this.stats.warmTranspiles++;
    return result;
  }
}

/** The declarations shipped with the package, when they were generated from this very WIT. */
async function readShippedHostTypes(sha256: string): Promise<Record<string, string> | undefined> {
  try {
    const shipped = JSON.parse(await readFile(HOST_TYPES_PATH, 'utf8')) as HostTypesFile;
    return shipped.witSha256 === sha256 ? shipped.files : undefined;
  } catch {
    return undefined;
  }
}

interface TranspiledFiles {
  imports: string[];
  exports: string[];
  declarations: Record<string, string>;
  /**
   * By file name: read with room for the rewrite (module-rewrite.ts; hand each to
   * `prepareCoreModule` once), or already being prepared (see `#transpile`).
   */
  core: Record<string, ModuleBytes | { preparing: Promise<PreparedModule> }>;
  /** Every core module in the folder compiled and validated once already (its VALIDATED_FILE exists). */
  validated: boolean;
}

function isRecentComponent(value: unknown): value is RecentComponent {
  const entry = value as Partial<RecentComponent> | null;
  return typeof entry?.contentHash === 'string' && /^sha256:[0-9a-f]{64}$/.test(entry.contentHash) && Number.isInteger(entry.memoryMb);
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

/** The skeleton jco is given for `wasm`; none when its sections do not parse (jco then reports on the original). */
function skeletonOf(wasm: Uint8Array): ComponentSkeleton | undefined {
  try {
    return componentSkeleton(wasm);
  } catch (err) {
    if (err instanceof WasmFormatError) return undefined;
    throw err;
  }
}

/** Replaces jco's skeleton core modules in `dir` by the originals (returned by file name); undefined when they did not come back intact. */
async function putOriginalsBack(dir: string, stripped: StrippedModule[]): Promise<Map<string, Uint8Array> | undefined> {
  const written = new Map<string, Uint8Array>();
  for (const name of await readdir(dir)) {
    if (name.endsWith('.wasm')) written.set(name, new Uint8Array(await readFile(join(dir, name))));
  }
  const restored = restoreCoreModules(written, stripped);
  if (!restored) return undefined;
  for (const [name, bytes] of restored) await writeFile(join(dir, name), bytes);
  return restored;
}

/** A core module capped to `maxPages`, its globals exported and compiled; never rejects. */
type PreparedModule = { ok: true; module: WebAssembly.Module } | { ok: false; error: unknown };

/** `validate`: also validate every function besides compiling (compiles validate lazily here). */
async function prepareCoreModule(module: ModuleBytes, maxPages: number, validate: boolean): Promise<PreparedModule> {
  try {
    const [compiled] = await startPreparing(module, maxPages, validate);
    return { ok: true, module: compiled };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Starts the compile (and validation) of a core module. No 12 MB buffer is kept for the compile,
 * which copies the bytes when it starts. The validation reads the module as it was given when
 * the rewrite copied it (the caller holds those bytes anyway), else the rewritten bytes.
 */
function startPreparing(module: ModuleBytes, maxPages: number, validate: boolean): Promise<[WebAssembly.Module, void]> {
  const bytes = prepareModuleBytes(module, maxPages) as Uint8Array<ArrayBuffer>;
  if (!validate) return Promise.all([WebAssembly.compile(bytes), undefined]);
  const unchanged = bytes.buffer === module.bytes.buffer ? bytes : module.bytes;
  return Promise.all([WebAssembly.compile(bytes), validateFully(unchanged as Uint8Array<ArrayBuffer>)]);
}

/** The cached transpile in `dir`; the core modules in `early` are taken as being prepared, not read. */
async function readCached(dir: string, early: ReadonlyMap<string, Promise<PreparedModule>> = new Map()): Promise<TranspiledFiles | undefined> {
  let meta: { imports: string[]; exports: string[] };
  try {
    meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as typeof meta;
  } catch {
    return undefined;
  }
  const names = await readdir(dir);
  const files: TranspiledFiles = { ...meta, declarations: {}, core: {}, validated: names.includes(VALIDATED_FILE) };
  for (const name of names) {
    if (!name.endsWith('.wasm')) continue;
    const preparing = early.get(name);
    files.core[name] = preparing ? { preparing } : await readModuleWithRoom(join(dir, name));
  }
  // A component that imports nothing has no interface declarations.
  const interfaces = await readdir(join(dir, 'interfaces')).catch(() => [] as string[]);
  for (const name of interfaces) {
    files.declarations[`interfaces/${name}`] = await readFile(join(dir, 'interfaces', name), 'utf8');
  }
  return files;
}
