import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { RunnerFixture } from '../../../harness/runner-fixture.ts';
import { loadRunnerConfig } from '../config.ts';

const MODULE = new URL('./thread-priority.js', import.meta.url).href;
const run = promisify(execFile);

/** Runs `lowerThreadPriority(delta)` on a new worker thread; answers its result and thread id. */
async function lowerInWorker(delta: number): Promise<{ result: number | undefined; tid: number; worker: Worker }> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { readlinkSync } = require('node:fs');
    import(workerData.module).then(({ lowerThreadPriority }) => {
      const result = lowerThreadPriority(workerData.delta);
      parentPort.postMessage({ result, tid: Number(readlinkSync('/proc/thread-self').split('/').pop()) });
      // Alive until terminated: a thread that has ended has no nice value to read (ESRCH).
      setInterval(() => undefined, 60_000);
    });`;
  const worker = new Worker(source, { eval: true, workerData: { module: MODULE, delta } });
  const reply = await new Promise<{ result: number | undefined; tid: number }>((resolve) => worker.once('message', resolve));
  return { ...reply, worker };
}

const threads: Worker[] = [];
afterEach(async () => {
  await Promise.all(threads.splice(0).map((w) => w.terminate()));
});

describe('lowering a thread\'s scheduling priority (Linux)', () => {
  const base = getPriority(process.pid);

  it('raises only the calling thread\'s nice value, by the given amount', async () => {
    const { result, tid, worker } = await lowerInWorker(3);
    threads.push(worker);
    const expected = Math.min(19, base + 3);
    expect(result).toBe(expected);
    expect(getPriority(tid)).toBe(expected);
    expect(getPriority(process.pid)).toBe(base);
  });

  it('stops at 19, the lowest priority', async () => {
    const { result, worker } = await lowerInWorker(50);
    threads.push(worker);
    expect(result).toBe(19);
  });

  it('leaves the thread as it is for 0', async () => {
    const { result, tid, worker } = await lowerInWorker(0);
    threads.push(worker);
    expect(result).toBe(base);
    expect(getPriority(tid)).toBe(base);
  });
});

describe('giving every thread of a process the lowest priority (Linux)', () => {
  it('lowers the threads Node and V8 started before the call and a worker thread, not the parent', async () => {
    // In a child process: lowering the test process itself would slow every later test.
    const before = getPriority(process.pid);
    const source = `
      import { Worker } from 'node:worker_threads';
      import { readdirSync } from 'node:fs';
      import { getPriority } from 'node:os';
      const { lowestPriorityForAllThreads } = await import(process.argv[1]);
      const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
      await new Promise((resolve) => worker.once('online', resolve));
      const lowered = lowestPriorityForAllThreads();
      const nice = readdirSync('/proc/self/task').map((tid) => getPriority(Number(tid)));
      console.log(JSON.stringify({ lowered, nice }));
      process.exit(0);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source, MODULE]);
    const { lowered, nice } = JSON.parse(stdout) as { lowered: number; nice: number[] };
    expect(lowered).toBe(nice.length);
    expect(nice.length).toBeGreaterThan(5);
    expect(new Set(nice)).toEqual(new Set([19]));
    expect(getPriority(process.pid)).toBe(before);
  });
});

/** Threads of this process whose nice value is `nice` (guest workers are threads of the process). */
function threadsAt(nice: number): number {
  let count = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (getPriority(Number(tid)) === nice) count++;
    } catch {
      // the thread ended while we looked
    }
  }
  return count;
}

async function until(check: () => boolean, ms = 10_000): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

// A test process already at nice 10 or more cannot tell lowered workers from its other threads.
describe.skipIf(getPriority(process.pid) > 8)('RUNNER_WORKER_NICE', () => {
  const base = getPriority(process.pid);

  it('starts every guest worker that much below the main thread (default 10)', async () => {
    const before = threadsAt(Math.min(19, base + 10));
    const fx = await RunnerFixture.start({ workers: 2, spareWorkers: 0 });
    try {
      expect(fx.runner.config.workerNice).toBe(10);
      expect(await until(() => threadsAt(Math.min(19, base + 10)) === before + 2)).toBe(true);
      expect(getPriority(process.pid)).toBe(base);
    } finally {
      await fx.close();
    }
  });

  it('takes another amount from the environment; 0 keeps them at the main thread\'s priority', async () => {
    const fx = await RunnerFixture.start({ workers: 2, spareWorkers: 0 }, {}, { RUNNER_WORKER_NICE: '4' });
    try {
      expect(await until(() => threadsAt(Math.min(19, base + 4)) === 2)).toBe(true);
    } finally {
      await fx.close();
    }
    expect(loadRunnerConfig({ RUNNER_WORKER_NICE: '0' }).workerNice).toBe(0);
    expect(() => loadRunnerConfig({ RUNNER_WORKER_NICE: '-1' })).toThrow('RUNNER_WORKER_NICE must be an integer >= 0, got "-1". Fix or unset it.');
  });
});
