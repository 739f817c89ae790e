// Scheduling priority of a guest worker thread. Plain JavaScript: workers import it under plain node.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * How many nice steps below the process a guest worker runs. When the main thread answers a host
 * call it wakes the worker, and the kernel used to switch to the woken worker at once: at
 * concurrency 8 that `Atomics.notify` took the main thread 60–110 µs instead of about 15, twice
 * per counter call, on the thread every call goes through. Five steps lower, the woken worker
 * waits for the main thread's time slice: the Gateway at concurrency 8 served 7 % more calls
 * (three interleaved runs each), and sequential calls were no slower. A guest still gets a core
 * whenever one is free.
 */
export const GUEST_NICE_STEPS = 5;

/**
 * Lowers the calling thread's priority by `steps` nice steps, where one thread's can be set
 * (Linux: a thread id is a process id to setpriority, `/proc/thread-self` names it). Returns the
 * thread's new nice value, or undefined where it cannot (other systems; then nothing changed).
 * @param {number} steps
 * @returns {number | undefined}
 */
export function lowerThisThreadPriority(steps) {
  let tid;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(tid) || tid <= 0) return undefined;
  try {
    const nice = Math.min(19, getPriority(tid) + steps);
    setPriority(tid, nice);
    return nice;
  } catch {
    return undefined;
  }
}
