// Side-by-side measuring for the bench: two servers on one shared machine are compared fairly only
// when load from elsewhere hits both alike, so their calls are interleaved — one call each in turn
// for latency, one round each in turn for throughput — rather than measured one after the other.

/** Reads a time in ms; `performance.now` unless a test gives its own. */
export type Clock = () => number;

/** One call to a measured server (throws when the server answers wrongly). */
export type Call = () => Promise<unknown>;

const realClock: Clock = () => performance.now();

/**
 * Sequential calls before each of (a), (b), (j) and (t), not counted: every side of a ratio is
 * measured warm. In rounds of 400-500 calls from a cold start (the bench's client cold too, as
 * for (a)), the bare Express echo's p50 fell from 1.2-1.5 to 0.6-0.8 ms over its first 2000-3000
 * calls, the Runner's from 3.5-4.5 to 1.7-2.1 ms over 2000-4500 (V8 compiling the JavaScript at
 * both ends and tiering up the guest's wasm in each of the two workers); Miniflare's moved within
 * its noise (3.1, then 2.6-3.8 ms). After 3000, (b) was still settling: (f) 0.72 and 0.89.
 */
export const SEQUENTIAL_WARMUP_CALLS = 5000;

/**
 * Calls every side once per turn, in the order given, for `turns` turns, and returns each side's
 * durations in call order. `warmup` turns run first and are not kept.
 */
export async function interleavedSamples<K extends string>(sides: Record<K, Call>, turns: number, warmup = 0, now: Clock = realClock): Promise<Record<K, number[]>> {
  const entries = Object.entries(sides) as [K, Call][];
  const samples = Object.fromEntries(entries.map(([name]) => [name, [] as number[]])) as Record<K, number[]>;
  for (let turn = 0; turn < warmup + turns; turn++) {
    for (const [name, call] of entries) {
      const started = now();
      await call();
      if (turn >= warmup) samples[name].push(now() - started);
    }
  }
  return samples;
}

/** Requests per second of `total` calls made by `concurrency` loops that each wait for their last answer. */
export async function concurrentRps(call: Call, total: number, concurrency: number, now: Clock = realClock): Promise<number> {
  let next = 0;
  const started = now();
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next++ < total) await call(); }));
  return total / ((now() - started) / 1000);
}

/**
 * `rounds` rounds of every side in turn, in the order given; each round is `total` calls at
 * `concurrency`. Returns each side's req/s per round, in round order.
 */
export async function alternatingRounds<K extends string>(sides: Record<K, Call>, rounds: number, total: number, concurrency: number, now: Clock = realClock): Promise<Record<K, number[]>> {
  const entries = Object.entries(sides) as [K, Call][];
  const rps = Object.fromEntries(entries.map(([name]) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const [name, call] of entries) rps[name].push(await concurrentRps(call, total, concurrency, now));
  }
  return rps;
}

/** The value at `p` percent of the sorted samples (the bench's nearest-rank rule); NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The middle value (the upper one of the two middles for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}
