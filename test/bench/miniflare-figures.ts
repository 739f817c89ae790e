// (t) + (t2) for `npm run bench` (issue 13): the Gateway's KV counter next to Miniflare 4's, in
// one interleaved run on the same machine. (t) alternates call by call (Gateway, Miniflare, …) for
// p50 / p99; (t2) alternates whole rounds at concurrency 8 (after one unkept round each) and
// keeps each side's median round.
// (j) and (k) stay measured on their own as before; these are the comparison.
import { SEQUENTIAL_WARMUP_CALLS, alternatingRounds, interleavedSamples, median, percentile, type Call } from './interleave.ts';
import { callMiniflareCounter, startMiniflarePeer } from './miniflare-peer.ts';

/** Warm-up turns (one call per side each) before the kept samples: the sequential warm-up of (a), (b) and (j). */
const WARMUP_TURNS = SEQUENTIAL_WARMUP_CALLS;
/** Rounds per side at concurrency 8; the median one is reported, the others give the spread. */
const ROUNDS = 3;
const CONCURRENCY = 8;

export interface MiniflareFigureCounts {
  /** Kept calls per side for (t), the count (j) uses. */
  turns: number;
  /** Calls per round for (t2), the count (k) uses. */
  roundCalls: number;
}

/** Measures (t) and (t2) against `gatewayCall` (one Gateway `POST …/counter`) into `results`. */
export async function miniflareFigures(results: Record<string, number>, gatewayCall: Call, counts: MiniflareFigureCounts): Promise<void> {
  const peer = await startMiniflarePeer();
  try {
    results.t_miniflare_ready_ms = peer.readyMs;
    const sides = { gateway: gatewayCall, miniflare: () => callMiniflareCounter(peer.counterUrl) };
    const seq = await interleavedSamples(sides, counts.turns, WARMUP_TURNS);
    results.t_gateway_interleaved_p50_ms = percentile(seq.gateway, 50);
    results.t_gateway_interleaved_p99_ms = percentile(seq.gateway, 99);
    results.t_miniflare_p50_ms = percentile(seq.miniflare, 50);
    results.t_miniflare_p99_ms = percentile(seq.miniflare, 99);
    // One unkept round each first: a server's first concurrency-8 round after sequential calls
    // runs slower (the Gateway's: 185–204 req/s, then 217–438, in two probes).
    await alternatingRounds(sides, 1, counts.roundCalls, CONCURRENCY);
    const rps = await alternatingRounds(sides, ROUNDS, counts.roundCalls, CONCURRENCY);
    for (const [side, rounds] of Object.entries(rps)) {
      results[`t2_${side}_concurrency8_rps`] = median(rounds);
      results[`t2_${side}_concurrency8_rps_min`] = Math.min(...rounds);
      results[`t2_${side}_concurrency8_rps_max`] = Math.max(...rounds);
    }
  } finally {
    await peer.stop();
  }
}

/** The (t) and (t2) rows of the bench table; `floorP50` is (a)'s p50. */
export function miniflareRows(results: Record<string, number>, floorP50: number): [string, string, string, string][] {
  const ms = (p50: number | undefined, p99: number | undefined) => `${p50?.toFixed(2)} / ${p99?.toFixed(2)} ms`;
  const rps = (side: string) => `${results[`t2_${side}_concurrency8_rps`]?.toFixed(0)} req/s (${results[`t2_${side}_concurrency8_rps_min`]?.toFixed(0)}–${results[`t2_${side}_concurrency8_rps_max`]?.toFixed(0)})`;
  const vsFloor = (p50: number | undefined) => `${((p50 ?? NaN) / floorP50).toFixed(2)}×`;
  const gatewayVsPeer = (results.t2_gateway_concurrency8_rps ?? NaN) / (results.t2_miniflare_concurrency8_rps ?? NaN);
  return [
    ['(t) Miniflare 4 KV counter, interleaved with the Gateway: p50 / p99', ms(results.t_miniflare_p50_ms, results.t_miniflare_p99_ms), vsFloor(results.t_miniflare_p50_ms), 'peer (issue 13)'],
    ['(t) Gateway KV counter, the same interleaved run: p50 / p99', ms(results.t_gateway_interleaved_p50_ms, results.t_gateway_interleaved_p99_ms), vsFloor(results.t_gateway_interleaved_p50_ms), 'issue 13: (j) compared with Miniflare'],
    ['(t2) Miniflare 4 at concurrency 8, median of 3 rounds (min–max)', rps('miniflare'), '', 'peer (issue 13)'],
    ['(t2) Gateway at concurrency 8, rounds alternating with Miniflare', rps('gateway'), `${gatewayVsPeer.toFixed(2)}× MF`, 'issue 13: (k) level with Miniflare'],
  ];
}
