import { afterAll, describe, expect, it } from 'vitest';
import { PsaFixtureError } from './fixture.ts';
import { PsaStore } from './psa-store.ts';

const store = new PsaStore({ file: ':memory:' });
afterAll(() => store.close());

const CLIENT = { clientId: 'c1000000-0000-4000-8000-000000000001', clientName: 'A' };

function refusal(fixture: unknown): [string, string, string] {
  try {
    store.loadFixture('t', fixture);
  } catch (err) {
    if (err instanceof PsaFixtureError) return [err.code, err.record, err.field];
    throw err;
  }
  throw new Error('the fixture was accepted');
}

describe('PSA fixture validation', () => {
  it.each([
    [[], 'fixture', ''],
    [{ customers: [] }, 'fixture', 'customers'],
    [{ clients: {} }, 'fixture', 'clients'],
    [{ clients: [{ clientName: 'A' }] }, 'clients[0]', 'clientId'],
    [{ clients: [{ ...CLIENT, clientId: 'acme' }] }, 'clients[0]', 'clientId'],
    [{ clients: [CLIENT, { ...CLIENT, nmae: 'x' }] }, 'clients[1]', 'nmae'],
    [{ clients: [CLIENT, CLIENT] }, 'clients[1]', 'clientId'],
    [{ clients: [{ ...CLIENT, clientType: 'firm' }] }, 'clients[0]', 'clientType'],
    [{ services: [{ serviceId: '5e100000-0000-4000-8000-000000000001', serviceName: 'S', itemKind: 'service', billingMethod: 'fixed', defaultRate: 12.5, unitOfMeasure: 'h' }] }, 'services[0]', 'defaultRate'],
    [{ invoices: [{ invoiceId: '1e100000-0000-4000-8000-000000000001', invoiceNumber: 'I', clientId: CLIENT.clientId, invoiceDate: '2025-02-30', dueDate: '2025-03-01', status: 'draft', subtotal: 0, tax: 0, total: 0 }] }, 'invoices[0]', 'invoiceDate'],
    [{ invoices: [{ invoiceId: '1e100000-0000-4000-8000-000000000001', invoiceNumber: 'I', clientId: CLIENT.clientId, invoiceDate: '2025-03-01', dueDate: '2025-03-01', status: 'draft', subtotal: 0, tax: 0, total: 0 }] }, 'invoices[0]', 'clientId'],
    [{ clients: [CLIENT], invoices: [{ invoiceId: '1e100000-0000-4000-8000-000000000001', invoiceNumber: 'I', clientId: CLIENT.clientId, invoiceDate: '2025-03-01', dueDate: '2025-03-01', status: 'draft', subtotal: 0, tax: 0, total: 0, items: [{}] }] }, 'invoices[0].items[0]', 'itemId'],
  ])('refuses %j at %s / %s', (fixture, record, field) => {
    expect(refusal(fixture)).toEqual(['PSA_FIXTURE_INVALID', record, field]);
    expect(store.isSeeded('t')).toBe(false);
  });

  it('replaces a tenant\'s data, or extends it by id, and savepoints rewind a load', () => {
    store.loadFixture('t', { clients: [CLIENT] });
    expect(store.exportFixture('t').clients.map((c) => c.clientName)).toEqual(['A']);
    store.savepoints.mark('before');
    store.loadFixture('t', { clients: [{ ...CLIENT, clientName: 'B' }, { ...CLIENT, clientId: 'c1000000-0000-4000-8000-000000000002' }] }, 'extend');
    expect(store.exportFixture('t').clients.map((c) => c.clientName)).toEqual(['B', 'A']);
    store.savepoints.rollbackTo('before');
    expect(store.exportFixture('t').clients.map((c) => c.clientName)).toEqual(['A']);
    expect(store.exportFixture('t').services).toEqual([]);
  });
});

