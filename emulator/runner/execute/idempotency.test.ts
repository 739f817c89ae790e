import { describe, expect, it } from 'vitest';
import { IdempotencyCache } from './idempotency.ts';

describe('IdempotencyCache', () => {
  it('returns a stored value for the same tenant, extension and key', () => {
    const cache = new IdempotencyCache<string>(10);
    cache.set('tenant-a', 'ext-1', 'key-1', 'envelope-1');
    expect(cache.get('tenant-a', 'ext-1', 'key-1')).toBe('envelope-1');
  });

  it('misses for the same key under another tenant', () => {
    const cache = new IdempotencyCache<string>(10);
    cache.set('tenant-a', 'ext-1', 'key-1', 'envelope-1');
    expect(cache.get('tenant-b', 'ext-1', 'key-1')).toBeUndefined();
  });

  it('misses for the same key under another extension', () => {
    const cache = new IdempotencyCache<string>(10);
    cache.set('tenant-a', 'ext-1', 'key-1', 'envelope-1');
    expect(cache.get('tenant-a', 'ext-2', 'key-1')).toBeUndefined();
  });

  it('does not confuse scopes whose parts would concatenate to the same text', () => {
    const cache = new IdempotencyCache<string>(10);
    cache.set('a:b', 'c', 'k', 'first');
    cache.set('a', 'b:c', 'k', 'second');
    expect(cache.get('a:b', 'c', 'k')).toBe('first');
    expect(cache.get('a', 'b:c', 'k')).toBe('second');
  });

  it('keeps each tenant its own value for a shared key', () => {
    const cache = new IdempotencyCache<string>(10);
    cache.set('tenant-a', 'ext-1', 'key-1', 'for a');
    cache.set('tenant-b', 'ext-1', 'key-1', 'for b');
    expect(cache.get('tenant-a', 'ext-1', 'key-1')).toBe('for a');
    expect(cache.get('tenant-b', 'ext-1', 'key-1')).toBe('for b');
    expect(cache.size).toBe(2);
  });

  it('evicts the least recently used entry at capacity (a read refreshes an entry)', () => {
    const cache = new IdempotencyCache<string>(2);
    cache.set('t', 'e', 'a', 'A');
    cache.set('t', 'e', 'b', 'B');
    expect(cache.get('t', 'e', 'a')).toBe('A');
    cache.set('t', 'e', 'c', 'C');
    expect(cache.size).toBe(2);
    expect(cache.get('t', 'e', 'b')).toBeUndefined();
    expect(cache.get('t', 'e', 'a')).toBe('A');
    expect(cache.get('t', 'e', 'c')).toBe('C');
  });

  it('evicts the oldest entry when nothing was read', () => {
    const cache = new IdempotencyCache<string>(2);
    cache.set('t', 'e', 'a', 'A');
    cache.set('t', 'e', 'b', 'B');
    cache.set('t', 'e', 'c', 'C');
    expect(cache.get('t', 'e', 'a')).toBeUndefined();
    expect(cache.get('t', 'e', 'b')).toBe('B');
  });

  it('replaces the value of an existing key without growing', () => {
    const cache = new IdempotencyCache<string>(2);
    cache.set('t', 'e', 'a', 'A1');
    cache.set('t', 'e', 'b', 'B');
    cache.set('t', 'e', 'a', 'A2');
    expect(cache.size).toBe(2);
    cache.set('t', 'e', 'c', 'C');
    expect(cache.get('t', 'e', 'a')).toBe('A2');
    expect(cache.get('t', 'e', 'b')).toBeUndefined();
  });
});
