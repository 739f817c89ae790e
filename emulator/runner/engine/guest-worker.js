// Worker-thread side of the execution engine. Plain JavaScript on purpose: a worker must start
// under tsx, vitest and plain node alike.
//
// Fresh-instance semantics, cheaply: a component is instantiated once per worker, then its linear
// memory and mutable globals are snapshotted before any call. After every successful call the
// worker restores that snapshot (off the critical path, after the answer is posted), so no guest
// state survives into the next call; it says so in shared memory, not with a message (see
// RESETTING in worker-slot.ts). Any failure discards the instance; the next call
// instantiates anew. Host imports are synchronous to the guest: a call posts a message to the
// main thread and waits on a SharedArrayBuffer (reply-wait.js) until the answer is posted back on
// a dedicated port (there is no JSPI on Node 20). Calls come on a port of their own, so that a
// worker can check for its next call without its event loop (reply-wait.js: `spinForMessage`);
// host calls and results go out on another (`callPort`), which the main thread can read the same
// way while a warm call runs alone (worker-pool.ts: `mainSpinMs`).
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { restoreMemory, snapshotMemory } from './memory-snapshot.js';
import { replySpinMs, spinForMessage, waitForFlag } from './reply-wait.js';
import { lowerThreadPriority } from './thread-priority.js';

/** @typedef {import('node:worker_threads').MessagePort} Port */
/** @type {{ signal: SharedArrayBuffer, inFlight: SharedArrayBuffer, replyPort: Port, invokePort: Port, callPort: Port, importShape: Record<string, Record<string, {returnsResult: boolean, oneway?: boolean}>>, resettingIndex: number, nice: number, nextCallSpinMs: number }} */
const { signal, inFlight, replyPort, invokePort, callPort, importShape, resettingIndex, nice, nextCallSpinMs } = workerData;
// Below the main thread's priority (RUNNER_WORKER_NICE, worker-slot.ts says why), before any guest runs.
lowerThreadPriority(nice);
/** [0]: a host call's answer is posted; [resettingIndex]: 1 while this worker restores its instance. */
const flag = new Int32Array(signal);
const callsInFlight = new Int32Array(inFlight);
const MAX_KEPT_COMPONENTS = 4;

/** The invocation a host call belongs to (one at a time per worker). */
let currentId = 0;
/** @type {Map<string, Record<string, WebAssembly.Module>>} */
const modulesByKey = new Map();
/** @type {Map<string, Promise<{ handler: Function, restore: () => void, memoryBytes: () => number }>>} */
const instances = new Map();
/** @type {Map<string, Promise<any>>} */
const glue = new Map();

function hostCall(iface, fn, args, spec) {
  if (spec.oneway) {
    callPort.postMessage({ type: 'host-call', id: currentId, iface, fn, args, oneway: true });
    return undefined;
  }
  Atomics.store(flag, 0, 0);
  callPort.postMessage({ type: 'host-call', id: currentId, iface, fn, args });
  waitForFlag(flag, replySpinMs(Atomics.load(callsInFlight, 0)));
  const received = receiveMessageOnPort(replyPort);
  if (!received) throw new Error(`host call ${iface}#${fn} got no answer`);
  const reply = received.message;
  if (reply.ok) return reply.value;
  if (reply.payload !== undefined) throw { payload: reply.payload };
  throw new Error(reply.message);
}

function buildImports() {
  const imports = {};
  for (const [iface, functions] of Object.entries(importShape)) {
    const table = {};
    for (const [fn, spec] of Object.entries(functions)) {
      table[fn] = (...args) => hostCall(iface, fn, args, spec);
    }
    imports[iface] = table;
  }
  return imports;
}

const imports = buildImports();

/** Memory contents and mutable global values of every core instance, right after instantiation. */
function takeSnapshot(coreInstances) {
  const memories = new Map();
  const globals = new Map();
  for (const instance of coreInstances) {
    for (const value of Object.values(instance.exports)) {
      if (value instanceof WebAssembly.Memory && !memories.has(value)) {
        memories.set(value, snapshotMemory(value));
      } else if (value instanceof WebAssembly.Global && !globals.has(value)) {
        const current = value.value;
        try {
          value.value = current; // throws for an immutable global: nothing to restore
          globals.set(value, current);
        } catch {
          // immutable
        }
      }
    }
  }
  return () => {
    for (const [memory, snapshot] of memories) restoreMemory(memory, snapshot);
    for (const [global, value] of globals) global.value = value;
  };
}

