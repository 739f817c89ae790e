import Database from 'better-sqlite3';
import { SqliteSavepoints } from '../sqlite-savepoints.ts';
import type {
  ClientSummary,
  ClientsListResult,
  ServiceBillingMethod,
  ServiceItemKind,
  ServiceSummary,
  ServicesListResult,
} from '../wit/generated/host/interfaces/alga-extension-types.js';
import { parseFixture, readFixture, writeFixture, type FixtureMode, type PsaFixtureData } from './fixture.ts';
import type { ValidInvoiceInput } from './invoice-input.ts';
import { createManualInvoice, listInvoices, type CreateOptions, type ManualInvoiceOutcome, type PsaInvoice } from './invoices.ts';
import { SEED_CLIENTS, SEED_SERVICE_TYPES, SEED_SERVICES, SEED_TAX_RATES, SEED_USERS } from './seed.ts';
import { createPsaSchema, psaStatements, type ClientRow, type ServiceRow, type TaxRateRow } from './sql.ts';

/** A validated client list request (see list-input.ts): paging is already in range. */
export interface ClientQuery {
  search?: string;
  includeInactive: boolean;
  page: number;
  pageSize: number;
}

/** A validated service list request; an absent filter matches every row. */
export interface ServiceQuery {
  search?: string;
  itemKind?: ServiceItemKind;
  isActive?: boolean;
  billingMethod?: ServiceBillingMethod;
  page: number;
  pageSize: number;
}

export interface TaxRate {
  taxRateId: string;
  regionCode: string;
  name: string;
  taxPercentage: number;
  isActive: boolean;
}

/**
 * The emulator's PSA back office over SQLite (better-sqlite3): clients, the service catalog and
 * tax rates per tenant. A tenant's fixture (seed.ts) is written on its first read, inside the
 * read's transaction, so a snapshot taken before that read rewinds the seeding too.
 */
export class PsaStore {
  readonly #db: Database.Database;
  readonly #sql: ReturnType<typeof psaStatements>;
  /** Savepoints over the PSA database (the harness's `snapshot()` / `restore()`). */
  readonly savepoints: SqliteSavepoints;

  /** `file` may be `:memory:` (tests). */
  constructor(options: { file: string }) {
    this.#db = new Database(options.file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    // Postgres ILIKE folds case beyond ASCII; SQLite's LIKE does not, so both sides are folded in JS.
    this.#db.function('psa_fold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
    createPsaSchema(this.#db);
    this.#sql = psaStatements(this.#db);
    this.savepoints = new SqliteSavepoints(this.#db, 'PSA data');
  }

  listClients(tenant: string, query: ClientQuery): ClientsListResult {
    return this.#read(tenant, () => {
      const filter = { tenant, search: likePattern(query.search), includeInactive: query.includeInactive ? 1 : 0 } as const;
      const totalCount = this.#sql.countClients.get(filter)?.n ?? 0;
      const rows = this.#sql.listClients.all({ ...filter, ...page(query) });
      return { items: rows.map(toClientSummary), totalCount, page: query.page, pageSize: query.pageSize };
    });
  }

