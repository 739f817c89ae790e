/** Shared by the capability unit tests: a fake invocation scope and a WitError catcher. */
import { expect } from 'vitest';
import { WitError, type InvocationScope } from './types.ts';

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
