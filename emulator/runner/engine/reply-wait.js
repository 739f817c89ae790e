// How a guest worker waits for the main thread's answer to a host call, and for its next call.
// Plain JavaScript: workers import it under plain node.
import { receiveMessageOnPort } from 'node:worker_threads';

/**
 * How long a guest worker checks the answer flag before it sleeps on it, when its call is the
 * only one running. A sleeping thread is woken by the kernel, and on this kind of virtual machine
 * that took 40–45 µs per host call (an idle virtual CPU has to be woken first). The main thread
 * needs 90–150 µs from the worker's post to its answer (median per sequential counter call: 40–70
 * µs to wake and receive, 40–100 µs to run storage and post), so a 100 µs check missed most
 * answers. Checking for 250 µs catches them within 7–9 µs, and a worker that stayed awake also
 * ran the rest of the guest faster (its sections between host calls: 879 → 614 µs in sum).
 * Interleaved runs of the Runner alone, sequential counter calls, 3000 each: p50 2.39–3.09 ms with
 * 100 µs, 2.13–2.74 ms with 250 µs, faster in five pairs of six and level in one.
 */
export const REPLY_SPIN_MS = 0.25;

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
 * it (`Atomics.wait`) until it changed. Says which of the two saw the change. A wake-up that
 * finds the flag still 0 sleeps again: the main thread sets the flag, then notifies, and when it
 * is preempted between the two, the worker can see the flag, go on, and already wait for its
 * next answer when that late notify comes (at concurrency 8 one call in many thousands then
 * failed with "got no answer").
 * @param {Int32Array} flag a view of a SharedArrayBuffer
 * @param {number} spinMs
 * @returns {'spun' | 'waited'}
 */
export function waitForFlag(flag, spinMs) {
  const until = performance.now() + spinMs;
  do {
    if (Atomics.load(flag, 0) !== 0) return 'spun';
  } while (performance.now() < until);
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0);
  return 'waited';
}

/**
 * How long a worker checks for its next call, after a call that ran alone and once it has reset
 * its instance, before it sleeps in its event loop (`RUNNER_NEXT_CALL_SPIN_MS`). A client's next
 * sequential call reaches the worker 0.3-0.6 ms after the answer here. Asleep, the worker is
 * woken by the kernel for it (see REPLY_SPIN_MS), and from the main thread's post to the call
 * running took a median 80 µs. Workers run below the main thread's priority
 * (`RUNNER_WORKER_NICE`), so the check gives way to any thread that wants the CPU.
 *
 * Measured on hello-host's counter with two Runner processes, one with 0, called by one client:
 * - back-to-back in rounds of 1000 after 4000 warm-up calls: p50 6 % and 11 % lower over two runs
 *   (faster in 16 of 20 rounds, from 19 % faster to 6 % slower);
 * - in turn, one call each, from a cold start in rounds of 300: 7 % lower, no round slower;
 * - at concurrency 8, where calls seldom run alone: level.
 * Having the main thread spin for a lone call's messages too was tried and left out: the first
 * 300 calls were 15 % slower (it took the core V8's compiler threads needed), later ones only
 * 3-5 % faster.
 */
export const NEXT_CALL_SPIN_MS = 1;

/**
 * The first message `port` receives within `ms`, taken without the event loop (so its
 * `message` listeners never see it); undefined when none came.
 * @param {import('node:worker_threads').MessagePort} port
 * @param {number} ms
 * @returns {unknown}
 */
export function spinForMessage(port, ms) {
  const until = performance.now() + ms;
  do {
    const received = receiveMessageOnPort(port);
    if (received) return received.message;
  } while (performance.now() < until);
  return undefined;
}
