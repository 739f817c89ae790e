// The global object of a componentize-js 0.23 guest built the way build-component.ts builds it
// (`disableFeatures: ['random', 'stdio', 'clocks', 'http', 'fetch-event']`): the one list the
// fast-path sandbox (fast-path-sandbox.js) is derived from. Read from a real component
// (`Object.getOwnPropertyNames(globalThis)` inside it); fast-path.test.ts checks the sandbox
// against a real component again. Plain JavaScript: the guest worker imports it.

/**
 * Platform globals StarlingMonkey adds to the JavaScript built-ins, and how the sandbox gives
 * each: `node` the same-named Node global (same API), `inert` an object whose methods do nothing
 * (stdio is disabled: console output goes nowhere), `trap` a function that traps the call as the
 * component does (timers panic without clocks; fetch has no wasi:http), `stub` a constructor
 * that cannot be used (no Node equivalent; using it traps), `realm` made inside the sandbox's own
 * realm (`self` is its global object; `queueMicrotask` queues on its own microtask queue).
 */
export const PLATFORM_GLOBALS = {
  AbortController: 'node', AbortSignal: 'node', Blob: 'node', ByteLengthQueuingStrategy: 'node',
  CompressionStream: 'node', CountQueuingStrategy: 'node', Crypto: 'node', CryptoKey: 'node',
  CustomEvent: 'node', DOMException: 'node', DecompressionStream: 'node', Event: 'node', EventTarget: 'node',
  File: 'node', FormData: 'node', Headers: 'node', MultipartFormData: 'stub', Performance: 'node',
  ReadableByteStreamController: 'node', ReadableStream: 'node', ReadableStreamBYOBReader: 'node',
  ReadableStreamBYOBRequest: 'node', ReadableStreamDefaultController: 'node', ReadableStreamDefaultReader: 'node',
  Request: 'node', Response: 'node', SubtleCrypto: 'node', TextDecoder: 'node', TextEncoder: 'node',
  TransformStream: 'node', URL: 'node', URLSearchParams: 'node', WorkerLocation: 'stub', WritableStream: 'node',
  addEventListener: 'trap', atob: 'node', btoa: 'node', clearInterval: 'trap', clearTimeout: 'trap',
  console: 'inert', crypto: 'node', dispatchEvent: 'trap', fetch: 'trap', location: 'stub', performance: 'node',
  queueMicrotask: 'realm', removeEventListener: 'trap', self: 'realm', setInterval: 'trap', setTimeout: 'trap',
  structuredClone: 'node',
};

/**
 * JavaScript built-ins of SpiderMonkey (the component's engine) as seen in a real component. V8
 * builtins missing here (`SharedArrayBuffer`, `Atomics`, `WebAssembly`, `Intl`) are removed from
 * the sandbox; the SpiderMonkey-only ones V8 lacks are listed in SPIDERMONKEY_ONLY.
 */
export const BUILTIN_GLOBALS = [
  'AggregateError', 'Array', 'ArrayBuffer', 'AsyncDisposableStack', 'BigInt', 'BigInt64Array', 'BigUint64Array',
  'Boolean', 'DataView', 'Date', 'DisposableStack', 'Error', 'EvalError', 'FinalizationRegistry', 'Float16Array',
  'Float32Array', 'Float64Array', 'Function', 'Infinity', 'Int16Array', 'Int32Array', 'Int8Array', 'InternalError',
  'Iterator', 'JSON', 'Map', 'Math', 'NaN', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError', 'ReferenceError',
  'Reflect', 'RegExp', 'Set', 'String', 'SuppressedError', 'Symbol', 'SyntaxError', 'TypeError', 'URIError',
  'Uint16Array', 'Uint32Array', 'Uint8Array', 'Uint8ClampedArray', 'WeakMap', 'WeakRef', 'WeakSet',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'eval', 'globalThis',
  'isFinite', 'isNaN', 'parseFloat', 'parseInt', 'undefined', 'unescape',
];

/** Built-ins of SpiderMonkey that Node 20's V8 does not have: absent from the sandbox (a known difference). */
export const SPIDERMONKEY_ONLY = ['AsyncDisposableStack', 'DisposableStack', 'Float16Array', 'InternalError', 'Iterator', 'SuppressedError'];
