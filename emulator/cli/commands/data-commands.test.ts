import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliFixture, DEFAULT_TENANT } from './test-support.ts';

const YAML_FIXTURE = `
users:
  - userId: a1000000-0000-4000-8000-000000000001
    firstName: Ada
    lastName: Byron
    email: ada@msp.example
taxRates:
  - taxRateId: 7a100000-0000-4000-8000-000000000001
    regionCode: GB
    name: UK VAT
    taxPercentage: 20
clients:
  - clientId: c1000000-0000-4000-8000-000000000001
    clientName: Seeded Ltd
    accountManagerId: a1000000-0000-4000-8000-000000000001
services:
  - serviceId: 5e100000-0000-4000-8000-000000000001
    serviceName: Audit
    itemKind: service
    billingMethod: fixed
    defaultRate: 50000
    unitOfMeasure: each
    taxRateId: 7a100000-0000-4000-8000-000000000001
invoices:
  - invoiceId: 1e100000-0000-4000-8000-000000000001
    invoiceNumber: INV-000100
    clientId: c1000000-0000-4000-8000-000000000001
    invoiceDate: 2025-01-31
    dueDate: 2025-02-28
    status: draft
    subtotal: 50000
    tax: 10000
    total: 60000
    items:
      - itemId: 1e200000-0000-4000-8000-000000000001
        serviceId: 5e100000-0000-4000-8000-000000000001
        description: Audit
        quantity: 1
        unitPrice: 50000
        netAmount: 50000
        taxAmount: 10000
        taxRegion: GB
        taxRate: 20
        totalPrice: 60000
        isDiscount: false
        isTaxable: true
`;

describe('alga-emulator data load / export', () => {
  it('should replace the tenant\'s PSA data with a YAML fixture and export it back as JSON that loads again', async () => {
    const fx = await cliFixture();
    await writeFile(join(fx.cwd, 'psa.yaml'), YAML_FIXTURE);
    const loaded = await fx.run(['data', 'load', 'psa.yaml']);
    expect(loaded).toEqual({ code: 0, out: [`loaded psa.yaml (replace) for tenant ${DEFAULT_TENANT}: now 1 client, 1 service, 1 tax rate, 1 invoice`], err: [] });
    const exported = await fx.run(['data', 'export', '--format', 'json']);
    const data = JSON.parse(exported.out.join('\n')) as Record<string, unknown[]>;
    expect(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.length]))).toEqual({ users: 1, serviceTypes: 0, taxRates: 1, clients: 1, services: 1, invoices: 1 });
    expect(data.clients).toEqual([
      { clientId: 'c1000000-0000-4000-8000-000000000001', clientName: 'Seeded Ltd', clientType: null, isInactive: false, defaultCurrencyCode: null, accountManagerId: 'a1000000-0000-4000-8000-000000000001', billingEmail: null },
    ]);
    await writeFile(join(fx.cwd, 'again.json'), exported.out.join('\n'));
    expect((await fx.run(['data', 'load', 'again.json'])).code).toBe(0);
    expect((await fx.run(['data', 'export', '--format', 'json'])).out).toEqual(exported.out);
    const yaml = await fx.run(['data', 'export']);
    expect(yaml.out.join('\n')).toContain('invoiceNumber: INV-000100');
  });

  it('should extend the seeded data instead with --mode extend', async () => {
    const fx = await cliFixture();
    await writeFile(join(fx.cwd, 'one.json'), JSON.stringify({ clients: [{ clientId: 'c1000000-0000-4000-8000-000000000009', clientName: 'Extra' }] }));
    expect((await fx.run(['data', 'load', 'one.json', '--mode', 'extend'])).out).toEqual([
      `loaded one.json (extend) for tenant ${DEFAULT_TENANT}: now 7 clients, 12 services, 3 tax rates, 0 invoices`,
    ]);
  });

  it('should refuse a fixture with a dangling reference, naming the record and field, and load nothing', async () => {
    const fx = await cliFixture();
    const bad = { clients: [{ clientId: 'c1000000-0000-4000-8000-000000000001', clientName: 'X', accountManagerId: 'a9000000-0000-4000-8000-000000000001' }] };
    await writeFile(join(fx.cwd, 'bad.json'), JSON.stringify(bad));
    const run = await fx.run(['data', 'load', 'bad.json']);
    expect(run.code).not.toBe(0);
    expect(run.err.join('\n')).toContain(
      "PSA_FIXTURE_INVALID: Failed to load the PSA fixture: clients[0].accountManagerId names a9000000-0000-4000-8000-000000000001, which is not among the tenant's users. Fix: add it to users or correct accountManagerId",
    );
    const data = JSON.parse((await fx.run(['data', 'export', '--format', 'json'])).out.join('\n')) as { clients: unknown[] };
    expect(data.clients).toHaveLength(6);
  });

  it('should price a YAML invoice without totals as create-manual-invoice does, and refuse one whose total disagrees', async () => {
    const fx = await cliFixture();
    const bare = YAML_FIXTURE.replace(/^ {4}(subtotal|tax|total): \d+\n/gm, '').replace(/^ {8}(netAmount|taxAmount|taxRegion|taxRate|totalPrice|isTaxable): .+\n/gm, '');
    expect(bare).not.toContain('total');
    await writeFile(join(fx.cwd, 'bare.yaml'), bare);
    expect((await fx.run(['data', 'load', 'bare.yaml'])).code).toBe(0);
    const [invoice] = (JSON.parse((await fx.run(['data', 'export', '--format', 'json'])).out.join('\n')) as { invoices: Record<string, unknown>[] }).invoices;
    expect([invoice?.subtotal, invoice?.tax, invoice?.total]).toEqual([50000, 10000, 60000]);
    await writeFile(join(fx.cwd, 'off.yaml'), YAML_FIXTURE.replace('    total: 60000', '    total: 60001'));
    const run = await fx.run(['data', 'load', 'off.yaml']);
    expect([run.code, run.err]).toEqual([1, ['error PSA_FIXTURE_INVALID: Failed to load the PSA fixture: invoices[0].total is 60001, but its lines come to 60000. Fix: leave total out to have it computed, or correct it (amounts are cents)']]);
  });

  it('should refuse a file that is not YAML with PSA_FIXTURE_SYNTAX', async () => {
    const fx = await cliFixture();
    await writeFile(join(fx.cwd, 'broken.json'), '{ "clients": [ ');
    const run = await fx.run(['data', 'load', 'broken.json']);
    expect(run.err.join('\n')).toMatch(/PSA_FIXTURE_SYNTAX: Failed to read the PSA fixture broken.json: it is not valid JSON \(.+\)\. Fix: correct the syntax at that spot\./);
  });
});
