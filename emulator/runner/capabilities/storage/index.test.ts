import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WitError, type InvocationScope } from '../types.ts';
import { storageCapability } from './index.ts';
import { KvStore } from './kv-store.ts';

function fakeScope(overrides: Partial<InvocationScope> = {}): InvocationScope {
  return {
    requestId: 'req-1',
    tenantId: 'tenant-a',
    extensionId: 'ext-1',
    installId: 'install-1',
    versionId: 'v1',
    contentHash: `sha256:${'0'.repeat(64)}`,
    grants: new Set(['cap:storage.kv']),
    user: undefined,
    secrets: undefined,
    emit: () => undefined,
    ...overrides,
  };
}

function thrown(fn: () => unknown): WitError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WitError);
    return err as WitError;
  }
  throw new Error('expected a WitError, nothing was thrown');
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('storageCapability', () => {
  let kv: KvStore;
  let host: ReturnType<typeof storageCapability.create>;

  beforeEach(() => {
    kv = new KvStore({ file: ':memory:' });
    host = storageCapability.create({ kv });
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
    const err = thrown(() => call(name, fakeScope({ grants: new Set(['cap:context.read']) }), args));
    expect(err.payload).toBe('denied');
    expect(err.message).toBe('denied: cap:storage.kv not granted');
  });

  it.each([
    ['no install id', undefined],
    ['an empty install id', ''],
  ])('answers denied with the grant but %s', (_label, installId) => {
    const err = thrown(() => call('put', fakeScope({ installId }), [{ namespace: 'ns', key: 'k', value: bytes('v') }]));
    expect(err.payload).toBe('denied');
    expect(err.message).toBe('denied: the request has no install id');
    expect(thrown(() => call('listEntries', fakeScope({ installId }), ['ns', undefined])).payload).toBe('denied');
  });

  it('stores per tenant and install id of the scope', () => {
    const scope = fakeScope();
    expect(call('put', scope, [{ namespace: 'ns', key: 'k', value: bytes('v'), revision: undefined }])).toEqual({
      namespace: 'ns',
      key: 'k',
      value: bytes('v'),
      revision: 1n,
    });
    expect(call('get', scope, ['ns', 'k'])).toEqual({ namespace: 'ns', key: 'k', value: bytes('v'), revision: 1n });
    expect(kv.get({ tenantId: 'tenant-a', installId: 'install-1' }, 'ns', 'k').revision).toBe(1n);
    expect(thrown(() => call('get', fakeScope({ installId: 'install-2' }), ['ns', 'k'])).payload).toBe('missing');
    expect(thrown(() => call('get', fakeScope({ tenantId: 'tenant-b' }), ['ns', 'k'])).payload).toBe('missing');
  });

  it('passes the put revision through as compare-and-swap', () => {
    const scope = fakeScope();
    call('put', scope, [{ namespace: 'ns', key: 'k', value: bytes('a') }]);
    expect(thrown(() => call('put', scope, [{ namespace: 'ns', key: 'k', value: bytes('b'), revision: 5n }])).payload).toBe('conflict');
    expect(call('put', scope, [{ namespace: 'ns', key: 'k', value: bytes('b'), revision: 1n }])).toMatchObject({ revision: 2n });
  });

  it('passes the list cursor through and treats an absent cursor as the first page', () => {
    const scope = fakeScope();
    for (const key of ['a', 'b', 'c']) call('put', scope, [{ namespace: 'ns', key, value: bytes(key) }]);
    const keys = (entries: unknown) => (entries as { key: string }[]).map((e) => e.key);
    expect(keys(call('listEntries', scope, ['ns', undefined]))).toEqual(['a', 'b', 'c']);
    expect(keys(call('listEntries', scope, ['ns', 'a']))).toEqual(['b', 'c']);
  });

  it('answers conflict from delete of a missing key and undefined for an existing one', () => {
    const scope = fakeScope();
    expect(thrown(() => call('delete', scope, ['ns', 'k'])).payload).toBe('conflict');
    call('put', scope, [{ namespace: 'ns', key: 'k', value: bytes('a') }]);
    expect(call('delete', scope, ['ns', 'k'])).toBeUndefined();
  });
});
