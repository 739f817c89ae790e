/** Longest delay Node's timers accept; a larger one would fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Production's epoch ticks make 10 ms the shortest timeout; Node's timers cap the longest. */
export function effectiveTimeoutMs(requested: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(10, requested));
}
