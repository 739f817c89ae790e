import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrown } from '../test-support.ts';
import { KvStore, STORAGE_LIMITS, encodedValueSize, type KvScope } from './kv-store.ts';

const SCOPE: KvScope = { tenantId: 'tenant-a', installId: 'install-1' };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('KvStore', () => {
  let dir: string;
  let kv: KvStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kv-store-test-'));
    kv = new KvStore({ file: join(dir, 'storage.sqlite'), now: () => 1_700_000_000_000 });
  });

  afterEach(() => {
    kv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('revisions', () => {
    it('gives a new key revision 1 and adds 1 on each write', () => {
      expect(kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('v1') }).revision).toBe(1n);
      expect(kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('v2') }).revision).toBe(2n);
      expect(kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('v3') }).revision).toBe(3n);
      expect(kv.get(SCOPE, 'ns', 'k')).toEqual({ namespace: 'ns', key: 'k', value: bytes('v3'), revision: 3n });
    });

    it('returns the stored entry with its new revision from put', () => {
      expect(kv.put(SCOPE, { namespace: 'ns', key: 'k', value: Uint8Array.of(0, 255, 7) })).toEqual({
        namespace: 'ns',
        key: 'k',
        value: Uint8Array.of(0, 255, 7),
        revision: 1n,
      });
    });

    it('keeps bytes as bytes (empty value included)', () => {
      kv.put(SCOPE, { namespace: 'ns', key: 'empty', value: new Uint8Array() });
      const entry = kv.get(SCOPE, 'ns', 'empty');
      expect(entry.value).toBeInstanceOf(Uint8Array);
      expect(entry.value).toEqual(new Uint8Array());
    });

    it('upserts unconditionally when put has no revision', () => {
      kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('a') });
      kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('b') });
      expect(kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('c') })).toEqual({
        namespace: 'ns',
        key: 'k',
        value: bytes('c'),
        revision: 3n,
      });
    });
  });

  describe('compare-and-swap', () => {
    it('writes when the given revision equals the stored one', () => {
      kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('a') });
      kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('b') });
      const entry = kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('c'), revision: 2n });
      expect(entry.revision).toBe(3n);
      expect(kv.get(SCOPE, 'ns', 'k').value).toEqual(bytes('c'));
    });

    it('answers conflict for a stale revision and leaves the value alone', () => {
      kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('a') });
      kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('b') });
      const err = thrown(() => kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('x'), revision: 1n }));
      expect(err.payload).toBe('conflict');
      expect(err.message).toBe('conflict: expected revision 1, found 2');
      expect(kv.get(SCOPE, 'ns', 'k')).toEqual({ namespace: 'ns', key: 'k', value: bytes('b'), revision: 2n });
    });

    it('answers conflict when a revision is given for a missing key and creates nothing', () => {
      const err = thrown(() => kv.put(SCOPE, { namespace: 'ns', key: 'new', value: bytes('x'), revision: 1n }));
      expect(err.payload).toBe('conflict');
      expect(err.message).toBe('conflict: expected revision 1, found missing');
      expect(thrown(() => kv.get(SCOPE, 'ns', 'new')).payload).toBe('missing');
    });

    it('answers conflict when revision 0 is given for a missing key', () => {
      expect(() => kv.put(SCOPE, { namespace: 'ns', key: 'new', value: bytes('x'), revision: 0n })).toThrow(
        expect.objectContaining({ payload: 'conflict' }),
      );
    });
  });

  describe('get and delete', () => {
    it('answers missing when getting a key that was never written', () => {
      const err = thrown(() => kv.get(SCOPE, 'ns', 'nope'));
      expect(err.payload).toBe('missing');
      expect(err.message).toBe('missing: ns/nope');
    });

    it('deletes an existing key so a later get answers missing', () => {
      kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('a') });
      expect(kv.delete(SCOPE, 'ns', 'k')).toBeUndefined();
      expect(thrown(() => kv.get(SCOPE, 'ns', 'k')).payload).toBe('missing');
    });

    it('answers conflict when deleting a missing key', () => {
      const err = thrown(() => kv.delete(SCOPE, 'ns', 'nope'));
      expect(err.payload).toBe('conflict');
      expect(err.message).toBe('conflict: ns/nope does not exist');
    });

    it('restarts a deleted key at revision 1', () => {
      kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('a') });
      kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('b') });
      kv.delete(SCOPE, 'ns', 'k');
      expect(kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('c') }).revision).toBe(1n);
    });
  });

  describe('list', () => {
    it('returns at most 25 entries sorted by key with their values and revisions', () => {
      // Written in reverse so the order can only come from sorting.
      for (let i = 29; i >= 0; i--) {
        kv.put(SCOPE, { namespace: 'ns', key: `k${String(i).padStart(2, '0')}`, value: bytes(`v${i}`) });
      }
      kv.put(SCOPE, { namespace: 'ns', key: 'k03', value: bytes('v3 again') });
      const page = kv.list(SCOPE, 'ns', undefined);
      expect(page).toHaveLength(25);
      expect(page.map((e) => e.key)).toEqual(Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, '0')}`));
      expect(page[0]).toEqual({ namespace: 'ns', key: 'k00', value: bytes('v0'), revision: 1n });
      expect(page[3]).toEqual({ namespace: 'ns', key: 'k03', value: bytes('v3 again'), revision: 2n });
    });

    it('honours the cursor as "keys after this one"', () => {
      for (let i = 0; i < 30; i++) kv.put(SCOPE, { namespace: 'ns', key: `k${String(i).padStart(2, '0')}`, value: bytes('v') });
      const first = kv.list(SCOPE, 'ns', undefined);
      const second = kv.list(SCOPE, 'ns', first.at(-1)?.key);
      expect(second.map((e) => e.key)).toEqual(['k25', 'k26', 'k27', 'k28', 'k29']);
      expect(kv.list(SCOPE, 'ns', 'k29')).toEqual([]);
    });

    it('accepts a cursor that is not itself a stored key', () => {
      for (const key of ['apple', 'banana', 'cherry']) kv.put(SCOPE, { namespace: 'ns', key, value: bytes(key) });
      expect(kv.list(SCOPE, 'ns', 'b').map((e) => e.key)).toEqual(['banana', 'cherry']);
    });

    it('lists only the asked namespace and answers [] for an empty one', () => {
      kv.put(SCOPE, { namespace: 'a', key: 'k1', value: bytes('1') });
      kv.put(SCOPE, { namespace: 'b', key: 'k2', value: bytes('2') });
      expect(kv.list(SCOPE, 'a', undefined).map((e) => e.key)).toEqual(['k1']);
      expect(kv.list(SCOPE, 'empty', undefined)).toEqual([]);
    });
  });

  describe('isolation', () => {
    it('keeps tenants apart for the same install id, namespace and key', () => {
      const other: KvScope = { tenantId: 'tenant-b', installId: SCOPE.installId };
      kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('mine') });
      expect(thrown(() => kv.get(other, 'ns', 'k')).payload).toBe('missing');
      expect(kv.list(other, 'ns', undefined)).toEqual([]);
      expect(kv.put(other, { namespace: 'ns', key: 'k', value: bytes('theirs') }).revision).toBe(1n);
      expect(kv.get(SCOPE, 'ns', 'k').value).toEqual(bytes('mine'));
    });

    it('keeps install ids of one tenant apart', () => {
      const other: KvScope = { tenantId: SCOPE.tenantId, installId: 'install-2' };
      kv.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('mine') });
      expect(thrown(() => kv.get(other, 'ns', 'k')).payload).toBe('missing');
      expect(thrown(() => kv.delete(other, 'ns', 'k')).payload).toBe('conflict');
      expect(kv.get(SCOPE, 'ns', 'k').revision).toBe(1n);
    });
  });

  describe('limits (internal)', () => {
    it.each([
      ['an empty namespace', ''],
      ['a 129-character namespace', 'n'.repeat(129)],
    ])('rejects %s with internal on every operation', (_label, namespace) => {
      const message = 'internal: namespace must be 1-128 characters';
      expect(thrown(() => kv.put(SCOPE, { namespace, key: 'k', value: bytes('v') })).message).toBe(message);
      expect(thrown(() => kv.get(SCOPE, namespace, 'k')).message).toBe(message);
      expect(thrown(() => kv.delete(SCOPE, namespace, 'k')).message).toBe(message);
      expect(thrown(() => kv.list(SCOPE, namespace, undefined)).message).toBe(message);
    });

    it('accepts a 128-character namespace and a 256-character key', () => {
      const namespace = 'n'.repeat(128);
      const key = 'k'.repeat(256);
      expect(kv.put(SCOPE, { namespace, key, value: bytes('v') }).revision).toBe(1n);
      expect(kv.get(SCOPE, namespace, key).value).toEqual(bytes('v'));
    });

    it.each([
      ['an empty key', ''],
      ['a 257-character key', 'k'.repeat(257)],
      ['a key containing "/"', 'a/b'],
    ])('rejects %s with internal', (_label, key) => {
      const message = 'internal: key must be 1-256 characters without "/"';
      expect(thrown(() => kv.put(SCOPE, { namespace: 'ns', key, value: bytes('v') })).message).toBe(message);
      expect(thrown(() => kv.get(SCOPE, 'ns', key)).message).toBe(message);
      expect(thrown(() => kv.delete(SCOPE, 'ns', key)).message).toBe(message);
    });

    it('measures a value as its JSON-quoted base64 string', () => {
      const sizeOf = (n: number) => encodedValueSize(new Uint8Array(n));
      expect(sizeOf(0)).toBe(JSON.stringify('').length);
      expect(sizeOf(1)).toBe(JSON.stringify(Buffer.alloc(1).toString('base64')).length);
      expect(sizeOf(5)).toBe(JSON.stringify(Buffer.alloc(5).toString('base64')).length);
      expect(sizeOf(49_149)).toBe(JSON.stringify(Buffer.alloc(49_149).toString('base64')).length);
    });

    it('accepts the largest value that fits in 64 KiB encoded and rejects one byte more', () => {
      // JSON-quoted base64 always has 4k+2 characters, so no value measures exactly 65536:
      // the largest accepted one measures 65534 and the next byte makes it 65538.
      const largest = new Uint8Array(49_149).fill(1);
      const tooBig = new Uint8Array(49_150).fill(1);
      expect(encodedValueSize(largest)).toBe(65_534);
      expect(encodedValueSize(tooBig)).toBe(65_538);
      expect(STORAGE_LIMITS.valueMaxEncodedBytes).toBe(65_536);

      expect(kv.put(SCOPE, { namespace: 'ns', key: 'big', value: largest }).revision).toBe(1n);
      const err = thrown(() => kv.put(SCOPE, { namespace: 'ns', key: 'big', value: tooBig }));
      expect(err.payload).toBe('internal');
      expect(err.message).toBe('internal: value is 65538 bytes as JSON-quoted base64; the limit is 65536');
      expect(kv.get(SCOPE, 'ns', 'big')).toEqual({ namespace: 'ns', key: 'big', value: largest, revision: 1n });
    });
  });

  describe('quotas (denied)', () => {
    it('answers denied for a 33rd namespace but still writes to the existing 32', () => {
      for (let i = 0; i < 32; i++) kv.put(SCOPE, { namespace: `ns${i}`, key: 'k', value: bytes('v') });
      const err = thrown(() => kv.put(SCOPE, { namespace: 'ns32', key: 'k', value: bytes('v') }));
      expect(err.payload).toBe('denied');
      expect(err.message).toBe('denied: namespace quota of 32 reached');
      expect(kv.put(SCOPE, { namespace: 'ns0', key: 'another', value: bytes('v') }).revision).toBe(1n);
      // The quota is per install.
      expect(kv.put({ ...SCOPE, installId: 'install-2' }, { namespace: 'ns32', key: 'k', value: bytes('v') }).revision).toBe(1n);
    });

    it('frees a namespace slot once its last key is deleted', () => {
      for (let i = 0; i < 32; i++) kv.put(SCOPE, { namespace: `ns${i}`, key: 'k', value: bytes('v') });
      kv.delete(SCOPE, 'ns31', 'k');
      expect(kv.put(SCOPE, { namespace: 'ns32', key: 'k', value: bytes('v') }).revision).toBe(1n);
    });

    it('answers denied for the 5121st key of a namespace but still updates existing keys', () => {
      const value = bytes('v');
      for (let i = 0; i < 5120; i++) kv.put(SCOPE, { namespace: 'ns', key: `k${i}`, value });
      const err = thrown(() => kv.put(SCOPE, { namespace: 'ns', key: 'k5120', value }));
      expect(err.payload).toBe('denied');
      expect(err.message).toBe('denied: key quota of 5120 per namespace reached');
      expect(kv.put(SCOPE, { namespace: 'ns', key: 'k0', value: bytes('w') }).revision).toBe(2n);
      expect(kv.put(SCOPE, { namespace: 'other', key: 'k5120', value }).revision).toBe(1n);
    });
  });
});

describe('KvStore in memory', () => {
  it('works on ":memory:" and keeps two stores apart', () => {
    const a = new KvStore({ file: ':memory:' });
    const b = new KvStore({ file: ':memory:' });
    try {
      a.put(SCOPE, { namespace: 'ns', key: 'k', value: bytes('a') });
      expect(a.get(SCOPE, 'ns', 'k').revision).toBe(1n);
      expect(thrown(() => b.get(SCOPE, 'ns', 'k')).payload).toBe('missing');
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('KvStore install byte quota (small quota injected)', () => {
  // Each 30-byte value measures 42 bytes (JSON-quoted base64), so two fit in 100 and three do not.
  const value = (fill: number) => new Uint8Array(30).fill(fill);
  let dir: string;
  let kv: KvStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kv-quota-test-'));
    kv = new KvStore({ file: join(dir, 'storage.sqlite'), limits: { maxBytesPerInstall: 100 } });
  });

  afterEach(() => {
    kv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('denies a write that would take the install over its byte quota', () => {
    expect(encodedValueSize(value(1))).toBe(42);
    kv.put(SCOPE, { namespace: 'q', key: 'a', value: value(1) });
    kv.put(SCOPE, { namespace: 'q', key: 'b', value: value(2) });
    expect(thrown(() => kv.put(SCOPE, { namespace: 'other', key: 'c', value: value(3) })).payload).toBe('denied');
  });

  it('counts an overwrite as replacing the old bytes, not adding to them', () => {
    kv.put(SCOPE, { namespace: 'q', key: 'a', value: value(1) });
    kv.put(SCOPE, { namespace: 'q', key: 'b', value: value(2) });
    for (let i = 0; i < 5; i++) kv.put(SCOPE, { namespace: 'q', key: 'a', value: value(10 + i) });
    expect(kv.get(SCOPE, 'q', 'a').revision).toBe(6n);
  });

  it('frees quota when a key is deleted', () => {
    kv.put(SCOPE, { namespace: 'q', key: 'a', value: value(1) });
    kv.put(SCOPE, { namespace: 'q', key: 'b', value: value(2) });
    kv.delete(SCOPE, 'q', 'a');
    kv.put(SCOPE, { namespace: 'q', key: 'c', value: value(3) });
    expect(kv.list(SCOPE, 'q', undefined).map((e) => e.key)).toEqual(['b', 'c']);
  });

  it('keeps quotas per install', () => {
    kv.put(SCOPE, { namespace: 'q', key: 'a', value: value(1) });
    kv.put(SCOPE, { namespace: 'q', key: 'b', value: value(2) });
    const other = { tenantId: SCOPE.tenantId, installId: 'install-2' };
    expect(kv.put(other, { namespace: 'q', key: 'a', value: value(3) }).revision).toBe(1n);
  });
});
