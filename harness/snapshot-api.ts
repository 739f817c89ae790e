import { EmulatorError } from '../emulator/index.ts';
import type { Rewindable } from '../emulator/internals.ts';

/**
 * The version of the snapshot API. It changes only when what `restore()` brings back changes;
 * a test can pin it: `expect(snapshot.apiVersion).toBe(2)`.
 *
 * Version 1 restores: installs, versions, config, secrets, identities, sessions and the execution
 * log (registry); extension storage; the Runner's idempotency keys; the Gateway's rate-limit
 * buckets; the capability ledger and `emu.logs()`; `emu.http` handlers; planned faults (with the
 * calls they had left); the virtual clock's time. Version 2 adds: `emu.uiProxy` routes and the
 * metrics of `emu.metrics()` / `GET /api/emulator/metrics` (quota-usage rows are in the registry). It leaves alone: bundle archives on disk (content-addressed),
 * transpiled components (a cache), unhandled outbound requests (they still fail `close()`).
 */
export const SNAPSHOT_API_VERSION = 2;

/** A point to come back to with `emu.restore(snapshot)`. */
export interface Snapshot {
  readonly apiVersion: typeof SNAPSHOT_API_VERSION;
  /** Increases with each snapshot of one emulator. */
  readonly id: number;
}

/** The harness's own state beside the platform's (ledger, logs, http handlers, …), per part. */
export interface HarnessPart {
  /** Captures the part's state; the returned function puts it back. */
  capture(): () => void;
}

/**
 * Takes and restores snapshots of one emulator: SQLite savepoints for the platform (no file
 * copies, so a restore costs about a millisecond) plus the harness parts' captured state.
 * Restoring a snapshot drops the ones taken after it; the snapshot itself stays valid.
 */
export class SnapshotBook {
  readonly #platform: Rewindable;
  readonly #parts: readonly HarnessPart[];
  #next = 1;
  /** Live snapshots, oldest first, with the functions that restore the harness parts. */
  #live: { id: number; restore: (() => void)[] }[] = [];

  constructor(platform: Rewindable, parts: readonly HarnessPart[]) {
    this.#platform = platform;
    this.#parts = parts;
  }

  take(): Snapshot {
    const id = this.#next++;
    this.#platform.mark(savepointName(id));
    this.#live.push({ id, restore: this.#parts.map((p) => p.capture()) });
    return { apiVersion: SNAPSHOT_API_VERSION, id };
  }

  restore(snapshot?: Snapshot): void {
    const latest = this.#live.at(-1);
    const target: Snapshot | undefined = snapshot ?? (latest ? { apiVersion: SNAPSHOT_API_VERSION, id: latest.id } : undefined);
    if (target === undefined) {
      throw new EmulatorError('SNAPSHOT_UNKNOWN', 'Failed to restore: this emulator has no snapshot. Take one first: const snap = await emu.snapshot().');
    }
    if (target.apiVersion !== SNAPSHOT_API_VERSION) {
      throw new EmulatorError('SNAPSHOT_INVALID', `Failed to restore: snapshot API version ${String(target.apiVersion)} is not ${SNAPSHOT_API_VERSION}. Take the snapshot with this emulator.`);
    }
    const at = this.#live.findIndex((s) => s.id === target.id);
    const entry = this.#live[at];
    if (entry === undefined) {
      throw new EmulatorError(
        'SNAPSHOT_UNKNOWN',
        `Failed to restore snapshot ${target.id}: it is not a live snapshot of this emulator (taken by another emulator, or dropped by restoring an earlier one). Live: ${this.#live.map((s) => s.id).join(', ') || 'none'}.`,
      );
    }
    this.#platform.rollbackTo(savepointName(entry.id));
    for (const restore of entry.restore) restore();
    this.#live = this.#live.slice(0, at + 1);
  }
}

function savepointName(id: number): string {
  return `harness_snapshot_${id}`;
}
