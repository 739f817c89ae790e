import { describe, expect, it } from 'vitest';
import { FairQueue, shareKey, type PoolLoad, type WaitingCall } from './fair-queue.ts';

interface Call extends WaitingCall {
  name: string;
}

let seq = 0;
function call(name: string, tenant: string, extension: string): Call {
  return { name, share: shareKey(tenant, extension), extension, seq: seq++ };
}

/**
 * A pool simulated by hand: `admitAll` fills free regular workers, then free spare workers, while
 * the policy gives a call, counting running calls by share and extension as the worker pool does.
 */
class Pool {
  readonly running: { call: Call; spare: boolean }[] = [];
  constructor(readonly size: number, readonly perExtension: number, readonly spares = 0) {}

  load(): PoolLoad {
    return {
      perExtension: this.perExtension,
      runningOfShare: (share) => this.running.filter((r) => r.call.share === share).length,
      runningOfExtension: (ext) => this.running.filter((r) => r.call.extension === ext).length,
    };
  }

  /** Starts calls on free workers until none is free or none may start; returns their names. */
  admitAll(queue: FairQueue<Call>): string[] {
    const started: string[] = [];
    for (const spare of [false, true]) {
      const workers = spare ? this.spares : this.size;
      while (this.running.filter((r) => r.spare === spare).length < workers) {
        const next = queue.next(this.load(), spare ? 'spare' : 'regular');
        if (!next) break;
        queue.take(next);
        this.running.push({ call: next, spare });
        started.push(next.name);
      }
    }
    return started;
  }

  finish(name: string): void {
    this.running.splice(this.running.findIndex((r) => r.call.name === name), 1);
  }
}

