import { afterAll, describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import { type InvocationScope } from '../../contracts/invocation.ts';
import { PsaStore } from '../../psa/psa-store.ts';
import { servicesCapability } from './index.ts';
import { fakeScope, thrown } from '../test-support.ts';

const makeScope = (overrides: Partial<InvocationScope> = {}): InvocationScope =>
  fakeScope({ grants: new Set(['cap:service.read']), ...overrides });

const store = new PsaStore({ file: ':memory:' });
afterAll(() => store.close());
const host = guardedFunctions(servicesCapability, { store, rewindable: store.savepoints });

function call(name: string, scope: InvocationScope, args: unknown[]): unknown {
  const fn = host[name];
  if (!fn) throw new Error(`services has no ${name}`);
  return fn(scope, args);
}

const CLOUD_BACKUP = '5e000000-0000-4000-8000-000000000007';
const NO_INPUT = { search: undefined, itemKind: undefined, isActive: undefined, billingMethod: undefined, page: undefined, pageSize: undefined };
const CALLS: [string, unknown[]][] = [
  ['listServices', [NO_INPUT]],
  ['getService', [CLOUD_BACKUP]],
];
type List = { items: { serviceName: string }[]; totalCount: number; page: number; pageSize: number };

describe('servicesCapability denials', () => {
  it.each(CALLS)('answers not-allowed from %s without cap:service.read', (name, args) => {
    const err = thrown(() => call(name, makeScope({ grants: new Set(['cap:client.read']) }), args));
    expect([err.payload, err.message]).toEqual(['not-allowed', 'not-allowed: cap:service.read not granted']);
  });

  it.each(CALLS)('answers not-allowed from %s with the grant but no install id', (name, args) => {
    expect(thrown(() => call(name, makeScope({ installId: '' }), args)).payload).toBe('not-allowed');
  });
});

describe('servicesCapability reads', () => {
  it('lists every catalog item, active or not, page 1 of 25 by default', () => {
    const res = call('listServices', makeScope(), [NO_INPUT]) as List;
    expect([res.totalCount, res.page, res.pageSize, res.items.length]).toEqual([12, 1, 25, 12]);
  });

  it('passes the filters and paging through', () => {
    const res = call('listServices', makeScope(), [{ ...NO_INPUT, itemKind: 'service', isActive: true, billingMethod: 'hourly', page: 2, pageSize: 2 }]) as List;
    expect([res.totalCount, res.page, res.pageSize, res.items.map((s) => s.serviceName)]).toEqual([3, 2, 2, ['Project Consulting']]);
    expect((call('listServices', makeScope(), [{ ...NO_INPUT, search: 'm365' }]) as List).items.map((s) => s.serviceName)).toEqual([
      'Microsoft 365 Business Standard',
    ]);
  });

  it('gets a service by id, and none for an unknown UUID', () => {
    expect(call('getService', makeScope(), [CLOUD_BACKUP])).toEqual({
      serviceId: CLOUD_BACKUP,
      serviceName: 'Cloud Backup',
      itemKind: 'service',
      billingMethod: 'usage',
      serviceTypeId: '7e000000-0000-4000-8000-000000000005',
      serviceTypeName: 'Cloud',
      defaultRate: 25,
      unitOfMeasure: 'GB',
      isActive: true,
      sku: 'CL-BACKUP',
    });
    expect(call('getService', makeScope(), ['5e000000-0000-4000-8000-000000000404'])).toBeUndefined();
  });

  it.each([
    [{ ...NO_INPUT, page: 0 }, 'page must be an integer from 1 to 10000, got 0'],
    [{ ...NO_INPUT, pageSize: 101 }, 'pageSize must be an integer from 1 to 100, got 101'],
    [{ ...NO_INPUT, search: 'x'.repeat(201) }, 'search must be at most 200 characters, got 201'],
    [{ ...NO_INPUT, itemKind: 'bundle' }, 'itemKind must be one of service, product, got "bundle"'],
  ])('answers invalid-input for %j', (input, detail) => {
    const err = thrown(() => call('listServices', makeScope(), [input]));
    expect([err.payload, err.message]).toEqual(['invalid-input', `invalid-input: ${detail}`]);
  });

  it('answers invalid-input for a service id that is not a UUID, as production does', () => {
    expect(thrown(() => call('getService', makeScope(), ['service-1'])).payload).toBe('invalid-input');
  });
});
