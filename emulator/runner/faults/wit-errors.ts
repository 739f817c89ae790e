import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CAPABILITIES } from '../capabilities/registry.ts';

/** The world's WIT: the one source of every function's error variants. */
const WIT_PATH = fileURLToPath(new URL('../wit/alga-extension.wit', import.meta.url));
const WIT_PREFIX = 'alga:extension/';

/** One host function a fault can target, named as the capability ledger names calls. */
export interface FaultTarget {
  /** `storage.put`: interface short name, a dot, the jco function name (`callName` in the harness). */
  name: string;
  /** `alga:extension/storage`. */
  iface: string;
  /** jco function name, `listEntries`. */
  fn: string;
  /** The WIT error enum of its `result`, e.g. `storage-error`; undefined when it returns no result. */
  errorType: string | undefined;
  /** The enum's cases in WIT order (`[]` without a result). */
  variants: readonly string[];
}

/** Every host function of CAPABILITIES with its WIT error variants, by interface short name. */
export type FaultCatalog = ReadonlyMap<string, readonly FaultTarget[]>;

/** Function name → its `result`'s error enum, per interface, as declared in a WIT text. */
export interface WitErrorTypes {
  enums: ReadonlyMap<string, readonly string[]>;
  /** interface name → kebab function name → error enum name (undefined: no `result`, or no error). */
  functions: ReadonlyMap<string, ReadonlyMap<string, string | undefined>>;
}

/**
 * Reads the enums and each function's `result<_, error>` error type from WIT text. Covers the
 * subset this world uses: flat `enum` bodies and one `name: func(...) -> type;` per line.
 */
export function parseWitErrorTypes(wit: string): WitErrorTypes {
  const text = wit.replace(/\/\/.*$/gm, '');
  const enums = new Map<string, string[]>();
  for (const m of text.matchAll(/\benum\s+([a-z0-9-]+)\s*\{([^}]*)\}/g)) {
    enums.set(m[1] as string, (m[2] as string).split(',').map((s) => s.trim()).filter((s) => s !== ''));
  }
  const functions = new Map<string, Map<string, string | undefined>>();
  for (const m of text.matchAll(/^\s*interface\s+([a-z0-9-]+)\s*\{/gm)) {
    const body = blockAfter(text, (m.index ?? 0) + m[0].length);
    const fns = new Map<string, string | undefined>();
    for (const f of body.matchAll(/^\s*([a-z0-9-]+)\s*:\s*func\([^)]*\)\s*(?:->\s*([^;]+))?;/gm)) {
      const returns = f[2]?.trim() ?? '';
      const error = returns.startsWith('result<') ? /,\s*([a-z0-9-]+)\s*>$/.exec(returns)?.[1] : undefined;
      fns.set(f[1] as string, error);
    }
    functions.set(m[1] as string, fns);
  }
  return { enums, functions };
}

/** The text from `start` up to the brace that closes the block opened just before it. */
function blockAfter(text: string, start: number): string {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i);
  }
  return text.slice(start);
}

/** `listEntries` → `list-entries` (jco's names back to WIT's). */
export function kebabName(jcoName: string): string {
  return jcoName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Joins CAPABILITIES with the WIT: each function's error variants. Throws when they disagree
 * (a function returning a result with no error enum in the WIT), so drift fails loudly.
 */
export function buildFaultCatalog(wit: string): FaultCatalog {
  const types = parseWitErrorTypes(wit);
  const catalog = new Map<string, FaultTarget[]>();
  for (const capability of CAPABILITIES) {
    const short = capability.witInterface.startsWith(WIT_PREFIX) ? capability.witInterface.slice(WIT_PREFIX.length) : capability.witInterface;
    const declared = types.functions.get(short);
    const targets = Object.entries(capability.functions).map(([fn, spec]): FaultTarget => {
      const errorType = declared?.get(kebabName(fn));
      const variants = errorType === undefined ? undefined : types.enums.get(errorType);
      if (spec.returnsResult && variants === undefined) {
        throw new Error(`${short}.${fn} returns a result in CAPABILITIES, but the WIT declares no error enum for ${short}#${kebabName(fn)}`);
      }
      return { name: `${short}.${fn}`, iface: capability.witInterface, fn, errorType: spec.returnsResult ? errorType : undefined, variants: spec.returnsResult ? (variants ?? []) : [] };
    });
    catalog.set(short, targets);
  }
  return catalog;
}

let shipped: FaultCatalog | undefined;

/** The catalog of the shipped WIT, read once (the file never changes while the process runs). */
export function faultCatalog(): FaultCatalog {
  shipped ??= buildFaultCatalog(readFileSync(WIT_PATH, 'utf8'));
  return shipped;
}
