import { MessageChannel, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';
import type { ImportShape } from '../../capabilities/index.ts';
import type { LoadedComponent } from './component-loader.ts';
import type { GuestResponse } from './worker-pool.ts';
import { workerExecArgv } from './worker-exec-argv.ts';

/** One guest worker thread as the pool sees it; `J` is the pool's call record. */
export interface Slot<J> {
  worker: Worker;
  /** Main → worker: a host call's answer (the worker waits for it on `flag`, reply-wait.js). */
  replyPort: MessagePort;
  /** Main → worker: calls to run, on a port of their own so the worker can check for one without its event loop. */
  invokePort: MessagePort;
  /**
   * Worker → main: the running call's host calls and its result, on a port of their own so the
   * main thread can take them without its event loop (`mainSpinMs`, worker-pool.ts).
   */
  callPort: MessagePort;
  /** Shared with the worker: [0] host-call answer posted, [RESETTING] the worker is restoring its instance. */
  flag: Int32Array;
  ready: boolean;
  job: J | undefined;
  timer: NodeJS.Timeout | undefined;
  knownKeys: Set<string>;
  /** Beyond `size`: runs only calls of installs with nothing running, and is retired when idle. */
  spare: boolean;
  /** Components this worker ran last, most recent first: what its replacement warms up. */
  recent: LoadedComponent[];
  /** When its last call ended (or it was started): how long a spare has been idle. */
  idleSince: number;
}

const WORKER_URL = new URL('./guest-worker.js', import.meta.url);

/**
 * Index in a slot's `flag` where its worker keeps 1 from posting a successful result until it
 * has restored its instance. A worker still restoring is usable (the call waits for the restore),
 * but one already reset is faster, so the pool prefers it (`pickSlot`). Shared memory rather than
 * a message: a `reset` message cost the main thread one more message to receive and handle per call.
 */
export const RESETTING = 1;
/** How many recent components a new worker (replacement or standby) instantiates ahead of use. */
export const WARM_COMPONENTS = 2;

/**
 * Starts a worker thread that imports `glueUrls` ahead of use; the pool adds the listeners.
 * `inFlight`: the pool's count of running calls, on a SharedArrayBuffer the worker reads.
 *
 * `nice` (`RUNNER_WORKER_NICE`): how much the worker lowers its own scheduling priority below the
 * main thread's (Linux; elsewhere it keeps the inherited one, thread-priority.js). The main thread
 * is the one every call waits on: it parses requests, answers host calls and writes responses.
 * At equal priority a worker woken by a host call's answer took the CPU from the main thread that
 * woke it (in a profile at concurrency 8, 0.3 ms of the main thread's wall time per call, in
 * `Atomics.notify`), and both cores sat idle 16–18 % of the time while calls queued. With the
 * workers 10 below, idle fell to 10–12 % and the Gateway served 12 % more calls (interleaved
 * rounds in one emulator, issue 13's note has the runs). A guest still gets every core nothing
 * else wants; against other busy programs it gets a smaller share, and its timeout is real time.
 * The one cost measured: a call in the second after a restart, beside the warm jco child's
 * warm-up (warm-transpiler.ts), took 255–263 ms instead of 133–153 (bench (e2)).
 *
 * `nextCallSpinMs` (`RUNNER_NEXT_CALL_SPIN_MS`, reply-wait.js): how long the worker checks for its
 * next call after one that ran alone; 0 = it sleeps at once.
 */
export function openSlot<J>(importShape: ImportShape, spare: boolean, glueUrls: Iterable<string>, inFlight: Int32Array = new Int32Array(new SharedArrayBuffer(4)), nice = 0, nextCallSpinMs = 0): Slot<J> {
  const reply = new MessageChannel();
  const invoke = new MessageChannel();
  const call = new MessageChannel();
  const signal = new SharedArrayBuffer(8);
  const worker = startWorker(
    { signal, inFlight: inFlight.buffer, replyPort: reply.port2, invokePort: invoke.port2, callPort: call.port2, importShape, resettingIndex: RESETTING, nice, nextCallSpinMs },
    [reply.port2, invoke.port2, call.port2],
  );
  for (const glueUrl of glueUrls) worker.postMessage({ type: 'preload', glueUrl });
  return {
    worker, replyPort: reply.port1, invokePort: invoke.port1, callPort: call.port1, flag: new Int32Array(signal), ready: false,
    job: undefined, timer: undefined, knownKeys: new Set(), spare, recent: [],
    idleSince: performance.now(),
  };
}

/**
 * A guest worker with the process's Node options minus loaders and heap limits
 * (`workerExecArgv`); with none at all when Node refuses one of those in a worker (any other V8
 * flag on the server's command line, e.g. `--stack-size` or a profiler's), which it does before
 * the worker starts or takes `transferList`. The worker needs no option to run: it is plain
 * JavaScript that imports files by URL, and V8 flags reach it from the process anyway.
 */
function startWorker(workerData: unknown, transferList: TransferListItem[]): Worker {
  try {
    return new Worker(WORKER_URL, { workerData, transferList, execArgv: workerExecArgv(process.execArgv) });
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
    return new Worker(WORKER_URL, { workerData, transferList, execArgv: [] });
  }
}

/** Has `slot` instantiate up to WARM_COMPONENTS of `components` before any call needs them. */
export function warmSlot<J>(slot: Slot<J>, components: readonly LoadedComponent[]): Slot<J> {
  for (const component of components.slice(0, WARM_COMPONENTS)) {
    const key = componentKey(component);
    slot.knownKeys.add(key);
    slot.recent.push(component);
    slot.worker.postMessage({ type: 'warm', key, glueUrl: component.glueUrl, modules: component.modules });
  }
  return slot;
}

/** Stops a worker thread for good (listeners first, so its exit is not taken for a crash). */
export function closeSlot<J>(slot: Slot<J>): void {
  slot.worker.removeAllListeners();
  void slot.worker.terminate();
  slot.replyPort.close();
  slot.invokePort.close();
  slot.callPort.close();
}

/** `recent` with `component` moved to the front, at most WARM_COMPONENTS long. */
export function remember(recent: readonly LoadedComponent[], component: LoadedComponent): LoadedComponent[] {
  const key = componentKey(component);
  return [component, ...recent.filter((c) => componentKey(c) !== key)].slice(0, WARM_COMPONENTS);
}

/** Prefer an idle worker holding this component already reset, then one holding it at all. */
export function pickSlot<J>(idle: Slot<J>[], key: string): Slot<J> {
  const reset = (s: Slot<J>) => Atomics.load(s.flag, RESETTING) === 0;
  return (
    idle.find((s) => s.knownKeys.has(key) && reset(s)) ??
    idle.find((s) => s.knownKeys.has(key)) ??
    idle.find(reset) ??
    (idle[0] as Slot<J>)
  );
}

export function componentKey(component: LoadedComponent): string {
  return `${component.contentHash}:${component.memoryMb}`;
}

export type HostReply = { ok: true; value: unknown } | { ok: false; payload: string } | { ok: false; message: string };

export interface HostCallMessage {
  type: 'host-call';
  id: number;
  iface: string;
  fn: string;
  args: unknown[];
  oneway?: boolean;
}

/** What a worker posts; a result's `spun`: the worker took that call while checking for it (reply-wait.js, `spinForMessage`). */
export type WorkerMessage =
  | { type: 'ready' }
  | HostCallMessage
  | { type: 'result'; id: number; ok: true; response: GuestResponse; spun: boolean; timing: { instantiateMs: number; callMs: number; memoryBytes: number } }
  | { type: 'result'; id: number; ok: false; error: string; detail?: string; spun: boolean };
