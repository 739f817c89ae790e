// psa-invoices: reads the tenant's clients and service catalog and creates draft manual invoices,
// for the iframe UI in ui-src/main.ts. Built with esbuild and componentize-js into dist/main.wasm.
import { jsonResponse, type ExecuteRequest, type ExecuteResponse } from '@alga-psa/extension-runtime';
import { listClients, type ClientsListInput } from 'alga:extension/clients';
import { createManualInvoice, type CreateManualInvoiceResult } from 'alga:extension/invoicing';
import { logInfo } from 'alga:extension/logging';
import { getService, listServices, type ServicesListInput } from 'alga:extension/services';
import type { ManualInvoiceItemInput, ServiceBillingMethod, ServiceItemKind } from 'alga:extension/types';

const decoder = new TextDecoder();
const ITEM_KINDS: readonly ServiceItemKind[] = ['service', 'product'];
const BILLING_METHODS: readonly ServiceBillingMethod[] = ['fixed', 'hourly', 'usage'];

/** A bad query parameter: answered 400 before any host call. */
class BadQuery extends Error {}

/** The WIT error case a host call threw (`not-allowed`, `invalid-input`, `internal`). */
function payloadOf(err: unknown): string {
  return String((err as { payload?: unknown })?.payload ?? err);
}

/** A read's failure: 403 for a missing grant, 400 for input the host refused, 500 otherwise. */
function readError(err: unknown): ExecuteResponse {
  if (err instanceof BadQuery) return jsonResponse({ error: 'invalid_query', message: err.message }, { status: 400 });
  const error = payloadOf(err);
  const status = error === 'not-allowed' ? 403 : error === 'invalid-input' ? 400 : 500;
  return jsonResponse({ error }, { status });
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new BadQuery(`${name} must be a whole number`);
  return Number(value);
}

function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (value !== 'true' && value !== 'false') throw new BadQuery(`${name} must be true or false`);
  return value === 'true';
}

function enumParam<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!allowed.includes(value as T)) throw new BadQuery(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** `GET /clients?search=&includeInactive=&page=&pageSize=`: one page of clients, by name. */
function clients(query: URLSearchParams): ExecuteResponse {
  try {
    const input: ClientsListInput = {
      search: query.get('search') || undefined,
      includeInactive: boolParam(query, 'includeInactive'),
      page: intParam(query, 'page'),
      pageSize: intParam(query, 'pageSize'),
    };
    return jsonResponse(listClients(input));
  } catch (err) {
    return readError(err);
  }
}

/** `GET /services?search=&itemKind=&billingMethod=&isActive=&page=&pageSize=`: one page of the catalog. */
function services(query: URLSearchParams): ExecuteResponse {
  try {
    const input: ServicesListInput = {
      search: query.get('search') || undefined,
      itemKind: enumParam(query, 'itemKind', ITEM_KINDS),
      billingMethod: enumParam(query, 'billingMethod', BILLING_METHODS),
      isActive: boolParam(query, 'isActive'),
      page: intParam(query, 'page'),
      pageSize: intParam(query, 'pageSize'),
    };
    return jsonResponse(listServices(input));
  } catch (err) {
    return readError(err);
  }
}

interface InvoiceLine {
  serviceId?: unknown;
  quantity?: unknown;
  description?: unknown;
  rate?: unknown;
}

interface InvoiceBody {
  clientId?: unknown;
  items?: unknown;
  invoiceDate?: unknown;
  dueDate?: unknown;
  poNumber?: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * A line of the request as the WIT wants it. A line without a description or rate takes the
 * service's name and default rate (cents) from the catalog.
 */
function line(raw: InvoiceLine): ManualInvoiceItemInput {
  const serviceId = text(raw.serviceId) ?? '';
  let description = text(raw.description);
  let rate = num(raw.rate);
  if (description === undefined || rate === undefined) {
    let service;
    try {
      service = getService(serviceId);
    } catch {
      // Not a UUID, or no catalog grant: create-manual-invoice reports the line's field errors.
    }
    description ??= service?.serviceName ?? '';
    rate ??= service?.defaultRate ?? 0;
  }
  return { serviceId, quantity: num(raw.quantity) ?? 0, description, rate };
}

/** The result record as JSON: every field present, field errors parsed from their JSON text. */
function resultJson(result: CreateManualInvoiceResult): Record<string, unknown> {
  return {
    success: result.success,
    invoiceId: result.invoiceId ?? null,
    invoiceNumber: result.invoiceNumber ?? null,
    status: result.status ?? null,
    subtotal: result.subtotal ?? null,
    tax: result.tax ?? null,
    total: result.total ?? null,
    error: result.error ?? null,
    fieldErrors: result.fieldErrors ? (JSON.parse(result.fieldErrors) as Record<string, string>) : null,
  };
}

/** `POST /invoices`: a draft manual invoice for a client; 201 with the record, 400 or 403 with its error. */
function createInvoice(request: ExecuteRequest): ExecuteResponse {
  let body: InvoiceBody;
  try {
    body = JSON.parse(decoder.decode(request.http.body ?? new Uint8Array())) as InvoiceBody;
  } catch {
    return jsonResponse({ error: 'invalid_json' }, { status: 400 });
  }
  if (typeof body !== 'object' || body === null) return jsonResponse({ error: 'invalid_json' }, { status: 400 });
  const items = Array.isArray(body.items) ? (body.items as InvoiceLine[]).map((raw) => line(raw ?? {})) : [];
  const result = createManualInvoice({
    clientId: text(body.clientId) ?? '',
    items,
    invoiceDate: text(body.invoiceDate),
    dueDate: text(body.dueDate),
    poNumber: text(body.poNumber),
  });
  if (result.success) logInfo(`invoice ${result.invoiceNumber} created: total ${result.total}`);
  const status = result.success ? 201 : result.error?.startsWith('Permission denied') ? 403 : 400;
  return jsonResponse(resultJson(result), { status });
}

export async function handler(request: ExecuteRequest): Promise<ExecuteResponse> {
  const url = new URL(request.http.url, 'http://extension.local');
  const route = `${request.http.method.toUpperCase()} ${url.pathname}`;
  if (route === 'GET /clients') return clients(url.searchParams);
  if (route === 'GET /services') return services(url.searchParams);
  if (route === 'POST /invoices') return createInvoice(request);
  return jsonResponse({ error: 'not_found', route }, { status: 404 });
}
