import type Database from 'better-sqlite3';

/**
 * Every SQL statement of the PSA fixture store, in one place. Tables mirror the production columns
 * the extension read services select (`clients`, `users`, `service_catalog`, `service_types`,
 * `tax_rates`), each keyed by tenant first so tenants never see each other's rows.
 */
export function createPsaSchema(db: Database.Database): void {
  db.exec(`
    -- Tenants whose fixture rows have been written (seeding happens on a tenant's first read).
    CREATE TABLE IF NOT EXISTS psa_seeded_tenants (
      tenant TEXT PRIMARY KEY
    ) WITHOUT ROWID;
    -- Staff users: only what the client read service joins for account_manager_name.
    CREATE TABLE IF NOT EXISTS psa_users (
      tenant TEXT NOT NULL,
      user_id TEXT NOT NULL,
      first_name TEXT,
      last_name TEXT,
      email TEXT NOT NULL,
      PRIMARY KEY (tenant, user_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS psa_clients (
      tenant TEXT NOT NULL,
      client_id TEXT NOT NULL,
      client_name TEXT NOT NULL,
      client_type TEXT CHECK (client_type IN ('company', 'individual')),
      is_inactive INTEGER NOT NULL,
      default_currency_code TEXT,
      account_manager_id TEXT,
      billing_email TEXT,
      PRIMARY KEY (tenant, client_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS psa_service_types (
      tenant TEXT NOT NULL,
      id TEXT NOT NULL,
      name TEXT NOT NULL,
      PRIMARY KEY (tenant, id)
    ) WITHOUT ROWID;
    -- default_rate is in minor units (cents), as production's service_catalog stores it.
    CREATE TABLE IF NOT EXISTS psa_service_catalog (
      tenant TEXT NOT NULL,
      service_id TEXT NOT NULL,
      service_name TEXT NOT NULL,
      description TEXT,
      item_kind TEXT NOT NULL CHECK (item_kind IN ('service', 'product')),
      billing_method TEXT NOT NULL CHECK (billing_method IN ('fixed', 'hourly', 'usage')),
      custom_service_type_id TEXT,
      default_rate INTEGER NOT NULL,
      unit_of_measure TEXT NOT NULL,
      unit_code TEXT,
      is_active INTEGER NOT NULL,
      sku TEXT,
      tax_rate_id TEXT,
      PRIMARY KEY (tenant, service_id)
    ) WITHOUT ROWID;
    -- Read by invoicing (subtotal / tax / total) when that capability lands.
    CREATE TABLE IF NOT EXISTS psa_tax_rates (
      tenant TEXT NOT NULL,
      tax_rate_id TEXT NOT NULL,
      region_code TEXT NOT NULL,
      name TEXT NOT NULL,
      tax_percentage REAL NOT NULL,
      is_active INTEGER NOT NULL,
      PRIMARY KEY (tenant, tax_rate_id)
    ) WITHOUT ROWID;
    -- Invoices (draft manual invoices and their items) belong here, created by the invoicing
    -- capability's issue; nothing reads or writes them yet.
  `);
}

export interface ClientRow {
  client_id: string;
  client_name: string;
  client_type: string | null;
  is_inactive: number;
  default_currency_code: string | null;
  account_manager_id: string | null;
  account_manager_name: string | null;
  billing_email: string | null;
}

export interface ServiceRow {
  service_id: string;
  service_name: string;
  item_kind: 'service' | 'product';
  billing_method: 'fixed' | 'hourly' | 'usage';
  custom_service_type_id: string | null;
  service_type_name: string | null;
  default_rate: number;
  unit_of_measure: string;
  is_active: number;
  sku: string | null;
}

export interface TaxRateRow {
  tax_rate_id: string;
  region_code: string;
  name: string;
  tax_percentage: number;
  is_active: number;
}

/** Filters of a client list; `search` is a LIKE pattern (`%term%`) or null for none. */
export interface ClientFilter {
  tenant: string;
  search: string | null;
  includeInactive: 0 | 1;
}

/** Filters of a service list; null = not filtered on that column. */
export interface ServiceFilter {
  tenant: string;
  search: string | null;
  itemKind: string | null;
  isActive: 0 | 1 | null;
  billingMethod: string | null;
}

export interface Page {
  limit: number;
  offset: number;
}

// Production: ILIKE on client_name, client_id and billing_email. psa_fold is a Unicode lower-case
// registered by the store (SQLite's own LIKE folds ASCII only); ESCAPE '\' is Postgres' default.
const CLIENT_WHERE = `c.tenant = @tenant
  AND (@includeInactive = 1 OR c.is_inactive = 0)
  AND (@search IS NULL
       OR psa_fold(c.client_name) LIKE @search ESCAPE '\\'
       OR psa_fold(c.client_id) LIKE @search ESCAPE '\\'
       OR psa_fold(c.billing_email) LIKE @search ESCAPE '\\')`;

// Production: ILIKE on service_name, description and sku; the other filters only when given.
const SERVICE_WHERE = `sc.tenant = @tenant
  AND (@itemKind IS NULL OR sc.item_kind = @itemKind)
  AND (@isActive IS NULL OR sc.is_active = @isActive)
  AND (@billingMethod IS NULL OR sc.billing_method = @billingMethod)
  AND (@search IS NULL
       OR psa_fold(sc.service_name) LIKE @search ESCAPE '\\'
       OR psa_fold(sc.description) LIKE @search ESCAPE '\\'
       OR psa_fold(sc.sku) LIKE @search ESCAPE '\\')`;

