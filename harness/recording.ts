import { CassetteRecorder, type Cassette, type Clock, type RecordFilter, type Runner } from '../emulator/index.ts';

/**
 * A recording started by `emu.record()`: every call of the install (or of all installs) that
 * reached a guest, with its request, host calls in full and answer.
 * @example const rec = emu.record(ext); await emu.invoke(ext, { path: '/x' }); await rec.stop('traffic.cassette.json');
 */
export interface Recording {
  /** Calls recorded so far. */
  readonly calls: number;
  /** The cassette so far, without stopping. */
  cassette(): Cassette;
  /**
   * Waits for calls in flight, stops recording (later calls are not kept; idempotent) and writes
   * the cassette to `file` when given. Resolves to the cassette.
   */
  stop(file?: string): Promise<Cassette>;
}

/** A `Recording` of `runner`'s calls matching `filter`; `settle` waits for the emulator's calls in flight. */
export function startRecording(runner: Runner, filter: RecordFilter, clock: Clock, settle: () => Promise<void>): Recording {
  const recorder = new CassetteRecorder(clock);
  const unsubscribe = runner.record(filter, (call) => recorder.add(call));
  let stopped: Promise<void> | undefined;
  return {
    get calls() {
      return recorder.size;
    },
    cassette: () => recorder.cassette(),
    async stop(file) {
      stopped ??= settle().then(unsubscribe);
      await stopped;
      return file === undefined ? recorder.cassette() : recorder.write(file);
    },
  };
}
