import { describe, expect, it } from 'vitest';
import { SNAPSHOT_API_VERSION, SnapshotBook, type HarnessPart } from './snapshot-api.ts';

function fakes(): { book: SnapshotBook; calls: string[]; state: { value: number } } {
  const calls: string[] = [];
  const state = { value: 0 };
  const part: HarnessPart = {
    capture: () => {
      const kept = state.value;
      return () => {
        state.value = kept;
      };
    },
  };
  const platform = { mark: (name: string) => calls.push(`mark ${name}`), rollbackTo: (name: string) => calls.push(`rollback ${name}`) };
  return { book: new SnapshotBook(platform, [part]), calls, state };
}

describe('SnapshotBook', () => {
  it('should mark the platform and restore both the platform and the harness parts', () => {
    const { book, calls, state } = fakes();
    state.value = 1;
    const snap = book.take();
    expect(snap).toEqual({ apiVersion: SNAPSHOT_API_VERSION, id: 1 });
    state.value = 2;
    book.restore(snap);
    expect([calls, state.value]).toEqual([['mark harness_snapshot_1', 'rollback harness_snapshot_1'], 1]);
  });

  it('should restore the latest live snapshot by default and drop later ones on an earlier restore', () => {
    const { book, calls, state } = fakes();
    const first = book.take();
    state.value = 5;
    const second = book.take();
    state.value = 9;
    book.restore();
    expect(state.value).toBe(5);
    book.restore(first);
    expect(state.value).toBe(0);
    expect(() => book.restore(second)).toThrow(expect.objectContaining({
      code: 'SNAPSHOT_UNKNOWN',
      message: 'Failed to restore snapshot 2: it is not a live snapshot of this emulator (taken by another emulator, or dropped by restoring an earlier one). Live: 1.',
    }));
    expect(calls.at(-1)).toBe('rollback harness_snapshot_1');
  });

  it('should say how to take a snapshot when there is none, and refuse another API version', () => {
    const { book } = fakes();
    expect(() => book.restore()).toThrow('Failed to restore: this emulator has no snapshot. Take one first: const snap = await emu.snapshot().');
    book.take();
    expect(() => book.restore({ apiVersion: 1 as 2, id: 1 })).toThrow(expect.objectContaining({ code: 'SNAPSHOT_INVALID' }));
  });
});
