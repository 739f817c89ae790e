// psa-invoices' iframe UI: lists the tenant's clients and services and creates a draft invoice,
// all through the extension's own handler (apiproxy bridge of @alga-psa/extension-iframe-sdk).
// Bundled by esbuild into ui/app.js (inline scripts are blocked by the Runner's CSP).
import { IframeBridge, callHandlerJson, subscribeTheme } from '@alga-psa/extension-iframe-sdk';

interface Page<T> {
  items: T[];
  totalCount: number;
  page: number;
  pageSize: number;
}
interface Client {
  clientId: string;
  clientName: string;
  defaultCurrencyCode?: string | null;
  billingEmail?: string | null;
}
interface Service {
  serviceId: string;
  serviceName: string;
  billingMethod: string;
  defaultRate: number;
  unitOfMeasure: string;
}
interface InvoiceResult {
  success: boolean;
  invoiceNumber: string | null;
  subtotal: number | null;
  tax: number | null;
  total: number | null;
  error: string | null;
  fieldErrors: Record<string, string> | null;
}

const bridge = new IframeBridge({ devAllowWildcard: false });
subscribeTheme(bridge);

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const money = (cents: number | null): string => (cents === null ? '?' : (cents / 100).toFixed(2));

function reportHeight(): void {
  bridge.emitToHost('resize', { height: Math.ceil(document.documentElement.scrollHeight) });
}

/** A table of rows of text, with a header row. */
function fillTable(table: HTMLTableElement, header: string[], rows: string[][]): void {
  table.replaceChildren();
  for (const [i, cells] of [header, ...rows].entries()) {
    const tr = table.insertRow();
    for (const cell of cells) {
      const el = document.createElement(i === 0 ? 'th' : 'td');
      el.textContent = cell;
      tr.append(el);
    }
  }
}

function fillSelect(select: HTMLSelectElement, options: { value: string; label: string }[], empty?: string): void {
  select.replaceChildren();
  if (empty !== undefined) select.add(new Option(empty, ''));
  for (const { value, label } of options) select.add(new Option(label, value));
}

async function loadClients(): Promise<void> {
  try {
    const page = await callHandlerJson<Page<Client>>(bridge, '/clients?pageSize=50', { method: 'GET' });
    const clients = page?.items ?? [];
    byId('clients-status').textContent = `${page?.totalCount ?? 0} active clients`;
    fillTable(byId('clients'), ['Client', 'Currency', 'Billing email'], clients.map((c) => [c.clientName, c.defaultCurrencyCode ?? '', c.billingEmail ?? '']));
    fillSelect(byId('client'), clients.map((c) => ({ value: c.clientId, label: c.clientName })));
  } catch (err) {
    byId('clients-status').textContent = `Error: ${(err as Error).message}`;
  }
}

async function loadServices(): Promise<void> {
  try {
    const page = await callHandlerJson<Page<Service>>(bridge, '/services?isActive=true&pageSize=50', { method: 'GET' });
    const services = page?.items ?? [];
    byId('services-status').textContent = `${page?.totalCount ?? 0} active services`;
    fillTable(byId('services'), ['Service', 'Billing', 'Rate'], services.map((s) => [s.serviceName, s.billingMethod, `${money(s.defaultRate)} / ${s.unitOfMeasure}`]));
    const options = services.map((s) => ({ value: s.serviceId, label: s.serviceName }));
    fillSelect(byId('service-1'), options);
    fillSelect(byId('service-2'), options, '(none)');
  } catch (err) {
    byId('services-status').textContent = `Error: ${(err as Error).message}`;
  }
}

async function createInvoice(event: Event): Promise<void> {
  event.preventDefault();
  const items = [1, 2]
    .map((n) => ({ serviceId: byId<HTMLSelectElement>(`service-${n}`).value, quantity: Number(byId<HTMLInputElement>(`quantity-${n}`).value) }))
    .filter((item) => item.serviceId !== '');
  const out = byId('invoice');
  out.className = '';
  try {
    const result = await callHandlerJson<InvoiceResult>(bridge, '/invoices', { method: 'POST', body: { clientId: byId<HTMLSelectElement>('client').value, items } });
    out.textContent = result ? `${result.invoiceNumber} (draft): subtotal ${money(result.subtotal)}, tax ${money(result.tax)}, total ${money(result.total)}` : '(no answer)';
  } catch (err) {
    // A refused invoice is a 400 with the field errors in the JSON the proxy error quotes.
    out.className = 'error';
    out.textContent = `Error: ${(err as Error).message}`;
  }
  reportHeight();
}

byId('invoice-form').addEventListener('submit', (event) => void createInvoice(event));
bridge.ready();
void Promise.all([loadClients(), loadServices()]).then(reportHeight);
