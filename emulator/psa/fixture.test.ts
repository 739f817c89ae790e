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