describe('PSA fixture invoices', () => {
  const GB = '7a100000-0000-4000-8000-000000000001';
  const TAXED = '5e100000-0000-4000-8000-000000000001';
  const UNTAXED = '5e100000-0000-4000-8000-000000000002';
  const ids = [1, 2, 3, 4].map((n) => `1e200000-0000-4000-8000-00000000000${n}`);
  const catalog = {
    users: [{ userId: 'a1000000-0000-4000-8000-000000000001', email: 'ada@msp.example' }],
    taxRates: [{ taxRateId: GB, regionCode: 'GB', name: 'UK VAT', taxPercentage: 20 }],
    clients: [CLIENT],
    services: [
      { serviceId: TAXED, serviceName: 'Audit', itemKind: 'service', billingMethod: 'fixed', defaultRate: 1999, unitOfMeasure: 'each', taxRateId: GB },
      { serviceId: UNTAXED, serviceName: 'Licence', itemKind: 'product', billingMethod: 'fixed', defaultRate: 12345, unitOfMeasure: 'each' },
    ],
  };
  const header = { invoiceId: '1e100000-0000-4000-8000-000000000001', invoiceNumber: 'INV-000100', clientId: CLIENT.clientId, invoiceDate: '2025-03-01', dueDate: '2025-03-31', status: 'draft' };
  // As create-manual-invoice takes them: rates in cents, a fixed discount of 5.00 and 10 % off the audit.
  const inputs = [
    { itemId: ids[0], serviceId: TAXED, description: 'Audit', quantity: 3, rate: 1999 },
    { itemId: ids[1], serviceId: UNTAXED, description: 'Licence', quantity: 1, rate: 12345 },
    { itemId: ids[2], serviceId: UNTAXED, description: 'Goodwill', quantity: 1, rate: 500, isDiscount: true, discountType: 'fixed' },
    { itemId: ids[3], serviceId: UNTAXED, description: '10 % off the audit', quantity: 1, rate: 10, isDiscount: true, discountType: 'percentage', appliesToItemId: ids[0] },
  ];
  const line = { taxAmount: 0, taxRegion: null, taxRate: 0, isDiscount: false, isTaxable: false, discountType: null, appliesToItemId: null, appliesToServiceId: null };
  const computed = [
    { ...line, itemId: ids[0], serviceId: TAXED, description: 'Audit', quantity: 3, unitPrice: 1999, netAmount: 5997, taxAmount: 1200, taxRegion: 'GB', taxRate: 20, totalPrice: 7197, isTaxable: true },
    { ...line, itemId: ids[1], serviceId: UNTAXED, description: 'Licence', quantity: 1, unitPrice: 12345, netAmount: 12345, totalPrice: 12345 },
    { ...line, itemId: ids[2], serviceId: UNTAXED, description: 'Goodwill', quantity: 1, unitPrice: -500, netAmount: -500, totalPrice: -500, isDiscount: true, discountType: 'fixed' },
    { ...line, itemId: ids[3], serviceId: UNTAXED, description: '10 % off the audit', quantity: 1, unitPrice: 0, netAmount: -600, totalPrice: -600, isDiscount: true, discountType: 'percentage', appliesToItemId: ids[0] },
  ];
  const refused = (fixture: unknown): string => {
    try {
      store.loadFixture('inv', fixture);
    } catch (err) {
      if (err instanceof PsaFixtureError) return err.message;
      throw err;
    }
    throw new Error('the fixture was accepted');
  };

  it('should compute every line and the totals as create-manual-invoice does when the fixture leaves them out', () => {
    store.loadFixture('inv', { ...catalog, invoices: [{ ...header, items: inputs }] });
    // 3 × 19.99 + 123.45 − 5.00 − 10 % of 59.97 (6.00) = 172.42; VAT 20 % of 59.97 rounded up = 12.00.
    expect(store.exportFixture('inv').invoices).toEqual([{ ...header, poNumber: null, subtotal: 17242, tax: 1200, total: 18442, isManual: true, createdBy: null, items: computed }]);
  });

  it('should load an exported invoice back unchanged, its given amounts agreeing with the computation', () => {
    store.loadFixture('inv', { ...catalog, invoices: [{ ...header, items: inputs }] });
    const exported = store.exportFixture('inv');
    store.loadFixture('inv', exported);
    expect(store.exportFixture('inv')).toEqual(exported);
  });

  it('should refuse given totals or line amounts that disagree with the computation, naming the record and field, and load nothing', () => {
    store.loadFixture('inv', { clients: [CLIENT] });
    expect(refused({ ...catalog, invoices: [{ ...header, subtotal: 17242, tax: 1200, total: 18000, items: inputs }] })).toBe(
      'Failed to load the PSA fixture: invoices[0].total is 18000, but its lines come to 18442. Fix: leave total out to have it computed, or correct it (amounts are cents)',
    );
    expect(refused({ ...catalog, invoices: [{ ...header, items: [{ ...inputs[0], taxAmount: 1199 }, ...inputs.slice(1)] }] })).toBe(
      'Failed to load the PSA fixture: invoices[0].items[0].taxAmount is 1199, but create-manual-invoice prices the line at 1200. Fix: leave taxAmount out to have it computed, or correct it (amounts are cents)',
    );
    expect(refused({ ...catalog, invoices: [{ ...header, items: [inputs[0], { ...inputs[1], netAmount: 12340 }] }] })).toBe(
      'Failed to load the PSA fixture: invoices[0].items[1].netAmount is 12340, but create-manual-invoice prices the line at 12345. Fix: leave netAmount out to have it computed, or correct it (amounts are cents)',
    );
    // One transaction: the catalog of a refused fixture is not loaded either.
    expect(store.exportFixture('inv').services).toEqual([]);
    expect(store.exportFixture('inv').clients.map((c) => c.clientName)).toEqual(['A']);
  });

  it('should refuse a line it cannot price: no rate, a percentage discount without its percent, an unknown service, a discount of a line not on the invoice', () => {
    const { rate: _rate, ...noRate } = inputs[0] as Record<string, unknown>;
    expect(refused({ ...catalog, invoices: [{ ...header, items: [noRate] }] })).toBe('Failed to load the PSA fixture: invoices[0].items[0].rate is required (or unitPrice). Fix: add rate in cents, as create-manual-invoice takes it');
    const { rate: _pct, ...noPercent } = inputs[3] as Record<string, unknown>;
    expect(refused({ ...catalog, invoices: [{ ...header, items: [inputs[0], noPercent] }] })).toBe(
      'Failed to load the PSA fixture: invoices[0].items[1].rate is required for a percentage discount (its percent). Fix: add rate (e.g. 10 for 10 %), or netAmount in cents',
    );
    const ghost = '5e100000-0000-4000-8000-000000000009';
    expect(refused({ ...catalog, invoices: [{ ...header, items: [{ ...inputs[0], serviceId: ghost }] }] })).toBe(
      `Failed to load the PSA fixture: invoices[0].items[0].serviceId names ${ghost}, which is not among the tenant's services. Fix: add it to services or correct serviceId`,
    );
    expect(refused({ ...catalog, invoices: [{ ...header, items: [inputs[1], inputs[3]] }] })).toBe(
      `Failed to load the PSA fixture: invoices[0].items[1].appliesToItemId names ${ids[0]}, which is not a line of this invoice that is not a discount. Fix: name the itemId of a line of this invoice`,
    );
  });
});
