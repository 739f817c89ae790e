/**
 * Collects recorded calls into a cassette. Fed by a Runner (`recordRunner`: every call of one
 * install that reached a guest) or by anything else that produces cassette calls (`add`).
 */
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import type { Runner } from '../runner/runner.ts';
import { newCassette, writeCassette, type Cassette, type CassetteCall } from './cassette.ts';
import type { RecordFilter } from './invocation-recordings.ts';

/**
 * Recorded calls, in the order they finished.
 * @example const recorder = new CassetteRecorder(); recorder.add(call); await recorder.write('traffic.cassette.json');
 */
export class CassetteRecorder {
  readonly #calls: CassetteCall[] = [];
  readonly #clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  /** Adds one call (a copy is kept, so later changes to `call` do not reach the cassette). */
  add(call: CassetteCall): void {
    this.#calls.push(structuredClone(call));
  }

  /** How many calls are recorded. */
  get size(): number {
    return this.#calls.length;
  }

  /** The calls recorded so far as a cassette, stamped with the clock's time. */
  cassette(): Cassette {
    return newCassette(structuredClone(this.#calls), new Date(this.#clock.now()));
  }

  /** Writes the cassette to `file` and returns it. */
  async write(file: string): Promise<Cassette> {
    const cassette = this.cassette();
    await writeCassette(file, cassette);
    return cassette;
  }
}

/** A recording of a Runner's calls; `stop` ends it. */
export interface RunnerRecording {
  readonly recorder: CassetteRecorder;
  /** Stops hearing calls (idempotent); the recorder keeps what it has. */
  stop(): void;
}

/**
 * Records every call of `runner` that matches `filter` (e.g. one install's tenant and registry
 * id) and reached a guest, until `stop`.
 * @example const rec = recordRunner(runner, { tenantId, extensionId }); …; rec.stop(); await rec.recorder.write(file);
 */
export function recordRunner(runner: Runner, filter: RecordFilter, clock: Clock = systemClock): RunnerRecording {
  const recorder = new CassetteRecorder(clock);
  const unsubscribe = runner.record(filter, (call) => recorder.add(call));
  return { recorder, stop: unsubscribe };
}
