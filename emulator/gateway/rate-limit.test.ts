import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('should allow a burst of 60, then refuse with retry-after 1 until a second has passed', () => {
    const clock = { ms: 0 };
    const limiter = new RateLimiter({ now: () => clock.ms });
    for (let i = 0; i < 60; i++) expect(limiter.take('t', 'r')).toEqual({ ok: true });
    expect(limiter.take('t', 'r')).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock.ms = 500;
    expect(limiter.take('t', 'r')).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock.ms = 1000;
    expect(limiter.take('t', 'r')).toEqual({ ok: true });
    expect(limiter.take('t', 'r')).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('should keep one bucket per (tenant, registry id) and never refill past the burst', () => {
    const clock = { ms: 0 };
    const limiter = new RateLimiter({ burst: 2, now: () => clock.ms });
    limiter.take('t', 'r');
    limiter.take('t', 'r');
    expect(limiter.take('t', 'r').ok).toBe(false);
    expect(limiter.take('t', 'other').ok).toBe(true);
    expect(limiter.take('t2', 'r').ok).toBe(true);
    clock.ms = 3_600_000;
    expect([limiter.take('t', 'r').ok, limiter.take('t', 'r').ok, limiter.take('t', 'r').ok]).toEqual([true, true, false]);
  });

  it('should never refuse with an unlimited burst (EXT_GATEWAY_RATE_LIMIT=off)', () => {
    const limiter = new RateLimiter({ burst: Number.POSITIVE_INFINITY, now: () => 0 });
    for (let i = 0; i < 10_000; i++) expect(limiter.take('t', 'r').ok).toBe(true);
  });

  it('should say how many whole seconds to wait at a slower refill', () => {
    const limiter = new RateLimiter({ burst: 1, perSecond: 0.25, now: () => 0 });
    limiter.take('t', 'r');
    expect(limiter.take('t', 'r')).toEqual({ ok: false, retryAfterSeconds: 4 });
  });
});
