/**
 * The PSA fixture format authors load and export (`emu.psa.seed`, `alga-emulator data load` /
 * `data export`): camelCase records per kind, amounts in cents, ids as UUIDs. A bad record is
 * refused with PSA_FIXTURE_INVALID naming the record and the field; a load runs in one
 * transaction, so a refused fixture changes nothing.
 */
import { EmulatorError } from '../errors.ts';
import { PsaFixtureError } from './fixture-error.ts';
import { priceFixtureInvoice, type FixtureInvoice } from './fixture-invoices.ts';
import { insertInvoice, isCalendarDate, listInvoices, type PsaInvoice } from './invoices.ts';

export { PsaFixtureError };
export type { FixtureInvoice, FixtureInvoiceItem } from './fixture-invoices.ts';
import type { psaStatements } from './sql.ts';

type Sql = ReturnType<typeof psaStatements>;

export interface FixtureUser { userId: string; firstName?: string | null; lastName?: string | null; email: string }
export interface FixtureServiceType { serviceTypeId: string; name: string }
export interface FixtureTaxRate { taxRateId: string; regionCode: string; name: string; taxPercentage: number; isActive?: boolean }
export interface FixtureClient {
  clientId: string;
  clientName: string;
  clientType?: 'company' | 'individual' | null;
  isInactive?: boolean;
  defaultCurrencyCode?: string | null;
  accountManagerId?: string | null;
  billingEmail?: string | null;
}
export interface FixtureService {
  serviceId: string;
  serviceName: string;
  description?: string | null;
  itemKind: 'service' | 'product';
  billingMethod: 'fixed' | 'hourly' | 'usage';
  serviceTypeId?: string | null;
  /** Cents. */
  defaultRate: number;
  unitOfMeasure: string;
  isActive?: boolean;
  sku?: string | null;
  taxRateId?: string | null;
}

/** A tenant's PSA data as a file holds it; a missing kind is empty. */
export interface PsaFixture {
  users?: FixtureUser[];
  serviceTypes?: FixtureServiceType[];
  taxRates?: FixtureTaxRate[];
  clients?: FixtureClient[];
  services?: FixtureService[];
  /** Totals and line amounts are computed as `create-manual-invoice` computes them; given ones must agree. */
  invoices?: FixtureInvoice[];
}

/** A tenant's PSA data as `data export` / `emu.psa.export()` give it: every kind, invoices computed. */
export type PsaFixtureData = Required<Omit<PsaFixture, 'invoices'>> & { invoices: PsaInvoice[] };

/** `replace`: the tenant's PSA data becomes the fixture. `extend`: records are added or replaced by id. */
export type FixtureMode = 'replace' | 'extend';

type Kind = 'string' | 'uuid' | 'boolean' | 'cents' | 'number' | 'date' | readonly string[] | 'items';
interface FieldSpec { kind: Kind; required?: boolean; nullable?: boolean }
const req = (kind: Kind): FieldSpec => ({ kind, required: true });
const opt = (kind: Kind): FieldSpec => ({ kind, nullable: true });

// Inputs, then what they compute to (optional: filled in, or checked against the computation).
const ITEM_FIELDS: Record<string, FieldSpec> = {
  itemId: req('uuid'), serviceId: opt('uuid'), description: req('string'), quantity: req('number'), rate: { kind: 'number' },
  isDiscount: { kind: 'boolean' }, discountType: opt(['percentage', 'fixed']), appliesToItemId: opt('uuid'), appliesToServiceId: opt('uuid'),
  unitPrice: { kind: 'cents' }, netAmount: { kind: 'cents' }, taxAmount: { kind: 'cents' }, taxRegion: opt('string'), taxRate: { kind: 'number' },
  totalPrice: { kind: 'cents' }, isTaxable: { kind: 'boolean' },
};

const KINDS = {
  users: { userId: req('uuid'), firstName: opt('string'), lastName: opt('string'), email: req('string') },
  serviceTypes: { serviceTypeId: req('uuid'), name: req('string') },
  taxRates: { taxRateId: req('uuid'), regionCode: req('string'), name: req('string'), taxPercentage: req('number'), isActive: { kind: 'boolean' } },
  clients: {
    clientId: req('uuid'), clientName: req('string'), clientType: opt(['company', 'individual']), isInactive: { kind: 'boolean' },
    defaultCurrencyCode: opt('string'), accountManagerId: opt('uuid'), billingEmail: opt('string'),
  },
  services: {
    serviceId: req('uuid'), serviceName: req('string'), description: opt('string'), itemKind: req(['service', 'product']),
    billingMethod: req(['fixed', 'hourly', 'usage']), serviceTypeId: opt('uuid'), defaultRate: req('cents'), unitOfMeasure: req('string'),
    isActive: { kind: 'boolean' }, sku: opt('string'), taxRateId: opt('uuid'),
  },
  invoices: {
    invoiceId: req('uuid'), invoiceNumber: req('string'), clientId: req('uuid'), invoiceDate: req('date'), dueDate: req('date'),
    poNumber: opt('string'), status: req('string'), subtotal: { kind: 'cents' }, tax: { kind: 'cents' }, total: { kind: 'cents' },
    isManual: { kind: 'boolean' }, createdBy: opt('uuid'), items: { kind: 'items' },
  },
} satisfies Record<keyof PsaFixture, Record<string, FieldSpec>>;

