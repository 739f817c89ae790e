/**
 * Which waiting call gets a guest worker next: the Runner's scheduling policy, kept free of
 * workers and timers so its order can be tested exactly.
 *
 * Why: with plain FIFO, two runaway calls of one extension on a two-worker pool held every worker
 * until their 30 s timeout, and every other extension waited behind them (issue 12, item 7).
 *
 * Decisions:
 * - **Share = one install**: tenant × extension registry id. One tenant's runaway install
 *   cannot starve another tenant's calls to the same extension. The existing cap
 *   `RUNNER_MAX_CONCURRENCY_PER_EXTENSION` stays keyed by registry id, as it was.
 * - **Admission**: among the shares whose oldest waiting call passes the extension cap, the one
 *   with the fewest running calls goes first; ties go round robin (the share served least
 *   recently), then to the oldest call. Within a share, calls run in arrival order. So a share
 *   with 100 queued calls delays another share's single call by at most one turn, never by its
 *   whole backlog.
 * - **Regular workers vs spares**: any call may start on one of the `RUNNER_WORKERS` regular
 *   workers. A spare worker (`RUNNER_SPARE_WORKERS`, default 1), started on demand when every
 *   worker is busy, only takes calls of a *starved* share (one with nothing running), so the
 *   greedy extension can never grow onto it, even when one of its own workers is killed and
 *   being replaced. Running
 *   guests are never pre-empted before their own timeout: fresh-instance semantics and limits
 *   stay as they were; the spare is what lets another extension through meanwhile. A single
 *   extension keeps all `size` workers when alone (no static reservation), and the spare also
 *   works with `RUNNER_WORKERS=1`, where a reservation could not.
 * - Calls that wait keep their own deadline; that part lives in the worker pool.
 */

/** One waiting call as the policy sees it. */
export interface WaitingCall {
  /** The install the call belongs to (tenant × registry id): the unit of fairness. */
  share: string;
  /** The registry id, which `RUNNER_MAX_CONCURRENCY_PER_EXTENSION` caps. */
  extension: string;
  /** Arrival order; lower arrived first. */
  seq: number;
}

/** What the pool is running right now. */
export interface PoolLoad {
  /** `RUNNER_MAX_CONCURRENCY_PER_EXTENSION`. */
  perExtension: number;
  runningOfShare(share: string): number;
  runningOfExtension(extension: string): number;
}

/** One share's waiting calls and when it last got a worker (`-1`: not since it started waiting). */
interface Line<T> {
  calls: T[];
  servedAt: number;
}

/** Waiting calls grouped by share, each share in arrival order. */
export class FairQueue<T extends WaitingCall> {
  readonly #lines = new Map<string, Line<T>>();
  #size = 0;
  #tick = 0;

  get size(): number {
    return this.#size;
  }

  push(call: T): void {
    const line = this.#lines.get(call.share);
    if (line) line.calls.push(call);
    else this.#lines.set(call.share, { calls: [call], servedAt: -1 });
    this.#size++;
  }

  /** Takes `call` out of the queue (it gave up); false when it was not waiting. */
  remove(call: T): boolean {
    const line = this.#lines.get(call.share);
    const index = line ? line.calls.indexOf(call) : -1;
    if (!line || index < 0) return false;
    line.calls.splice(index, 1);
    if (line.calls.length === 0) this.#lines.delete(call.share);
    this.#size--;
    return true;
  }

  /** Takes `call` out of the queue to start it, which puts its share at the back of its round. */
  take(call: T): void {
    if (!this.remove(call)) return;
    const line = this.#lines.get(call.share);
    if (line) line.servedAt = this.#tick++;
  }

  /** Empties the queue, returning every waiting call in arrival order. */
  drain(): T[] {
    const all = [...this.#lines.values()].flatMap((line) => line.calls).sort((a, b) => a.seq - b.seq);
    this.#lines.clear();
    this.#size = 0;
    return all;
  }

  /**
   * The call to start on a free `worker`, or undefined when none may. Order: fewest running
   * calls of its share, then the share served least recently (round robin), then the oldest
   * call. A spare worker only takes calls of shares with nothing running.
   */
  next(load: PoolLoad, worker: 'regular' | 'spare' = 'regular'): T | undefined {
    let best: { call: T; running: number; servedAt: number } | undefined;
    for (const [share, line] of this.#lines) {
      const head = line.calls[0] as T;
      const running = load.runningOfShare(share);
      if (load.runningOfExtension(head.extension) >= load.perExtension) continue;
      if (running > 0 && worker === 'spare') continue;
      const candidate = { call: head, running, servedAt: line.servedAt };
      if (!best || before(candidate, best)) best = candidate;
    }
    return best?.call;
  }

  /**
   * The oldest call of a starved share: one that waits with nothing running while its extension
   * is under its cap. Such a call justifies a spare worker when every worker is busy.
   */
  starved(load: PoolLoad): T | undefined {
    let oldest: T | undefined;
    for (const [share, line] of this.#lines) {
      const head = line.calls[0] as T;
      if (load.runningOfShare(share) > 0 || load.runningOfExtension(head.extension) >= load.perExtension) continue;
      if (!oldest || head.seq < oldest.seq) oldest = head;
    }
    return oldest;
  }
}

function before(a: { call: WaitingCall; running: number; servedAt: number }, b: typeof a): boolean {
  if (a.running !== b.running) return a.running < b.running;
  if (a.servedAt !== b.servedAt) return a.servedAt < b.servedAt;
  return a.call.seq < b.call.seq;
}

/** The fairness key of a call: one install, tenant × registry id. */
export function shareKey(tenantId: string, extensionId: string): string {
  return `${tenantId}\n${extensionId}`;
}
