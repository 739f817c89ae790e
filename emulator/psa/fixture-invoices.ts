/**
 * Fixture invoices priced as `create-manual-invoice` prices a new one (invoice-totals.ts): each
 * line's net, tax and total, the invoice's subtotal, tax and total, all in cents, from the lines'
 * quantity and rate and the tenant's services and tax rates. Computed fields a fixture leaves out
 * are filled in; one it gives must equal the computed value, else PSA_FIXTURE_INVALID names it.
 */
import { ManualInvoiceFailure, priceManualInvoice, type Charge, type PricedItem } from './invoice-totals.ts';
import type { PsaInvoice } from './invoices.ts';
import type { psaStatements } from './sql.ts';
import { PsaFixtureError } from './fixture-error.ts';

type Sql = ReturnType<typeof psaStatements>;

/** An invoice line as a fixture gives it: the inputs, and (optionally) what they compute to. */
export interface FixtureInvoiceItem {
  itemId: string;
  serviceId?: string | null;
  description: string;
  quantity: number;
  /** As `create-manual-invoice` takes it: cents, or a percentage discount's percent. Default `unitPrice` (its magnitude for a fixed discount). */
  rate?: number;
  isDiscount?: boolean;
  discountType?: 'percentage' | 'fixed' | null;
  appliesToItemId?: string | null;
  appliesToServiceId?: string | null;
  // Computed; checked when given.
  unitPrice?: number;
  netAmount?: number;
  taxAmount?: number;
  taxRegion?: string | null;
  taxRate?: number;
  totalPrice?: number;
  isTaxable?: boolean;
}

/** An invoice as a fixture gives it (`emu.psa.invoices()` returns the computed shape, which loads back). */
export interface FixtureInvoice {
  invoiceId: string;
  invoiceNumber: string;
  clientId: string;
  invoiceDate: string;
  dueDate: string;
  poNumber?: string | null;
  status: string;
  subtotal?: number;
  tax?: number;
  total?: number;
  isManual?: boolean;
  createdBy?: string | null;
  items?: FixtureInvoiceItem[];
}

/** The computed fields of a line, in the order they are checked. */
const COMPUTED_ITEM_FIELDS = ['unitPrice', 'netAmount', 'taxAmount', 'taxRegion', 'taxRate', 'totalPrice', 'isTaxable', 'discountType'] as const;
/** A line without a service: production's invoice_charges allow it; it is never taxed. */
const NO_SERVICE = '';

function mismatch(record: string, field: string, given: unknown, computed: unknown, how: string): PsaFixtureError {
  return new PsaFixtureError(record, field, `is ${JSON.stringify(given)}, but ${how} ${JSON.stringify(computed)}`, `leave ${field} out to have it computed, or correct it (amounts are cents)`);
}

/** The rate to price a line with; a percentage discount without one keeps its given netAmount (the percent is not stored, as in production). */
function rateOf(item: FixtureInvoiceItem, record: string): { rate: number; keepNet: boolean } {
  const percentage = item.isDiscount === true && item.discountType === 'percentage';
  if (item.rate !== undefined) return { rate: item.rate, keepNet: false };
  if (percentage) {
    if (item.netAmount !== undefined) return { rate: Math.abs(item.netAmount), keepNet: true };
    throw new PsaFixtureError(record, 'rate', 'is required for a percentage discount (its percent)', 'add rate (e.g. 10 for 10 %), or netAmount in cents');
  }
  if (item.unitPrice !== undefined) return { rate: item.isDiscount ? Math.abs(item.unitPrice) : item.unitPrice, keepNet: false };
  throw new PsaFixtureError(record, 'rate', 'is required (or unitPrice)', 'add rate in cents, as create-manual-invoice takes it');
}

