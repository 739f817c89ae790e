import { describe, expect, it } from 'vitest';
import { WitError, type InvocationScope, type InvocationUser } from '../types.ts';
import { userCapability } from './index.ts';

const USER: InvocationUser = {
  userId: 'user-1',
  userEmail: 'ada@example.com',
  userName: 'Ada Lovelace',
  userType: 'internal',
  clientName: 'Acme Corp',
  clientId: 'client-9',
  additionalFields: { b: '2', a: '1' },
};

function fakeScope(overrides: Partial<InvocationScope> = {}): InvocationScope {
  return {
    requestId: 'req-1',
    tenantId: 'tenant-from-context',
    extensionId: 'ext-1',
    installId: 'install-1',
    versionId: 'v1',
    contentHash: `sha256:${'0'.repeat(64)}`,
    grants: new Set(['cap:user.read']),
    user: USER,
    secrets: undefined,
    emit: () => undefined,
    ...overrides,
  };
}

const host = userCapability.create(undefined);

function getUser(scope: InvocationScope): unknown {
  if (!host.getUser) throw new Error('user has no getUser');
  return host.getUser(scope, []);
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

describe('userCapability.getUser', () => {
  it('returns the six user-data fields in WIT order with the tenant from the scope', () => {
    const user = getUser(fakeScope());
    expect(user).toEqual({
      tenantId: 'tenant-from-context',
      clientName: 'Acme Corp',
      userId: 'user-1',
      userEmail: 'ada@example.com',
      userName: 'Ada Lovelace',
      userType: 'internal',
    });
    expect(Object.keys(user as object)).toEqual(['tenantId', 'clientName', 'userId', 'userEmail', 'userName', 'userType']);
  });

  it('answers clientName "" when the user has no client name', () => {
    expect(getUser(fakeScope({ user: { ...USER, clientName: undefined } }))).toMatchObject({ clientName: '' });
  });

  it('answers not-allowed without cap:user.read', () => {
    const err = thrown(() => getUser(fakeScope({ grants: new Set(['cap:context.read']) })));
    expect(err.payload).toBe('not-allowed');
    expect(err.message).toBe('not-allowed: cap:user.read not granted');
  });

  it('answers not-allowed before not-available when neither grant nor user is present', () => {
    expect(thrown(() => getUser(fakeScope({ grants: new Set(), user: undefined }))).payload).toBe('not-allowed');
  });

  it('answers not-available when the request carries no user', () => {
    const err = thrown(() => getUser(fakeScope({ user: undefined })));
    expect(err.payload).toBe('not-available');
    expect(err.message).toBe('not-available: the request carries no user');
  });
});
