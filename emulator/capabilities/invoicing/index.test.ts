import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import type { InvocationScope } from '../../contracts/invocation.ts';
import { PsaStore } from '../../psa/psa-store.ts';
import type { CreateManualInvoiceInput, ManualInvoiceItemInput } from '../../wit/generated/host/interfaces/alga-extension-types.js';
import { invoicingCapability } from './index.ts';
import { fakeScope } from '../test-support.ts';

const makeScope = (overrides: Partial<InvocationScope> = {}): InvocationScope =>
  fakeScope({ grants: new Set(['cap:invoice.manual.create']), ...overrides });

const store = new PsaStore({ file: ':memory:' });
afterAll(() => store.close());
const clock = { now: () => Date.parse('2025-03-14T12:00:00Z') };
const host = guardedFunctions(invoicingCapability, { store, rewindable: store.savepoints, clock });
let marked = false;
beforeEach(() => {
  // Each test starts from the untouched fixture (and numbering from INV-000001).
  if (marked) store.savepoints.rollbackTo('start');
  else store.savepoints.mark('start');
  marked = true;
});

const ACME = 'c0000000-0000-4000-8000-000000000001';
const NORTHWIND = 'c0000000-0000-4000-8000-000000000004';
const HELPDESK = '5e000000-0000-4000-8000-000000000003';
const LAPTOP = '5e000000-0000-4000-8000-000000000010';
const MONITOR = '5e000000-0000-4000-8000-000000000011';

const item = (serviceId: string, quantity: number, rate: number, description: string, extra: Partial<ManualInvoiceItemInput> = {}): ManualInvoiceItemInput => ({
  serviceId, quantity, description, rate, isDiscount: undefined, discountType: undefined, appliesToItemId: undefined, appliesToServiceId: undefined, ...extra,
});
const input = (items: ManualInvoiceItemInput[], extra: Partial<CreateManualInvoiceInput> = {}): CreateManualInvoiceInput => ({
  clientId: ACME, items, invoiceDate: undefined, dueDate: undefined, poNumber: undefined, ...extra,
});

function create(value: CreateManualInvoiceInput, scope = makeScope()): Record<string, unknown> {
  if (!host.createManualInvoice) throw new Error('invoicing has no createManualInvoice');
  return host.createManualInvoice(scope, [value]) as Record<string, unknown>;
}

const NONE = { invoiceId: undefined, invoiceNumber: undefined, status: undefined, subtotal: undefined, tax: undefined, total: undefined };
function failed(error: string, fieldErrors?: string) {
  return { success: false, ...NONE, error, fieldErrors };
}
/** The guest's view of production's 400 body. */
function http400(body: Record<string, unknown>) {
  const fields = body.fieldErrors === undefined ? undefined : JSON.stringify(body.fieldErrors);
  return failed(`http 400: ${JSON.stringify({ success: false, ...body })}`, fields);
}

describe('invoicingCapability denials', () => {
  it('answers the permission-denied result without cap:invoice.manual.create', () => {
    const result = create(input([]), makeScope({ grants: new Set(['cap:context.read']) }));
    expect(result).toEqual(failed('Permission denied: cap:invoice.manual.create not granted'));
    expect(Object.keys(result)).toEqual(['success', 'invoiceId', 'invoiceNumber', 'status', 'subtotal', 'tax', 'total', 'error', 'fieldErrors']);
  });

  it.each([undefined, ''])('answers "install_id missing" with the grant but install id %j', (installId) => {
    expect(create(input([]), makeScope({ installId }))).toEqual(failed('Permission denied: install_id missing'));
  });

  it('reports the missing grant before the missing install id', () => {
    expect(create(input([]), makeScope({ grants: new Set(), installId: undefined }))).toEqual(failed('Permission denied: cap:invoice.manual.create not granted'));
  });
});

