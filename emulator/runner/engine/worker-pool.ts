import { receiveMessageOnPort } from 'node:worker_threads';
import { executeFailed } from '../../errors.ts';
import type { Admission, HostTable, ImportShape } from '../../capabilities/index.ts';
import type { HostCallRecord } from '../../contracts/host-call.ts';
import { WitError, type InvocationScope } from '../../contracts/invocation.ts';

export type { HostCallRecord };
import { applyFault, type FaultPlan } from '../faults/fault-plan.ts';
import type { LoadedComponent } from './component-loader.ts';
import { REDACTED, recordValue, secretValues } from './host-call-values.ts';
import { FairQueue, shareKey, type PoolLoad } from './fair-queue.ts';
import { closeSlot, componentKey, openSlot, pickSlot, remember, warmSlot, type HostCallMessage, type HostReply, type Slot, type WorkerMessage } from './worker-slot.ts';

export type { HostReply };

export interface GuestRequest {
  context: {
    requestId: string | undefined;
    tenantId: string;
    extensionId: string;
    installId: string | undefined;
    versionId: string | undefined;
  };
  http: { method: string; url: string; headers: { name: string; value: string }[]; body: Uint8Array | undefined };
}

export interface GuestResponse {
  status: number;
  headers: { name: string; value: string }[];
  body: Uint8Array | undefined;
}


export interface InvocationResult {
  response: GuestResponse;
  hostCalls: HostCallRecord[];
  /** `memoryBytes`: the instance's linear memory after the call (its high-water mark). */
  timing: { queuedMs: number; instantiateMs: number; callMs: number; memoryBytes: number };
}

export interface WorkerPoolOptions {
  /** Regular workers (`RUNNER_WORKERS`): how many calls run at once when no install is starved. */
  size: number;
  /** `RUNNER_MAX_CONCURRENCY_PER_EXTENSION`, per registry id. */
  perExtension: number;
  /** `RUNNER_SPARE_WORKERS`: extra threads for installs that would otherwise wait with nothing running. */
  spare: number;
  /** How long a call runs in a full pool before a standby spare starts; default STANDBY_AFTER_MS. */
  standbyAfterMs?: number;
  /** `RUNNER_WORKER_NICE`: how far below the main thread's priority workers run (worker-slot.ts); default 0. */
  workerNice?: number;
  /** `RUNNER_NEXT_CALL_SPIN_MS`: how long a worker checks for its next call after one that ran alone (reply-wait.js); default 0. */
  nextCallSpinMs?: number;
  /** `RUNNER_MAIN_SPIN_MS`: how long the main thread takes a warm lone call's messages itself (MAIN_SPIN_MS); default 0. */
  mainSpinMs?: number;
  /** Calls a component must have answered in this pool before the main thread spins for its calls; default MAIN_SPIN_AFTER_CALLS. */
  mainSpinAfterCalls?: number;
  hostTable: HostTable;
  importShape: ImportShape;
  /** Planned host-call failures and the grant checks they wait behind; none = every call is real. */
  faults?: { plan: FaultPlan; admits: Admission };
  /**
   * Hears every host call once it is answered, with its raw arguments and the exact answer the
   * guest gets (a cassette recorder keeps them in full). Must not throw.
   */
  onHostCall?: (scope: InvocationScope, call: HostCallTap) => void;
}

/** One answered host call as `onHostCall` hears it. */
export interface HostCallTap {
  /** Its position among the invocation's host calls, from 0, in the order the guest made them. */
  index: number;
  /** The arguments exactly as the guest passed them. */
  args: unknown[];
  /** What the guest got: a value, a WIT error payload, or a trap message. */
  reply: HostReply;
  /** The ledger's record of the call (previews, secrets redacted). */
  record: HostCallRecord;
}

