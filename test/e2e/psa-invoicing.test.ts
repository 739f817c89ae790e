// invoicing through the public harness: the test guest's /probe route calls
// create-manual-invoice inside the real component, reached through the Gateway, over the PSA
// store that emu.psa seeds and reads.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type Snapshot, type TestEmulator } from '../../harness/index.ts';
import { TEST_GUEST_DIR } from '../../harness/runner-fixture.ts';

const ACME = 'c0000000-0000-4000-8000-000000000001';
const LAPTOP = '5e000000-0000-4000-8000-000000000010';
const HELPDESK = '5e000000-0000-4000-8000-000000000003';
const NEW_CLIENT = 'c1000000-0000-4000-8000-000000000001';
const VAT_SERVICE = '5e100000-0000-4000-8000-000000000001';
const UK_VAT = '7a000000-0000-4000-8000-000000000003';

describe('invoicing through the Gateway', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  let clean: Snapshot;
  beforeAll(async () => {
    emu = await createEmulator({ env: { EXT_GATEWAY_RATE_LIMIT: 'off' } });
    ext = await emu.install(TEST_GUEST_DIR, { grants: ['cap:invoice.manual.create'] });
    clean = await emu.snapshot();
  });
  beforeEach(() => emu.restore(clean));
  afterAll(async () => {
    await emu.close();
  });

  const createInvoice = async (input: Record<string, unknown>) => {
    const res = await emu.invoke(ext, { method: 'POST', path: '/probe', json: { iface: 'invoicing', fn: 'createManualInvoice', args: [input] } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { ok: Record<string, unknown> }).ok;
  };

  it('should create a numbered draft with production\'s totals, visible in emu.psa.invoices()', async () => {
    const result = await createInvoice({
      clientId: ACME,
      invoiceDate: '2025-03-01',
      items: [
        { serviceId: LAPTOP, quantity: 2, description: 'Laptops', rate: 129900 },
        { serviceId: HELPDESK, quantity: 1.5, description: 'Setup', rate: 12500 },
        { serviceId: HELPDESK, quantity: 1, description: '10% off', rate: 10, isDiscount: true, discountType: 'percentage' },
      ],
    });
    expect(result).toEqual({ success: true, invoiceId: expect.stringMatching(/^[0-9a-f-]{36}$/), invoiceNumber: 'INV-000001', status: 'draft', subtotal: 250695, tax: 23058, total: 273753, error: null, fieldErrors: null });
    const invoices = emu.psa.invoices();
    expect(invoices.map((i) => [i.invoiceId, i.invoiceNumber, i.invoiceDate, i.dueDate, i.subtotal, i.tax, i.total])).toEqual([
      [result.invoiceId, 'INV-000001', '2025-03-01', '2025-03-01', 250695, 23058, 273753],
    ]);
    expect(invoices[0]?.items.map((i) => [i.description, i.netAmount, i.taxAmount])).toEqual([
      ['Laptops', 259800, 23058],
      ['Setup', 18750, 0],
      ['10% off', -27855, 0],
    ]);
  });

  it('should answer production\'s 400 text for bad input and leave no invoice', async () => {
    expect(await createInvoice({ clientId: ACME, items: [{ serviceId: HELPDESK, quantity: 0, description: 'x', rate: 1 }] })).toEqual({
      success: false,
      invoiceId: null,
      invoiceNumber: null,
      status: null,
      subtotal: null,
      tax: null,
      total: null,
      error: 'http 400: {"success":false,"error":"Validation error","fieldErrors":{"items[0].quantity":"Must be > 0"}}',
      fieldErrors: '{"items[0].quantity":"Must be > 0"}',
    });
    expect(emu.psa.invoices()).toEqual([]);
  });

  it('should invoice against seeded data, and restore() should bring the fixture and the numbering back', async () => {
    emu.psa.seed(
      {
        clients: [{ clientId: NEW_CLIENT, clientName: 'Seeded Ltd', defaultCurrencyCode: 'GBP' }],
        services: [{ serviceId: VAT_SERVICE, serviceName: 'Audit', itemKind: 'service', billingMethod: 'fixed', defaultRate: 50000, unitOfMeasure: 'each', taxRateId: UK_VAT }],
      },
      { mode: 'extend' },
    );
    expect(await createInvoice({ clientId: NEW_CLIENT, items: [{ serviceId: VAT_SERVICE, quantity: 1, description: 'Audit', rate: 50000 }] })).toMatchObject({
      invoiceNumber: 'INV-000001',
      subtotal: 50000,
      tax: 10000,
      total: 60000,
    });
    expect(await createInvoice({ clientId: NEW_CLIENT, items: [{ serviceId: VAT_SERVICE, quantity: 1, description: 'Audit', rate: 50000 }] })).toMatchObject({ invoiceNumber: 'INV-000002' });
    await emu.restore(clean);
    expect(emu.psa.invoices()).toEqual([]);
    expect(emu.psa.clients().map((c) => c.clientId)).not.toContain(NEW_CLIENT);
    expect(await createInvoice({ clientId: NEW_CLIENT, items: [{ serviceId: HELPDESK, quantity: 1, description: 'x', rate: 1 }] })).toMatchObject({ error: expect.stringContaining('"error":"Client not found"') });
  });

  it('should refuse a bad fixture with the record and field, loading nothing', () => {
    const before = emu.psa.export();
    let err: unknown;
    try {
      emu.psa.seed({ clients: [{ clientId: NEW_CLIENT, clientName: 'Ok' }, { clientId: 'c1000000-0000-4000-8000-000000000002', clientName: 'Bad', isInactive: 'yes' as unknown as boolean }] });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'PSA_FIXTURE_INVALID',
      record: 'clients[1]',
      field: 'isInactive',
      message: 'Failed to load the PSA fixture: clients[1].isInactive must be true or false, got "yes". Fix: correct that field in the fixture and load it again',
    });
    expect(emu.psa.export()).toEqual(before);
  });
});