describe('FairQueue admission order', () => {
  it('admits in arrival order when only one install is waiting', () => {
    const queue = new FairQueue<Call>();
    for (const name of ['a1', 'a2', 'a3']) queue.push(call(name, 't1', 'A'));
    const pool = new Pool(2, 2);
    expect(pool.admitAll(queue)).toEqual(['a1', 'a2']);
    pool.finish('a1');
    expect(pool.admitAll(queue)).toEqual(['a3']);
    expect(queue.size).toBe(0);
  });

  it('lets a later install through before the backlog of a greedy one', () => {
    const queue = new FairQueue<Call>();
    for (const name of ['a1', 'a2', 'a3', 'a4']) queue.push(call(name, 't1', 'A'));
    const pool = new Pool(2, 2);
    expect(pool.admitAll(queue)).toEqual(['a1', 'a2']);
    queue.push(call('b1', 't1', 'B'));
    queue.push(call('c1', 't1', 'C'));
    pool.finish('a1');
    expect(pool.admitAll(queue)).toEqual(['b1']);
    pool.finish('a2');
    expect(pool.admitAll(queue)).toEqual(['c1']);
    pool.finish('b1');
    expect(pool.admitAll(queue)).toEqual(['a3']);
    pool.finish('c1');
    expect(pool.admitAll(queue)).toEqual(['a4']);
  });

  it('alternates between installs with equal running counts, oldest waiting first', () => {
    const queue = new FairQueue<Call>();
    queue.push(call('a1', 't1', 'A'));
    queue.push(call('a2', 't1', 'A'));
    queue.push(call('a3', 't1', 'A'));
    queue.push(call('b1', 't1', 'B'));
    queue.push(call('b2', 't1', 'B'));
    const pool = new Pool(1, 1);
    const order: string[] = [];
    while (queue.size > 0) {
      const [started] = pool.admitAll(queue);
      order.push(started as string);
      pool.finish(started as string);
    }
    expect(order).toEqual(['a1', 'b1', 'a2', 'b2', 'a3']);
  });

  it('runs a late single call right after the current one, ahead of a backlog, with one worker', () => {
    const queue = new FairQueue<Call>();
    for (const name of ['a1', 'a2', 'a3', 'a4']) queue.push(call(name, 't1', 'A'));
    const pool = new Pool(1, 1);
    expect(pool.admitAll(queue)).toEqual(['a1']);
    queue.push(call('b1', 't1', 'B'));
    pool.finish('a1');
    expect(pool.admitAll(queue)).toEqual(['b1']);
  });

  it('treats two tenants of one extension as two shares', () => {
    const queue = new FairQueue<Call>();
    queue.push(call('t1-1', 't1', 'A'));
    queue.push(call('t1-2', 't1', 'A'));
    queue.push(call('t1-3', 't1', 'A'));
    queue.push(call('t2-1', 't2', 'A'));
    const pool = new Pool(2, 2);
    expect(pool.admitAll(queue)).toEqual(['t1-1', 't2-1']);
  });

  it('keeps RUNNER_MAX_CONCURRENCY_PER_EXTENSION per registry id across tenants', () => {
    const queue = new FairQueue<Call>();
    queue.push(call('t1-1', 't1', 'A'));
    queue.push(call('t2-1', 't2', 'A'));
    queue.push(call('b1', 't1', 'B'));
    const pool = new Pool(3, 1);
    expect(pool.admitAll(queue)).toEqual(['t1-1', 'b1']);
    pool.finish('t1-1');
    expect(pool.admitAll(queue)).toEqual(['t2-1']);
  });

  it('gives a starved install a spare worker, but never a busy one', () => {
    const queue = new FairQueue<Call>();
    for (const name of ['a1', 'a2', 'a3', 'a4']) queue.push(call(name, 't1', 'A'));
    const pool = new Pool(2, 5, 1); // two regular workers and one spare
    expect(pool.admitAll(queue)).toEqual(['a1', 'a2']);
    expect(queue.starved(pool.load())).toBeUndefined();
    queue.push(call('b1', 't1', 'B'));
    queue.push(call('c1', 't1', 'C'));
    expect(queue.starved(pool.load())?.name).toBe('b1');
    expect(pool.admitAll(queue)).toEqual(['b1']);
    expect(queue.starved(pool.load())?.name).toBe('c1');
    pool.finish('b1');
    expect(pool.admitAll(queue)).toEqual(['c1']);
    expect(queue.starved(pool.load())).toBeUndefined();
    // A's own worker ends (killed at its timeout): a3 takes the regular one, never the spare.
    pool.finish('a1');
    pool.finish('c1');
    expect(pool.admitAll(queue)).toEqual(['a3']);
    expect(queue.next(pool.load(), 'spare')).toBeUndefined();
    expect(queue.size).toBe(1);
  });

  it('does not count an install as starved while its extension is at its cap', () => {
    const queue = new FairQueue<Call>();
    const pool = new Pool(1, 1);
    queue.push(call('t1-1', 't1', 'A'));
    pool.admitAll(queue);
    queue.push(call('t2-1', 't2', 'A'));
    expect(queue.starved(pool.load())).toBeUndefined();
    expect(queue.next(pool.load())).toBeUndefined();
  });

  it('removes a call that gave up waiting, and reports one that is not queued', () => {
    const queue = new FairQueue<Call>();
    const a1 = call('a1', 't1', 'A');
    const a2 = call('a2', 't1', 'A');
    queue.push(a1);
    queue.push(a2);
    expect(queue.remove(a1)).toBe(true);
    expect(queue.remove(a1)).toBe(false);
    expect(queue.size).toBe(1);
    expect(queue.next(new Pool(1, 1).load())).toBe(a2);
  });

  it('drains every waiting call in arrival order', () => {
    const queue = new FairQueue<Call>();
    queue.push(call('a1', 't1', 'A'));
    queue.push(call('b1', 't1', 'B'));
    queue.push(call('a2', 't1', 'A'));
    expect(queue.drain().map((c) => c.name)).toEqual(['a1', 'b1', 'a2']);
    expect(queue.size).toBe(0);
  });
});
