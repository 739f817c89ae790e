import { afterAll, describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import { type InvocationScope } from '../../contracts/invocation.ts';
import { PsaStore } from '../../psa/psa-store.ts';
import { clientsCapability } from './index.ts';
import { fakeScope, thrown } from '../test-support.ts';

const makeScope = (overrides: Partial<InvocationScope> = {}): InvocationScope =>
  fakeScope({ grants: new Set(['cap:client.read']), ...overrides });

const store = new PsaStore({ file: ':memory:' });
afterAll(() => store.close());
const host = guardedFunctions(clientsCapability, { store, rewindable: store.savepoints });

function call(name: string, scope: InvocationScope, args: unknown[]): unknown {
  const fn = host[name];
  if (!fn) throw new Error(`clients has no ${name}`);
  return fn(scope, args);
}

const ACME = 'c0000000-0000-4000-8000-000000000001';
const NO_INPUT = { search: undefined, includeInactive: undefined, page: undefined, pageSize: undefined };
const CALLS: [string, unknown[]][] = [
  ['listClients', [NO_INPUT]],
  ['getClient', [ACME]],
];

describe('clientsCapability denials', () => {
  it.each(CALLS)('answers not-allowed from %s without cap:client.read', (name, args) => {
    const err = thrown(() => call(name, makeScope({ grants: new Set(['cap:service.read']) }), args));
    expect([err.payload, err.message]).toEqual(['not-allowed', 'not-allowed: cap:client.read not granted']);
  });

  it.each(CALLS)('answers not-allowed from %s with the grant but no install id', (name, args) => {
    expect(thrown(() => call(name, makeScope({ installId: undefined }), args)).payload).toBe('not-allowed');
  });
});

describe('clientsCapability reads', () => {
  it('lists the tenant’s active clients by name, page 1 of 25 by default', () => {
    const res = call('listClients', makeScope(), [NO_INPUT]) as { items: { clientName: string }[]; totalCount: number; page: number; pageSize: number };
    expect([res.totalCount, res.page, res.pageSize]).toEqual([5, 1, 25]);
    expect(res.items.map((c) => c.clientName)).toEqual(['Acme Corporation', 'Blue Harbor Logistics', 'Cedar Dental Group', 'Priya Shah', 'Umbrella Legal LLP']);
  });

  it('passes search, include-inactive and paging through', () => {
    expect(call('listClients', makeScope(), [{ search: 'north', includeInactive: true, page: 1, pageSize: 1 }])).toEqual({
      items: [
        {
          clientId: 'c0000000-0000-4000-8000-000000000004',
          clientName: 'Northwind Traders',
          clientType: 'company',
          isInactive: true,
          defaultCurrencyCode: 'USD',
          accountManagerId: 'a0000000-0000-4000-8000-000000000002',
          accountManagerName: 'Marcus Lee',
          billingEmail: 'finance@northwind.example',
        },
      ],
      totalCount: 1,
      page: 1,
      pageSize: 1,
    });
  });

  it('gets a client by id, and none for an unknown UUID', () => {
    expect(call('getClient', makeScope(), [ACME])).toMatchObject({ clientId: ACME, clientName: 'Acme Corporation' });
    expect(call('getClient', makeScope(), ['c0000000-0000-4000-8000-000000000404'])).toBeUndefined();
  });

  it('reads only the calling tenant’s data', () => {
    const other = makeScope({ tenantId: 'tenant-b' });
    expect(store.isSeeded('tenant-b')).toBe(false);
    expect(call('getClient', other, [ACME])).toMatchObject({ clientName: 'Acme Corporation' });
    expect(store.isSeeded('tenant-b')).toBe(true);
  });

  it.each([
    [{ ...NO_INPUT, page: 0 }, 'page must be an integer from 1 to 10000, got 0'],
    [{ ...NO_INPUT, page: 10_001 }, 'page must be an integer from 1 to 10000, got 10001'],
    [{ ...NO_INPUT, pageSize: 0 }, 'pageSize must be an integer from 1 to 100, got 0'],
    [{ ...NO_INPUT, pageSize: 101 }, 'pageSize must be an integer from 1 to 100, got 101'],
    [{ ...NO_INPUT, search: 'x'.repeat(201) }, 'search must be at most 200 characters, got 201'],
  ])('answers invalid-input for %j', (input, detail) => {
    const err = thrown(() => call('listClients', makeScope(), [input]));
    expect([err.payload, err.message]).toEqual(['invalid-input', `invalid-input: ${detail}`]);
  });

  it('answers invalid-input for a client id that is not a UUID, as production does', () => {
    const err = thrown(() => call('getClient', makeScope(), ['client-1']));
    expect([err.payload, err.message]).toEqual(['invalid-input', 'invalid-input: clientId must be a UUID, got "client-1"']);
  });
});
