// The dev loop's fast path, worker side: runs a handler's esbuild bundle (toolchain
// `bundleFastPath`) in a `node:vm` context whose globals are those of the componentize-js runtime
// (fast-path-globals.js), with the very host import objects the guest worker gives a component.
// The fast path's generated glue module (runner/fast-path.ts) exports `instantiate` like jco's
// glue, so the worker, its host calls, the pool's timeout and the ledger are the component's own.
// Plain JavaScript: it runs in the guest worker.
import vm from 'node:vm';
import { BUILTIN_GLOBALS, PLATFORM_GLOBALS } from './fast-path-globals.js';

/**
 * What a componentize-js component built without stdio answers for any uncaught guest error:
 * it traps at `unreachable` (its error text is lost). The worker describes a RuntimeError as
 * `wasm trap: <message>`, which gives the component's exact failure.
 */
export const COMPONENT_ABORT = 'wasm trap: wasm `unreachable` instruction executed';

/** Evaluated in each fresh context: the realm-side helpers (their promises use the context's microtask queue). */
const REALM_HELPERS = new vm.Script(`(function (absent, platform) {
  'use strict';
  for (const name of absent) delete globalThis[name];
  const define = (name, value) => Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
  for (const [name, value] of Object.entries(platform)) define(name, value);
  define('self', globalThis);
  // Its jobs must run on this context's microtask queue, drained before the call returns.
  define('queueMicrotask', (callback) => { Promise.resolve().then(() => callback()); });
  // componentize-js's error for a host call's err case: an Error-branded object with a payload,
  // not an instance of this realm's Error, that prints as "Error: <payload>".
  function ComponentError() {}
  ComponentError.prototype = Object.create(Object.prototype, {
    constructor: { value: ComponentError, writable: true, configurable: true },
    name: { value: 'Error', writable: true, configurable: true },
    message: { value: '', writable: true, configurable: true },
    toString: { value: Error.prototype.toString, writable: true, configurable: true },
  });
  const componentError = (payload) => {
    const error = Reflect.construct(Error, [String(payload)], ComponentError);
    Object.defineProperty(error, 'payload', { value: payload, configurable: true });
    return error;
  };
  // Values from the host, rebuilt with this realm's constructors (a component's are its own).
  const toRealm = (value) => {
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    if (Array.isArray(value)) return value.map(toRealm);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toRealm(v)]));
    return value;
  };
  const settle = (run, sink) => {
    try {
      const value = run();
      if (value !== null && typeof value === 'object' && typeof value.then === 'function') {
        sink.pending = true;
        value.then((v) => { sink.pending = false; sink.value = v; }, (e) => { sink.pending = false; sink.error = e; });
      } else {
        sink.value = value;
      }
    } catch (err) {
      sink.error = err;
    }
  };
  return { componentError, toRealm, settle };
})`, { filename: 'alga-fast-path-realm.js' });

const DRAIN = new vm.Script('undefined');

/** Builtins of this engine the component's engine does not have, found once per worker. */
let absentBuiltins;

/**
 * jco-glue-shaped entry: `instantiate(getCoreModule, imports)` resolves to `{ handler }`. Each call
 * evaluates the bundle in a fresh context, as each component call starts from the snapshot taken
 * after its top level ran.
 */
export function instantiateFastPath(source, imports) {
  const script = new vm.Script(source, { filename: 'fast-path/handler.js' });
  return { handler: (request) => callFresh(script, imports, request) };
}

function callFresh(script, imports, request) {
  const context = vm.createContext({}, { name: 'alga fast path', microtaskMode: 'afterEvaluate' });
  absentBuiltins ??= vm.runInContext('Object.getOwnPropertyNames(globalThis)', context).filter((n) => !BUILTIN_GLOBALS.includes(n));
  /** The first host trap: the component cannot catch it, so the call fails whatever the guest does next. */
  const call = { trap: undefined };
  const realm = REALM_HELPERS.runInContext(context)(absentBuiltins, platformValues(call));
  const guestImports = wrapImports(imports, realm, call);
  const sink = {};
  realm.settle(() => script.runInContext(context)(guestImports).handler(realm.toRealm(request)), sink);
  DRAIN.runInContext(context);
  if (call.trap !== undefined) throw call.trap;
  if (sink.error !== undefined || sink.pending) {
    const why = sink.pending ? 'the promise the handler returned never settled' : `the handler threw ${describeGuestError(sink.error)}`;
    throw Object.assign(new WebAssembly.RuntimeError(COMPONENT_ABORT), { fastPathReason: why });
  }
  return sink.value;
}

/** The platform globals given from outside the realm (`realm` ones are made inside it). */
function platformValues(call) {
  const values = {};
  for (const [name, how] of Object.entries(PLATFORM_GLOBALS)) {
    if (how === 'node') values[name] = globalThis[name];
    else if (how === 'inert') values[name] = inertConsole();
    else if (how === 'trap') values[name] = trapping(name, call);
    else if (how === 'stub') values[name] = stub(name, call);
  }
  return values;
}

function inertConsole() {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table', 'assert', 'group', 'groupEnd', 'time', 'timeEnd', 'count'];
  return Object.fromEntries(methods.map((m) => [m, () => undefined]));
}

function trapping(name, call) {
  return function () {
    call.trap ??= new WebAssembly.RuntimeError(COMPONENT_ABORT);
    call.trap.fastPathReason ??= `${name}() was called: the component is built without clocks, wasi:http and events, so it traps`;
    throw new Error(`${name} is not available in the component`);
  };
}

function stub(name, call) {
  const fn = trapping(name, call);
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/** The worker's host imports behind the component's conventions: err → ComponentError, anything else thrown → trap. */
function wrapImports(imports, realm, call) {
  const wrapped = {};
  for (const [iface, functions] of Object.entries(imports)) {
    const table = {};
    for (const [fn, impl] of Object.entries(functions)) {
      table[fn] = (...args) => {
        try {
          return realm.toRealm(impl(...args));
        } catch (err) {
          if (err !== null && typeof err === 'object' && 'payload' in err) throw realm.componentError(err.payload);
          call.trap ??= err;
          throw err;
        }
      };
    }
    wrapped[iface] = table;
  }
  return wrapped;
}

function describeGuestError(err) {
  if (err !== null && typeof err === 'object' && typeof err.name === 'string' && typeof err.message === 'string') return `${err.name}: ${err.message}`;
  try {
    return String(err);
  } catch {
    return 'a value that cannot be printed';
  }
}