describe('invoicingCapability.createManualInvoice totals', () => {
  it('creates a numbered draft: lines, a percentage and a fixed discount, tax on taxable lines before discounts', () => {
    const result = create(
      input([
        item(LAPTOP, 2, 129900, 'Laptops'),
        item(MONITOR, 1, 21900, 'Monitor'),
        item(HELPDESK, 1.5, 12500, 'Setup'),
        item(HELPDESK, 1, 10, 'Loyalty 10%', { isDiscount: true, discountType: 'percentage' }),
        item(MONITOR, 1, 5000, 'Monitor promo', { isDiscount: true, discountType: 'fixed', appliesToServiceId: MONITOR }),
      ], { poNumber: '  PO-77 ' }),
    );
    expect(result).toEqual({ success: true, invoiceId: expect.stringMatching(/^[0-9a-f-]{36}$/), invoiceNumber: 'INV-000001', status: 'draft', subtotal: 265405, tax: 25001, total: 290406, error: undefined, fieldErrors: undefined });
    const [invoice] = store.invoices('tenant-a');
    expect(invoice).toMatchObject({ invoiceId: result.invoiceId, clientId: ACME, invoiceDate: '2025-03-14', dueDate: '2025-03-14', poNumber: 'PO-77', status: 'draft', isManual: true });
    expect(invoice?.items.map((i) => [i.description, i.netAmount, i.taxAmount, i.taxRate, i.totalPrice, i.isDiscount, i.isTaxable, i.taxRegion])).toEqual([
      ['Laptops', 259800, 23057, 8.875, 282857, false, true, 'US-NY'],
      ['Monitor', 21900, 1944, 8.875, 23844, false, true, 'US-NY'],
      ['Setup', 18750, 0, 0, 18750, false, false, null],
      ['Loyalty 10%', -30045, 0, 0, -30045, true, false, null],
      ['Monitor promo', -5000, 0, 0, -5000, true, false, 'US-NY'],
    ]);
    expect(invoice?.items[4]).toMatchObject({ unitPrice: -5000, discountType: 'fixed', appliesToItemId: invoice?.items[1]?.itemId, appliesToServiceId: MONITOR });
  });

  it('rounds the rate to cents first, the line to cents, and the tax up', () => {
    expect(create(input([item(MONITOR, 0.333, 100.5, 'Part')]))).toMatchObject({ subtotal: 34, tax: 4, total: 38 });
  });

  it('takes a percentage discount of its target line only, and rounds a 12.5 % rate to 13 % as production does', () => {
    const result = create(input([
      item(LAPTOP, 1, 100000, 'Laptop'),
      item(HELPDESK, 2, 12500, 'Hours'),
      item(HELPDESK, 1, 12.5, 'Hours off', { isDiscount: true, discountType: 'percentage', appliesToServiceId: HELPDESK }),
    ]));
    expect(result).toMatchObject({ subtotal: 100000 + 25000 - 3250, tax: 8875, total: 130625 });
  });

  it('numbers invoices per tenant, and a failed creation still uses its number up', () => {
    expect(create(input([item(HELPDESK, 1, 100, 'x')]))).toMatchObject({ invoiceNumber: 'INV-000001' });
    expect(create(input([item(HELPDESK, 1, 100, 'x')], { clientId: 'c0000000-0000-4000-8000-000000000404' })).success).toBe(false);
    expect(create(input([item(HELPDESK, 1, 100, 'x')]))).toMatchObject({ invoiceNumber: 'INV-000003' });
    expect(create(input([item(HELPDESK, 1, 100, 'x')]), makeScope({ tenantId: 'tenant-b' }))).toMatchObject({ invoiceNumber: 'INV-000001' });
  });

  it('accepts an inactive client and keeps the given dates', () => {
    create(input([item(HELPDESK, 1, 100, 'x')], { clientId: NORTHWIND, invoiceDate: '2025-01-31', dueDate: '2025-02-28' }));
    expect(store.invoices('tenant-a').at(-1)).toMatchObject({ clientId: NORTHWIND, invoiceDate: '2025-01-31', dueDate: '2025-02-28' });
  });
});

