import { describe, expect, it } from 'vitest';
import { clampFrameHeight } from './resize.ts';

describe('clampFrameHeight', () => {
  it('should floor the height', () => {
    expect(clampFrameHeight(250.9)).toBe(250);
    expect(clampFrameHeight('321.5')).toBe(321);
  });

  it('should clamp to 100..4000', () => {
    expect(clampFrameHeight(0)).toBe(100);
    expect(clampFrameHeight(-5)).toBe(100);
    expect(clampFrameHeight(99.99)).toBe(100);
    expect(clampFrameHeight(4000.7)).toBe(4000);
    expect(clampFrameHeight(99_999)).toBe(4000);
  });

  it('should refuse what is not a finite number', () => {
    for (const raw of [undefined, null, '', ' ', 'tall', Number.NaN, Number.POSITIVE_INFINITY, true, {}]) expect(clampFrameHeight(raw)).toBe(null);
  });
});
