// psa-invoices through the real Gateway, written only with the public harness: the seeded PSA
// fixture's clients and services, invoices over data the test seeds with emu.psa.seed, a refused
// invoice's field error, and what the guest sees when a grant is missing.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { callName, type InstallResult } from '../../../harness/index.ts';
import { useEmulator } from '../../../harness/vitest.ts';
import '../../../harness/matchers.ts';

const SAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url));
const CLIENT = 'c1000000-0000-4000-8000-000000000001';
const AUDIT = '5e100000-0000-4000-8000-000000000001';
const LICENCE = '5e100000-0000-4000-8000-000000000002';
const UK_VAT = '7a000000-0000-4000-8000-000000000003';

describe('psa-invoices', () => {
  let ext: InstallResult;
  const emu = useEmulator({
    env: { EXT_GATEWAY_RATE_LIMIT: 'off' },
    setup: async (e) => {
      ext = await e.install(SAMPLE_DIR);
    },
  });

  it('GET /clients answers a page of the seeded clients, by name, active ones only', async () => {
    const res = await emu.invoke(ext, { path: '/clients', query: { page: '2', pageSize: '2' } });
    expect([res.status, res.json()]).toEqual([
      200,
      {
        items: [
          {
            clientId: 'c0000000-0000-4000-8000-000000000003',
            clientName: 'Cedar Dental Group',
            clientType: 'company',
            isInactive: false,
            defaultCurrencyCode: 'CAD',
            accountManagerId: 'a0000000-0000-4000-8000-000000000001',
            accountManagerName: 'Dana Whitfield',
            billingEmail: 'accounts@cedardental.example',
          },
          {
            clientId: 'c0000000-0000-4000-8000-000000000005',
            clientName: 'Priya Shah',
            clientType: 'individual',
            isInactive: false,
            defaultCurrencyCode: 'GBP',
            billingEmail: 'priya.shah@mail.example',
          },
        ],
        totalCount: 5,
        page: 2,
        pageSize: 2,
      },
    ]);
    expect(res).toHaveCalledCapability('clients.listClients');
  });

  it('GET /clients?search= finds a client by name', async () => {
    const res = await emu.invoke(ext, { path: '/clients', query: { search: 'harbor' } });
    expect((res.json() as { items: { clientName: string }[] }).items.map((c) => c.clientName)).toEqual(['Blue Harbor Logistics']);
  });

  it('GET /services filters the catalog by kind, billing method and activity', async () => {
    const res = await emu.invoke(ext, { path: '/services', query: { itemKind: 'product', billingMethod: 'fixed', isActive: 'true' } });
    expect(res.status).toBe(200);
    const page = res.json() as { items: { serviceName: string; sku: string; defaultRate: number; unitOfMeasure: string }[]; totalCount: number };
    expect(page.items.map((s) => [s.serviceName, s.sku, s.defaultRate, s.unitOfMeasure])).toEqual([
      ['24" Monitor', 'HW-MON-24', 21900, 'each'],
      ['Business Laptop 14"', 'HW-LAPTOP-14', 129900, 'each'],
      ['Microsoft 365 Business Standard', 'LIC-M365-BS', 1250, 'license'],
    ]);
    expect(page.totalCount).toBe(3);
  });

  it('GET /services refuses a filter value the WIT has no case for, before calling the host', async () => {
    const res = await emu.invoke(ext, { path: '/services', query: { billingMethod: 'weekly' } });
    expect([res.status, res.json(), res.hostCalls]).toEqual([400, { error: 'invalid_query', message: 'billingMethod must be one of fixed, hourly, usage' }, []]);
  });

  it('POST /invoices creates a numbered draft with two service lines, priced from the catalog when the line has no rate', async () => {
    emu.psa.seed(
      {
        clients: [{ clientId: CLIENT, clientName: 'Seeded Ltd', defaultCurrencyCode: 'GBP' }],
        services: [
          { serviceId: AUDIT, serviceName: 'Audit', itemKind: 'service', billingMethod: 'fixed', defaultRate: 50000, unitOfMeasure: 'each', taxRateId: UK_VAT },
          { serviceId: LICENCE, serviceName: 'Licence', itemKind: 'product', billingMethod: 'fixed', defaultRate: 1250, unitOfMeasure: 'license' },
        ],
      },
      { mode: 'extend' },
    );
    const res = await emu.invoke(ext, {
      method: 'POST',
      path: '/invoices',
      json: { clientId: CLIENT, invoiceDate: '2025-03-01', items: [{ serviceId: AUDIT, quantity: 1 }, { serviceId: LICENCE, quantity: 4, description: 'Four licences', rate: 1000 }] },
    });
    expect([res.status, res.json()]).toEqual([
      201,
      { success: true, invoiceId: expect.stringMatching(/^[0-9a-f-]{36}$/), invoiceNumber: 'INV-000001', status: 'draft', subtotal: 54000, tax: 10000, total: 64000, error: null, fieldErrors: null },
    ]);
    expect(res).toHaveCalledCapability('services.getService');
    const [invoice] = emu.psa.invoices();
    expect([invoice?.invoiceNumber, invoice?.clientId, invoice?.total]).toEqual(['INV-000001', CLIENT, 64000]);
    expect(invoice?.items.map((i) => [i.description, i.netAmount, i.taxAmount])).toEqual([
      ['Audit', 50000, 10000],
      ['Four licences', 4000, 0],
    ]);
    expect(emu.ledger).toStayWithinGrants();
  });

  it('POST /invoices answers 400 with the field error of a refused invoice, and creates nothing', async () => {
    const res = await emu.invoke(ext, {
      method: 'POST',
      path: '/invoices',
      json: { clientId: 'c0000000-0000-4000-8000-000000000001', items: [{ serviceId: '5e000000-0000-4000-8000-000000000003', quantity: 0 }] },
    });
    expect([res.status, res.json()]).toEqual([
      400,
      {
        success: false,
        invoiceId: null,
        invoiceNumber: null,
        status: null,
        subtotal: null,
        tax: null,
        total: null,
        error: 'http 400: {"success":false,"error":"Validation error","fieldErrors":{"items[0].quantity":"Must be > 0"}}',
        fieldErrors: { 'items[0].quantity': 'Must be > 0' },
      },
    ]);
    expect(emu.psa.invoices()).toEqual([]);
  });
});

