/** Shared by the capability unit tests: a fake invocation scope and a WitError catcher. */
import { expect } from 'vitest';
import { WitError, type InvocationScope, type InvocationUser } from '../contracts/invocation.ts';

/** An invocation with ids filled in, no grants, no user and no secrets, unless overridden. */
export function fakeScope(overrides: Partial<InvocationScope> = {}): InvocationScope {
  return {
    requestId: 'req-1',
    tenantId: 'tenant-a',
    extensionId: 'ext-1',
    installId: 'install-1',
    versionId: 'v1',
    contentHash: `sha256:${'0'.repeat(64)}`,
    grants: new Set<string>(),
    user: undefined,
    secrets: undefined,
    emit: () => undefined,
    ...overrides,
  };
}

/** Runs `fn`, asserts it threw a WitError, and returns it. */
export function thrown(fn: () => unknown): WitError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WitError);
    return err as WitError;
  }
  throw new Error('expected a WitError, nothing was thrown');
}

/** The calling user of the user / user-v2 tests. */
export const FAKE_USER: InvocationUser = {
  userId: 'user-1',
  userEmail: 'ada@example.com',
  userName: 'Ada Lovelace',
  userType: 'internal',
  clientName: 'Acme Corp',
  clientId: 'client-9',
  additionalFields: { b: '2', a: '1' },
};

/** A call by FAKE_USER with cap:user.read, whose context tenant is `tenant-from-context`. */
export function userScope(overrides: Partial<InvocationScope> = {}): InvocationScope {
  return fakeScope({ tenantId: 'tenant-from-context', grants: new Set(['cap:user.read']), user: FAKE_USER, ...overrides });
}
