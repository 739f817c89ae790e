// Lowering the scheduling priority of the calling thread. Plain JavaScript: guest workers import
// it under plain node.
import { readdirSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The highest nice value Linux accepts: the lowest priority. */
const LOWEST = 19;

/**
 * Raises the calling thread's nice value by `delta` (at most to 19), leaving the process's other
 * threads as they are. Linux schedules threads one by one and names the calling one in
 * /proc/thread-self, whose last path segment is its thread id; `setPriority` with a thread id
 * sets that thread's nice value. Raising it needs no privilege.
 *
 * Returns the thread's nice value afterwards, or `undefined` where this cannot be done (not
 * Linux, no /proc): the thread keeps the priority it inherited.
 * @param {number} delta
 * @returns {number | undefined}
 */
export function lowerThreadPriority(delta) {
  let tid;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(tid) || tid <= 0) return undefined;
  const before = getPriority(tid);
  if (delta <= 0) return before;
  try {
    setPriority(tid, Math.min(LOWEST, before + delta));
  } catch {
    return undefined;
  }
  return getPriority(tid);
}

/**
 * Gives every thread of this process the lowest priority (nice 19): the threads Node and V8
 * started before this ran (nice is per thread on Linux, and a thread started later inherits its
 * creator's value). Returns how many threads were lowered; 0 where this cannot be done (not
 * Linux, no /proc).
 * @returns {number}
 */
export function lowestPriorityForAllThreads() {
  let tids;
  try {
    tids = readdirSync('/proc/self/task').map(Number);
  } catch {
    return 0;
  }
  let lowered = 0;
  for (const tid of tids) {
    try {
      setPriority(tid, LOWEST);
      lowered++;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return lowered;
}
