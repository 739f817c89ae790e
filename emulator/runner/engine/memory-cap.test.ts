import { describe, expect, it } from 'vitest';
import { MemoryCapError, capModuleMemory, memoryMbToPages } from './memory-cap.ts';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** Export section: one export, "memory", kind memory (2), index 0. */
const EXPORT_MEMORY = [0x07, 0x0a, 0x01, 0x06, ...new TextEncoder().encode('memory'), 0x02, 0x00];

function leb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

/** A memory section declaring one memory with `min` pages and an optional `max`. */
function memorySection(min: number, max?: number): number[] {
  const body = [0x01, max === undefined ? 0x00 : 0x01, ...leb(min), ...(max === undefined ? [] : leb(max))];
  return [0x05, ...leb(body.length), ...body];
}

function moduleBytes(...sections: number[][]): Uint8Array {
  return Uint8Array.from([...HEADER, ...sections.flat()]);
}

function memoryOf(bytes: Uint8Array): WebAssembly.Memory {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
  return instance.exports.memory as WebAssembly.Memory;
}

describe('capModuleMemory', () => {
  it('declares max = cap (flags 1) for a memory without a maximum', () => {
    const result = capModuleMemory(moduleBytes(memorySection(1)), 4);
    expect([...result]).toEqual([...HEADER, 0x05, 0x04, 0x01, 0x01, 0x01, 0x04]);
  });

  it('lowers a declared maximum above the cap to the cap', () => {
    const result = capModuleMemory(moduleBytes(memorySection(1, 100)), 4);
    expect([...result]).toEqual([...HEADER, 0x05, 0x04, 0x01, 0x01, 0x01, 0x04]);
  });

  it('keeps a declared maximum below the cap', () => {
    const result = capModuleMemory(moduleBytes(memorySection(1, 2)), 4);
    expect([...result]).toEqual([...HEADER, 0x05, 0x04, 0x01, 0x01, 0x01, 0x02]);
  });

  it('writes multi-byte LEB128 sizes and fixes the section length', () => {
    const result = capModuleMemory(moduleBytes(memorySection(2)), 4096);
    expect([...result]).toEqual([...HEADER, 0x05, 0x05, 0x01, 0x01, 0x02, 0x80, 0x20]);
    expect(WebAssembly.validate(result as Uint8Array<ArrayBuffer>)).toBe(true);
  });

  it('accepts min equal to the cap', () => {
    const result = capModuleMemory(moduleBytes(memorySection(3)), 3);
    expect([...result]).toEqual([...HEADER, 0x05, 0x04, 0x01, 0x01, 0x03, 0x03]);
  });

  it('throws MemoryCapError when the initial memory is larger than the cap', () => {
    expect(() => capModuleMemory(moduleBytes(memorySection(5)), 4)).toThrow(MemoryCapError);
    expect(() => capModuleMemory(moduleBytes(memorySection(5)), 4)).toThrow(
      'the component needs 320 KiB of memory at start but limits.memory_mb allows 256 KiB',
    );
  });

  it('throws MemoryCapError for shared or 64-bit memories', () => {
    const shared = moduleBytes([0x05, 0x04, 0x01, 0x03, 0x01, 0x02]);
    expect(() => capModuleMemory(shared, 4)).toThrow(MemoryCapError);
    expect(() => capModuleMemory(shared, 4)).toThrow(new MemoryCapError('unsupported memory flags 0x3 (shared or 64-bit memory)'));
  });

  it('returns a module without a memory section unchanged', () => {
    const bytes = moduleBytes([0x00, 0x03, 0x01, 0x61, 0x62]);
    expect(capModuleMemory(bytes, 4)).toBe(bytes);
  });

  it('leaves every other section byte for byte', () => {
    const custom = [0x00, 0x04, 0x02, 0x68, 0x69, 0x21];
    const result = capModuleMemory(moduleBytes(custom, memorySection(1), EXPORT_MEMORY, custom), 8);
    expect([...result]).toEqual([...HEADER, ...custom, 0x05, 0x04, 0x01, 0x01, 0x01, 0x08, ...EXPORT_MEMORY, ...custom]);
  });

  it('does not mutate its input', () => {
    const bytes = moduleBytes(memorySection(1), EXPORT_MEMORY);
    const copy = Uint8Array.from(bytes);
    capModuleMemory(bytes, 2);
    expect(bytes).toEqual(copy);
  });

  it('compiles to a module whose memory cannot grow past the cap', () => {
    const original = moduleBytes(memorySection(1), EXPORT_MEMORY);
    // Uncapped, the memory grows well past 3 pages.
    expect(memoryOf(original).grow(10)).toBe(1);

    const memory = memoryOf(capModuleMemory(original, 3));
    expect(memory.buffer.byteLength).toBe(64 * 1024);
    expect(memory.grow(2)).toBe(1);
    expect(memory.buffer.byteLength).toBe(3 * 64 * 1024);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });

  it('caps a declared maximum so growth stops at the cap', () => {
    const memory = memoryOf(capModuleMemory(moduleBytes(memorySection(1, 1000), EXPORT_MEMORY), 2));
    expect(memory.grow(1)).toBe(1);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });
});

describe('memoryMbToPages', () => {
  it('converts megabytes to 64 KiB pages', () => {
    expect(memoryMbToPages(256)).toBe(4096);
    expect(memoryMbToPages(1)).toBe(16);
  });

  it('never answers fewer than one page', () => {
    expect(memoryMbToPages(0)).toBe(1);
    expect(memoryMbToPages(0.01)).toBe(1);
  });
});

describe('memoryMbToPages', () => {
  it('converts megabytes to 64 KiB pages', () => {
    expect(memoryMbToPages(256)).toBe(4096);
  });

  it('never declares more than the 65 536 pages a 32-bit memory allows', () => {
    expect(memoryMbToPages(1_000_000)).toBe(65_536);
  });

  it('declares at least one page', () => {
    expect(memoryMbToPages(0)).toBe(1);
  });
});