function importGlue(glueUrl) {
  let mod = glue.get(glueUrl);
  if (!mod) {
    mod = import(glueUrl);
    mod.catch(() => glue.delete(glueUrl));
    glue.set(glueUrl, mod);
  }
  return mod;
}

async function instantiate(key, glueUrl) {
  const modules = modulesByKey.get(key);
  const { instantiate: create } = await importGlue(glueUrl);
  const coreInstances = [];
  const instantiateCore = (module, importObject) => {
    const instance = new WebAssembly.Instance(module, importObject);
    coreInstances.push(instance);
    return instance;
  };
  const exports = await create((name) => modules[name], imports, instantiateCore);
  const memories = [...new Set(coreInstances.flatMap((i) => Object.values(i.exports).filter((v) => v instanceof WebAssembly.Memory)))];
  // Linear memory never shrinks and the instance is reused: its size after a call is the
  // instance's high-water mark, an upper bound of the call's own peak (one property read each).
  const memoryBytes = () => memories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
  return { handler: exports.handler, restore: takeSnapshot(coreInstances), memoryBytes };
}

function instanceFor(key, glueUrl) {
  let ready = instances.get(key);
  if (!ready) {
    if (instances.size >= MAX_KEPT_COMPONENTS) instances.delete(instances.keys().next().value);
    ready = instantiate(key, glueUrl);
    instances.set(key, ready);
    ready.catch(() => instances.delete(key));
  }
  return ready;
}

function describe(err) {
  if (err instanceof WebAssembly.RuntimeError) return `wasm trap: ${err.message}`;
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'payload' in err) return `unhandled host error ${JSON.stringify(err.payload)}`;
  return String(err);
}

/**
 * Runs one call. `spun`: the worker took it while checking for it after its previous call; the
 * result says so. After a call that ran alone (no call in flight once the instance is reset), the
 * worker checks for its next call for `nextCallSpinMs` before it sleeps (reply-wait.js says why).
 */
async function invoke(msg, spun = false) {
  if (msg.modules) modulesByKey.set(msg.key, msg.modules);
  currentId = msg.id;
  const started = performance.now();
  let instance;
  try {
    instance = await instanceFor(msg.key, msg.glueUrl);
  } catch (err) {
    callPort.postMessage({ type: 'result', id: msg.id, ok: false, error: `instantiate failed: ${describe(err)}`, spun });
    return;
  }
  const ready = performance.now();
  let response;
  try {
    response = instance.handler(msg.request);
  } catch (err) {
    // After a trap an instance cannot be entered again: discard it.
    instances.delete(msg.key);
    // The fast path (fast-path-sandbox.js) fails as the component would and says why beside it.
    callPort.postMessage({ type: 'result', id: msg.id, ok: false, error: describe(err), detail: err?.fastPathReason, spun });
    return;
  }
  const called = performance.now();
  Atomics.store(flag, resettingIndex, 1);
  // Read before the result is posted, while the main thread still counts this call.
  const ranAlone = Atomics.load(callsInFlight, 0) <= 1;
  callPort.postMessage({ type: 'result', id: msg.id, ok: true, response, spun, timing: { instantiateMs: ready - started, callMs: called - ready, memoryBytes: instance.memoryBytes() } });
  try {
    instance.restore();
  } catch {
    instances.delete(msg.key);
  }
  Atomics.store(flag, resettingIndex, 0);
  // 0 once the main thread has taken the result, 1 before that or when the next call is already here.
  if (nextCallSpinMs > 0 && ranAlone && Atomics.load(callsInFlight, 0) <= 1) {
    const next = spinForMessage(invokePort, nextCallSpinMs);
    if (next) void invoke(next, true);
  }
}

invokePort.on('message', (msg) => void invoke(msg));

parentPort.on('message', (msg) => {
  if (msg.type === 'preload') importGlue(msg.glueUrl).catch(() => undefined);
  else if (msg.type === 'warm') {
    // A replacement worker instantiates what its killed predecessor ran last, before a call needs
    // it; nothing is called, so every call still starts from the post-instantiation snapshot.
    if (!modulesByKey.has(msg.key)) modulesByKey.set(msg.key, msg.modules);
    instanceFor(msg.key, msg.glueUrl).catch(() => undefined);
  }
});
parentPort.postMessage({ type: 'ready' });
