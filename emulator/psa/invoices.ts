/**
 * Manual invoices in the PSA store: `create-manual-invoice` as production's host API runs it
 * (Nine-Minds/alga-psa ee/server/src/lib/extensions/invoicingHostApi.ts), and the invoice records
 * tests and fixtures read and write.
 */
import type Database from 'better-sqlite3';
import type { ValidInvoiceInput } from './invoice-input.ts';
import { ManualInvoiceFailure, priceManualInvoice, type Charge } from './invoice-totals.ts';
import type { ChargeRow, InvoiceRow, psaStatements } from './sql.ts';

type Sql = ReturnType<typeof psaStatements>;

/** One line of an invoice (production's invoice_charges), amounts in cents. */
export type PsaInvoiceItem = Omit<Charge, 'serviceId'> & { serviceId: string | null };

/** An invoice with its lines, amounts in cents. */
export interface PsaInvoice {
  invoiceId: string;
  invoiceNumber: string;
  clientId: string;
  invoiceDate: string;
  dueDate: string;
  poNumber: string | null;
  status: string;
  subtotal: number;
  tax: number;
  total: number;
  isManual: boolean;
  createdBy: string | null;
  items: PsaInvoiceItem[];
}

/** What production's host API answers (the internal route's body). */
export type ManualInvoiceOutcome =
  | { success: true; invoice: { invoiceId: string; invoiceNumber: string; status: string; subtotal: number; tax: number; total: number } }
  | { success: false; error: string; fieldErrors?: Record<string, string> };

/** Production's NUMBERING_DEFAULTS for INVOICE (shared/services/numberingService.ts). */
const INVOICE_NUMBERING = { entity_type: 'INVOICE', prefix: 'INV-', padding_length: 6, initial_value: 1 } as const;

export interface CreateOptions {
  /** YYYY-MM-DD used when the input has no invoice date. */
  today: string;
  newId: () => string;
}

/** Production takes the number before its transaction, so a failed creation still uses one up. */
export function nextInvoiceNumber(db: Database.Database, sql: Sql, tenant: string): string {
  return db.transaction(() => {
    sql.ensureNumbering.run({ tenant, ...INVOICE_NUMBERING });
    const row = sql.bumpNumber.get(tenant, INVOICE_NUMBERING.entity_type);
    if (!row) throw new Error(`Failed to generate invoice number for tenant ${tenant}`);
    return `${row.prefix}${String(row.last_number).padStart(row.padding_length ?? 0, '0')}`;
  })();
}

export function createManualInvoice(db: Database.Database, sql: Sql, tenant: string, input: ValidInvoiceInput, options: CreateOptions): ManualInvoiceOutcome {
  const invoiceId = options.newId();
  const invoiceDate = input.invoiceDate ?? options.today;
  const dueDate = input.dueDate ?? invoiceDate;
  try {
    const invoiceNumber = nextInvoiceNumber(db, sql, tenant);
    const invoice = db.transaction(() => {
      const user = sql.firstUser.get(tenant);
      if (!user) throw new ManualInvoiceFailure('No user found for tenant (required for invoice attribution)');
      if (!sql.clientExists.get(tenant, input.clientId)) throw new ManualInvoiceFailure(`Client not found for tenant ${tenant}`);
      for (const date of [invoiceDate, dueDate]) {
        if (!isCalendarDate(date)) throw new ManualInvoiceFailure(`date/time field value out of range: "${date}"`);
      }
      const priced = priceManualInvoice(input.items, {
        serviceTaxRateId: (id) => sql.serviceTaxRate.get(tenant, id)?.tax_rate_id,
        regionOfTaxRate: (id) => sql.regionOfTaxRate.get(tenant, id)?.region_code,
        activeRates: (region) => sql.activeRatesOfRegion.all(tenant, region).map((r) => r.tax_percentage),
        newItemId: options.newId,
      });
      const record: PsaInvoice = {
        invoiceId,
        invoiceNumber,
        clientId: input.clientId,
        invoiceDate,
        dueDate,
        poNumber: input.poNumber ?? null,
        status: 'draft',
        subtotal: priced.subtotal,
        tax: priced.tax,
        total: priced.total,
        isManual: true,
        createdBy: user.user_id,
        items: priced.charges,
      };
      insertInvoice(sql, tenant, record);
      return record;
    })();
    const { status, subtotal, tax, total } = invoice;
    return { success: true, invoice: { invoiceId, invoiceNumber, status, subtotal, tax, total } };
  } catch (err) {
    const message = err instanceof Error ? err.message : 'Internal error';
    // Production's "best-effort domain mapping" of the thrown message.
    if (/client not found/i.test(message)) return { success: false, error: 'Client not found', fieldErrors: { clientId: 'Client not found' } };
    if (/service not found/i.test(message)) return { success: false, error: 'Service not found', fieldErrors: { serviceId: 'Service not found' } };
    return { success: false, error: message };
  }
}

