import { describe, expect, it } from 'vitest';
import { NOT_IMPLEMENTED } from '../not-implemented.ts';
import { WitError, type InvocationScope } from '../types.ts';
import { clientsCapability } from './index.ts';

function fakeScope(overrides: Partial<InvocationScope> = {}): InvocationScope {
  return {
    requestId: 'req-1',
    tenantId: 'tenant-a',
    extensionId: 'ext-1',
    installId: 'install-1',
    versionId: 'v1',
    contentHash: `sha256:${'0'.repeat(64)}`,
    grants: new Set(['cap:client.read']),
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

const host = clientsCapability.create(undefined);

function call(name: string, scope: InvocationScope, args: unknown[]): unknown {
  const fn = host[name];
  if (!fn) throw new Error(`clients has no ${name}`);
  return fn(scope, args);
}

const CALLS: [string, unknown[]][] = [
  ['listClients', [{ search: undefined, includeInactive: undefined, page: undefined, pageSize: undefined }]],
  ['getClient', ['client-1']],
];

describe('clientsCapability denials', () => {
  it.each(CALLS)('answers not-allowed from %s without cap:client.read', (name, args) => {
    const err = thrown(() => call(name, fakeScope({ grants: new Set(['cap:service.read']) }), args));
    expect(err.payload).toBe('not-allowed');
  });

  it.each(CALLS)('answers not-allowed from %s with the grant but no install id', (name, args) => {
    expect(thrown(() => call(name, fakeScope({ installId: undefined }), args)).payload).toBe('not-allowed');
  });

  it.each(CALLS)('answers internal (not implemented) from %s when granted with an install id', (name, args) => {
    const err = thrown(() => call(name, fakeScope(), args));
    expect(err.payload).toBe('internal');
    expect(err.message).toBe(`internal: ${NOT_IMPLEMENTED}`);
  });
});
