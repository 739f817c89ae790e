import { describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import type { InvocationScope } from '../../contracts/invocation.ts';
import { userCapability } from './index.ts';
import { FAKE_USER, thrown, userScope } from '../test-support.ts';

const USER = FAKE_USER;
const makeScope = userScope;

const host = guardedFunctions(userCapability, undefined);

function getUser(scope: InvocationScope): unknown {
  if (!host.getUser) throw new Error('user has no getUser');
  return host.getUser(scope, []);
}


describe('userCapability.getUser', () => {
  it('returns the six user-data fields in WIT order with the tenant from the scope', () => {
    const user = getUser(makeScope());
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
    expect(getUser(makeScope({ user: { ...USER, clientName: undefined } }))).toMatchObject({ clientName: '' });
  });

  it('answers not-allowed without cap:user.read', () => {
    const err = thrown(() => getUser(makeScope({ grants: new Set(['cap:context.read']) })));
    expect(err.payload).toBe('not-allowed');
    expect(err.message).toBe('not-allowed: cap:user.read not granted');
  });

  it('answers not-allowed before not-available when neither grant nor user is present', () => {
    expect(thrown(() => getUser(makeScope({ grants: new Set(), user: undefined }))).payload).toBe('not-allowed');
  });

  it('answers not-available when the request carries no user', () => {
    const err = thrown(() => getUser(makeScope({ user: undefined })));
    expect(err.payload).toBe('not-available');
    expect(err.message).toBe('not-available: the request carries no user');
  });
});
