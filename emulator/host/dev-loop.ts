import { watch, type FSWatcher } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { packExtension } from '../bundles/pack.ts';
import { runDoctor } from '../doctor/index.ts';
import { describeError } from '../errors.ts';
import type { InstallView, Registry } from '../registry/registry.ts';

/** What the dev loop tells the shell (over its live channel) and the terminal. */
export type DevLoopEvent =
  | { type: 'reload'; registryId: string; contentHash: string; dir: string }
  | { type: 'build-error'; registryId: string | undefined; dir: string; message: string };

export interface DevLoopDeps {
  registry: Registry;
  tenantId: string;
  /** Transpile cache shared with the Runner, so checking a component costs nothing extra at run time. */
  cacheRoot: string;
  notify: (event: DevLoopEvent) => void;
  /** Quiet period after the last file change before rebuilding. */
  debounceMs?: number;
}

/**
 * `npm run emulate -- --ext <folder>`: publishes an author's extension folder and keeps it in
 * step with the folder. A change to `dist/main.wasm`, `ui/**` or `manifest.json` repacks, checks
 * the bundle as `doctor` would, publishes it as the version's new active bundle and reinstalls;
 * a broken build publishes nothing, so the previous bundle keeps running, and the error goes to
 * the shell. One rebuild per folder at a time; changes during a rebuild trigger one more.
 */
export class ExtensionDevLoop {
  readonly #deps: DevLoopDeps;
  readonly #watchers: FSWatcher[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #state = new Map<string, { running: Promise<void> | undefined; again: boolean; registryId?: string }>();
  #closed = false;

  constructor(deps: DevLoopDeps) {
    this.#deps = deps;
  }

  /** Publishes the folder once (reporting a broken build like any later one) and starts watching it. */
  async add(folder: string): Promise<InstallView | undefined> {
    const dir = resolve(folder);
    this.#state.set(dir, { running: undefined, again: false });
    const install = await this.#publish(dir);
    const watcher = watch(dir, { recursive: true }, (_event, name) => {
      if (name !== null && isWatched(String(name))) this.#schedule(dir);
    });
    watcher.on('error', (err) => this.#deps.notify({ type: 'build-error', registryId: this.#state.get(dir)?.registryId, dir, message: `watching stopped: ${describeError(err)}` }));
    this.#watchers.push(watcher);
    return install;
  }

  /** Resolves when no rebuild is pending or running (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#timers.size > 0 || [...this.#state.values()].some((s) => s.running)) {
      await Promise.all([...this.#state.values()].map((s) => s.running));
      if (this.#timers.size > 0) await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.#closed = true;
    for (const watcher of this.#watchers.splice(0)) watcher.close();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #schedule(dir: string): void {
    if (this.#closed) return;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#rebuild(dir);
    }, this.#deps.debounceMs ?? 200);
    this.#timers.add(timer);
  }

  #rebuild(dir: string): void {
    const state = this.#state.get(dir);
    if (!state || this.#closed) return;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = this.#publish(dir)
      .then(() => undefined)
      .finally(() => {
        state.running = undefined;
        if (state.again) {
          state.again = false;
          this.#rebuild(dir);
        }
      });
  }

  async #publish(dir: string): Promise<InstallView | undefined> {
    const state = this.#state.get(dir);
    try {
      const packed = await packExtension(dir);
      await this.#check(packed.bytes);
      const { registry, tenantId } = this.#deps;
      const published = await registry.publishBytes(packed.bytes, { newBundleForExistingVersion: true });
      await registry.install(tenantId, published.extension.id, published.version.version);
      const install = registry.installOf(tenantId, published.extension.id) ?? undefined;
      if (state) state.registryId = published.extension.id;
      this.#deps.notify({ type: 'reload', registryId: published.extension.id, contentHash: `sha256:${published.contentHash}`, dir });
      return install;
    } catch (err) {
      this.#deps.notify({ type: 'build-error', registryId: state?.registryId, dir, message: describeError(err) });
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

/** Only what goes into a bundle triggers a rebuild: the component, the UI and the manifest. */
export function isWatched(name: string): boolean {
  const path = name.split(sep).join('/');
  return path === 'manifest.json' || path === 'dist/main.wasm' || path.startsWith('ui/');
}
