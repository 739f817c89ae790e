import { EmulatorError, VirtualClock, systemClock, type Clock } from '../emulator/index.ts';
import type { DueRuns } from './schedules.ts';

/** Which clock an emulator runs on: the real one, or a virtual one only tests move. */
export type ClockMode = 'system' | 'virtual';

/**
 * The emulator's wall clock (`emu.clock`): registry and storage timestamps, the Gateway's rate
 * limit refill, log `ts`. Guest timeouts and measured durations stay on real time.
 *
 * @example
 * const emu = await createEmulator({ clock: 'virtual' });
 * emu.clock.advance(30_000); // the rate limit bucket refills 30 tokens
 */
export interface TestClock {
  /**
   * `'virtual'` or `'system'`, as passed to `createEmulator({ clock })`.
   * @example if (emu.clock.mode === 'virtual') emu.clock.advance(1000);
   */
  readonly mode: ClockMode;
  /**
   * The emulator's time in epoch milliseconds.
   * @example new Date(emu.clock.now()).toISOString()
   */
  now(): number;
  /**
   * Moves virtual time forward by `ms` (≥ 0) and resolves with the new time once every schedule
   * due on the way has run, in order, each with the clock at its cron time. Without due schedules
   * the time moves at once. CLOCK_NOT_VIRTUAL on the system clock; CLOCK_INVALID for a negative
   * or non-finite `ms` (both thrown, not rejected).
   * @example await emu.clock.advance(2 * 60 * 60_000) // two hours: every due scheduled run has finished
   */
  advance(ms: number): Promise<number>;
  /**
   * Jumps virtual time to a Date or epoch milliseconds (earlier is allowed) and returns it; it
   * fires no schedules (use `advance`). CLOCK_NOT_VIRTUAL on the system clock; CLOCK_INVALID for an invalid time.
   * @example emu.clock.set(new Date('2025-01-01T00:00:00Z'))
   */
  set(time: Date | number): number;
}

/** The harness's clock for one emulator: what the platform reads, and what tests see. */
export function createTestClock(mode: unknown = 'system'): { clock: Clock; test: TestClock; attach(runs: DueRuns): void } {
  if (mode === 'system') return { clock: systemClock, test: new SystemTestClock(), attach: () => undefined };
  if (mode === 'virtual') {
    const clock = new VirtualClock();
    const test = new VirtualTestClock(clock);
    return { clock, test, attach: (runs) => test.attach(runs) };
  }
  throw new EmulatorError('CONFIG_INVALID', `Failed to create the emulator: clock must be 'system' or 'virtual', got ${JSON.stringify(mode) ?? String(mode)}. Pass clock: 'virtual' to move time from tests.`);
}

class VirtualTestClock implements TestClock {
  readonly mode = 'virtual' as const;
  readonly #clock: VirtualClock;
  #runs: DueRuns | undefined;

  constructor(clock: VirtualClock) {
    this.#clock = clock;
  }

  /** The emulator's cron timer, once it runs: `advance` fires its due schedules. */
  attach(runs: DueRuns): void {
    this.#runs = runs;
  }

  now(): number {
    return this.#clock.now();
  }

  advance(ms: number): Promise<number> {
    const start = this.#clock.now();
    const target = this.#clock.advance(ms); // validates ms, with the clock's own messages
    if (!this.#runs?.hasDue(target)) return Promise.resolve(target);
    this.#clock.set(start);
    return this.#runs.runDue(target, (at) => this.#clock.set(at)).then(() => this.#clock.now());
  }

  set(time: Date | number): number {
    return this.#clock.set(time);
  }
}

class SystemTestClock implements TestClock {
  readonly mode = 'system' as const;

  now(): number {
    return systemClock.now();
  }

  advance(): Promise<number> {
    throw notVirtual('advance');
  }

  set(): number {
    throw notVirtual('set');
  }
}

function notVirtual(what: string): EmulatorError {
  return new EmulatorError(
    'CLOCK_NOT_VIRTUAL',
    `Failed to ${what} the clock: this emulator runs on the system clock, which tests cannot move. Pass { clock: 'virtual' } to createEmulator().`,
  );
}
