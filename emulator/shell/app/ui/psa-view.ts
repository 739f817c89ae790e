// The PSA data view at /psa: the signed-in MSP user's tenant's clients, services, tax rates,
// invoices (each with its lines and totals behind a toggle) and its extensions' schedules.
import {
  CLIENT_COLUMNS,
  INVOICE_COLUMNS,
  INVOICE_ITEM_COLUMNS,
  SCHEDULE_COLUMNS,
  SERVICE_COLUMNS,
  TAX_RATE_COLUMNS,
  clientRow,
  invoiceItemRow,
  invoiceRow,
  invoiceTotals,
  scheduleRow,
  serviceRow,
  taxRateRow,
} from '../lib/psa-format.ts';
import type { ShellPsaData, ShellPsaInvoice } from '../lib/psa-types.ts';
import { h } from './dom.ts';

export function psaView(data: ShellPsaData, tenantName: string): HTMLElement {
  return h('div', { class: 'psa', 'data-testid': 'psa-view' },
    h('h1', {}, `PSA data (${tenantName})`),
    h('p', { class: 'muted' }, 'What the clients, services and invoicing capabilities read and write for this tenant, and the schedules of its extensions. ',
      'Money is shown from integer cents. Load other data with `alga-emulator data load <file>` or `emu.psa.seed(…)`.'),
    section('clients', `Clients (${data.clients.length})`, data.clients.length === 0 ? 'No clients.' : table('clients', CLIENT_COLUMNS, data.clients.map(clientRow))),
    section('services', `Services and products (${data.services.length})`, data.services.length === 0 ? 'No services.' : table('services', SERVICE_COLUMNS, data.services.map(serviceRow))),
    section('tax-rates', `Tax rates (${data.taxRates.length})`, data.taxRates.length === 0 ? 'No tax rates.' : table('tax-rates', TAX_RATE_COLUMNS, data.taxRates.map(taxRateRow))),
    section('invoices', `Invoices (${data.invoices.length})`, data.invoices.length === 0
      ? 'No invoices yet: invoicing.create-manual-invoice (or a fixture) adds them.'
      : invoicesTable(data.invoices)),
    section('schedules', `Schedules (${data.schedules.length})`, data.schedules.length === 0
      ? 'No schedules: an extension creates them with the scheduler capability.'
      : table('schedules', SCHEDULE_COLUMNS, data.schedules.map(scheduleRow))));
}

export function psaMessage(text: string): HTMLElement {
  return h('div', { class: 'psa', 'data-testid': 'psa-view' }, h('h1', {}, 'PSA data'), h('p', { 'data-testid': 'psa-message' }, text));
}

function section(name: string, title: string, body: HTMLElement | string): HTMLElement {
  return h('section', { 'data-testid': `psa-${name}` }, h('h2', {}, title), typeof body === 'string' ? h('p', { class: 'empty' }, body) : body);
}

function table(name: string, head: string[], rows: string[][]): HTMLElement {
  return h('table', { class: 'installed', 'data-testid': `psa-${name}-table` },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...rows.map((row) => h('tr', { 'data-testid': `psa-${name}-row` }, ...row.map((cell) => h('td', {}, cell))))));
}

/** One row per invoice; its lines and totals sit in the next row, shown by the row's toggle. */
function invoicesTable(invoices: ShellPsaInvoice[]): HTMLElement {
  const body = h('tbody');
  for (const invoice of invoices) {
    const detail = h('tr', { class: 'invoice-detail', 'data-testid': 'psa-invoice-detail', hidden: true },
      h('td', { colspan: INVOICE_COLUMNS.length + 1 }, invoiceDetail(invoice)));
    const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'data-testid': 'psa-invoice-toggle', title: 'Show the lines and totals' }, '▸');
    toggle.addEventListener('click', () => {
      detail.hidden = !detail.hidden;
      toggle.setAttribute('aria-expanded', String(!detail.hidden));
      toggle.textContent = detail.hidden ? '▸' : '▾';
    });
    body.append(h('tr', { 'data-testid': 'psa-invoices-row' }, h('td', {}, toggle), ...invoiceRow(invoice).map((cell) => h('td', {}, cell))), detail);
  }
  return h('table', { class: 'installed', 'data-testid': 'psa-invoices-table' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), ...INVOICE_COLUMNS.map((c) => h('th', {}, c)))), body);
}

function invoiceDetail(invoice: ShellPsaInvoice): HTMLElement {
  return h('div', { class: 'invoice-lines' },
    invoice.items.length === 0 ? h('p', { class: 'empty' }, 'No lines.') : table('invoice-items', INVOICE_ITEM_COLUMNS, invoice.items.map((i) => invoiceItemRow(i, invoice.currencyCode))),
    h('dl', { class: 'settings', 'data-testid': 'psa-invoice-totals' }, ...invoiceTotals(invoice).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
}