const CLIENT_COLUMNS = `c.client_id, c.client_name, c.client_type, c.is_inactive, c.default_currency_code,
  c.account_manager_id, c.billing_email,
  NULLIF(TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')), '') AS account_manager_name`;
const CLIENT_FROM = `psa_clients c LEFT JOIN psa_users u ON u.tenant = c.tenant AND u.user_id = c.account_manager_id`;

const SERVICE_COLUMNS = `sc.service_id, sc.service_name, sc.item_kind, sc.billing_method, sc.custom_service_type_id,
  st.name AS service_type_name, sc.default_rate, sc.unit_of_measure, sc.is_active, sc.sku`;
const SERVICE_FROM = `psa_service_catalog sc LEFT JOIN psa_service_types st ON st.tenant = sc.tenant AND st.id = sc.custom_service_type_id`;

// Production orders by name only, in the database's collation, and leaves ties unordered; here
// names compare case-insensitively and ties fall back to the id, so pages are stable.
const CLIENT_ORDER = `ORDER BY c.client_name COLLATE NOCASE, c.client_name, c.client_id`;
const SERVICE_ORDER = `ORDER BY sc.service_name COLLATE NOCASE, sc.service_name, sc.service_id`;

export function psaStatements(db: Database.Database) {
  return {
    isSeeded: db.prepare<[string], { tenant: string }>(`SELECT tenant FROM psa_seeded_tenants WHERE tenant = ?`),
    markSeeded: db.prepare<[string]>(`INSERT OR IGNORE INTO psa_seeded_tenants (tenant) VALUES (?)`),
    insertUser: db.prepare<[{ tenant: string; user_id: string; first_name: string | null; last_name: string | null; email: string }]>(
      `INSERT INTO psa_users (tenant, user_id, first_name, last_name, email) VALUES (@tenant, @user_id, @first_name, @last_name, @email)`,
    ),
    insertClient: db.prepare<[Omit<ClientRow, 'account_manager_name'> & { tenant: string }]>(
      `INSERT INTO psa_clients (tenant, client_id, client_name, client_type, is_inactive, default_currency_code, account_manager_id, billing_email)
       VALUES (@tenant, @client_id, @client_name, @client_type, @is_inactive, @default_currency_code, @account_manager_id, @billing_email)`,
    ),
    insertServiceType: db.prepare<[{ tenant: string; id: string; name: string }]>(
      `INSERT INTO psa_service_types (tenant, id, name) VALUES (@tenant, @id, @name)`,
    ),
    insertService: db.prepare<[Omit<ServiceRow, 'service_type_name'> & { tenant: string; description: string | null; unit_code: string | null; tax_rate_id: string | null }]>(
      `INSERT INTO psa_service_catalog (tenant, service_id, service_name, description, item_kind, billing_method, custom_service_type_id,
                                        default_rate, unit_of_measure, unit_code, is_active, sku, tax_rate_id)
       VALUES (@tenant, @service_id, @service_name, @description, @item_kind, @billing_method, @custom_service_type_id,
               @default_rate, @unit_of_measure, @unit_code, @is_active, @sku, @tax_rate_id)`,
    ),
    insertTaxRate: db.prepare<[TaxRateRow & { tenant: string }]>(
      `INSERT INTO psa_tax_rates (tenant, tax_rate_id, region_code, name, tax_percentage, is_active)
       VALUES (@tenant, @tax_rate_id, @region_code, @name, @tax_percentage, @is_active)`,
    ),
    countClients: db.prepare<[ClientFilter], { n: number }>(`SELECT COUNT(*) AS n FROM psa_clients c WHERE ${CLIENT_WHERE}`),
    listClients: db.prepare<[ClientFilter & Page], ClientRow>(
      `SELECT ${CLIENT_COLUMNS} FROM ${CLIENT_FROM} WHERE ${CLIENT_WHERE} ${CLIENT_ORDER} LIMIT @limit OFFSET @offset`,
    ),
    getClient: db.prepare<[string, string], ClientRow>(`SELECT ${CLIENT_COLUMNS} FROM ${CLIENT_FROM} WHERE c.tenant = ? AND c.client_id = ?`),
    countServices: db.prepare<[ServiceFilter], { n: number }>(`SELECT COUNT(*) AS n FROM psa_service_catalog sc WHERE ${SERVICE_WHERE}`),
    listServices: db.prepare<[ServiceFilter & Page], ServiceRow>(
      `SELECT ${SERVICE_COLUMNS} FROM ${SERVICE_FROM} WHERE ${SERVICE_WHERE} ${SERVICE_ORDER} LIMIT @limit OFFSET @offset`,
    ),
    getService: db.prepare<[string, string], ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM ${SERVICE_FROM} WHERE sc.tenant = ? AND sc.service_id = ?`),
    listTaxRates: db.prepare<[string], TaxRateRow>(
      `SELECT tax_rate_id, region_code, name, tax_percentage, is_active FROM psa_tax_rates WHERE tenant = ? ORDER BY region_code, tax_rate_id`,
    ),
  };
}
