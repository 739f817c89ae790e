import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../emulator/index.ts';
import { createTestClock } from './test-clock.ts';

function caught(run: () => unknown): EmulatorError {
  try {
    run();
  } catch (err) {
    if (err instanceof EmulatorError) return err;
    throw err;
  }
  throw new Error('expected an EmulatorError, nothing was thrown');
}

describe('createTestClock', () => {
  it("should give the platform and the test the same virtual time with 'virtual'", async () => {
    const { clock, test } = createTestClock('virtual');
    expect(test.mode).toBe('virtual');
    const start = test.now();
    expect(await test.advance(2500)).toBe(start + 2500);
    expect(clock.now()).toBe(start + 2500);
    expect(test.set(new Date('2025-01-01T00:00:00Z'))).toBe(Date.UTC(2025, 0, 1));
    expect(clock.now()).toBe(Date.UTC(2025, 0, 1));
  });

  it("should pass the virtual clock's CLOCK_INVALID through", () => {
    const { test } = createTestClock('virtual');
    expect(caught(() => test.advance(-1)).code).toBe('CLOCK_INVALID');
  });

  it("should follow real time with 'system' and refuse advance and set with CLOCK_NOT_VIRTUAL word for word", () => {
    const { clock, test } = createTestClock('system');
    const before = Date.now();
    expect(test.mode).toBe('system');
    expect(test.now()).toBeGreaterThanOrEqual(before);
    expect(clock.now()).toBeLessThanOrEqual(Date.now());
    const advance = caught(() => test.advance(1000));
    expect([advance.code, advance.status, advance.message]).toEqual([
      'CLOCK_NOT_VIRTUAL',
      409,
      "Failed to advance the clock: this emulator runs on the system clock, which tests cannot move. Pass { clock: 'virtual' } to createEmulator().",
    ]);
    expect(caught(() => test.set(0)).message).toBe(
      "Failed to set the clock: this emulator runs on the system clock, which tests cannot move. Pass { clock: 'virtual' } to createEmulator().",
    );
  });

  it('should reject an unknown mode with CONFIG_INVALID word for word', () => {
    const error = caught(() => createTestClock('fake'));
    expect([error.code, error.message]).toEqual([
      'CONFIG_INVALID',
      "Failed to create the emulator: clock must be 'system' or 'virtual', got \"fake\". Pass clock: 'virtual' to move time from tests.",
    ]);
  });

  it('should give each emulator its own virtual clock', () => {
    const a = createTestClock('virtual');
    const b = createTestClock('virtual');
    b.test.set(0);
    a.test.advance(1000);
    expect(b.clock.now()).toBe(0);
  });
});
