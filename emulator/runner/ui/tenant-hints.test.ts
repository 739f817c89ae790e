import { describe, expect, it } from 'vitest';
import { TenantHints } from './tenant-hints.ts';

describe('TenantHints', () => {
  it('remembers a tenant per extension and hash', () => {
    const hints = new TenantHints();
    hints.remember('ext-1', 'sha256:aa', 't1');
    expect(hints.get('ext-1', 'sha256:aa')).toBe('t1');
    expect(hints.get('ext-1', 'sha256:bb')).toBeUndefined();
    expect(hints.get('ext-2', 'sha256:aa')).toBeUndefined();
  });

  it('keeps the latest tenant for a pair', () => {
    const hints = new TenantHints();
    hints.remember('e', 'h', 't1');
    hints.remember('e', 'h', 't2');
    expect(hints.get('e', 'h')).toBe('t2');
    expect(hints.size).toBe(1);
  });

  it('forgets the least recently remembered pair beyond its capacity', () => {
    const hints = new TenantHints(2);
    hints.remember('e', 'h1', 't');
    hints.remember('e', 'h2', 't');
    hints.remember('e', 'h1', 't');
    hints.remember('e', 'h3', 't');
    expect([hints.get('e', 'h1'), hints.get('e', 'h2'), hints.get('e', 'h3')]).toEqual(['t', undefined, 't']);
    expect(hints.size).toBe(2);
  });

  it('does not confuse pairs whose parts could be concatenated alike', () => {
    const hints = new TenantHints();
    hints.remember('a|b', 'c', 't1');
    expect(hints.get('a', 'b|c')).toBeUndefined();
  });
});