  getClient(tenant: string, clientId: string): ClientSummary | undefined {
    return this.#read(tenant, () => {
      const row = this.#sql.getClient.get(tenant, clientId);
      return row && toClientSummary(row);
    });
  }

  listServices(tenant: string, query: ServiceQuery): ServicesListResult {
    return this.#read(tenant, () => {
      const filter = {
        tenant,
        search: likePattern(query.search),
        itemKind: query.itemKind ?? null,
        isActive: query.isActive === undefined ? null : query.isActive ? 1 : 0,
        billingMethod: query.billingMethod ?? null,
      } as const;
      const totalCount = this.#sql.countServices.get(filter)?.n ?? 0;
      const rows = this.#sql.listServices.all({ ...filter, ...page(query) });
      return { items: rows.map(toServiceSummary), totalCount, page: query.page, pageSize: query.pageSize };
    });
  }

  getService(tenant: string, serviceId: string): ServiceSummary | undefined {
    return this.#read(tenant, () => {
      const row = this.#sql.getService.get(tenant, serviceId);
      return row && toServiceSummary(row);
    });
  }

  /** The tenant's tax rates by region. */
  listTaxRates(tenant: string): TaxRate[] {
    return this.#read(tenant, () => this.#sql.listTaxRates.all(tenant).map(toTaxRate));
  }

  /** Production's createManualInvoice over a validated input (invoice-input.ts). */
  createManualInvoice(tenant: string, input: ValidInvoiceInput, options: CreateOptions): ManualInvoiceOutcome {
    this.#read(tenant, () => undefined);
    return createManualInvoice(this.#db, this.#sql, tenant, input, options);
  }

  /** The tenant's invoices with their lines, in creation order. */
  invoices(tenant: string): PsaInvoice[] {
    return this.#read(tenant, () => listInvoices(this.#sql, tenant));
  }

  /**
   * Loads a fixture for the tenant in one transaction (a refused fixture changes nothing).
   * `extend` adds to the tenant's data (seeding the default fixture first on a new tenant).
   */
  loadFixture(tenant: string, fixture: unknown, mode: FixtureMode = 'replace'): void {
    const checked = parseFixture(fixture);
    this.#db.transaction(() => {
      if (mode === 'extend' && !this.isSeeded(tenant)) this.#seed(tenant);
      writeFixture(this.#sql, tenant, checked, mode);
    })();
  }

  /** The tenant's PSA data in the fixture format. */
  exportFixture(tenant: string): PsaFixtureData {
    return this.#read(tenant, () => readFixture(this.#sql, tenant));
  }

  /** Whether the tenant's fixture has been written (it is on the tenant's first read). */
  isSeeded(tenant: string): boolean {
    return this.#sql.isSeeded.get(tenant) !== undefined;
  }

  close(): void {
    this.#db.close();
  }

  /** Runs a read in one transaction, writing the tenant's fixture first if this is its first read. */
  #read<T>(tenant: string, read: () => T): T {
    return this.#db.transaction(() => {
      if (!this.isSeeded(tenant)) this.#seed(tenant);
      return read();
    })();
  }

  #seed(tenant: string): void {
    for (const u of SEED_USERS) this.#sql.insertUser.run({ tenant, ...u });
    for (const r of SEED_TAX_RATES) this.#sql.insertTaxRate.run({ tenant, ...r });
    for (const t of SEED_SERVICE_TYPES) this.#sql.insertServiceType.run({ tenant, ...t });
    for (const c of SEED_CLIENTS) this.#sql.insertClient.run({ tenant, ...c });
    for (const s of SEED_SERVICES) this.#sql.insertService.run({ tenant, ...s });
    this.#sql.markSeeded.run(tenant);
  }
}

/** Production matches `%term%` with the trimmed term; an empty term is no filter. */
function likePattern(search: string | undefined): string | null {
  const term = search?.trim() ?? '';
  return term === '' ? null : `%${term.toLowerCase()}%`;
}

function page(query: { page: number; pageSize: number }): { limit: number; offset: number } {
  return { limit: query.pageSize, offset: (query.page - 1) * query.pageSize };
}

/** Production's mapClientSummary: SQL NULL → none. */
function toClientSummary(row: ClientRow): ClientSummary {
  return {
    clientId: row.client_id,
    clientName: row.client_name,
    clientType: row.client_type ?? undefined,
    isInactive: row.is_inactive !== 0,
    defaultCurrencyCode: row.default_currency_code ?? undefined,
    accountManagerId: row.account_manager_id ?? undefined,
    accountManagerName: row.account_manager_name ?? undefined,
    billingEmail: row.billing_email ?? undefined,
  };
}

/** Production's mapServiceSummary: any kind but `product` reads as `service`; rate in cents. */
function toServiceSummary(row: ServiceRow): ServiceSummary {
  return {
    serviceId: row.service_id,
    serviceName: row.service_name,
    itemKind: row.item_kind === 'product' ? 'product' : 'service',
    billingMethod: row.billing_method,
    serviceTypeId: row.custom_service_type_id ?? undefined,
    serviceTypeName: row.service_type_name ?? undefined,
    defaultRate: Number(row.default_rate),
    unitOfMeasure: row.unit_of_measure,
    isActive: row.is_active !== 0,
    sku: row.sku ?? undefined,
  };
}

function toTaxRate(row: TaxRateRow): TaxRate {
  return { taxRateId: row.tax_rate_id, regionCode: row.region_code, name: row.name, taxPercentage: row.tax_percentage, isActive: row.is_active !== 0 };
}
