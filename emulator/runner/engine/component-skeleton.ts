/**
 * What jco needs to see of a component, without the bulk it does not need.
 *
 * jco's output (the glue `main.js`, the interface declarations, the import and export lists)
 * depends on the component's structure and on each core module's interface, never on function
 * bodies or data segments; the core modules themselves are written out byte for byte. A
 * componentize-js component is ~12 MB of which ~12 MB are one core module's code and data, and
 * jco spends most of a transpile parsing and validating them. So the loader hands jco a skeleton:
 * every top-level core module keeps all its sections except code and data, each function body
 * becomes `unreachable`, and the data segments (with the data count) are left out. jco then
 * writes the skeleton modules, and the loader puts the original modules in their place.
 *
 * The swap is checked, not assumed: each skeleton must come back from jco exactly once, byte for
 * byte, or the loader transpiles the original component instead. Function bodies are still
 * validated: `WebAssembly.compile` validates every function of the real module when the Runner
 * prepares it, or, in a server started with lazy validation, a child does (full-validation.ts)
 * (`cannot prepare core module …`, the same `execute_failed` refusal).
 */
import { concat, encodeLeb, makeSection, readLeb, readSections } from './wasm-sections.ts';

const CORE_MODULE_SECTION = 1;
const CODE_SECTION = 10;
const DATA_SECTION = 11;
const DATA_COUNT_SECTION = 12;
/** A function body with no locals whose only instruction is `unreachable`: size 3, 0 locals, `unreachable`, `end`. */
const UNREACHABLE_BODY = [3, 0, 0x00, 0x0b];

/** A core module of the component and the skeleton that stands for it in jco's input. */
export interface StrippedModule {
  original: Uint8Array;
  skeleton: Uint8Array;
}

export interface ComponentSkeleton {
  /** The component with each stripped core module replaced by its skeleton. */
  bytes: Uint8Array;
  /** The top-level core modules replaced by their skeleton, in component order. */
  stripped: StrippedModule[];
}

/**
 * The skeleton of `component` (only core modules whose skeleton is smaller are stripped), or
 * undefined when it would not help or could be ambiguous: no module is stripped, or two stripped
 * modules share a skeleton. Throws
 * `WasmFormatError` (wasm-sections.ts) when the binary's sections do not parse (jco then gets the original and
 * reports the problem in its own words).
 */
export function componentSkeleton(component: Uint8Array): ComponentSkeleton | undefined {
  const parts = [component.subarray(0, 8)];
  const stripped: StrippedModule[] = [];
  for (const section of readSections(component)) {
    if (section.id !== CORE_MODULE_SECTION) {
      parts.push(section.raw);
      continue;
    }
    const original = component.subarray(section.start, section.end);
    const skeleton = moduleSkeleton(original);
    if (skeleton.length >= original.length) {
      parts.push(section.raw);
      continue;
    }
    if (stripped.some((s) => sameBytes(s.skeleton, skeleton))) return undefined;
    stripped.push({ original, skeleton });
    parts.push(makeSection(CORE_MODULE_SECTION, skeleton));
  }
  return stripped.length === 0 ? undefined : { bytes: concat(parts), stripped };
}

/**
 * jco's written core modules with every skeleton replaced by its original, or undefined when
 * some skeleton is not among them exactly once (then the skeleton's output cannot be trusted).
 */
export function restoreCoreModules(written: Map<string, Uint8Array>, stripped: StrippedModule[]): Map<string, Uint8Array> | undefined {
  const restored = new Map<string, Uint8Array>();
  for (const { original, skeleton } of stripped) {
    const names = [...written].filter(([, bytes]) => sameBytes(bytes, skeleton)).map(([name]) => name);
    if (names.length !== 1) return undefined;
    restored.set(names[0] as string, original);
  }
  return restored;
}

/** `module` with each function body replaced by `unreachable` and without data. */
function moduleSkeleton(module: Uint8Array): Uint8Array {
  if (module.length < 8) return module;
  const parts = [module.subarray(0, 8)];
  for (const section of readSections(module)) {
    if (section.id === DATA_SECTION || section.id === DATA_COUNT_SECTION) continue;
    if (section.id !== CODE_SECTION) {
      parts.push(section.raw);
      continue;
    }
    const count = readLeb(module, section.start).value;
    const body = new Uint8Array(encodeLeb(count).length + count * UNREACHABLE_BODY.length);
    body.set(encodeLeb(count));
    for (let i = 0, at = encodeLeb(count).length; i < count; i++, at += UNREACHABLE_BODY.length) body.set(UNREACHABLE_BODY, at);
    parts.push(makeSection(CODE_SECTION, body));
  }
  return concat(parts);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

