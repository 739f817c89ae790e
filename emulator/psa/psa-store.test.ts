import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenCapabilities, parseCapabilitySettings } from '../capabilities/index.ts';
import { systemClock } from '../clock.ts';
import { PsaStore } from './psa-store.ts';
import { PSA_DB_FILE } from './shared-store.ts';

const ALL = { includeInactive: true, page: 1, pageSize: 25 };
const names = (items: readonly { clientName?: string; serviceName?: string }[]) => items.map((i) => i.clientName ?? i.serviceName);

let store: PsaStore;
beforeEach(() => {
  store = new PsaStore({ file: ':memory:' });
});
afterEach(() => store.close());

describe('PsaStore seeding', () => {
  it('should write a tenant’s fixture on its first read, and only for that tenant', () => {
    expect(store.isSeeded('tenant-a')).toBe(false);
    expect(store.listClients('tenant-a', ALL).totalCount).toBe(6);
    expect([store.isSeeded('tenant-a'), store.isSeeded('tenant-b')]).toEqual([true, false]);
    expect(store.listServices('tenant-a', { page: 1, pageSize: 25 }).totalCount).toBe(12);
    expect(store.listTaxRates('tenant-a').map((r) => [r.regionCode, r.taxPercentage])).toEqual([['CA-ON', 13], ['GB', 20], ['US-NY', 8.875]]);
  });

  it('should give every tenant the same fixed ids, each tenant its own rows', () => {
    const a = store.getClient('tenant-a', 'c0000000-0000-4000-8000-000000000001');
    const b = store.getClient('tenant-b', 'c0000000-0000-4000-8000-000000000001');
    expect(a).toEqual({
      clientId: 'c0000000-0000-4000-8000-000000000001',
      clientName: 'Acme Corporation',
      clientType: 'company',
      isInactive: false,
      defaultCurrencyCode: 'USD',
      accountManagerId: 'a0000000-0000-4000-8000-000000000001',
      accountManagerName: 'Dana Whitfield',
      billingEmail: 'billing@acme.example',
    });
    expect(b).toEqual(a);
  });
});

describe('PsaStore clients', () => {
  it('should list active clients by name, 25 a page, when no filter is given', () => {
    const res = store.listClients('t', { includeInactive: false, page: 1, pageSize: 25 });
    expect([res.totalCount, res.page, res.pageSize]).toEqual([5, 1, 25]);
    expect(names(res.items)).toEqual(['Acme Corporation', 'Blue Harbor Logistics', 'Cedar Dental Group', 'Priya Shah', 'Umbrella Legal LLP']);
  });

  it('should include inactive clients when asked', () => {
    expect(names(store.listClients('t', ALL).items)).toEqual([
      'Acme Corporation', 'Blue Harbor Logistics', 'Cedar Dental Group', 'Northwind Traders', 'Priya Shah', 'Umbrella Legal LLP',
    ]);
  });

  it('should search name, id and billing email case-insensitively after trimming', () => {
    expect(names(store.listClients('t', { ...ALL, search: '  HARBOR ' }).items)).toEqual(['Blue Harbor Logistics']);
    expect(names(store.listClients('t', { ...ALL, search: '000000000005' }).items)).toEqual(['Priya Shah']);
    expect(names(store.listClients('t', { ...ALL, search: 'NORTHWIND.example' }).items)).toEqual(['Northwind Traders']);
    expect(store.listClients('t', { ...ALL, search: '   ' }).totalCount).toBe(6);
    expect(store.listClients('t', { includeInactive: false, page: 1, pageSize: 25, search: 'northwind' }).totalCount).toBe(0);
  });

  it('should page with the total of every match', () => {
    const second = store.listClients('t', { ...ALL, page: 2, pageSize: 4 });
    expect([second.totalCount, second.page, second.pageSize, names(second.items)]).toEqual([6, 2, 4, ['Priya Shah', 'Umbrella Legal LLP']]);
    expect(store.listClients('t', { ...ALL, page: 3, pageSize: 4 }).items).toEqual([]);
  });

  it('should answer none for an unknown id and leave absent fields out', () => {
    expect(store.getClient('t', 'c0000000-0000-4000-8000-000000000999')).toBeUndefined();
    expect(store.getClient('t', 'c0000000-0000-4000-8000-000000000006')).toEqual({
      clientId: 'c0000000-0000-4000-8000-000000000006',
      clientName: 'Umbrella Legal LLP',
      clientType: 'company',
      isInactive: false,
      defaultCurrencyCode: 'EUR',
      accountManagerId: undefined,
      accountManagerName: undefined,
      billingEmail: undefined,
    });
  });
});