type KindName = keyof typeof KINDS;
const KIND_NAMES = Object.keys(KINDS) as KindName[];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIX = 'correct that field in the fixture and load it again';

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function checkValue(record: string, field: string, spec: FieldSpec, value: unknown): void {
  const bad = (expected: string) => new PsaFixtureError(record, field, `must be ${expected}, got ${describe(value)}`, FIX);
  if (value === undefined || value === null) {
    if (spec.required) throw new PsaFixtureError(record, field, 'is required', `add ${field} to ${record}`);
    if (value === null && !spec.nullable) throw bad('true or false');
    return;
  }
  const { kind } = spec;
  if (Array.isArray(kind)) {
    if (!kind.includes(value as string)) throw bad(`one of ${kind.join(', ')}`);
  } else if (kind === 'string') {
    if (typeof value !== 'string' || (spec.required && value.trim() === '')) throw bad('a non-empty string');
  } else if (kind === 'uuid') {
    if (typeof value !== 'string' || !UUID.test(value)) throw bad('a UUID (8-4-4-4-12 hex digits)');
  } else if (kind === 'boolean') {
    if (typeof value !== 'boolean') throw bad('true or false');
  } else if (kind === 'cents') {
    if (!Number.isSafeInteger(value)) throw bad('a whole number of cents');
  } else if (kind === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('a number');
  } else if (kind === 'date') {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || !isCalendarDate(value)) throw bad('a date as YYYY-MM-DD');
  } else if (kind === 'items') {
    if (!Array.isArray(value)) throw bad('a list of invoice items');
    value.forEach((item, i) => checkRecord(`${record}.items[${i}]`, ITEM_FIELDS, item));
  }
}

function checkRecord(record: string, fields: Record<string, FieldSpec>, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PsaFixtureError(record, '', `must be an object, got ${describe(value)}`, FIX);
  const unknown = Object.keys(value).find((k) => !(k in fields));
  if (unknown !== undefined) throw new PsaFixtureError(record, unknown, 'is not a field of this record', `use only ${Object.keys(fields).join(', ')}`);
  for (const [field, spec] of Object.entries(fields)) checkValue(record, field, spec, (value as Record<string, unknown>)[field]);
}

/** Checks the shape of every record (types, required fields, duplicates); references are checked on load. */
export function parseFixture(value: unknown): PsaFixture {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PsaFixtureError('fixture', '', `must be an object with ${KIND_NAMES.join(', ')}, got ${describe(value)}`, 'write the records under those keys');
  }
  for (const [key, list] of Object.entries(value)) {
    if (!KIND_NAMES.includes(key as KindName)) throw new PsaFixtureError('fixture', key, 'is not a kind of PSA record', `use only ${KIND_NAMES.join(', ')}`);
    if (!Array.isArray(list)) throw new PsaFixtureError('fixture', key, `must be a list, got ${describe(list)}`, `write ${key} as a list of records`);
    const fields: Record<string, FieldSpec> = KINDS[key as KindName];
    const idField = Object.keys(fields)[0] as string;
    const seen = new Set<unknown>();
    list.forEach((record, i) => {
      checkRecord(`${key}[${i}]`, fields, record);
      const id = (record as Record<string, unknown>)[idField];
      if (seen.has(id)) throw new PsaFixtureError(`${key}[${i}]`, idField, `repeats ${describe(id)}`, `give each of ${key} its own ${idField}`);
      seen.add(id);
    });
  }
  return value as PsaFixture;
}

