import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { normalizeContentHash } from '../bundles/hash.ts';
import type { HostCallRecord } from '../contracts/host-call.ts';
import type { LoadedComponent } from './engine/component-loader.ts';
import type { GuestRequest } from './engine/worker-pool.ts';
import type { ExecuteEnvelope } from './execute/execute-response.ts';

const SANDBOX_URL = new URL('./engine/fast-path-sandbox.js', import.meta.url).href;

/** A handler's new source served before its component is built, in place of one install's bundle. */
export interface FastPathState {
  registryId: string;
  /** The installed bundle whose calls it serves (`sha256:…`): a call for another bundle runs that bundle. */
  baseContentHash: string;
  /** `sha256:` of the fast-path bundle: what the real component, once built, is checked against. */
  sourceHash: string;
}

/**
 * One call the fast path answered, as the Runner saw it: the record a replay against the real
 * component needs (the request the guest got, its host calls with arguments and results as the
 * ledger keeps them, the envelope it answered).
 */
export interface FastPathServed extends FastPathState {
  tenantId: string;
  requestId: string | undefined;
  request: GuestRequest;
  hostCalls: HostCallRecord[];
  envelope: ExecuteEnvelope;
}

type Listener = (served: FastPathServed) => void;

/**
 * The Runner's fast paths (spec: dev loop only): per registry id, JavaScript that answers that
 * install's calls in a sandbox with the component runtime's globals (engine/fast-path-sandbox.js),
 * on the same workers, host capabilities, grants, limits and envelope as a component. It applies
 * only to calls for the bundle it was set on, so publishing the real component ends it by itself.
 *
 * @example const { sourceHash } = await runner.fastPaths.set(registryId, install.contentHash, source)
 */
export class FastPaths {
  readonly #dir: string;
  readonly #entries = new Map<string, FastPathState & { glueUrl: string }>();
  readonly #listeners = new Set<Listener>();
  readonly #preload: (moduleUrl: string) => void;

  /** `preload`: has the guest workers import a module ahead of the first call that needs it. */
  constructor(cacheRoot: string, preload: (moduleUrl: string) => void = () => undefined) {
    this.#dir = join(cacheRoot, 'fast-path');
    this.#preload = preload;
  }

  /** Workers load the sandbox now, so the first fast-path call does not (the dev loop calls it when it starts watching). */
  prepare(): void {
    this.#preload(SANDBOX_URL);
  }

  /** Serves `source` (toolchain `bundleFastPath` output) for the install's calls to `baseContentHash`. */
  async set(registryId: string, baseContentHash: string, source: string): Promise<FastPathState> {
    const hex = createHash('sha256').update(source).digest('hex');
    const file = join(this.#dir, `${hex}.mjs`);
    await mkdir(this.#dir, { recursive: true });
    const glue = [
      `import { instantiateFastPath } from ${JSON.stringify(SANDBOX_URL)};`,
      `const SOURCE = ${JSON.stringify(source)};`,
      'export function instantiate(_getCoreModule, imports) { return instantiateFastPath(SOURCE, imports); }',
      '',
    ].join('\n');
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, glue);
    await rename(temp, file);
    const state = { registryId, baseContentHash: normalizeContentHash(baseContentHash), sourceHash: `sha256:${hex}` };
    const glueUrl = pathToFileURL(file).href;
    this.#preload(glueUrl);
    this.#entries.set(registryId, { ...state, glueUrl });
    return { ...state };
  }

  /** The fast path now serves calls to `contentHash` (a newer bundle published before it was built). */
  rebase(registryId: string, contentHash: string): void {
    const entry = this.#entries.get(registryId);
    if (entry) entry.baseContentHash = normalizeContentHash(contentHash);
  }

  clear(registryId: string): void {
    this.#entries.delete(registryId);
  }

  current(registryId: string): FastPathState | undefined {
    const entry = this.#entries.get(registryId);
    return entry && { registryId, baseContentHash: entry.baseContentHash, sourceHash: entry.sourceHash };
  }

  /** Hears every call a fast path answered (the dev loop's verdict hook). Returns the unsubscribe. */
  onServed(listener: Listener): () => void {
    const entry: Listener = (served) => listener(served);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** The component-shaped fast path for a call, when one serves this install's bundle. */
  componentFor(registryId: string, contentHash: string, memoryMb: number): { state: FastPathState; component: LoadedComponent } | undefined {
    const entry = this.#entries.get(registryId);
    if (!entry || entry.baseContentHash !== contentHash) return undefined;
    const state = { registryId, baseContentHash: entry.baseContentHash, sourceHash: entry.sourceHash };
    return { state, component: { contentHash: `fast-path-${entry.sourceHash}`, glueUrl: entry.glueUrl, modules: {}, memoryMb } };
  }

  /** Called by the Runner after a fast-path call; a listener's throw is the listener's problem, not the call's. */
  served(record: FastPathServed, log: (reason: string) => void): void {
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch (err) {
        log(err instanceof Error ? err.message : String(err));
      }
    }
  }
}
