import { describe, expect, it } from 'vitest';
import { RESETTING, pickSlot, type Slot } from './worker-slot.ts';

/** The parts of a slot `pickSlot` reads: the components it holds and its shared flags. */
function slot(name: string, keys: string[], resetting: boolean): Slot<never> & { name: string } {
  const flag = new Int32Array(new SharedArrayBuffer(8));
  Atomics.store(flag, RESETTING, resetting ? 1 : 0);
  return { name, knownKeys: new Set(keys), flag } as unknown as Slot<never> & { name: string };
}

const pick = (idle: (Slot<never> & { name: string })[], key: string) => (pickSlot(idle, key) as Slot<never> & { name: string }).name;

describe('choosing an idle worker for a call', () => {
  it('prefers a worker holding the component that has finished restoring it', () => {
    expect(pick([slot('restoring', ['c'], true), slot('reset', ['c'], false)], 'c')).toBe('reset');
  });

  it('takes a worker holding the component while it restores over one that would instantiate it', () => {
    expect(pick([slot('other', ['d'], false), slot('restoring', ['c'], true)], 'c')).toBe('restoring');
  });

  it('among workers without the component, prefers one that is not restoring', () => {
    expect(pick([slot('restoring', ['d'], true), slot('reset', ['e'], false)], 'c')).toBe('reset');
    expect(pick([slot('first', ['d'], true), slot('second', ['e'], true)], 'c')).toBe('first');
  });

  it('reads the flag the worker sets, at the moment of choosing', () => {
    const a = slot('a', ['c'], true);
    const b = slot('b', ['c'], false);
    expect(pick([a, b], 'c')).toBe('b');
    Atomics.store(a.flag, RESETTING, 0);
    Atomics.store(b.flag, RESETTING, 1);
    expect(pick([a, b], 'c')).toBe('a');
  });
});
