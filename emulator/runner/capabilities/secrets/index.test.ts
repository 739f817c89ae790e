import { describe, expect, it } from 'vitest';
import { WitError, type InvocationScope } from '../types.ts';
import { secretsCapability } from './index.ts';

function fakeScope(overrides: Partial<InvocationScope> = {}): InvocationScope {
  return {
    requestId: 'req-1',
    tenantId: 'tenant-a',
    extensionId: 'ext-1',
    installId: 'install-1',
    versionId: 'v1',
    contentHash: `sha256:${'0'.repeat(64)}`,
    grants: new Set(['cap:secrets.get']),
    user: undefined,
    secrets: { zeta: 'z', api_key: 'k-123', alpha: 'a' },
    emit: () => undefined,
    ...overrides,
  };
}

const host = secretsCapability.create(undefined);

function get(scope: InvocationScope, key: string): unknown {
  if (!host.get) throw new Error('secrets has no get');
  return host.get(scope, [key]);
}

function listKeys(scope: InvocationScope): unknown {
  if (!host.listKeys) throw new Error('secrets has no listKeys');
  return host.listKeys(scope, []);
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

describe('secretsCapability.get', () => {
  it('returns the value of a present key', () => {
    expect(get(fakeScope(), 'api_key')).toBe('k-123');
  });

  it('answers denied without cap:secrets.get even when the key exists', () => {
    const err = thrown(() => get(fakeScope({ grants: new Set(['cap:context.read']) }), 'api_key'));
    expect(err.payload).toBe('denied');
    expect(err.message).toBe('denied: cap:secrets.get not granted');
  });

  it('answers missing for an absent key', () => {
    const err = thrown(() => get(fakeScope(), 'nope'));
    expect(err.payload).toBe('missing');
    expect(err.message).toBe('missing: secret "nope" is not set');
  });

  it('answers missing when the request carried no envelope', () => {
    expect(thrown(() => get(fakeScope({ secrets: undefined }), 'api_key')).payload).toBe('missing');
  });

  // BUG (secrets/index.ts line 19): `scope.secrets?.[key]` reads inherited Object.prototype
  // members, so get("toString") / get("constructor") return a function instead of answering
  // `missing` (spec 03: absent key → missing). In the Runner that function cannot be posted back to
  // the guest worker (DataCloneError inside a `void`-ed async host call).
  it('answers missing for keys that only exist on Object.prototype', () => {
    for (const key of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      expect(thrown(() => get(fakeScope({ secrets: {} }), key)).payload).toBe('missing');
    }
  });
});

describe('secretsCapability.listKeys', () => {
  it('answers [] without cap:secrets.get', () => {
    expect(listKeys(fakeScope({ grants: new Set() }))).toEqual([]);
  });

  it('returns the keys sorted with the grant', () => {
    expect(listKeys(fakeScope())).toEqual(['alpha', 'api_key', 'zeta']);
  });

  it('answers [] with the grant but no envelope', () => {
    expect(listKeys(fakeScope({ secrets: undefined }))).toEqual([]);
  });
});
