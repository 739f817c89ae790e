import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { NEXT_CALL_SPIN_MS, REPLY_SPIN_MS, replySpinMs, spinForMessage, waitForFlag } from './reply-wait.js';

const workers: Worker[] = [];
const ports: MessagePort[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
  for (const port of ports.splice(0)) port.close();
});

/**
 * Another thread wakes sleepers on `flag[0]` without setting it (a late notify meant for an
 * earlier answer) `staleAfterMs` after it started, then sets it to 1 and wakes them `delayMs` after it started.
 */
async function notifyStaleThenSet(flag: Int32Array, staleAfterMs: number, delayMs: number): Promise<void> {
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    const flag = new Int32Array(workerData.buffer);
    const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    parentPort.postMessage('started');
    pause(workerData.staleAfterMs);
    // Wakes the sleeper only once it sleeps (the count of woken waiters says so).
    while (Atomics.notify(flag, 0) === 0) pause(1);
    pause(workerData.delayMs - workerData.staleAfterMs);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);`;
  const worker = new Worker(source, { eval: true, workerData: { buffer: flag.buffer, staleAfterMs, delayMs } });
  workers.push(worker);
  await new Promise((resolve) => worker.once('message', resolve));
}

/** Another thread sets `flag[0]` to 1 and wakes sleepers `delayMs` after it started. */
async function setLater(flag: Int32Array, delayMs: number): Promise<void> {
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    const flag = new Int32Array(workerData.buffer);
    parentPort.postMessage('started');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.delayMs);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);`;
  const worker = new Worker(source, { eval: true, workerData: { buffer: flag.buffer, delayMs } });
  workers.push(worker);
  await new Promise((resolve) => worker.once('message', resolve));
}

describe('waiting for a host call answer', () => {
  it('checks the flag for 250 µs before sleeping on it when its call runs alone, and not at all beside others', () => {
    expect(REPLY_SPIN_MS).toBe(0.25);
    expect([0, 1, 2, 8].map(replySpinMs)).toEqual([0.25, 0.25, 0, 0]);
  });

  it('returns at once when the answer is already there', () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(flag, 0, 1);
    expect(waitForFlag(flag, 0)).toBe('spun');
  });

  it('sees an answer that comes within the spin without sleeping', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    await setLater(flag, 20);
    const started = performance.now();
    expect(waitForFlag(flag, 10_000)).toBe('spun');
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    expect(Atomics.load(flag, 0)).toBe(1);
  });

  it('sleeps again after a wake-up that finds no answer (a late notify of the answer before)', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    await notifyStaleThenSet(flag, 20, 120);
    const started = performance.now();
    expect(waitForFlag(flag, 0)).toBe('waited');
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect(Atomics.load(flag, 0)).toBe(1);
  });

  it('sleeps on the flag once the spin is over, and wakes when the answer comes', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    await setLater(flag, 50);
    const started = performance.now();
    expect(waitForFlag(flag, 1)).toBe('waited');
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
    expect(Atomics.load(flag, 0)).toBe(1);
  });
});

/** Another thread posts `message` on `port` `delayMs` after it started. */
async function postLater(port: MessagePort, message: unknown, delayMs: number): Promise<void> {
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    parentPort.postMessage('started');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.delayMs);
    workerData.port.postMessage(workerData.message);`;
  const worker = new Worker(source, { eval: true, workerData: { port, message, delayMs }, transferList: [port] });
  workers.push(worker);
  await new Promise((resolve) => worker.once('message', resolve));
}

function channel(): MessageChannel {
  const created = new MessageChannel();
  ports.push(created.port1, created.port2);
  return created;
}

describe('checking for the next call', () => {
  it('checks for 1 ms by default', () => {
    expect(NEXT_CALL_SPIN_MS).toBe(1);
  });

  it('takes a message another thread posts within the time, and its listener never sees it', async () => {
    const { port1, port2 } = channel();
    const heard: unknown[] = [];
    port1.on('message', (m) => heard.push(m));
    await postLater(port2, { type: 'invoke', id: 7 }, 20);
    const started = performance.now();
    expect(spinForMessage(port1, 10_000)).toEqual({ type: 'invoke', id: 7 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual([]);
  });

  it('gives up after the time with nothing taken, and a later message goes to the listener', async () => {
    const { port1, port2 } = channel();
    const started = performance.now();
    expect(spinForMessage(port1, 30)).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(30);
    const heard = new Promise((resolve) => port1.once('message', resolve));
    port2.postMessage('later');
    expect(await heard).toBe('later');
  });
});
