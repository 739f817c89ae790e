import { EmulatorError } from './errors.ts';

/**
 * Wall-clock time for every time-based part of the emulator: registry timestamps, storage
 * `updated_at`, the Gateway's rate-limit buckets, debug-event `ts`, the shell's token expiry.
 * Never used for guest timeouts or durations: those must bound and measure real time.
 *
 * @example const stamp = new Date(clock.now()).toISOString();
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/**
 * The real clock (`Date.now`), the default everywhere.
 *
 * @example startEmulator({ clock: systemClock })
 */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** `new Date(ms)` accepts ±8.64e15 ms; beyond that `toISOString()` throws. */
const MAX_DATE_MS = 8.64e15;

/**
 * A clock that stands still until a test moves it: it starts at the given time (default the real
 * time when it is created) and changes only through `advance` and `set`. Each instance is
 * independent, so two emulators in one process keep their own time.
 *
 * @example
 * const clock = new VirtualClock(Date.UTC(2025, 0, 1));
 * clock.advance(1500);
 * new Date(clock.now()).toISOString(); // '2025-01-01T00:00:01.500Z'
 */
export class VirtualClock implements Clock {
  #ms: number;

  constructor(start: Date | number = Date.now()) {
    this.#ms = epochMs(start, 'create the virtual clock');
  }

  /**
   * The virtual time in milliseconds since the epoch.
   * @example new VirtualClock(0).now() // 0
   */
  now(): number {
    return this.#ms;
  }

  /**
   * Moves time forward by `ms` (≥ 0) and returns the new time.
   * @example clock.advance(60_000) // one minute later
   */
  advance(ms: number): number {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new EmulatorError(
        'CLOCK_INVALID',
        `Failed to advance the virtual clock: ms must be a finite number of milliseconds ≥ 0, got ${describe(ms)}. Pass how far to move forward, e.g. advance(1000); use set(date) to jump to a time.`,
      );
    }
    if (this.#ms + ms > MAX_DATE_MS) {
      throw new EmulatorError(
        'CLOCK_INVALID',
        `Failed to advance the virtual clock: ${ms} ms from ${new Date(this.#ms).toISOString()} passes the last time a Date can hold (${new Date(MAX_DATE_MS).toISOString()}). Advance by less.`,
      );
    }
    this.#ms += ms;
    return this.#ms;
  }

  /**
   * Jumps to a time and returns it. It may be earlier than now (e.g. a fixed date at the start
   * of a test): the rate limiter treats a backward jump as no refill.
   * @example clock.set(new Date('2025-06-01T12:00:00Z'))
   */
  set(time: Date | number): number {
    this.#ms = epochMs(time, 'set the virtual clock');
    return this.#ms;
  }
}

/** Epoch milliseconds of a Date or number, or CLOCK_INVALID saying what `action` failed. */
function epochMs(time: Date | number, action: string): number {
  const ms = time instanceof Date ? time.getTime() : time;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) {
    throw new EmulatorError(
      'CLOCK_INVALID',
      `Failed to ${action}: expected a valid Date or epoch milliseconds within ±${MAX_DATE_MS}, got ${describe(time)}. Pass e.g. new Date('2025-01-01T00:00:00Z') or Date.UTC(2025, 0, 1).`,
    );
  }
  return ms;
}

function describe(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