interface Job {
  id: number;
  /** Arrival order (the id), the install (tenant × registry id) and the registry id: see fair-queue.ts. */
  seq: number;
  share: string;
  extension: string;
  /** Ends the wait of a call still queued when its own timeout passes. */
  deadline: NodeJS.Timeout | undefined;
  component: LoadedComponent;
  scope: InvocationScope;
  request: GuestRequest;
  timeoutMs: number;
  enqueuedAt: number;
  startedAt: number;
  hostCalls: HostCallRecord[];
  /** Host calls the guest made so far (their order, whatever order their answers finish in). */
  callCount: number;
  resolve(result: InvocationResult): void;
  reject(err: Error): void;
}

/** Whose `get` result is always recorded as `"[redacted]"`. */
const SECRETS_INTERFACE = 'alga:extension/secrets';
/**
 * How long a call must have run, with every worker busy, before a standby spare is started.
 * Ordinary calls take milliseconds, so a saturated pool of short calls never starts one; a
 * runaway does, and another install's next call then finds a started, warm worker.
 */
const STANDBY_AFTER_MS = 100;
/**
 * How long an idle spare outlives the need for it. A runaway's loop of timeouts and retries
 * frees and refills a regular worker every few seconds; retiring the spare at each gap made the
 * starved install's next call pay a worker start-up.
 */
const SPARE_LINGER_MS = 1000;
/**
 * How long the main thread waits for a lone call's host calls and result by checking the
 * worker's port itself (`RUNNER_MAIN_SPIN_MS`), instead of going back to its event loop, where it
 * sleeps until the kernel wakes it for each message. On this kind of virtual machine a sleeping
 * thread's core halts, and from the worker's post to the main thread handling it took a median
 * 52 µs; a sequential hello-host counter call made three such trips (storage get, storage put,
 * result). While the main thread checks, it runs nothing else: a call that has not ended within
 * this time (or that waits on a host call answered later, such as `fetch`) goes on through the
 * event loop, so another request waits at most this long.
 *
 * Measured on hello-host's counter after 3000 warm-up calls, in rounds of 1000, against a twin
 * with 0 side by side (one client, one call at a time):
 * - two emulator processes (Gateway): p50 7-16 % lower over four runs, rounds from 0.72 to 1.28;
 *   instrumented, from the worker's post to its answer: storage get 66 → 33 µs, put 99 → 57 µs,
 *   and from the result's post to its handling 52 → 15 µs;
 * - two Runners in one process, `Runner.execute`: 14-28 % lower, every round faster;
 * - two Runner processes (`/v1/execute`): 7 % lower, rounds from 0.78 to 1.01;
 * - at concurrency 8, where calls seldom run alone: level (Gateway, nine rounds of 2000: 679-803
 *   against 671-775 req/s).
 */
export const MAIN_SPIN_MS = 2;
/**
 * Calls a component must have answered in the pool before the main thread spins for its calls.
 * A spinning main thread holds a core that V8's compiler threads need while they optimise the
 * component's code and the server's own: spinning from the first call (two emulator processes side
 * by side, rounds of 300), the first 300 calls were 46 % slower at p50 and the next 600 calls 5-11 %
 * slower; from about the 900th call on it was faster.
 */
export const MAIN_SPIN_AFTER_CALLS = 1000;

