/** Burst 60, refill 1 per second: spec 04 step 8. */
export const RATE_LIMIT = { burst: 60, perSecond: 1 } as const;

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Token buckets keyed by (tenant, registry id), on an injected clock (ms). Each Gateway owns one,
 * so two emulators in one process never share buckets.
 */
export class RateLimiter {
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #now: () => number;
  #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: { burst?: number; perSecond?: number; now: () => number }) {
    this.#burst = options.burst ?? RATE_LIMIT.burst;
    this.#perSecond = options.perSecond ?? RATE_LIMIT.perSecond;
    this.#now = options.now;
  }

  /** Takes one token for the pair, or says how many whole seconds until one is available (≥ 1). */
  take(tenantId: string, registryId: string): RateDecision {
    const key = `${tenantId}\u0000${registryId}`;
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    const tokens = Math.min(this.#burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.#perSecond);
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: now });
      return { ok: true };
    }
    this.#buckets.set(key, { tokens, at: now });
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.#perSecond)) };
  }

  /** The buckets as they are now (`restore` puts them back: a harness restore). */
  copy(): Map<string, { tokens: number; at: number }> {
    return new Map([...this.#buckets].map(([key, bucket]) => [key, { ...bucket }]));
  }

  restore(buckets: ReadonlyMap<string, { tokens: number; at: number }>): void {
    this.#buckets = new Map([...buckets].map(([key, bucket]) => [key, { ...bucket }]));
  }
}
