// Worker-thread side of the execution engine. Plain JavaScript on purpose: a worker must start
// under tsx, vitest and plain node alike.
//
// Each invocation runs on a fresh component instance. To keep that cheap, the worker
// instantiates the next instance of a component in idle time right after a call, and hands it
// to the next call of the same component. Host imports are synchronous to the guest: a call
// posts a message to the main thread and blocks on a SharedArrayBuffer until the answer is
// posted back on a dedicated port (there is no JSPI on Node 20).
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';

/** @type {{ signal: SharedArrayBuffer, replyPort: import('node:worker_threads').MessagePort, importShape: Record<string, Record<string, {returnsResult: boolean, oneway?: boolean}>> }} */
const { signal, replyPort, importShape } = workerData;
const flag = new Int32Array(signal);
const PRE_INSTANTIATE_LIMIT = 2;

/** The invocation a host call belongs to (one at a time per worker). */
let currentId = 0;
/** @type {Map<string, Record<string, WebAssembly.Module>>} */
const modulesByKey = new Map();
/** @type {Map<string, Promise<any>>} */
const spare = new Map();
/** @type {Map<string, Promise<any>>} */
const glue = new Map();

function hostCall(iface, fn, args, spec) {
  if (spec.oneway) {
    parentPort.postMessage({ type: 'host-call', id: currentId, iface, fn, args, oneway: true });
    return undefined;
  }
  Atomics.store(flag, 0, 0);
  parentPort.postMessage({ type: 'host-call', id: currentId, iface, fn, args });
  Atomics.wait(flag, 0, 0);
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

async function instantiate(key, glueUrl) {
  const modules = modulesByKey.get(key);
  let mod = glue.get(glueUrl);
  if (!mod) {
    mod = import(glueUrl);
    glue.set(glueUrl, mod);
  }
  const { instantiate: create } = await mod;
  return create((name) => modules[name], imports);
}

function takeInstance(key, glueUrl) {
  const ready = spare.get(key);
  spare.delete(key);
  return ready ?? instantiate(key, glueUrl);
}

function prepareSpare(key, glueUrl) {
  if (spare.has(key)) return;
  if (spare.size >= PRE_INSTANTIATE_LIMIT) spare.delete(spare.keys().next().value);
  const next = instantiate(key, glueUrl);
  next.catch(() => spare.delete(key));
  spare.set(key, next);
}

function describe(err) {
  if (err instanceof WebAssembly.RuntimeError) return `wasm trap: ${err.message}`;
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'payload' in err) return `unhandled host error ${JSON.stringify(err.payload)}`;
  return String(err);
}

async function invoke(msg) {
  if (msg.modules) modulesByKey.set(msg.key, msg.modules);
  currentId = msg.id;
  const started = performance.now();
  let instance;
  try {
    instance = await takeInstance(msg.key, msg.glueUrl);
  } catch (err) {
    parentPort.postMessage({ type: 'result', id: msg.id, ok: false, error: `instantiate failed: ${describe(err)}` });
    return;
  }
  const instantiated = performance.now();
  try {
    const response = instance.handler(msg.request);
    parentPort.postMessage({
      type: 'result',
      id: msg.id,
      ok: true,
      response,
      timing: { instantiateMs: instantiated - started, callMs: performance.now() - instantiated },
    });
  } catch (err) {
    parentPort.postMessage({ type: 'result', id: msg.id, ok: false, error: describe(err) });
  }
  // The used instance is dropped here; the next call of this component gets a fresh one.
  prepareSpare(msg.key, msg.glueUrl);
}

parentPort.on('message', (msg) => {
  if (msg.type === 'invoke') void invoke(msg);
  else if (msg.type === 'forget') {
    modulesByKey.delete(msg.key);
    spare.delete(msg.key);
  }
});
parentPort.postMessage({ type: 'ready' });
