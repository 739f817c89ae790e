import { createHash } from 'node:crypto';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { packExtension } from '../bundles/pack.ts';
import { runDoctor } from '../doctor/index.ts';
import { describeError } from '../errors.ts';
import type { InstallView, Registry } from '../registry/registry.ts';
import { SOURCE_FOLDERS, chooseDevBuild, planEmulatorBuild, runDevBuild, type DevBuild } from './dev-build.ts';
import { importShape } from '../capabilities/index.ts';
import type { FastPathState, FastPaths } from '../runner/fast-path.ts';
import { bundleFastPath } from '../toolchain/build-component.ts';

/** What the dev loop tells the shell (over its live channel) and the terminal. */
export type DevLoopEvent =
  /**
   * A bundle was published and installed. `builtFrom`: the fast-path source (`sourceHash`) this
   * component was built from: from now on the real component answers (the verdict hook).
   */
  | { type: 'reload'; registryId: string; contentHash: string; dir: string; builtFrom?: string }
  /** A saved handler source answers through the fast path (not yet verified) while its component builds. */
  | { type: 'fast-path'; registryId: string; dir: string; contentHash: string; sourceHash: string; message: string }
  | { type: 'built'; registryId: string | undefined; dir: string; message: string }
  /**
   * The fast path's calls replayed against the component built from its source (fast-path-verdict.ts):
   * `ok` when the component answered every one the same way; otherwise `message` names each difference.
   */
  | { type: 'verdict'; registryId: string; dir: string; contentHash: string; sourceHash: string; calls: number; ok: boolean; message: string }
  | { type: 'build-error'; registryId: string | undefined; dir: string; message: string };

export interface DevLoopDeps {
  registry: Registry;
  tenantId: string;
  /** Transpile cache shared with the Runner, so checking a component costs nothing extra at run time. */
  cacheRoot: string;
  notify: (event: DevLoopEvent) => void;
  /** Quiet period after the last file change before rebuilding. */
  debounceMs?: number;
  /** The Runner's fast paths: with them, a saved handler answers in milliseconds while its component builds. */
  fastPaths?: FastPaths;
}

export interface WatchOptions {
  /** `--build "<command>"`: the folder's build, run with `sh -c` in it; default see chooseDevBuild. */
  build?: string;
}

interface FolderState {
  build: DevBuild;
  running: Promise<void> | undefined;
  timer: NodeJS.Timeout | undefined;
  /** What changed since the last run started: sources need a build first, outputs only a publish. */
  pending: { sources: boolean; outputs: boolean };
  registryId?: string;
  /** sha256 of the last bundle published from the folder: an unchanged pack publishes nothing. */
  lastPacked?: string;
  /** The fast path of the latest saved source, served at once whatever build is running. */
  fastTimer: NodeJS.Timeout | undefined;
  fast: Promise<FastPathState | false | undefined>;
}

/** Subfolders watched for changeKind: the sources and the bundle's own folders. */
const WATCHED_FOLDERS: readonly string[] = [...SOURCE_FOLDERS, 'ui', 'dist'];

/** Longest hold of a component build for its fast path's first answer. */
const BUILD_HOLD_MS = 1500;

/** Quiet period before a saved handler is bundled for the fast path (editors save in one or two writes). */
const FAST_PATH_DEBOUNCE_MS = 50;

/**
 * `npm run emulate -- --ext <folder>`: publishes an author's extension folder and keeps it in
 * step with the folder. A saved source (`src/**`, `ui-src/**`) is built first (dev-build.ts: the
 * folder's own build, or the emulator's for the scaffold layout); a change to the build's outputs
 * (`dist/main.wasm`, `ui/**`) or `manifest.json` repacks, checks the bundle as `doctor` would,
 * publishes it as the version's new active bundle and reinstalls. A broken build publishes
 * nothing, so the previous bundle keeps running, and the error (file:line:column for esbuild)
 * goes to the shell and the terminal. One run per folder at a time; changes during a run trigger
 * one more.
 */
