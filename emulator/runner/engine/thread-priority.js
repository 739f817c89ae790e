// Lowering the scheduling priority of the calling thread. Plain JavaScript: guest workers import
// it under plain node.
import { readlinkSync } from 'node:fs';
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
