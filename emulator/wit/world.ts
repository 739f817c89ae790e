import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The guest ABI's one definition: `alga-extension.wit` beside this file. Every part that needs
 * the world (capability registry checks, fault catalog, component builds, link check, generated
 * declarations) reads it through this module, so there is one path and one parser.
 */
export const WIT_PATH = fileURLToPath(new URL('./alga-extension.wit', import.meta.url));

/** The package every host interface lives in: `alga:extension/storage`. */
export const WIT_PACKAGE = 'alga:extension/';

/** One `name: func(...) -> returns;` of an interface. */
export interface WitFunction {
  /** WIT (kebab-case) name: `list-entries`. */
  name: string;
  /** jco's JavaScript name: `listEntries`. */
  jsName: string;
  /** The text after `->`, or '' when the function returns nothing. */
  returns: string;
  /** The error type of a `result<_, E>` return; undefined without a result. */
  errorType: string | undefined;
}

/** The parts of the world the emulator derives things from. */
export interface WitWorld {
  /** `import x;` lines of `world runner`, in order (interface short names). */
  imports: readonly string[];
  /** Interface short name → its functions, in declaration order. */
  interfaces: ReadonlyMap<string, readonly WitFunction[]>;
  /** Enum name → its cases, in declaration order. */
  enums: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads the world from WIT text. Covers the subset this world is written in: flat `enum` bodies,
 * one `name: func(...) -> type;` per line, `import x;` lines in `world runner`.
 */
export function parseWit(wit: string): WitWorld {
  const text = wit.replace(/\/\/.*$/gm, '');
  const enums = new Map<string, string[]>();
  for (const m of text.matchAll(/\benum\s+([a-z0-9-]+)\s*\{([^}]*)\}/g)) {
    enums.set(m[1] as string, (m[2] as string).split(',').map((s) => s.trim()).filter((s) => s !== ''));
  }
  const interfaces = new Map<string, WitFunction[]>();
  for (const m of text.matchAll(/^\s*interface\s+([a-z0-9-]+)\s*\{/gm)) {
    const body = blockAfter(text, (m.index ?? 0) + m[0].length);
    const functions = [...body.matchAll(/^\s*([a-z0-9-]+)\s*:\s*func\([^)]*\)\s*(?:->\s*([^;]+))?;/gm)].map((f): WitFunction => {
      const returns = f[2]?.trim() ?? '';
      const errorType = returns.startsWith('result<') ? /,\s*([a-z0-9-]+)\s*>$/.exec(returns)?.[1] : undefined;
      return { name: f[1] as string, jsName: jsName(f[1] as string), returns, errorType };
    });
    interfaces.set(m[1] as string, functions);
  }
  const world = /^\s*world\s+runner\s*\{/m.exec(text);
  if (!world) throw new Error('the WIT declares no `world runner`');
  const imports = [...blockAfter(text, world.index + world[0].length).matchAll(/^\s*import\s+([a-z0-9-]+)\s*;/gm)].map((i) => i[1] as string);
  return { imports, interfaces, enums };
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

/** jco's JavaScript name for a WIT name: `list-entries` → `listEntries`. */
export function jsName(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Back from jco's name to WIT's: `listEntries` → `list-entries`. */
export function witName(js: string): string {
  return js.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `alga:extension/storage` → `storage`. */
export function interfaceShortName(witInterface: string): string {
  return witInterface.startsWith(WIT_PACKAGE) ? witInterface.slice(WIT_PACKAGE.length) : witInterface;
}

let shipped: WitWorld | undefined;

/** The shipped world, parsed once: the file is part of the package and never changes while it runs. */
export function shippedWorld(): WitWorld {
  shipped ??= parseWit(readFileSync(WIT_PATH, 'utf8'));
  return shipped;
}
