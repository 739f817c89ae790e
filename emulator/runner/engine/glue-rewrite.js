// Edits to the JavaScript glue jco writes for a component (main.js), made once when it is
// transpiled. Plain JavaScript: the transpile child runs under plain node.

/** What jco 0.15's `_debugLog` tests on every call: the JCO_DEBUG environment variable. */
const PER_CALL_SWITCH = 'globalThis?.process?.env?.JCO_DEBUG';
/** The module-level constant that holds that test's answer, read once when the glue loads. */
const SWITCH_AT_LOAD = '__algaJcoDebugAtLoad';

/**
 * Reads jco's debug switch (`JCO_DEBUG`) once, when the glue module loads, instead of on every
 * `_debugLog` call. The glue's async-task bookkeeping calls `_debugLog` over a hundred times per
 * guest call, and each call read `process.env`, which Node answers from the C++ side (about
 * 0.2 µs a read): with it read once, hello-host's handler took 452 µs instead of 492 (median of
 * 3000 calls, three interleaved runs), and the unused log arguments can be optimised away. Setting
 * JCO_DEBUG before the server starts still turns jco's debug output on; changing it while the
 * server runs no longer does. Source without the switch (another jco version) is returned as is.
 * @param {string} source
 * @returns {string}
 */
export function readJcoDebugOnce(source) {
  if (!source.includes(PER_CALL_SWITCH)) return source;
  return `const ${SWITCH_AT_LOAD} = Boolean(${PER_CALL_SWITCH});\n${source.replaceAll(PER_CALL_SWITCH, SWITCH_AT_LOAD)}`;
}
