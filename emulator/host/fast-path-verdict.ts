import { hashHex } from '../bundles/hash.ts';
import { describeError } from '../errors.ts';
import { canonicalKey } from '../registry/context.ts';
import { formatReplayReport, newCassette, replay, type CassetteCall, type RecordFilter, type RecordListener } from '../replay/index.ts';
import type { FastPaths } from '../runner/fast-path.ts';
import type { DevLoopEvent } from './dev-loop.ts';

/** Fast-path calls kept per source for its verdict; later ones are counted, not replayed. */
export const MAX_VERDICT_CALLS = 100;
/** Recorded calls waiting for the fast path to claim them (a call is claimed as soon as it ends). */
const MAX_UNCLAIMED = 64;

export interface FastPathVerdictDeps {
  /** The Runner's recorder (`runner.record`): full request, host calls and envelope of each call. */
  record: (filter: RecordFilter, listener: RecordListener) => () => void;
  fastPaths: Pick<FastPaths, 'onServed'>;
  /** The published archive of a content hash (the registry's store). */
  bundleBytes: (contentHash: string) => Promise<Uint8Array | null>;
  /** Where replays extract and transpile (the emulator's cache, so the component's transpile is reused). */
  cacheDir: string;
  notify: (event: DevLoopEvent) => void;
}

/**
 * Production's verdict on the dev loop's fast path: every call a fast path answered is recorded
 * (request, host calls with their arguments and answers, envelope). When the component built from
 * that same source is published (`reload` with `builtFrom`), the recorded calls are replayed
 * against it offline with host calls answered from the recording, and a `verdict` event says
 * whether the component answered each call the same way, naming every call that differed.
 *
 * @example
 * const verdicts = new FastPathVerdicts({ record: (f, l) => runner.record(f, l), fastPaths: runner.fastPaths, bundleBytes, cacheDir, notify });
 * // then hand it every dev-loop event: verdicts.observe(event)
 */
export class FastPathVerdicts {
  readonly #deps: FastPathVerdictDeps;
  /** Recorded calls of watched installs by request id, until the fast path claims them. */
  readonly #unclaimed = new Map<string, CassetteCall>();
  /** Per fast-path source: the install it serves and the calls it answered. */
  readonly #bySource = new Map<string, { registryId: string; dir: string; calls: CassetteCall[]; dropped: number }>();
  readonly #recording = new Map<string, () => void>();
  readonly #stopServed: () => void;
  readonly #running = new Set<Promise<void>>();

  constructor(deps: FastPathVerdictDeps) {
    this.#deps = deps;
    this.#stopServed = deps.fastPaths.onServed((served) => {
      const entry = this.#bySource.get(served.sourceHash);
      const call = served.requestId === undefined ? undefined : this.#unclaimed.get(served.requestId);
      if (!entry || !call || served.requestId === undefined) return;
      this.#unclaimed.delete(served.requestId);
      if (entry.calls.length < MAX_VERDICT_CALLS) entry.calls.push(call);
      else entry.dropped += 1;
    });
  }

  /** Hands the verdicts a dev-loop event: a new fast path starts recording, its component's publish replays. */
  observe(event: DevLoopEvent): void {
    if (event.type === 'fast-path') {
      // A newer source replaces the older one: the component will be built from the newer.
      for (const [source, entry] of this.#bySource) if (entry.registryId === event.registryId) this.#bySource.delete(source);
      this.#bySource.set(event.sourceHash, { registryId: event.registryId, dir: event.dir, calls: [], dropped: 0 });
      this.#watch(event.registryId);
      return;
    }
    if (event.type !== 'reload' || event.builtFrom === undefined) return;
    const entry = this.#bySource.get(event.builtFrom);
    if (!entry) return;
    this.#bySource.delete(event.builtFrom);
    const run = this.#judge(event.registryId, event.dir, event.contentHash, event.builtFrom, entry).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  /** Resolves when every started replay has reported (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  close(): void {
    this.#stopServed();
    for (const stop of this.#recording.values()) stop();
    this.#recording.clear();
  }

  #watch(registryId: string): void {
    if (this.#recording.has(registryId)) return;
    this.#recording.set(registryId, this.#deps.record({ extensionId: registryId }, (call) => {
      if (call.requestId === undefined) return;
      this.#unclaimed.set(call.requestId, call);
      if (this.#unclaimed.size > MAX_UNCLAIMED) this.#unclaimed.delete(this.#unclaimed.keys().next().value as string);
    }));
  }

  async #judge(registryId: string, dir: string, contentHash: string, sourceHash: string, entry: { calls: CassetteCall[]; dropped: number }): Promise<void> {
    const base = { type: 'verdict' as const, registryId, dir, contentHash, sourceHash, calls: entry.calls.length };
    if (entry.calls.length === 0) {
      this.#deps.notify({ ...base, ok: true, message: `the component built from ${short(sourceHash)} took over; the fast path answered no calls, so there was nothing to compare` });
      return;
    }
    try {
      const bytes = await this.#deps.bundleBytes(contentHash);
      if (!bytes) throw new Error(`the published bundle ${contentHash} is not in the store`);
      const report = await replay(newCassette(entry.calls, new Date()), bytes, { cacheDir: this.#deps.cacheDir });
      const skipped = entry.dropped > 0 ? ` (${entry.dropped} later fast-path calls were not kept: only the first ${MAX_VERDICT_CALLS} are compared)` : '';
      const message = report.ok
        ? `verified: the component built from ${short(sourceHash)} answered all ${report.calls.length} fast-path ${report.calls.length === 1 ? 'call' : 'calls'} the same way${skipped}`
        : `the component built from ${short(sourceHash)} answers differently from the fast path, as production would:\n${formatReplayReport(report)}${skipped}`;
      this.#deps.notify({ ...base, ok: report.ok, message });
    } catch (err) {
      this.#deps.notify({ ...base, ok: false, message: `could not check the fast path against its component: ${describeError(err)}` });
    }
  }
}

/** The archive the registry keeps for a published content hash. */
export function publishedBundleBytes(store: { get(key: string): Promise<Uint8Array | null> }): (contentHash: string) => Promise<Uint8Array | null> {
  return (contentHash) => store.get(canonicalKey(hashHex(contentHash)));
}

function short(hash: string): string {
  return `${hash.slice(0, 19)}…`;
}