export class ExtensionDevLoop {
  readonly #deps: DevLoopDeps;
  readonly #watchers: FSWatcher[] = [];
  readonly #state = new Map<string, FolderState>();
  /** Stops running builds (their child processes) when the loop closes. */
  readonly #abort = new AbortController();
  #closed = false;

  constructor(deps: DevLoopDeps) {
    this.#deps = deps;
  }

  /** Builds and publishes the folder once (reporting a broken build like any later one) and starts watching it. */
  async add(folder: string, options: WatchOptions = {}): Promise<InstallView | undefined> {
    const dir = resolve(folder);
    const state: FolderState = {
      build: await chooseDevBuild(dir, options.build), running: undefined, timer: undefined, pending: { sources: false, outputs: false },
      fastTimer: undefined, fast: Promise.resolve(undefined),
    };
    this.#state.set(dir, state);
    const built = await this.#build(dir, state);
    const install = built ? await this.#publish(dir) : undefined;
    if (state.build.kind === 'emulator' && this.#deps.fastPaths) void this.#warmFastPath(dir);
    this.#watchFolder(dir, state);
    return install;
  }

  /**
   * Watches only what changeKind names: the folder itself (manifest.json, new subfolders), and
   * each watched subfolder (recursively but dist/). Never the whole tree: Node 20's recursive
   * watch on Linux walks every folder, node_modules included, and its events then lag by seconds.
   */
  #watchFolder(dir: string, state: FolderState): void {
    const watched = new Set<string>();
    const onChange = (name: string) => {
      const kind = changeKind(name);
      if (kind === undefined) return;
      state.pending[kind] = true;
      if (kind === 'sources') this.#scheduleFastPath(dir, state);
      this.#schedule(dir, state);
    };
    const add = (sub: string | undefined) => {
      if (this.#closed || (sub !== undefined && (watched.has(sub) || !existsSync(join(dir, sub))))) return;
      if (sub !== undefined) watched.add(sub);
      const recursive = sub !== undefined && sub !== 'dist';
      const watcher = watch(sub === undefined ? dir : join(dir, sub), { recursive }, (_event, name) => {
        if (name === null) return;
        const path = sub === undefined ? String(name) : `${sub}/${String(name)}`;
        if (sub === undefined && WATCHED_FOLDERS.includes(path)) add(path);
        onChange(path);
      });
      watcher.on('error', (err) => this.#deps.notify({ type: 'build-error', registryId: state.registryId, dir, message: `watching stopped: ${describeError(err)}` }));
      this.#watchers.push(watcher);
    };
    add(undefined);
    for (const sub of WATCHED_FOLDERS) add(sub);
  }

  /** Resolves when no rebuild is pending or running (tests, orderly shutdown). */
  async idle(): Promise<void> {
    const busy = () => [...this.#state.values()].filter((s) => s.timer || s.fastTimer || s.running);
    while (busy().length > 0) {
      await Promise.all(busy().map((s) => s.running));
      if (busy().some((s) => s.timer || s.fastTimer)) await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.#closed = true;
    this.#abort.abort();
    for (const watcher of this.#watchers.splice(0)) watcher.close();
    for (const state of this.#state.values()) {
      clearTimeout(state.timer);
      clearTimeout(state.fastTimer);
      state.timer = undefined;
      state.fastTimer = undefined;
    }
  }

  /** A saved source is served through the fast path without waiting for a running build. */
  #scheduleFastPath(dir: string, state: FolderState): void {
    if (this.#closed) return;
    clearTimeout(state.fastTimer);
    state.fastTimer = setTimeout(() => {
      state.fastTimer = undefined;
      // One after the other, so the latest save is the one left serving.
      state.fast = state.fast.then(() => this.#serveFastPath(dir, state));
    }, Math.min(FAST_PATH_DEBOUNCE_MS, this.#deps.debounceMs ?? FAST_PATH_DEBOUNCE_MS));
  }

  #schedule(dir: string, state: FolderState): void {
    if (this.#closed) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.#rebuild(dir, state);
    }, this.#deps.debounceMs ?? 200);
  }

  #rebuild(dir: string, state: FolderState): void {
    if (this.#closed || state.running) return; // a running run looks at `pending` again when it ends
    const { sources, outputs } = state.pending;
    if (!sources && !outputs) return;
    state.pending = { sources: false, outputs: false };
    state.running = (async () => {
      let builtFrom: string | undefined;
      if (sources) {
        while (state.fastTimer) await new Promise((r) => setTimeout(r, 10));
        const fast = await state.fast;
        if (fast === false) return; // bundling failed and was reported: componentize would fail the same way
        if (fast) await this.#firstCallOrTimeout(fast);
        // The build reads the sources now: it verifies the fast path serving them.
        builtFrom = state.registryId ? this.#deps.fastPaths?.current(state.registryId)?.sourceHash : undefined;
        if (!(await this.#build(dir, state))) {
          const registryId = state.registryId;
          if (registryId && this.#deps.fastPaths?.current(registryId)?.sourceHash === builtFrom) this.#deps.fastPaths?.clear(registryId); // back to the last good component
          return;
        }
      }
      await this.#publish(dir, builtFrom);
    })().finally(() => {
      state.running = undefined;
      this.#rebuild(dir, state);
    });
  }

  /** Runs the folder's build; false (after reporting the error) when it failed. */
  async #build(dir: string, state: FolderState): Promise<boolean> {
    try {
      const message = await runDevBuild(dir, state.build, this.#abort.signal);
      if (message !== undefined) this.#deps.notify({ type: 'built', registryId: state.registryId, dir, message });
      return true;
    } catch (err) {
      if (!this.#closed) this.#failed(state, dir, describeError(err));
      return false;
    }
  }

  /**
   * Bundles the scaffold layout's handler (esbuild, tens of milliseconds) and serves it through
   * the Runner's fast path for the installed bundle's calls. Undefined when there is no fast path
   * here (no Runner fast paths, a folder with its own build, nothing installed yet); false when
   * bundling failed (reported: componentize would fail on the same bundle).
   */
  async #serveFastPath(dir: string, state: FolderState): Promise<FastPathState | false | undefined> {
    const { fastPaths, registry, tenantId } = this.#deps;
    const install = state.registryId ? registry.installOf(tenantId, state.registryId) : undefined;
    if (!fastPaths || state.build.kind !== 'emulator' || !install?.contentHash) return undefined;
    const entry = (await planEmulatorBuild(dir).catch(() => undefined))?.component?.entry;
    if (entry === undefined) return undefined;
    const started = performance.now();
    try {
      const source = await bundleFastPath(join(dir, entry), worldInterfaces());
      const fast = await fastPaths.set(install.registryId, install.contentHash, source);
      const ms = Math.round(performance.now() - started);
      const message = `${entry} answers through the fast path after ${ms} ms (not yet verified); building its component`;
      this.#deps.notify({ type: 'fast-path', registryId: install.registryId, dir, contentHash: fast.baseContentHash, sourceHash: fast.sourceHash, message });
      return fast;
    } catch (err) {
      this.#failed(state, dir, describeError(err));
      return false;
    }
  }

  /**
   * Holds the component build until the new fast path answered once (or BUILD_HOLD_MS passed):
   * on a busy two-core machine, starting esbuild and the componentize child at the same moment
   * delayed that first answer by about a second; the build is a minute long either way.
   */
  async #firstCallOrTimeout(fast: FastPathState): Promise<void> {
    const fastPaths = this.#deps.fastPaths;
    if (!fastPaths) return;
    let stop = () => undefined as void;
    await new Promise<void>((done) => {
      const timer = setTimeout(done, BUILD_HOLD_MS);
      stop = fastPaths.onServed((served) => {
        if (served.registryId !== fast.registryId || served.sourceHash !== fast.sourceHash) return;
        clearTimeout(timer);
        done();
      });
    });
    stop();
  }

  /**
   * Reports a failed build or publish. The next good pack publishes even when its bytes are the
   * last published ones (a reverted mistake), so the shell hears `reload` and drops the error.
   */
  #failed(state: FolderState, dir: string, message: string): void {
    state.lastPacked = undefined;
    this.#deps.notify({ type: 'build-error', registryId: state.registryId, dir, message });
  }

  /** The first save pays no start-up: workers load the sandbox, esbuild bundles the handler once. */
  async #warmFastPath(dir: string): Promise<void> {
    this.#deps.fastPaths?.prepare();
    const entry = (await planEmulatorBuild(dir).catch(() => undefined))?.component?.entry;
    if (entry !== undefined) await bundleFastPath(join(dir, entry), worldInterfaces()).catch(() => undefined);
  }

  /** After a publish of `contentHash`: the fast path it was built from ends; a newer one moves onto the new bundle. */
  #settleFastPath(registryId: string, contentHash: string, builtFrom: string | undefined): void {
    const fastPaths = this.#deps.fastPaths;
    const current = fastPaths?.current(registryId);
    if (!fastPaths || !current) return;
    if (builtFrom !== undefined && current.sourceHash === builtFrom) fastPaths.clear(registryId);
    else fastPaths.rebase(registryId, contentHash);
  }

  async #publish(dir: string, builtFrom?: string): Promise<InstallView | undefined> {
    const state = this.#state.get(dir);
    try {
      const packed = await packExtension(dir);
      const packedHash = createHash('sha256').update(packed.bytes).digest('hex');
      if (state?.lastPacked === packedHash && state.registryId) {
        const same = this.#deps.registry.installOf(this.#deps.tenantId, state.registryId) ?? undefined;
        if (same?.contentHash) {
          this.#settleFastPath(state.registryId, same.contentHash, builtFrom);
          if (builtFrom !== undefined) this.#deps.notify({ type: 'reload', registryId: state.registryId, contentHash: same.contentHash, dir, builtFrom });
        }
        return same;
      }
      await this.#check(packed.bytes);
      const { registry, tenantId } = this.#deps;
      const published = await registry.publishBytes(packed.bytes, { newBundleForExistingVersion: true });
      await registry.install(tenantId, published.extension.id, published.version.version);
      const install = registry.installOf(tenantId, published.extension.id) ?? undefined;
      if (state) {
        state.registryId = published.extension.id;
        state.lastPacked = packedHash;
      }
      const contentHash = `sha256:${published.contentHash}`;
      this.#settleFastPath(published.extension.id, contentHash, builtFrom);
      this.#deps.notify({ type: 'reload', registryId: published.extension.id, contentHash, dir, ...(builtFrom === undefined ? {} : { builtFrom }) });
      return install;
    } catch (err) {
      if (state) this.#failed(state, dir, describeError(err));
      else this.#deps.notify({ type: 'build-error', registryId: undefined, dir, message: describeError(err) });
      return undefined;
    }
  }

  /** The doctor's checks on the exact bytes about to be published; any problem stops the publish. */
  async #check(bytes: Uint8Array): Promise<void> {
    const temp = await mkdtemp(join(tmpdir(), 'alga-dev-loop-'));
    try {
      const file = join(temp, 'bundle.tar.zst');
      await writeFile(file, bytes);
      const report = await runDoctor(file, { mode: 'off', cacheRoot: this.#deps.cacheRoot });
      if (!report.ok) {
        const lines = report.problems.map((p) => `${p.code} ${p.where}: ${p.message}`);
        throw new Error(`the new build was not published (the previous one keeps running):\n${lines.join('\n')}`);
      }
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
}

/**
 * What a changed path asks for: `sources` (src/**, ui-src/**: build, then publish), `outputs`
 * (what goes into a bundle: manifest.json, dist/main.wasm, ui/**: publish), or nothing.
 */
export function changeKind(name: string): 'sources' | 'outputs' | undefined {
  const path = name.split(sep).join('/');
  if (path === 'manifest.json' || path === 'dist/main.wasm' || path.startsWith('ui/')) return 'outputs';
  if (SOURCE_FOLDERS.some((folder) => path.startsWith(`${folder}/`))) return 'sources';
  return undefined;
}

/** The world's imports the guest may name: interface → its functions (jco names). */
function worldInterfaces(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(importShape()).map(([iface, functions]) => [iface, Object.keys(functions)]));
}
