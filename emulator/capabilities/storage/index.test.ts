import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import { type InvocationScope } from '../../contracts/invocation.ts';
import { storageCapability } from './index.ts';
import { fakeScope, thrown } from '../test-support.ts';
import { KvStore } from './kv-store.ts';

const makeScope = (overrides: Partial<InvocationScope> = {}): InvocationScope =>
  fakeScope({ grants: new Set(['cap:storage.kv']), ...overrides });


const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('storageCapability', () => {
  let kv: KvStore;
  let host: ReturnType<typeof guardedFunctions>;

  beforeEach(() => {
    kv = new KvStore({ file: ':memory:' });
    host = guardedFunctions(storageCapability, { kv });
  });

  afterEach(() => kv.close());

  const call = (name: string, scope: InvocationScope, args: unknown[]): unknown => {
    const fn = host[name];
    if (!fn) throw new Error(`no host function ${name}`);
    return fn(scope, args);
  };

  it('provides get, put, delete and listEntries', () => {
    expect(Object.keys(host).sort()).toEqual(['delete', 'get', 'listEntries', 'put']);
  });

  it.each([
    ['get', ['ns', 'k']],
    ['put', [{ namespace: 'ns', key: 'k', value: bytes('v'), revision: undefined }]],
    ['delete', ['ns', 'k']],
    ['listEntries', ['ns', undefined]],
  ])('answers denied from %s without cap:storage.kv', (name, args) => {
    const err = thrown(() => call(name, makeScope({ grants: new Set(['cap:context.read']) }), args));
    expect(err.payload).toBe('denied');
    expect(err.message).toBe('denied: cap:storage.kv not granted');
  });

  it.each([
    ['no install id', undefined],
    ['an empty install id', ''],
  ])('answers denied with the grant but %s', (_label, installId) => {
    const err = thrown(() => call('put', makeScope({ installId }), [{ namespace: 'ns', key: 'k', value: bytes('v') }]));
    expect(err.payload).toBe('denied');
    expect(err.message).toBe('denied: the request has no install id');
    expect(thrown(() => call('listEntries', makeScope({ installId }), ['ns', undefined])).payload).toBe('denied');
  });

  it('stores per tenant and install id of the scope', () => {
    const scope = makeScope();
    expect(call('put', scope, [{ namespace: 'ns', key: 'k', value: bytes('v'), revision: undefined }])).toEqual({
      namespace: 'ns',
      key: 'k',
      value: bytes('v'),
      revision: 1n,
    });
    expect(call('get', scope, ['ns', 'k'])).toEqual({ namespace: 'ns', key: 'k', value: bytes('v'), revision: 1n });
    expect(kv.get({ tenantId: 'tenant-a', installId: 'install-1' }, 'ns', 'k').revision).toBe(1n);
    expect(thrown(() => call('get', makeScope({ installId: 'install-2' }), ['ns', 'k'])).payload).toBe('missing');
    expect(thrown(() => call('get', makeScope({ tenantId: 'tenant-b' }), ['ns', 'k'])).payload).toBe('missing');
  });

  it('passes the put revision through as compare-and-swap', () => {
    const scope = makeScope();
    call('put', scope, [{ namespace: 'ns', key: 'k', value: bytes('a') }]);
    expect(thrown(() => call('put', scope, [{ namespace: 'ns', key: 'k', value: bytes('b'), revision: 5n }])).payload).toBe('conflict');
    expect(call('put', scope, [{ namespace: 'ns', key: 'k', value: bytes('b'), revision: 1n }])).toMatchObject({ revision: 2n });
  });

  it('passes the list cursor through and treats an absent cursor as the first page', () => {
    const scope = makeScope();
    for (const key of ['a', 'b', 'c']) call('put', scope, [{ namespace: 'ns', key, value: bytes(key) }]);
    const keys = (entries: unknown) => (entries as { key: string }[]).map((e) => e.key);
    expect(keys(call('listEntries', scope, ['ns', undefined]))).toEqual(['a', 'b', 'c']);
    expect(keys(call('listEntries', scope, ['ns', 'a']))).toEqual(['b', 'c']);
  });

  it('answers conflict from delete of a missing key and undefined for an existing one', () => {
    const scope = makeScope();
    expect(thrown(() => call('delete', scope, ['ns', 'k'])).payload).toBe('conflict');
    call('put', scope, [{ namespace: 'ns', key: 'k', value: bytes('a') }]);
    expect(call('delete', scope, ['ns', 'k'])).toBeUndefined();
  });
});