describe('invoicingCapability.createManualInvoice failures', () => {
  it('answers production\'s field errors, first per field, in check order', () => {
    const result = create({
      clientId: 'nope',
      items: [
        item('', 0, -1, ' '),
        item(HELPDESK, 1, 150, 'Off', { isDiscount: true, discountType: 'percentage' }),
        item(HELPDESK, 1, 1, 'x', { discountType: 'fixed', appliesToServiceId: HELPDESK }),
        item(HELPDESK, Number.NaN, Number.NaN, 'y'),
      ],
      invoiceDate: '14/03/2025',
      dueDate: undefined,
      poNumber: 'p'.repeat(129),
    });
    expect(result).toEqual(http400({
      error: 'Validation error',
      fieldErrors: {
        clientId: 'Invalid UUID',
        'items[0].serviceId': 'Required',
        'items[0].description': 'Required',
        'items[0].quantity': 'Must be > 0',
        'items[0].rate': 'Must be >= 0',
        'items[1].rate': 'Percentage discount rate must be between 0 and 100',
        'items[2].discountType': 'Not allowed unless isDiscount=true',
        'items[2]': 'appliesTo* fields require isDiscount=true',
        'items[3].quantity': 'Must be > 0',
        invoiceDate: 'Invalid date (expected YYYY-MM-DD)',
        poNumber: 'Too long',
      },
    }));
  });

  it('asks for at least one item and a discount type', () => {
    expect(create(input([]))).toEqual(http400({ error: 'Validation error', fieldErrors: { items: 'Must include at least one item' } }));
    expect(create(input([item(HELPDESK, 1, 5, 'd', { isDiscount: true })]))).toEqual(
      http400({ error: 'Validation error', fieldErrors: { 'items[0].discountType': 'Required when isDiscount=true' } }),
    );
  });

  it('maps an unknown client to production\'s Client not found', () => {
    expect(create(input([item(HELPDESK, 1, 100, 'x')], { clientId: 'c0000000-0000-4000-8000-000000000404' }))).toEqual(
      http400({ error: 'Client not found', fieldErrors: { clientId: 'Client not found' } }),
    );
  });

  it.each([
    [[item('5e000000-0000-4000-8000-000000000404', 1, 100, ' Widget ')], "The selected service for 'Widget' is not available in this workspace."],
    [[item(HELPDESK, 1, 100, 'x'), item(HELPDESK, 1, 5, 'd', { isDiscount: true, discountType: 'fixed', appliesToServiceId: LAPTOP })], `Could not find invoice item for service: ${LAPTOP} to apply discount.`],
    [[item(HELPDESK, 1, 100, 'x'), item(HELPDESK, 1, 5, 'd', { isDiscount: true, discountType: 'fixed', appliesToItemId: HELPDESK })], 'The selected discount target is not a line on this invoice.'],
  ])('answers production\'s message for %#', (items, message) => {
    expect(create(input(items))).toEqual(http400({ error: message }));
    expect(store.invoices('tenant-a')).toEqual([]);
  });

  it('refuses a date that is not a calendar day', () => {
    expect(create(input([item(HELPDESK, 1, 100, 'x')], { invoiceDate: '2025-02-30' }))).toEqual(http400({ error: 'date/time field value out of range: "2025-02-30"' }));
  });

  it('needs a user of the tenant to attribute the invoice to', () => {
    store.loadFixture('tenant-a', { clients: [{ clientId: ACME, clientName: 'Acme' }], services: [{ serviceId: HELPDESK, serviceName: 'H', itemKind: 'service', billingMethod: 'hourly', defaultRate: 100, unitOfMeasure: 'hour' }] });
    expect(create(input([item(HELPDESK, 1, 100, 'x')]))).toEqual(http400({ error: 'No user found for tenant (required for invoice attribution)' }));
  });
});
