// How a guest worker waits for the main thread's answer to a host call. Plain JavaScript: workers
// import it under plain node.

/**
 * How long a guest worker checks the answer flag before it sleeps on it. A sleeping thread is
 * woken by the kernel, and on this kind of virtual machine that took 80–90 µs per host call
 * (an idle virtual CPU has to be woken first); the main thread answers a storage call in about
 * 50 µs once it has it. Checking for 100 µs catches most answers while they are fresh and
 * bounds what a slow answer costs in CPU: 300 µs lowered the Gateway's throughput at
 * concurrency 8, where the main thread is busy and answers come later.
 */
export const REPLY_SPIN_MS = 0.1;

/**
 * Returns once `flag[0]` is no longer 0: it checks the flag for up to `spinMs`, then sleeps on
 * it (`Atomics.wait`). Says which of the two saw the change.
 * @param {Int32Array} flag a view of a SharedArrayBuffer
 * @param {number} spinMs
 * @returns {'spun' | 'waited'}
 */
export function waitForFlag(flag, spinMs) {
  const until = performance.now() + spinMs;
  do {
    if (Atomics.load(flag, 0) !== 0) return 'spun';
  } while (performance.now() < until);
  Atomics.wait(flag, 0, 0);
  return 'waited';
}
