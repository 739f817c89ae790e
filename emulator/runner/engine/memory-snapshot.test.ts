import { describe, expect, it } from 'vitest';
import { restoreMemory, snapshotMemory } from './memory-snapshot.js';

const PAGE = 65536;

/** A 6-page memory: pages 0, 2 and 3 hold data, pages 1, 4 and 5 are zero. */
function freshMemory(): WebAssembly.Memory {
  const memory = new WebAssembly.Memory({ initial: 6, maximum: 10 });
  const view = new Uint8Array(memory.buffer);
  view[5] = 1;
  view[2 * PAGE + 7] = 2;
  view[4 * PAGE - 1] = 3;
  return memory;
}

describe('memory snapshot', () => {
  it('keeps only the runs of non-zero pages', () => {
    const snapshot = snapshotMemory(freshMemory());
    expect(snapshot.length).toBe(6 * PAGE);
    expect(snapshot.runs.map((run) => [run.offset, run.bytes.length])).toEqual([[0, PAGE], [2 * PAGE, 2 * PAGE]]);
    expect([snapshot.runs[0]?.bytes[5], snapshot.runs[1]?.bytes[7], snapshot.runs[1]?.bytes[2 * PAGE - 1]]).toEqual([1, 2, 3]);
  });

  it('puts back every byte: changed data pages, written zero pages and pages grown by the call', () => {
    const memory = freshMemory();
    const original = new Uint8Array(memory.buffer).slice();
    const snapshot = snapshotMemory(memory);
    memory.grow(2);
    const view = new Uint8Array(memory.buffer);
    view[5] = 99; // a data page
    view[PAGE + 3] = 4; // a page that was zero
    view[5 * PAGE + PAGE - 1] = 5; // the last page that was zero
    view[7 * PAGE + 11] = 6; // a grown page
    restoreMemory(memory, snapshot);
    const after = new Uint8Array(memory.buffer);
    expect(after.length).toBe(8 * PAGE);
    expect(Buffer.from(after.subarray(0, 6 * PAGE)).equals(Buffer.from(original))).toBe(true);
    expect(after.subarray(6 * PAGE).every((byte) => byte === 0)).toBe(true);
  });

  it('restores an all-zero memory and a memory with no zero page', () => {
    const zero = new WebAssembly.Memory({ initial: 2 });
    const zeroSnapshot = snapshotMemory(zero);
    expect(zeroSnapshot.runs).toEqual([]);
    new Uint8Array(zero.buffer)[PAGE + 1] = 9;
    restoreMemory(zero, zeroSnapshot);
    expect(new Uint8Array(zero.buffer).every((byte) => byte === 0)).toBe(true);

    const full = new WebAssembly.Memory({ initial: 2 });
    new Uint8Array(full.buffer).fill(7);
    const fullSnapshot = snapshotMemory(full);
    expect(fullSnapshot.runs.map((run) => [run.offset, run.bytes.length])).toEqual([[0, 2 * PAGE]]);
    new Uint8Array(full.buffer).fill(1, 100, 200);
    restoreMemory(full, fullSnapshot);
    expect(new Uint8Array(full.buffer).every((byte) => byte === 7)).toBe(true);
  });
});