/** References inside one invoice, checked before pricing so a refusal names the line. */
function checkLines(sql: Sql, tenant: string, items: readonly FixtureInvoiceItem[], record: string): void {
  items.forEach((item, j) => {
    const at = `${record}.items[${j}]`;
    if (item.serviceId != null && !sql.serviceTaxRate.get(tenant, item.serviceId)) {
      throw new PsaFixtureError(at, 'serviceId', `names ${item.serviceId}, which is not among the tenant's services`, 'add it to services or correct serviceId');
    }
    if (!item.isDiscount) return;
    const lines = items.filter((other) => !other.isDiscount);
    if (item.appliesToItemId != null && !lines.some((other) => other.itemId === item.appliesToItemId)) {
      throw new PsaFixtureError(at, 'appliesToItemId', `names ${item.appliesToItemId}, which is not a line of this invoice that is not a discount`, 'name the itemId of a line of this invoice');
    }
    if (item.appliesToServiceId != null && item.appliesToItemId == null && !lines.some((other) => other.serviceId === item.appliesToServiceId)) {
      throw new PsaFixtureError(at, 'appliesToServiceId', `names ${item.appliesToServiceId}, which no line of this invoice bills`, 'name the serviceId of a line of this invoice');
    }
  });
}

/** The invoice with every line and total computed; PSA_FIXTURE_INVALID when a given value disagrees. */
export function priceFixtureInvoice(sql: Sql, tenant: string, invoice: FixtureInvoice, record: string): PsaInvoice {
  const items = invoice.items ?? [];
  checkLines(sql, tenant, items, record);
  const rates = items.map((item, j) => rateOf(item, `${record}.items[${j}]`));
  const input: PricedItem[] = items.map((item, j) => ({
    itemId: item.itemId,
    serviceId: item.serviceId ?? NO_SERVICE,
    quantity: item.quantity,
    description: item.description,
    rate: rates[j]?.rate ?? 0,
    isDiscount: item.isDiscount === true,
    ...(item.isDiscount ? { discountType: rates[j]?.keepNet ? 'fixed' : (item.discountType ?? 'fixed') } : {}),
    ...(item.appliesToItemId != null ? { appliesToItemId: item.appliesToItemId } : {}),
    ...(item.appliesToServiceId != null ? { appliesToServiceId: item.appliesToServiceId } : {}),
  }));
  let priced: ReturnType<typeof priceManualInvoice>;
  try {
    priced = priceManualInvoice(input, {
      serviceTaxRateId: (id) => (id === NO_SERVICE ? null : sql.serviceTaxRate.get(tenant, id)?.tax_rate_id),
      regionOfTaxRate: (id) => sql.regionOfTaxRate.get(tenant, id)?.region_code,
      activeRates: (region) => sql.activeRatesOfRegion.all(tenant, region).map((r) => r.tax_percentage),
      newItemId: () => {
        throw new Error('every fixture line has its itemId');
      },
    });
  } catch (err) {
    if (err instanceof ManualInvoiceFailure) throw new PsaFixtureError(record, 'items', `cannot be priced: ${err.message}`, 'correct the lines the message names');
    throw err;
  }
  const byId = new Map(priced.charges.map((c) => [c.itemId, c]));
  const lines = items.map((item, j): Charge => {
    const computed = byId.get(item.itemId) as Charge;
    // A percentage discount priced from its netAmount: its type and unit price are the percentage's.
    const line = rates[j]?.keepNet ? { ...computed, discountType: 'percentage' as const, unitPrice: 0 } : computed;
    for (const field of COMPUTED_ITEM_FIELDS) {
      const given = item[field];
      if (given !== undefined && given !== line[field]) throw mismatch(`${record}.items[${j}]`, field, given, line[field], 'create-manual-invoice prices the line at');
    }
    return { ...line, serviceId: item.serviceId ?? NO_SERVICE };
  });
  for (const [field, value] of [['subtotal', priced.subtotal], ['tax', priced.tax], ['total', priced.total]] as const) {
    const given = invoice[field];
    if (given !== undefined && given !== value) throw mismatch(record, field, given, value, `its lines come to`);
  }
  return {
    invoiceId: invoice.invoiceId,
    invoiceNumber: invoice.invoiceNumber,
    clientId: invoice.clientId,
    invoiceDate: invoice.invoiceDate,
    dueDate: invoice.dueDate,
    poNumber: invoice.poNumber ?? null,
    status: invoice.status,
    subtotal: priced.subtotal,
    tax: priced.tax,
    total: priced.total,
    isManual: invoice.isManual ?? true,
    createdBy: invoice.createdBy ?? null,
    items: lines.map((c) => ({ ...c, serviceId: c.serviceId === NO_SERVICE ? null : c.serviceId })),
  };
}