/**
 * Runs guests on worker threads so a runaway guest never blocks the server. Bounded globally
 * (`size` workers) and per extension; extra calls wait in a fair queue (fair-queue.ts: the
 * install with the fewest running calls goes first, round robin between equals).
 *
 * A runaway install cannot hold every worker against the others: when every worker is busy and
 * an install waits with nothing running, a spare worker (up to `spare`) is started for it. A
 * spare only runs calls of installs with nothing running, so the greedy install never grows onto
 * it; it stays while every regular worker is busy (ready for the starved install's next call)
 * and is retired as soon as a regular worker is idle. When a call has held a full pool for
 * STANDBY_AFTER_MS, the spare is started ahead of need (a standby), warm with recent components
 * no call is running. A killed regular worker is replaced at
 * once, and workers start without module loaders (worker-exec-argv.ts), so capacity returns in
 * about the time of one worker start-up.
 *
 * A call that waits keeps its own deadline: if `timeoutMs` passes before it starts it answers
 * the timeout failure without running (it gets its full `timeoutMs` once it does start, as in
 * production, which times from instantiation).
 */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #slots: Slot<Job>[] = [];
  readonly #queue = new FairQueue<Job>();
  /** Running calls by install (share) and by registry id. */
  readonly #running = new Map<string, number>();
  readonly #runningByExtension = new Map<string, number>();
  readonly #preloaded = new Set<string>();
  /** Components of the latest calls, most recent first: what a new worker warms up. */
  #recent: LoadedComponent[] = [];
  #standbyTimer: NodeJS.Timeout | undefined;
  #retireTimer: NodeJS.Timeout | undefined;
  #nextId = 1;
  #closed = false;
  /** Calls running on a worker, shared with the workers: they spin for an answer only when theirs is alone (reply-wait.js). */
  readonly #inFlight = new Int32Array(new SharedArrayBuffer(4));
  #takenSpinning = 0;
  #takenByMain = 0;
  /** True while the main thread takes a call's messages itself (`#takeMessages`): no second one nests in it. */
  #mainSpinning = false;
  /** Calls each component has answered in this pool (MAIN_SPIN_AFTER_CALLS), dropped with the component. */
  readonly #answered = new WeakMap<LoadedComponent, number>();

  constructor(options: WorkerPoolOptions) {
    this.#options = { ...options };
    for (let i = 0; i < options.size; i++) this.#slots.push(this.#spawn(false));
  }

  run(component: LoadedComponent, scope: InvocationScope, request: GuestRequest, timeoutMs: number): Promise<InvocationResult> {
    if (this.#closed) return Promise.reject(executeFailed('the runner is shutting down'));
    return new Promise((resolve, reject) => {
      const hostCalls: HostCallRecord[] = [];
      const id = this.#nextId++;
      const job: Job = {
        id, seq: id, share: shareKey(scope.tenantId, scope.extensionId), extension: scope.extensionId, deadline: undefined,
        component, scope, request, timeoutMs,
        enqueuedAt: performance.now(), startedAt: 0, hostCalls, callCount: 0, resolve,
        // A failed call still made host calls (e.g. a denial the guest did not catch): keep them.
        reject: (err) => reject(Object.assign(err, { hostCalls })),
      };
      this.#queue.push(job);
      // Real time, like the run timer: this bounds how long a caller can be kept waiting.
      job.deadline = setTimeout(() => this.#expire(job), timeoutMs);
      this.#dispatch();
    });
  }

  /** Asks every worker (and every future one) to import a component's glue module ahead of use. */
  preloadGlue(glueUrl: string): void {
    if (this.#preloaded.has(glueUrl)) return;
    this.#preloaded.add(glueUrl);
    for (const slot of this.#slots) slot.worker.postMessage({ type: 'preload', glueUrl });
  }

  /**
   * Has the regular worker holding the fewest components instantiate `component` ahead of its
   * first call (nothing is called: every call still starts from the post-instantiation snapshot).
   * No-op when a worker holds it already.
   */
  warm(component: LoadedComponent): void {
    const key = componentKey(component);
    if (this.#closed || this.#slots.some((s) => s.knownKeys.has(key))) return;
    const regular = this.#slots.filter((s) => !s.spare);
    const slot = regular.reduce<Slot<Job> | undefined>((best, s) => (best && best.knownKeys.size <= s.knownKeys.size ? best : s), undefined);
    if (!slot) return;
    warmSlot(slot, [component]);
    this.#recent = remember(this.#recent, component);
  }

  /** Number of calls waiting for a worker. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Calls a worker took while checking for its next call (`nextCallSpinMs`), since the pool started. */
  get callsTakenSpinning(): number {
    return this.#takenSpinning;
  }

  /** Host calls and results the main thread took while checking for them (`mainSpinMs`), since the pool started. */
  get messagesTakenByMain(): number {
    return this.#takenByMain;
  }

  /** Live worker threads, starting ones and spares included. */
  get threads(): number {
    return this.#slots.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#standbyTimer);
    clearTimeout(this.#retireTimer);
    for (const job of this.#queue.drain()) {
      clearTimeout(job.deadline);
      job.reject(executeFailed('the runner is shutting down'));
    }
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  /** Starts a worker that imports `glueUrls` (default: every glue module seen) ahead of use. */
  #spawn(spare: boolean, glueUrls: Iterable<string> = this.#preloaded): Slot<Job> {
    const slot = openSlot<Job>(this.#options.importShape, spare, glueUrls, this.#inFlight, this.#options.workerNice ?? 0, this.#options.nextCallSpinMs ?? 0);
    slot.worker.on('message', (msg: WorkerMessage) => this.#onMessage(slot, msg));
    slot.callPort.on('message', (msg: WorkerMessage) => this.#onMessage(slot, msg));
    slot.worker.on('error', (err) => this.#onCrash(slot, `worker error: ${err.message}`));
    slot.worker.on('exit', () => this.#onCrash(slot, 'the guest worker exited'));
    return slot;
  }

  /** Starts every call the policy admits on an idle worker, then sizes the spare workers. */
  #dispatch(): void {
    for (;;) {
      const idle = this.#slots.filter((s) => s.ready && !s.job);
      const regular = idle.filter((s) => !s.spare);
      const spare = idle.filter((s) => s.spare);
      let job = regular.length > 0 ? this.#queue.next(this.#load()) : undefined;
      let from = regular;
      if (!job && spare.length > 0) {
        job = this.#queue.next(this.#load(), 'spare');
        from = spare;
      }
      if (!job) break;
      this.#queue.take(job);
      this.#start(pickSlot(from, componentKey(job.component)), job);
    }
    this.#armStandby();
    this.#startSpare();
    this.#retireIdleSpares();
  }

  #load(): PoolLoad {
    return {
      perExtension: this.#options.perExtension,
      runningOfShare: (share) => this.#running.get(share) ?? 0,
      runningOfExtension: (extension) => this.#runningByExtension.get(extension) ?? 0,
    };
  }

  /** Every worker busy (none starting either) and an install starved: one more spare, if allowed. */
  #startSpare(): void {
    if (this.#closed || this.#slots.some((s) => !s.job)) return;
    if (this.#slots.filter((s) => s.spare).length >= this.#options.spare) return;
    const starved = this.#queue.starved(this.#load());
    if (starved) this.#slots.push(this.#spawn(true, [starved.component.glueUrl]));
  }

  /** Every worker busy: look again in STANDBY_AFTER_MS for a call running all that time. */
  #armStandby(): void {
    if (this.#options.spare === 0 || this.#standbyTimer || this.#slots.some((s) => !s.job)) return;
    const armedAt = performance.now();
    this.#standbyTimer = setTimeout(() => {
      this.#standbyTimer = undefined;
      this.#startStandby(armedAt);
    }, this.#options.standbyAfterMs ?? STANDBY_AFTER_MS);
    this.#standbyTimer.unref();
  }

  /** A spare started before anyone starves: a call running since `armedAt` holds a busy worker. */
  #startStandby(armedAt: number): void {
    if (this.#closed || this.#slots.some((s) => !s.job)) return;
    if (this.#slots.filter((s) => s.spare).length >= this.#options.spare) return;
    if (!this.#slots.some((s) => s.job && s.job.startedAt <= armedAt)) {
      this.#armStandby(); // only younger calls (the pool turned over): look again while it stays full
      return;
    }
    // Only components no call is running: the long call's own would be of no use on a spare
    // (its install has something running), and it may be a first, cold instantiation.
    const running = new Set(this.#slots.map((s) => s.job && componentKey(s.job.component)));
    this.#slots.push(warmSlot(this.#spawn(true), this.#recent.filter((c) => !running.has(componentKey(c)))));
  }

  /**
   * Idle spares go once a regular worker is idle and ready (otherwise one idle spare is kept),
   * each after SPARE_LINGER_MS idle; a timer looks again for those not idle that long yet.
   */
  #retireIdleSpares(): void {
    const regularFree = this.#slots.some((s) => !s.spare && s.ready && !s.job);
    const idleSpares = this.#slots.filter((s) => s.spare && !s.job);
    const now = performance.now();
    let wait = Infinity;
    for (const slot of regularFree ? idleSpares : idleSpares.slice(1)) {
      const left = slot.idleSince + SPARE_LINGER_MS - now;
      if (left <= 0) this.#discard(slot);
      else wait = Math.min(wait, left);
    }
    if (wait === Infinity || this.#retireTimer || this.#closed) return;
    this.#retireTimer = setTimeout(() => {
      this.#retireTimer = undefined;
      this.#retireIdleSpares();
    }, wait);
    this.#retireTimer.unref();
  }

  #start(slot: Slot<Job>, job: Job): void {
    const key = componentKey(job.component);
    job.startedAt = performance.now();
    clearTimeout(job.deadline);
    slot.job = job;
    bump(this.#running, job.share, 1);
    Atomics.add(this.#inFlight, 0, 1);
    bump(this.#runningByExtension, job.extension, 1);
    const modules = slot.knownKeys.has(key) ? undefined : job.component.modules;
    slot.knownKeys.add(key);
    slot.recent = remember(slot.recent, job.component);
    this.#recent = remember(this.#recent, job.component);
    // Always real time, never the emulator's (possibly virtual) Clock: this timer is what stops a
    // looping guest, so it must bound real CPU time whatever a test does to the clock.
    slot.timer = setTimeout(() => this.#onTimeout(slot, job), job.timeoutMs);
    slot.invokePort.postMessage({ type: 'invoke', id: job.id, key, glueUrl: job.component.glueUrl, modules, request: job.request });
    // Not at once: requests that arrived with this one are read first (the check phase follows the
    // poll phase), so a call that has company by then is left to the event loop.
    if (!this.#warmFor(job)) return;
    setImmediate(() => {
      if (this.#spinsFor(slot, job)) this.#takeMessages(slot, job);
    });
  }

  /** Spinning is on and `job`'s component has answered MAIN_SPIN_AFTER_CALLS calls in this pool. */
  #warmFor(job: Job): boolean {
    if ((this.#options.mainSpinMs ?? 0) <= 0) return false;
    return (this.#answered.get(job.component) ?? 0) >= (this.#options.mainSpinAfterCalls ?? MAIN_SPIN_AFTER_CALLS);
  }

  /**
   * The main thread spins for `job` now: it still runs, alone, with no other call waiting (calls
   * started together are never held behind one another), and no spin is under way (one ending in
   * a result can start the next call).
   */
  #spinsFor(slot: Slot<Job>, job: Job): boolean {
    return slot.job === job && !this.#mainSpinning && Atomics.load(this.#inFlight, 0) === 1 && this.#queue.size === 0;
  }

  /**
   * Handles `job`'s messages as they come, without the event loop, until it has ended, one of its
   * host calls is answered later (a promise: that needs the event loop), or `mainSpinMs` passed.
   * Handled here or by the port's listener, a message is handled the same way; what this does not
   * take, the listener gets.
   */
  #takeMessages(slot: Slot<Job>, job: Job): void {
    // Never past the call's own deadline: its timer cannot fire while this runs.
    const until = Math.min(performance.now() + (this.#options.mainSpinMs ?? 0), job.startedAt + job.timeoutMs);
    this.#mainSpinning = true;
    try {
      while (slot.job === job && performance.now() < until) {
        const received = receiveMessageOnPort(slot.callPort);
        if (!received) continue;
        this.#takenByMain++;
        if (this.#onMessage(slot, received.message as WorkerMessage) === 'later') return;
      }
    } finally {
      this.#mainSpinning = false;
    }
  }

  #finish(slot: Slot<Job>, job: Job): void {
    slot.idleSince = performance.now();
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    bump(this.#running, job.share, -1);
    Atomics.sub(this.#inFlight, 0, 1);
    bump(this.#runningByExtension, job.extension, -1);
  }

  /** A call still waiting when its own timeout passes answers the timeout failure, never having run. */
  #expire(job: Job): void {
    if (!this.#queue.remove(job)) return;
    job.reject(executeFailed(
      `wasm trap: interrupt (limits.timeout_ms ${job.timeoutMs} exceeded while waiting for a guest worker; the guest never ran. ` +
      `Fix: raise limits.timeout_ms or RUNNER_WORKERS (${this.#options.size}), or stop the calls holding the workers)`,
    ));
    this.#dispatch();
  }

  /** `later`: a host call whose answer comes later (a promise settles, or an injected fault's delay). */
  #onMessage(slot: Slot<Job>, msg: WorkerMessage): 'later' | undefined {
    if (msg.type === 'ready') {
      slot.ready = true;
      this.#dispatch();
      return undefined;
    }
    const job = slot.job;
    if (!job || msg.id !== job.id) return undefined;
    if (msg.type === 'host-call') return this.#hostCall(slot, job, msg);
    if (msg.spun) this.#takenSpinning++;
    this.#finish(slot, job);
    if (msg.ok) {
      this.#answered.set(job.component, (this.#answered.get(job.component) ?? 0) + 1);
      job.resolve({ response: msg.response, hostCalls: job.hostCalls, timing: { queuedMs: job.startedAt - job.enqueuedAt, ...msg.timing } });
    } else {
      // `detail`: why a fast-path call failed (the error itself is the component's, word for word).
      job.reject(msg.detail === undefined ? executeFailed(msg.error) : Object.assign(executeFailed(msg.error), { detail: msg.detail }));
    }
    this.#dispatch();
    return undefined;
  }

  /**
   * Answers one host call. A capability that answers synchronously (storage, context, secrets)
   * is answered in the same turn; one that returns a promise (or an injected fault's delay) when
   * it settles, and then this says `later`.
   */
  #hostCall(slot: Slot<Job>, job: Job, msg: HostCallMessage): 'later' | undefined {
    const started = performance.now();
    const fault = this.#faultFor(job.scope, msg);
    const call = { index: job.callCount++, started, injected: fault !== undefined };
    let value: unknown;
    try {
      const fn = this.#options.hostTable.get(msg.iface)?.[msg.fn];
      if (!fn) throw new Error(`the host does not implement ${msg.iface}#${msg.fn}`);
      value = fault ? applyFault(fault, job.scope).then(() => fn(job.scope, msg.args)) : fn(job.scope, msg.args);
    } catch (err) {
      this.#answer(slot, job, msg, call, { ok: false, err });
      return undefined;
    }
    if (!isThenable(value)) {
      this.#answer(slot, job, msg, call, { ok: true, value });
      return undefined;
    }
    value.then(
      (settled) => this.#answer(slot, job, msg, call, { ok: true, value: settled }),
      (err: unknown) => this.#answer(slot, job, msg, call, { ok: false, err }),
    );
    return 'later';
  }

  /**
   * Sends the guest its answer first (the guest is blocked until then), then keeps the ledger
   * record and tells the tap. The worker's result can only be handled after this returns, so
   * the invocation's record is complete before it resolves.
   */
  #answer(slot: Slot<Job>, job: Job, msg: HostCallMessage, call: { index: number; started: number; injected: boolean }, outcome: { ok: true; value: unknown } | { ok: false; err: unknown }): void {
    const durationMs = performance.now() - call.started;
    let reply: HostReply;
    let payload: string | undefined;
    let message = '';
    if (outcome.ok) reply = { ok: true, value: outcome.value };
    else {
      payload = outcome.err instanceof WitError ? outcome.err.payload : undefined;
      message = outcome.err instanceof Error ? outcome.err.message : String(outcome.err);
      reply = payload === undefined ? { ok: false, message } : { ok: false, payload };
    }
    if (!msg.oneway && slot.job === job) {
      try {
        slot.replyPort.postMessage(reply);
      } catch (err) {
        // A host value the structured clone cannot copy is a host bug: trap the guest, never hang it.
        slot.replyPort.postMessage({ ok: false, message: `host ${msg.iface}#${msg.fn} returned an uncloneable value: ${(err as Error).message}` });
      }
      Atomics.store(slot.flag, 0, 1);
      Atomics.notify(slot.flag, 0);
    }
    const secrets = secretValues(job.scope.secrets);
    const recorded = { interface: msg.iface, function: msg.fn, requestId: job.scope.requestId, args: recordValue(msg.args, secrets) as unknown[], ...(call.injected && { injected: true as const }) };
    let record: HostCallRecord;
    if (outcome.ok) {
      const result = msg.iface === SECRETS_INTERFACE && msg.fn === 'get' ? REDACTED : recordValue(outcome.value, secrets);
      record = { ...recorded, outcome: 'ok', result, durationMs };
    } else {
      record = { ...recorded, outcome: payload === undefined ? 'trap' : 'err', error: payload ?? (recordValue(message, secrets) as string), durationMs };
    }
    job.hostCalls.push(record);
    this.#options.onHostCall?.(job.scope, { index: call.index, args: msg.args, reply, record });
  }

  /** The injected fault for this call, if a rule matches and the call passes its grant checks. */
  #faultFor(scope: InvocationScope, msg: HostCallMessage) {
    const faults = this.#options.faults;
    if (!faults) return undefined;
    const call = { iface: msg.iface, fn: msg.fn, tenantId: scope.tenantId, extensionId: scope.extensionId };
    return faults.plan.take(call, () => faults.admits(msg.iface, msg.fn, scope, msg.args));
  }

  #onTimeout(slot: Slot<Job>, job: Job): void {
    if (slot.job !== job) return;
    this.#finish(slot, job);
    job.reject(executeFailed(`wasm trap: interrupt (limits.timeout_ms ${job.timeoutMs} exceeded)`));
    this.#replace(slot);
    this.#dispatch();
  }

  #onCrash(slot: Slot<Job>, reason: string): void {
    const index = this.#slots.indexOf(slot);
    if (index < 0 || this.#closed) return;
    const job = slot.job;
    if (job) {
      this.#finish(slot, job);
      job.reject(executeFailed(reason));
    }
    this.#replace(slot);
    this.#dispatch();
  }

  /**
   * A timed-out or crashed worker is discarded with everything in it. A regular one is replaced
   * at once, and the replacement instantiates the components it ran last, so the next call does
   * not pay for that; a spare is started again only when a starved install needs one.
   */
  #replace(slot: Slot<Job>): void {
    if (!this.#discard(slot) || this.#closed || slot.spare) return;
    this.#slots.push(warmSlot(this.#spawn(false), slot.recent));
  }

  /** Stops a worker and forgets it; false when it was already gone. */
  #discard(slot: Slot<Job>): boolean {
    const index = this.#slots.indexOf(slot);
    if (index < 0) return false;
    this.#slots.splice(index, 1);
    closeSlot(slot);
    return true;
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const value = (counts.get(key) ?? 0) + by;
  if (value <= 0) counts.delete(key);
  else counts.set(key, value);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
