import { describe, expect, it } from 'vitest';
import { effectiveTimeoutMs } from './effective-timeout.ts';

describe('effectiveTimeoutMs', () => {
  it('keeps an ordinary timeout', () => {
    expect(effectiveTimeoutMs(30_000)).toBe(30_000);
  });

  it('treats 0 as one 10 ms tick, like production', () => {
    expect(effectiveTimeoutMs(0)).toBe(10);
  });

  it('caps a timeout Node timers would overflow (they would fire after 1 ms)', () => {
    expect(effectiveTimeoutMs(Number.MAX_SAFE_INTEGER)).toBe(2 ** 31 - 1);
  });
});
