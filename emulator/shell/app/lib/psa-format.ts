// The PSA data view's text: money from integer cents, times, and one row of cells per record.
import type { ShellPsaClient, ShellPsaInvoice, ShellPsaInvoiceItem, ShellPsaSchedule, ShellPsaService, ShellPsaTaxRate } from './psa-types.ts';

/** What an absent value shows. */
export const NONE = '—';

/** `129900` → `1,299.00`; `-1250` → `-12.50`. Integer cents only (production's amounts). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** `formatCents` followed by the currency code when there is one: `1,299.00 USD`. */
export function formatMoney(cents: number, currency: string | null): string {
  return currency ? `${formatCents(cents)} ${currency}` : formatCents(cents);
}

export function formatPercent(value: number): string {
  return `${value}%`;
}

/** An ISO time as `2025-01-02 02:00 UTC`; null as `—`. */
export function formatWhen(iso: string | null): string {
  if (iso === null) return NONE;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const CLIENT_COLUMNS = ['client', 'type', 'status', 'currency', 'account manager', 'billing email'];
export function clientRow(c: ShellPsaClient): string[] {
  return [c.clientName, c.clientType ?? NONE, c.isInactive ? 'inactive' : 'active', c.defaultCurrencyCode ?? NONE, c.accountManagerName ?? NONE, c.billingEmail ?? NONE];
}

export const SERVICE_COLUMNS = ['service', 'kind', 'billing', 'type', 'rate', 'SKU', 'tax region', 'status'];
export function serviceRow(s: ShellPsaService): string[] {
  return [s.serviceName, s.itemKind, s.billingMethod, s.serviceTypeName ?? NONE, `${formatCents(s.defaultRate)} / ${s.unitOfMeasure}`, s.sku ?? NONE, s.taxRegion ?? NONE, s.isActive ? 'active' : 'inactive'];
}

export const TAX_RATE_COLUMNS = ['region', 'name', 'rate', 'status'];
export function taxRateRow(r: ShellPsaTaxRate): string[] {
  return [r.regionCode, r.name, formatPercent(r.taxPercentage), r.isActive ? 'active' : 'inactive'];
}

export const INVOICE_COLUMNS = ['invoice', 'client', 'date', 'due', 'PO', 'status', 'subtotal', 'tax', 'total'];
export function invoiceRow(i: ShellPsaInvoice): string[] {
  return [i.invoiceNumber, i.clientName ?? i.clientId, i.invoiceDate, i.dueDate, i.poNumber ?? NONE, i.status,
    formatMoney(i.subtotal, i.currencyCode), formatMoney(i.tax, i.currencyCode), formatMoney(i.total, i.currencyCode)];
}

export const INVOICE_ITEM_COLUMNS = ['description', 'quantity', 'unit price', 'net', 'tax', 'total'];
export function invoiceItemRow(item: ShellPsaInvoiceItem, currency: string | null): string[] {
  const tax = item.taxRegion === null ? formatMoney(item.taxAmount, currency) : `${formatMoney(item.taxAmount, currency)} (${item.taxRegion} ${formatPercent(item.taxRate)})`;
  return [item.isDiscount ? `${item.description} (discount)` : item.description, String(item.quantity), formatMoney(item.unitPrice, currency),
    formatMoney(item.netAmount, currency), tax, formatMoney(item.totalPrice, currency)];
}

/** The totals under an invoice's lines. */
export function invoiceTotals(i: ShellPsaInvoice): [string, string][] {
  return [['Subtotal', formatMoney(i.subtotal, i.currencyCode)], ['Tax', formatMoney(i.tax, i.currencyCode)], ['Total', formatMoney(i.total, i.currencyCode)]];
}

export const SCHEDULE_COLUMNS = ['extension', 'name', 'endpoint', 'cron', 'timezone', 'enabled', 'next run', 'last run', 'last error'];
export function scheduleRow(s: ShellPsaSchedule): string[] {
  const last = s.lastRunAt === null ? 'never' : `${s.lastRunStatus ?? 'unknown'} at ${formatWhen(s.lastRunAt)}`;
  return [s.extension, s.name ?? NONE, s.endpoint, s.cron, s.timezone, s.enabled ? 'yes' : 'no', formatWhen(s.nextRunAt), last, s.lastError ?? NONE];
}