/** Whether a YYYY-MM-DD string names a real day (Postgres refuses 2025-02-30). */
export function isCalendarDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

export function insertInvoice(sql: Sql, tenant: string, invoice: PsaInvoice): void {
  sql.insertInvoice.run({
    tenant,
    invoice_id: invoice.invoiceId,
    client_id: invoice.clientId,
    invoice_number: invoice.invoiceNumber,
    invoice_date: invoice.invoiceDate,
    due_date: invoice.dueDate,
    po_number: invoice.poNumber,
    status: invoice.status,
    subtotal: invoice.subtotal,
    tax: invoice.tax,
    total_amount: invoice.total,
    is_manual: invoice.isManual ? 1 : 0,
    created_by: invoice.createdBy,
  });
  invoice.items.forEach((c, seq) =>
    sql.insertCharge.run({
      tenant,
      invoice_id: invoice.invoiceId,
      item_id: c.itemId,
      seq,
      service_id: c.serviceId,
      description: c.description,
      quantity: c.quantity,
      unit_price: c.unitPrice,
      net_amount: c.netAmount,
      tax_amount: c.taxAmount,
      tax_region: c.taxRegion,
      tax_rate: c.taxRate,
      total_price: c.totalPrice,
      is_discount: c.isDiscount ? 1 : 0,
      is_taxable: c.isTaxable ? 1 : 0,
      discount_type: c.discountType,
      applies_to_item_id: c.appliesToItemId,
      applies_to_service_id: c.appliesToServiceId,
    }),
  );
}

/** The tenant's invoices in creation order, each with its lines in the order production wrote them. */
export function listInvoices(sql: Sql, tenant: string): PsaInvoice[] {
  const charges = sql.listCharges.all(tenant);
  return sql.listInvoices.all(tenant).map((row) => toInvoice(row, charges.filter((c) => c.invoice_id === row.invoice_id)));
}

function toInvoice(row: InvoiceRow, charges: ChargeRow[]): PsaInvoice {
  return {
    invoiceId: row.invoice_id,
    invoiceNumber: row.invoice_number,
    clientId: row.client_id,
    invoiceDate: row.invoice_date,
    dueDate: row.due_date,
    poNumber: row.po_number,
    status: row.status,
    subtotal: row.subtotal,
    tax: row.tax,
    total: row.total_amount,
    isManual: row.is_manual !== 0,
    createdBy: row.created_by,
    items: charges.map((c) => ({
      itemId: c.item_id,
      serviceId: c.service_id,
      description: c.description,
      quantity: c.quantity,
      unitPrice: c.unit_price,
      netAmount: c.net_amount,
      taxAmount: c.tax_amount,
      taxRegion: c.tax_region,
      taxRate: c.tax_rate,
      totalPrice: c.total_price,
      isDiscount: c.is_discount !== 0,
      isTaxable: c.is_taxable !== 0,
      discountType: c.discount_type === 'percentage' || c.discount_type === 'fixed' ? c.discount_type : null,
      appliesToItemId: c.applies_to_item_id,
      appliesToServiceId: c.applies_to_service_id,
    })),
  };
}
