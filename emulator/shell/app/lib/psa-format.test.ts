import { describe, expect, it } from 'vitest';
import { clientRow, formatCents, formatMoney, formatPercent, formatWhen, invoiceItemRow, invoiceRow, invoiceTotals, scheduleRow, serviceRow, taxRateRow } from './psa-format.ts';
import type { ShellPsaInvoice } from './psa-types.ts';

const invoice: ShellPsaInvoice = {
  invoiceId: 'i1', invoiceNumber: 'INV-000001', clientId: 'c3', clientName: 'Cedar Dental Group', currencyCode: 'CAD', invoiceDate: '2025-03-04', dueDate: '2025-04-03',
  poNumber: null, status: 'draft', subtotal: 43800, tax: 3888, total: 47688,
  items: [{ itemId: 'it1', serviceId: 's11', description: 'Monitors', quantity: 2, unitPrice: 21900, netAmount: 43800, taxAmount: 3888, taxRegion: 'US-NY', taxRate: 8.875, totalPrice: 47688, isDiscount: false }],
};

describe('PSA data formatting', () => {
  it('should format cents as money with thousands separators', () => {
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(25)).toBe('0.25');
    expect(formatCents(129900)).toBe('1,299.00');
    expect(formatCents(123456789)).toBe('1,234,567.89');
    expect(formatCents(-1250)).toBe('-12.50');
    expect(formatMoney(47688, 'CAD')).toBe('476.88 CAD');
    expect(formatMoney(47688, null)).toBe('476.88');
    expect(formatPercent(8.875)).toBe('8.875%');
  });

  it('should format times in UTC to the minute, and none as a dash', () => {
    expect(formatWhen('2026-01-01T00:00:00.000Z')).toBe('2026-01-01 00:00 UTC');
    expect(formatWhen(null)).toBe('—');
    expect(formatWhen('soon')).toBe('soon');
  });

  it('should lay out clients, services and tax rates', () => {
    expect(clientRow({ clientId: 'c6', clientName: 'Umbrella Legal LLP', clientType: 'company', isInactive: true, defaultCurrencyCode: 'EUR', accountManagerName: null, billingEmail: null }))
      .toEqual(['Umbrella Legal LLP', 'company', 'inactive', 'EUR', '—', '—']);
    expect(serviceRow({ serviceId: 's3', serviceName: 'Helpdesk Support', itemKind: 'service', billingMethod: 'hourly', serviceTypeName: 'Professional Services', defaultRate: 12500, unitOfMeasure: 'hour', isActive: true, sku: 'PS-HELP', taxRegion: null }))
      .toEqual(['Helpdesk Support', 'service', 'hourly', 'Professional Services', '125.00 / hour', 'PS-HELP', '—', 'active']);
    expect(taxRateRow({ taxRateId: 't1', regionCode: 'US-NY', name: 'New York State Sales Tax', taxPercentage: 8.875, isActive: true })).toEqual(['US-NY', 'New York State Sales Tax', '8.875%', 'active']);
  });

  it('should lay out an invoice, its lines and its totals in the client\'s currency', () => {
    expect(invoiceRow(invoice)).toEqual(['INV-000001', 'Cedar Dental Group', '2025-03-04', '2025-04-03', '—', 'draft', '438.00 CAD', '38.88 CAD', '476.88 CAD']);
    expect(invoiceItemRow(invoice.items[0]!, 'CAD')).toEqual(['Monitors', '2', '219.00 CAD', '438.00 CAD', '38.88 CAD (US-NY 8.875%)', '476.88 CAD']);
    expect(invoiceItemRow({ ...invoice.items[0]!, description: 'Loyalty', isDiscount: true, taxRegion: null, taxAmount: 0, netAmount: -500, totalPrice: -500, unitPrice: -500, quantity: 1 }, null))
      .toEqual(['Loyalty (discount)', '1', '-5.00', '-5.00', '0.00', '-5.00']);
    expect(invoiceTotals(invoice)).toEqual([['Subtotal', '438.00 CAD'], ['Tax', '38.88 CAD'], ['Total', '476.88 CAD']]);
    expect(invoiceRow({ ...invoice, clientName: null, currencyCode: null, poNumber: 'PO-7' }).slice(0, 5)).toEqual(['INV-000001', 'c3', '2025-03-04', '2025-04-03', 'PO-7']);
  });

  it('should lay out a schedule with its next and last run', () => {
    const base = { scheduleId: 's1', extension: 'acme.reports', installId: 'i1', name: 'nightly', endpoint: 'POST /sync', cron: '0 2 * * *', timezone: 'UTC', enabled: true, nextRunAt: '2025-01-02T02:00:00.000Z', lastRunAt: null, lastRunStatus: null, lastError: null };
    expect(scheduleRow(base)).toEqual(['acme.reports', 'nightly', 'POST /sync', '0 2 * * *', 'UTC', 'yes', '2025-01-02 02:00 UTC', 'never', '—']);
    expect(scheduleRow({ ...base, name: null, enabled: false, nextRunAt: null, lastRunAt: '2025-01-01T02:00:05.000Z', lastRunStatus: 'error', lastError: 'boom' }))
      .toEqual(['acme.reports', '—', 'POST /sync', '0 2 * * *', 'UTC', 'no', '—', 'error at 2025-01-01 02:00 UTC', 'boom']);
  });
});
