import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { GUEST_NICE_STEPS } from './thread-priority.js';
import { closeSlot, openSlot } from './worker-slot.ts';

const MODULE_URL = new URL('./thread-priority.js', import.meta.url).href;

/** Nice value of every thread of this process (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('guest worker thread priority', () => {
  it('runs guest workers 5 nice steps below the process', () => {
    expect(GUEST_NICE_STEPS).toBe(5);
  });

  it('lowers only the calling thread, and says to what', async () => {
    const base = getPriority();
    const source = `
      import { parentPort } from 'node:worker_threads';
      import { readlinkSync } from 'node:fs';
      import { getPriority } from 'node:os';
      const { lowerThisThreadPriority } = await import(${JSON.stringify(MODULE_URL)});
      const nice = lowerThisThreadPriority(5);
      const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
      parentPort.postMessage({ nice, read: getPriority(tid) });`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`));
    const answer = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    expect(answer).toEqual({ nice: Math.min(19, base + 5), read: Math.min(19, base + 5) });
    expect(getPriority()).toBe(base);
  });

  it('is applied by every guest worker the pool starts', async () => {
    const lowered = Math.min(19, getPriority() + GUEST_NICE_STEPS);
    const before = threadNices().filter((n) => n === lowered).length;
    const slot = openSlot({}, false, []);
    try {
      await new Promise((resolve, reject) => slot.worker.once('message', resolve).once('error', reject));
      expect(threadNices().filter((n) => n === lowered).length).toBe(before + 1);
    } finally {
      closeSlot(slot);
    }
  });
});
