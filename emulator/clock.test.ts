import { describe, expect, it } from 'vitest';
import { EmulatorError } from './errors.ts';
import { VirtualClock, systemClock, type Clock } from './clock.ts';

/** The contract every Clock keeps, run against each implementation. */
describe.each<[string, () => Clock]>([
  ['systemClock', () => systemClock],
  ['VirtualClock', () => new VirtualClock()],
  ['VirtualClock at the epoch', () => new VirtualClock(0)],
])('Clock contract: %s', (_name, make) => {
  it('should answer a finite number of milliseconds', () => {
    const ms = make().now();
    expect(typeof ms).toBe('number');
    expect(Number.isFinite(ms)).toBe(true);
  });

  it('should never go backwards across calls', () => {
    const clock = make();
    const seen = Array.from({ length: 50 }, () => clock.now());
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('should give a time a Date can print as ISO', () => {
    expect(new Date(make().now()).toISOString()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});

describe('systemClock', () => {
  it('should follow Date.now', () => {
    const before = Date.now();
    const ms = systemClock.now();
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });
});

describe('VirtualClock', () => {
  const START = Date.UTC(2025, 0, 1);

  it('should start at the real time of its creation by default', () => {
    const before = Date.now();
    const ms = new VirtualClock().now();
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });

  it('should stand still until advanced', async () => {
    const clock = new VirtualClock(START);
    await new Promise((resolve) => setTimeout(resolve, 15));
    expect(clock.now()).toBe(START);
  });

  it('should accept a Date as the start', () => {
    expect(new VirtualClock(new Date('2025-01-01T00:00:00Z')).now()).toBe(START);
  });

  it('should move forward by exactly the advanced milliseconds and return the new time', () => {
    const clock = new VirtualClock(START);
    expect(clock.advance(1500)).toBe(START + 1500);
    expect(clock.advance(0)).toBe(START + 1500);
    expect(new Date(clock.now()).toISOString()).toBe('2025-01-01T00:00:01.500Z');
  });

  it('should jump to a set Date or number, also backwards', () => {
    const clock = new VirtualClock(START);
    expect(clock.set(new Date('2025-06-01T12:00:00Z'))).toBe(Date.UTC(2025, 5, 1, 12));
    expect(clock.set(START - 1000)).toBe(START - 1000);
    expect(clock.now()).toBe(START - 1000);
  });

  it('should keep two clocks independent', () => {
    const a = new VirtualClock(START);
    const b = new VirtualClock(START);
    a.advance(10_000);
    expect([a.now(), b.now()]).toEqual([START + 10_000, START]);
  });

  it.each([
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('should reject advance(%s) with CLOCK_INVALID word for word and keep the time', (ms, shown) => {
    const clock = new VirtualClock(START);
    const error = catchError(() => clock.advance(ms));
    expect([error.code, error.status, error.message]).toEqual([
      'CLOCK_INVALID',
      400,
      `Failed to advance the virtual clock: ms must be a finite number of milliseconds ≥ 0, got ${shown}. Pass how far to move forward, e.g. advance(1000); use set(date) to jump to a time.`,
    ]);
    expect(clock.now()).toBe(START);
  });

  it('should reject an advance past the last Date with CLOCK_INVALID word for word', () => {
    const clock = new VirtualClock(8.64e15 - 10);
    expect(catchError(() => clock.advance(11)).message).toBe(
      'Failed to advance the virtual clock: 11 ms from +275760-09-12T23:59:59.990Z passes the last time a Date can hold (+275760-09-13T00:00:00.000Z). Advance by less.',
    );
    expect(clock.advance(10)).toBe(8.64e15);
  });

  it('should reject set() of an invalid Date or number with CLOCK_INVALID word for word', () => {
    const clock = new VirtualClock(START);
    expect(catchError(() => clock.set(new Date('not a date'))).message).toBe(
      "Failed to set the virtual clock: expected a valid Date or epoch milliseconds within ±8640000000000000, got Invalid Date. Pass e.g. new Date('2025-01-01T00:00:00Z') or Date.UTC(2025, 0, 1).",
    );
    expect(catchError(() => clock.set(Number.NaN)).code).toBe('CLOCK_INVALID');
    expect(catchError(() => clock.set(9e15)).code).toBe('CLOCK_INVALID');
    expect(clock.now()).toBe(START);
  });

  it('should reject an invalid start with CLOCK_INVALID word for word', () => {
    expect(catchError(() => new VirtualClock(Number.NaN)).message).toBe(
      "Failed to create the virtual clock: expected a valid Date or epoch milliseconds within ±8640000000000000, got NaN. Pass e.g. new Date('2025-01-01T00:00:00Z') or Date.UTC(2025, 0, 1).",
    );
  });
});

function catchError(run: () => unknown): EmulatorError {
  try {
    run();
  } catch (err) {
    if (err instanceof EmulatorError) return err;
    throw err;
  }
  throw new Error('expected an EmulatorError, but nothing was thrown');
}
