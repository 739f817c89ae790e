// How a guest worker waits for the main thread's answer to a host call. Plain JavaScript: workers
// import it under plain node.

/**
 * How long a guest worker checks the answer flag before it sleeps on it, when its call is the
 * only one running. A sleeping thread is woken by the kernel, and on this kind of virtual machine
 * that took 80–90 µs per host call (an idle virtual CPU has to be woken first); the main thread
 * answers a storage call in about 50 µs once it has it. Checking for 100 µs catches most answers
 * while they are fresh.
 */
export const REPLY_SPIN_MS = 0.1;

/**
 * How long to spin for an answer while `callsInFlight` calls run on the pool's workers: with
 * more than one, the main thread is busy and answers late, and the spin burnt CPU the other
 * calls needed (at concurrency 8 it cost the workers 0.3 ms of CPU per call and lowered the
 * Gateway's throughput by 5–10 %), so then the worker sleeps at once.
 * @param {number} callsInFlight
 * @returns {number}
 */
export function replySpinMs(callsInFlight) {
  return callsInFlight <= 1 ? REPLY_SPIN_MS : 0;
}

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