/** Writes a checked fixture for the tenant; the caller runs it in one transaction. */
export function writeFixture(sql: Sql, tenant: string, fixture: PsaFixture, mode: FixtureMode): void {
  if (mode === 'replace') for (const del of sql.deleteTenant) del.run(tenant);
  for (const u of fixture.users ?? []) sql.insertUser.run({ tenant, user_id: u.userId, first_name: u.firstName ?? null, last_name: u.lastName ?? null, email: u.email });
  for (const t of fixture.serviceTypes ?? []) sql.insertServiceType.run({ tenant, id: t.serviceTypeId, name: t.name });
  for (const r of fixture.taxRates ?? []) {
    sql.insertTaxRate.run({ tenant, tax_rate_id: r.taxRateId, region_code: r.regionCode, name: r.name, tax_percentage: r.taxPercentage, is_active: r.isActive === false ? 0 : 1 });
  }
  for (const c of fixture.clients ?? []) {
    sql.insertClient.run({
      tenant, client_id: c.clientId, client_name: c.clientName, client_type: c.clientType ?? null, is_inactive: c.isInactive ? 1 : 0,
      default_currency_code: c.defaultCurrencyCode ?? null, account_manager_id: c.accountManagerId ?? null, billing_email: c.billingEmail ?? null,
    });
  }
  for (const s of fixture.services ?? []) {
    sql.insertService.run({
      tenant, service_id: s.serviceId, service_name: s.serviceName, description: s.description ?? null, item_kind: s.itemKind,
      billing_method: s.billingMethod, custom_service_type_id: s.serviceTypeId ?? null, default_rate: s.defaultRate,
      unit_of_measure: s.unitOfMeasure, unit_code: null, is_active: s.isActive === false ? 0 : 1, sku: s.sku ?? null, tax_rate_id: s.taxRateId ?? null,
    });
  }
  // After services and tax rates: an invoice is priced against them (its own and, when extending, stored ones).
  (fixture.invoices ?? []).forEach((inv, i) => insertInvoice(sql, tenant, priceFixtureInvoice(sql, tenant, inv, `invoices[${i}]`)));
  checkReferences(sql, tenant, fixture);
  sql.markSeeded.run(tenant);
}

/** References may point into the fixture or, when extending, at records already stored. */
function checkReferences(sql: Sql, tenant: string, fixture: PsaFixture): void {
  const users = new Set(sql.allUsers.all(tenant).map((u) => u.user_id));
  const types = new Set(sql.allServiceTypes.all(tenant).map((t) => t.id));
  const rates = new Set(sql.allTaxRates.all(tenant).map((r) => r.tax_rate_id));
  const clients = new Set(sql.allClients.all(tenant).map((c) => c.client_id));
  const refs: [KindName, string, Set<string>, KindName][] = [
    ['clients', 'accountManagerId', users, 'users'],
    ['services', 'serviceTypeId', types, 'serviceTypes'],
    ['services', 'taxRateId', rates, 'taxRates'],
    ['invoices', 'clientId', clients, 'clients'],
  ];
  for (const [kind, field, known, target] of refs) {
    (fixture[kind] ?? []).forEach((record, i) => {
      const id = (record as unknown as Record<string, string | null | undefined>)[field];
      if (id != null && !known.has(id)) throw new PsaFixtureError(`${kind}[${i}]`, field, `names ${id}, which is not among the tenant's ${target}`, `add it to ${target} or correct ${field}`);
    });
  }
}

/** The tenant's PSA data in the fixture format (loading it back gives the same data). */
export function readFixture(sql: Sql, tenant: string): PsaFixtureData {
  return {
    users: sql.allUsers.all(tenant).map((u) => ({ userId: u.user_id, firstName: u.first_name, lastName: u.last_name, email: u.email })),
    serviceTypes: sql.allServiceTypes.all(tenant).map((t) => ({ serviceTypeId: t.id, name: t.name })),
    taxRates: sql.allTaxRates.all(tenant).map((r) => ({ taxRateId: r.tax_rate_id, regionCode: r.region_code, name: r.name, taxPercentage: r.tax_percentage, isActive: r.is_active !== 0 })),
    clients: sql.allClients.all(tenant).map((c) => ({
      clientId: c.client_id, clientName: c.client_name, clientType: c.client_type === 'company' || c.client_type === 'individual' ? c.client_type : null,
      isInactive: c.is_inactive !== 0, defaultCurrencyCode: c.default_currency_code, accountManagerId: c.account_manager_id, billingEmail: c.billing_email,
    })),
    services: sql.allServices.all(tenant).map((s) => ({
      serviceId: s.service_id, serviceName: s.service_name, description: s.description, itemKind: s.item_kind, billingMethod: s.billing_method,
      serviceTypeId: s.custom_service_type_id, defaultRate: s.default_rate, unitOfMeasure: s.unit_of_measure, isActive: s.is_active !== 0, sku: s.sku, taxRateId: s.tax_rate_id,
    })),
    invoices: listInvoices(sql, tenant),
  };
}

/** Parses file text: JSON for `.json`, else YAML (which also reads JSON). */
export async function parseFixtureText(text: string, fileName: string): Promise<PsaFixture> {
  let value: unknown;
  try {
    if (fileName.toLowerCase().endsWith('.json')) value = JSON.parse(text);
    else value = (await import('yaml')).parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new EmulatorError('PSA_FIXTURE_SYNTAX', `Failed to read the PSA fixture ${fileName}: it is not valid ${fileName.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'} (${why}). Fix: correct the syntax at that spot.`, { cause: err });
  }
  return parseFixture(value);
}

