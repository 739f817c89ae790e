import { describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import { NOT_IMPLEMENTED } from '../not-implemented.ts';
import { type InvocationScope } from '../../contracts/invocation.ts';
import { clientsCapability } from './index.ts';
import { fakeScope, thrown } from '../test-support.ts';

const makeScope = (overrides: Partial<InvocationScope> = {}): InvocationScope =>
  fakeScope({ grants: new Set(['cap:client.read']), ...overrides });


const host = guardedFunctions(clientsCapability, undefined);

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
    const err = thrown(() => call(name, makeScope({ grants: new Set(['cap:service.read']) }), args));
    expect(err.payload).toBe('not-allowed');
  });

  it.each(CALLS)('answers not-allowed from %s with the grant but no install id', (name, args) => {
    expect(thrown(() => call(name, makeScope({ installId: undefined }), args)).payload).toBe('not-allowed');
  });

  it.each(CALLS)('answers internal (not implemented) from %s when granted with an install id', (name, args) => {
    const err = thrown(() => call(name, makeScope(), args));
    expect(err.payload).toBe('internal');
    expect(err.message).toBe(`internal: ${NOT_IMPLEMENTED}`);
  });
});
