import { describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import { type InvocationScope, type InvocationUser } from '../../contracts/invocation.ts';
import { userV2Capability } from './index.ts';
import { thrown, userScope } from '../test-support.ts';

const USER: InvocationUser = {
  userId: 'user-1',
  userEmail: 'ada@example.com',
  userName: 'Ada Lovelace',
  userType: 'client',
  clientName: 'Acme Corp',
  clientId: 'client-9',
  additionalFields: { zone: 'eu', Beta: 'B', alpha: 'a' },
};

const makeScope = (overrides: Partial<InvocationScope> = {}): InvocationScope => userScope({ user: USER, ...overrides });

const host = guardedFunctions(userV2Capability, undefined);

function getUser(scope: InvocationScope): unknown {
  if (!host.getUser) throw new Error('user-v2 has no getUser');
  return host.getUser(scope, []);
}


describe('userV2Capability.getUser', () => {
  it('returns user-data then client-id and additional fields sorted by key as tuples', () => {
    const user = getUser(makeScope());
    expect(user).toEqual({
      tenantId: 'tenant-from-context',
      clientName: 'Acme Corp',
      userId: 'user-1',
      userEmail: 'ada@example.com',
      userName: 'Ada Lovelace',
      userType: 'client',
      clientId: 'client-9',
      additionalFields: [
        ['Beta', 'B'],
        ['alpha', 'a'],
        ['zone', 'eu'],
      ],
    });
    expect(Object.keys(user as object)).toEqual([
      'tenantId',
      'clientName',
      'userId',
      'userEmail',
      'userName',
      'userType',
      'clientId',
      'additionalFields',
    ]);
  });

  it('passes an absent client id through as undefined and clientName as ""', () => {
    expect(getUser(makeScope({ user: { ...USER, clientId: undefined, clientName: undefined, additionalFields: {} } }))).toEqual({
      tenantId: 'tenant-from-context',
      clientName: '',
      userId: 'user-1',
      userEmail: 'ada@example.com',
      userName: 'Ada Lovelace',
      userType: 'client',
      clientId: undefined,
      additionalFields: [],
    });
  });

  it('keeps empty additional field values', () => {
    expect(getUser(makeScope({ user: { ...USER, additionalFields: { empty: '' } } }))).toMatchObject({
      additionalFields: [['empty', '']],
    });
  });

  it('answers not-allowed without cap:user.read', () => {
    const err = thrown(() => getUser(makeScope({ grants: new Set() })));
    expect(err.payload).toBe('not-allowed');
    expect(err.message).toBe('not-allowed: cap:user.read not granted');
  });

  it('answers not-available when the request carries no user', () => {
    const err = thrown(() => getUser(makeScope({ user: undefined })));
    expect(err.payload).toBe('not-available');
    expect(err.message).toBe('not-available: the request carries no user');
  });
});