describe('psa-invoices without the invoicing grant', () => {
  // The same sample with cap:invoice.manual.create left out of its manifest.
  const dir = mkdtempSync(join(tmpdir(), 'psa-invoices-'));
  cpSync(SAMPLE_DIR, dir, { recursive: true, filter: (src) => !src.includes(`${SAMPLE_DIR}test`) });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { name: string; capabilities: string[] };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, name: 'psa-invoices-readonly', capabilities: manifest.capabilities.filter((c) => c !== 'cap:invoice.manual.create') }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let ext: InstallResult;
  const emu = useEmulator({
    env: { EXT_GATEWAY_RATE_LIMIT: 'off' },
    setup: async (e) => {
      ext = await e.install(dir);
    },
  });

  it('answers 403 with production\'s denial, and the least-privilege report names the grant to add', async () => {
    const res = await emu.invoke(ext, {
      method: 'POST',
      path: '/invoices',
      json: { clientId: 'c0000000-0000-4000-8000-000000000001', items: [{ serviceId: '5e000000-0000-4000-8000-000000000003', quantity: 1 }] },
    });
    expect([res.status, res.json()]).toEqual([
      403,
      { success: false, invoiceId: null, invoiceNumber: null, status: null, subtotal: null, tax: null, total: null, error: 'Permission denied: cap:invoice.manual.create not granted', fieldErrors: null },
    ]);
    const call = res.hostCalls.find((c) => callName(c) === 'invoicing.createManualInvoice');
    // create-manual-invoice has no WIT error type: the denial is a record the call answers.
    expect([call?.outcome, call?.error]).toEqual(['ok', undefined]);
    expect(emu.leastPrivilege(ext).denied).toEqual([
      { capability: 'cap:invoice.manual.create', call: 'invoicing.createManualInvoice', fix: 'add "cap:invoice.manual.create" to "capabilities" in manifest.json', count: 1 },
    ]);
    expect(emu.psa.invoices()).toEqual([]);
  });

  it('still reads clients, which it is granted', async () => {
    const res = await emu.invoke(ext, { path: '/clients', query: { pageSize: '1' } });
    expect([res.status, (res.json() as { totalCount: number }).totalCount]).toEqual([200, 5]);
  });
});
