import { describe, expect, it } from 'vitest';
import { componentSkeleton, restoreCoreModules } from './component-skeleton.ts';
import { WasmFormatError } from './wasm-sections.ts';

const COMPONENT_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
const MODULE_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const TYPE = [0x01, 0x04, 0x01, 0x60, 0x00, 0x00]; // one type: func () -> ()
const FUNCTIONS = [0x03, 0x03, 0x02, 0x00, 0x00]; // two functions of type 0
const MEMORY = [0x05, 0x03, 0x01, 0x00, 0x01]; // one memory, min 1 page
const DATA_COUNT = [0x0c, 0x01, 0x01];
/** Two bodies: `i32.const 1; drop` and an empty one. */
const CODE = [0x0a, 0x0a, 0x02, 0x05, 0x00, 0x41, 0x01, 0x1a, 0x0b, 0x02, 0x00, 0x0b];
/** One active segment at offset 0: "hi". */
const DATA = [0x0b, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x68, 0x69];
/** Both bodies `unreachable`. */
const SKELETON_CODE = [0x0a, 0x09, 0x02, 0x03, 0x00, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x0b];
/** A component-level custom section named "abc". */
const CUSTOM = [0x00, 0x04, 0x03, 0x61, 0x62, 0x63];

const MODULE = Uint8Array.from([...MODULE_HEADER, ...TYPE, ...FUNCTIONS, ...MEMORY, ...DATA_COUNT, ...CODE, ...DATA]);
const SKELETON = Uint8Array.from([...MODULE_HEADER, ...TYPE, ...FUNCTIONS, ...MEMORY, ...SKELETON_CODE]);
/** A module with nothing to strip. */
const TYPES_ONLY = Uint8Array.from([...MODULE_HEADER, ...TYPE]);

function moduleSection(module: Uint8Array): number[] {
  return [0x01, module.length, ...module];
}

function component(...sections: number[][]): Uint8Array {
  return Uint8Array.from([...COMPONENT_HEADER, ...sections.flat()]);
}

describe('componentSkeleton', () => {
  it('replaces each function body by unreachable, drops data and data count, keeps every other section byte for byte', () => {
    const skeleton = componentSkeleton(component(moduleSection(MODULE), moduleSection(TYPES_ONLY), CUSTOM));

    expect(skeleton?.bytes).toEqual(component(moduleSection(SKELETON), moduleSection(TYPES_ONLY), CUSTOM));
    expect(skeleton?.stripped).toEqual([{ original: MODULE, skeleton: SKELETON }]);
    expect(WebAssembly.validate(MODULE)).toBe(true);
    expect(WebAssembly.validate(SKELETON)).toBe(true);
  });

  it('gives no skeleton when no module has code or data to strip', () => {
    expect(componentSkeleton(component(moduleSection(TYPES_ONLY), CUSTOM))).toBeUndefined();
  });

  it('gives no skeleton when two different modules would share one (the swap back would be ambiguous)', () => {
    const other = Uint8Array.from([...MODULE_HEADER, ...TYPE, ...FUNCTIONS, ...MEMORY, ...CODE]);
    expect(componentSkeleton(component(moduleSection(MODULE), moduleSection(other)))).toBeUndefined();
  });

  it('throws WasmFormatError for a section that runs past the end', () => {
    expect(() => componentSkeleton(component([0x01, 0x7f, 0x00]))).toThrow(WasmFormatError);
    expect(() => componentSkeleton(component([0x01, 0x7f, 0x00]))).toThrow('section 1 at offset 8 runs past the end of the binary');
  });
});

describe('restoreCoreModules', () => {
  const stripped = [{ original: MODULE, skeleton: SKELETON }];

  it('maps the file jco wrote for each skeleton to the original module, leaving the others', () => {
    const written = new Map([['main.core.wasm', SKELETON], ['main.core2.wasm', TYPES_ONLY]]);
    expect(restoreCoreModules(written, stripped)).toEqual(new Map([['main.core.wasm', MODULE]]));
  });

  it('refuses when a skeleton did not come back, or came back twice', () => {
    expect(restoreCoreModules(new Map([['main.core.wasm', TYPES_ONLY]]), stripped)).toBeUndefined();
    expect(restoreCoreModules(new Map([['main.core.wasm', SKELETON], ['main.core2.wasm', SKELETON]]), stripped)).toBeUndefined();
  });
});
