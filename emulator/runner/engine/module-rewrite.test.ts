import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_GLOBAL_PREFIX, exportAllGlobals } from './export-globals.ts';
import { capModuleMemory } from './memory-cap.ts';
import { MODULE_ROOM_BYTES, prepareModuleBytes, readModuleWithRoom } from './module-rewrite.ts';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const TYPE = [0x01, 0x04, 0x01, 0x60, 0x00, 0x00]; // func () -> ()
const FUNCTION = [0x03, 0x02, 0x01, 0x00]; // one function of type 0
const MEMORY = [0x05, 0x03, 0x01, 0x00, 0x02]; // one memory, min 2 pages, no maximum
/** Two mutable i32 globals, initialised to 7 and 9. */
const GLOBALS = [0x06, 0x0b, 0x02, 0x7f, 0x01, 0x41, 0x07, 0x0b, 0x7f, 0x01, 0x41, 0x09, 0x0b];
/** Exports "memory" (memory 0) and "run" (function 0). */
const EXPORTS = [0x07, 0x10, 0x02, 0x06, ...new TextEncoder().encode('memory'), 0x02, 0x00, 0x03, ...new TextEncoder().encode('run'), 0x00, 0x00];
const DATA_COUNT = [0x0c, 0x01, 0x01];
const CODE = [0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b]; // an empty body
const DATA = [0x0b, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x68, 0x69]; // "hi" at 0
/** A custom section "abc" between the code and the data. */
const CUSTOM = [0x00, 0x04, 0x03, 0x61, 0x62, 0x63];

function module(...sections: number[][]): Uint8Array {
  return Uint8Array.from([...HEADER, ...sections.flat()]);
}

/** `bytes` at the end of a buffer with `room` free bytes before them. */
function withRoom(bytes: Uint8Array, room: number): Uint8Array {
  const buffer = new Uint8Array(room + bytes.length).fill(0xee);
  buffer.set(bytes, room);
  return buffer.subarray(room);
}

const FULL = module(TYPE, FUNCTION, MEMORY, GLOBALS, EXPORTS, DATA_COUNT, CODE, CUSTOM, DATA);
const CASES: [string, Uint8Array][] = [
  ['memory, globals, exports, code and data', FULL],
  ['no export section', module(TYPE, FUNCTION, MEMORY, GLOBALS, CODE)],
  ['no memory section', module(TYPE, FUNCTION, GLOBALS, EXPORTS, CODE)],
  ['no global section', module(TYPE, FUNCTION, MEMORY, EXPORTS, CODE)],
  ['nothing after the exports', module(TYPE, MEMORY, GLOBALS, EXPORTS)],
];

describe('prepareModuleBytes', () => {
  for (const [name, bytes] of CASES) {
    it(`equals capping then exporting the globals of the whole module: ${name}`, () => {
      const expected = [...exportAllGlobals(capModuleMemory(bytes, 4))];
      expect([...prepareModuleBytes({ bytes, room: 0 }, 4)]).toEqual(expected);
      expect([...prepareModuleBytes({ bytes: withRoom(bytes, MODULE_ROOM_BYTES), room: MODULE_ROOM_BYTES }, 4)]).toEqual(expected);
    });
  }

  it('writes the new head in front of the tail in the same buffer when there is room', () => {
    const input = withRoom(FULL, 100);
    const out = prepareModuleBytes({ bytes: input, room: 100 }, 4);
    expect(out.buffer).toBe(input.buffer);
    expect(out.byteOffset + out.length).toBe(input.byteOffset + input.length);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(out as Uint8Array<ArrayBuffer>));
    expect((instance.exports[`${SNAPSHOT_GLOBAL_PREFIX}1`] as WebAssembly.Global).value).toBe(9);
    const memory = instance.exports.memory as WebAssembly.Memory;
    expect(() => memory.grow(3)).toThrow(RangeError); // 2 + 3 pages > the cap of 4
    expect(new TextDecoder().decode(new Uint8Array(memory.buffer, 0, 2))).toBe('hi');
  });

  it('copies, leaving the input as it was, when the head grows by more than the room', () => {
    const input = withRoom(FULL, 10);
    const before = [...new Uint8Array(input.buffer)];
    const out = prepareModuleBytes({ bytes: input, room: 10 }, 4);
    expect(out.buffer).not.toBe(input.buffer);
    expect([...new Uint8Array(input.buffer)]).toEqual(before);
    expect([...out]).toEqual([...exportAllGlobals(capModuleMemory(FULL, 4))]);
  });

  it('returns the very input when neither rewrite applies', () => {
    const bytes = module(TYPE, FUNCTION, CODE);
    expect(prepareModuleBytes({ bytes, room: 0 }, 4)).toBe(bytes);
  });
});

describe('readModuleWithRoom', () => {
  it('reads the file exactly, after MODULE_ROOM_BYTES of room in the same buffer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'module-room-'));
    try {
      await writeFile(join(dir, 'm.wasm'), FULL);
      const { bytes, room } = await readModuleWithRoom(join(dir, 'm.wasm'));
      expect([...bytes]).toEqual([...FULL]);
      expect(room).toBe(MODULE_ROOM_BYTES);
      expect(bytes.byteOffset).toBe(MODULE_ROOM_BYTES);
      expect(bytes.buffer.byteLength).toBe(MODULE_ROOM_BYTES + FULL.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