describe('PsaStore services', () => {
  const page = { page: 1, pageSize: 25 };

  it('should list active and inactive items by name when no filter is given', () => {
    expect(names(store.listServices('t', page).items)).toEqual([
      '24" Monitor', 'Business Laptop 14"', 'Cloud Backup', 'Email Security Filtering', 'Firewall Appliance FW-100', 'Helpdesk Support',
      'Legacy Phone Support', 'Managed Server', 'Managed Workstation', 'Microsoft 365 Business Standard', 'On-site Engineer', 'Project Consulting',
    ]);
  });

  it('should filter by item kind, activity and billing method together', () => {
    expect(names(store.listServices('t', { ...page, itemKind: 'product', isActive: false }).items)).toEqual(['Firewall Appliance FW-100']);
    expect(names(store.listServices('t', { ...page, billingMethod: 'usage' }).items)).toEqual(['Cloud Backup', 'Email Security Filtering']);
    expect(store.listServices('t', { ...page, itemKind: 'service', isActive: true, billingMethod: 'hourly' }).totalCount).toBe(3);
  });

  it('should search name, description and SKU case-insensitively', () => {
    expect(names(store.listServices('t', { ...page, search: 'hw-mon' }).items)).toEqual(['24" Monitor']);
    expect(names(store.listServices('t', { ...page, search: 'PHISHING' }).items)).toEqual(['Email Security Filtering']);
    expect(names(store.listServices('t', { ...page, search: 'managed' }).items)).toEqual(['Managed Server', 'Managed Workstation']);
  });

  it('should map a row as production does, with the rate in cents and the type name joined', () => {
    expect(store.getService('t', '5e000000-0000-4000-8000-000000000003')).toEqual({
      serviceId: '5e000000-0000-4000-8000-000000000003',
      serviceName: 'Helpdesk Support',
      itemKind: 'service',
      billingMethod: 'hourly',
      serviceTypeId: '7e000000-0000-4000-8000-000000000002',
      serviceTypeName: 'Professional Services',
      defaultRate: 12500,
      unitOfMeasure: 'hour',
      isActive: true,
      sku: 'PS-HELP',
    });
    expect(store.getService('t', '5e000000-0000-4000-8000-000000000099')).toBeUndefined();
  });
});

describe('PsaStore rewind', () => {
  it('should roll back the seeding of a tenant read after the mark', () => {
    store.listClients('tenant-a', ALL);
    store.savepoints.mark('snap_1');
    store.listClients('tenant-b', ALL);
    expect(store.isSeeded('tenant-b')).toBe(true);
    store.savepoints.rollbackTo('snap_1');
    expect([store.isSeeded('tenant-a'), store.isSeeded('tenant-b')]).toEqual([true, false]);
    expect(store.listClients('tenant-b', ALL).totalCount).toBe(6);
  });
});

describe('the PSA store of a Runner', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psa-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const openRunner = (name: string) => new OpenCapabilities({ dataDir: join(dir, name), clock: systemClock, fetch: globalThis.fetch }, parseCapabilitySettings({}));

  it('should be one store shared by clients and services, marked once by a snapshot, closed with the Runner', () => {
    const runner = openRunner('data');
    const { store } = runner.deps('clients');
    expect(runner.deps('services').store).toBe(store);
    runner.mark('snap_1');
    expect(store.savepoints.marks).toEqual(['snap_1']);
    expect(store.listClients('t', ALL).totalCount).toBe(6);
    runner.close();
    expect(() => store.listClients('t', ALL)).toThrow('The database connection is not open');
  });

  it('should give two Runners two stores, each a file in its data folder', () => {
    const one = openRunner('one');
    const two = openRunner('two');
    expect(one.deps('clients').store).not.toBe(two.deps('clients').store);
    expect([existsSync(join(dir, 'one', PSA_DB_FILE)), existsSync(join(dir, 'two', PSA_DB_FILE))]).toEqual([true, true]);
    one.close();
    two.close();
  });
});
