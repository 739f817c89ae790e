import { describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import { type InvocationScope } from '../../contracts/invocation.ts';
import { secretsCapability } from './index.ts';
import { fakeScope, thrown } from '../test-support.ts';

const makeScope = (overrides: Partial<InvocationScope> = {}): InvocationScope =>
  fakeScope({ grants: new Set(['cap:secrets.get']), secrets: { zeta: 'z', api_key: 'k-123', alpha: 'a' }, ...overrides });

const host = guardedFunctions(secretsCapability, undefined);

function get(scope: InvocationScope, key: string): unknown {
  if (!host.get) throw new Error('secrets has no get');
  return host.get(scope, [key]);
}

function listKeys(scope: InvocationScope): unknown {
  if (!host.listKeys) throw new Error('secrets has no listKeys');
  return host.listKeys(scope, []);
}


describe('secretsCapability.get', () => {
  it('returns the value of a present key', () => {
    expect(get(makeScope(), 'api_key')).toBe('k-123');
  });

  it('answers denied without cap:secrets.get even when the key exists', () => {
    const err = thrown(() => get(makeScope({ grants: new Set(['cap:context.read']) }), 'api_key'));
    expect(err.payload).toBe('denied');
    expect(err.message).toBe('denied: cap:secrets.get not granted');
  });

  it('answers missing for an absent key', () => {
    const err = thrown(() => get(makeScope(), 'nope'));
    expect(err.payload).toBe('missing');
    expect(err.message).toBe('missing: secret "nope" is not set');
  });

  it('answers missing when the request carried no envelope', () => {
    expect(thrown(() => get(makeScope({ secrets: undefined }), 'api_key')).payload).toBe('missing');
  });

  // BUG (secrets/index.ts line 19): `scope.secrets?.[key]` reads inherited Object.prototype
  // members, so get("toString") / get("constructor") return a function instead of answering
  // `missing` (spec 03: absent key → missing). In the Runner that function cannot be posted back to
  // the guest worker (DataCloneError inside a `void`-ed async host call).
  it('answers missing for keys that only exist on Object.prototype', () => {
    for (const key of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      expect(thrown(() => get(makeScope({ secrets: {} }), key)).payload).toBe('missing');
    }
  });
});

describe('secretsCapability.listKeys', () => {
  it('answers [] without cap:secrets.get', () => {
    expect(listKeys(makeScope({ grants: new Set() }))).toEqual([]);
  });

  it('returns the keys sorted with the grant', () => {
    expect(listKeys(makeScope())).toEqual(['alpha', 'api_key', 'zeta']);
  });

  it('answers [] with the grant but no envelope', () => {
    expect(listKeys(makeScope({ secrets: undefined }))).toEqual([]);
  });
});
