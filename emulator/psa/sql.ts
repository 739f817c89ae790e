import type Database from 'better-sqlite3';
import { preparer } from '../sqlite-statement.ts';

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
    -- Production's next_number row per tenant and entity ('INVOICE': prefix INV-, 6 digits, from 1).
    CREATE TABLE IF NOT EXISTS psa_next_number (
      tenant TEXT NOT NULL,
      entity_type TEXT NOT NULL,
      last_number INTEGER NOT NULL,
      initial_value INTEGER NOT NULL,
      prefix TEXT NOT NULL,
      padding_length INTEGER,
      PRIMARY KEY (tenant, entity_type)
    ) WITHOUT ROWID;
    -- Manual invoices (invoicing.create-manual-invoice, fixtures); amounts in cents.
    CREATE TABLE IF NOT EXISTS psa_invoices (
      tenant TEXT NOT NULL,
      invoice_id TEXT NOT NULL,
      client_id TEXT NOT NULL,
      invoice_number TEXT NOT NULL,
      invoice_date TEXT NOT NULL,
      due_date TEXT NOT NULL,
      po_number TEXT,
      status TEXT NOT NULL,
      subtotal INTEGER NOT NULL,
      tax INTEGER NOT NULL,
      total_amount INTEGER NOT NULL,
      is_manual INTEGER NOT NULL,
      created_by TEXT,
      seq INTEGER NOT NULL,
      PRIMARY KEY (tenant, invoice_id)
    ) WITHOUT ROWID;
    -- Production's invoice_charges columns a manual invoice fills; seq keeps the input order.
    CREATE TABLE IF NOT EXISTS psa_invoice_charges (
      tenant TEXT NOT NULL,
      invoice_id TEXT NOT NULL,
      item_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      service_id TEXT,
      description TEXT NOT NULL,
      quantity REAL NOT NULL,
      unit_price INTEGER NOT NULL,
      net_amount INTEGER NOT NULL,
      tax_amount INTEGER NOT NULL,
      tax_region TEXT,
      tax_rate REAL NOT NULL,
      total_price INTEGER NOT NULL,
      is_discount INTEGER NOT NULL,
      is_taxable INTEGER NOT NULL,
      discount_type TEXT,
      applies_to_item_id TEXT,
      applies_to_service_id TEXT,
      PRIMARY KEY (tenant, invoice_id, item_id)
    ) WITHOUT ROWID;
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
  const prepare = preparer(db);
  return {
    isSeeded: prepare<[string], { tenant: string }>(`SELECT tenant FROM psa_seeded_tenants WHERE tenant = ?`),
    markSeeded: prepare<[string]>(`INSERT OR IGNORE INTO psa_seeded_tenants (tenant) VALUES (?)`),
    insertUser: prepare<[{ tenant: string; user_id: string; first_name: string | null; last_name: string | null; email: string }]>(
      `INSERT OR REPLACE INTO psa_users (tenant, user_id, first_name, last_name, email) VALUES (@tenant, @user_id, @first_name, @last_name, @email)`,
    ),
    insertClient: prepare<[Omit<ClientRow, 'account_manager_name'> & { tenant: string }]>(
      `INSERT OR REPLACE INTO psa_clients (tenant, client_id, client_name, client_type, is_inactive, default_currency_code, account_manager_id, billing_email)
       VALUES (@tenant, @client_id, @client_name, @client_type, @is_inactive, @default_currency_code, @account_manager_id, @billing_email)`,
    ),
    insertServiceType: prepare<[{ tenant: string; id: string; name: string }]>(
      `INSERT OR REPLACE INTO psa_service_types (tenant, id, name) VALUES (@tenant, @id, @name)`,
    ),
    insertService: prepare<[Omit<ServiceRow, 'service_type_name'> & { tenant: string; description: string | null; unit_code: string | null; tax_rate_id: string | null }]>(
      `INSERT OR REPLACE INTO psa_service_catalog (tenant, service_id, service_name, description, item_kind, billing_method, custom_service_type_id,
                                        default_rate, unit_of_measure, unit_code, is_active, sku, tax_rate_id)
       VALUES (@tenant, @service_id, @service_name, @description, @item_kind, @billing_method, @custom_service_type_id,
               @default_rate, @unit_of_measure, @unit_code, @is_active, @sku, @tax_rate_id)`,
    ),
    insertTaxRate: prepare<[TaxRateRow & { tenant: string }]>(
      `INSERT OR REPLACE INTO psa_tax_rates (tenant, tax_rate_id, region_code, name, tax_percentage, is_active)
       VALUES (@tenant, @tax_rate_id, @region_code, @name, @tax_percentage, @is_active)`,
    ),
    countClients: prepare<[ClientFilter], { n: number }>(`SELECT COUNT(*) AS n FROM psa_clients c WHERE ${CLIENT_WHERE}`),
    listClients: prepare<[ClientFilter & Page], ClientRow>(
      `SELECT ${CLIENT_COLUMNS} FROM ${CLIENT_FROM} WHERE ${CLIENT_WHERE} ${CLIENT_ORDER} LIMIT @limit OFFSET @offset`,
    ),
    getClient: prepare<[string, string], ClientRow>(`SELECT ${CLIENT_COLUMNS} FROM ${CLIENT_FROM} WHERE c.tenant = ? AND c.client_id = ?`),
    countServices: prepare<[ServiceFilter], { n: number }>(`SELECT COUNT(*) AS n FROM psa_service_catalog sc WHERE ${SERVICE_WHERE}`),
    listServices: prepare<[ServiceFilter & Page], ServiceRow>(
      `SELECT ${SERVICE_COLUMNS} FROM ${SERVICE_FROM} WHERE ${SERVICE_WHERE} ${SERVICE_ORDER} LIMIT @limit OFFSET @offset`,
    ),
    getService: prepare<[string, string], ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM ${SERVICE_FROM} WHERE sc.tenant = ? AND sc.service_id = ?`),
    ...invoiceStatements(db),
    listTaxRates: prepare<[string], TaxRateRow>(
      `SELECT tax_rate_id, region_code, name, tax_percentage, is_active FROM psa_tax_rates WHERE tenant = ? ORDER BY region_code, tax_rate_id`,
    ),
  };
}

export interface InvoiceRow {
  invoice_id: string;
  client_id: string;
  invoice_number: string;
  invoice_date: string;
  due_date: string;
  po_number: string | null;
  status: string;
  subtotal: number;
  tax: number;
  total_amount: number;
  is_manual: number;
  created_by: string | null;
}

export interface ChargeRow {
  invoice_id: string;
  item_id: string;
  seq: number;
  service_id: string | null;
  description: string;
  quantity: number;
  unit_price: number;
  net_amount: number;
  tax_amount: number;
  tax_region: string | null;
  tax_rate: number;
  total_price: number;
  is_discount: number;
  is_taxable: number;
  discount_type: string | null;
  applies_to_item_id: string | null;
  applies_to_service_id: string | null;
}

export interface UserRow {
  user_id: string;
  first_name: string | null;
  last_name: string | null;
  email: string;
}

export interface ServiceCatalogRow extends Omit<ServiceRow, 'service_type_name'> {
  description: string | null;
  unit_code: string | null;
  tax_rate_id: string | null;
}

const PSA_TABLES = ['psa_invoice_charges', 'psa_invoices', 'psa_next_number', 'psa_service_catalog', 'psa_service_types', 'psa_clients', 'psa_tax_rates', 'psa_users'] as const;

/** Invoices, numbering, and the whole-tenant reads and deletes of fixture load / export. */
function invoiceStatements(db: Database.Database) {
  const prepare = preparer(db);
  return {
    // Production's generate_next_number: the row is created with the entity's defaults first.
    ensureNumbering: prepare<[{ tenant: string; entity_type: string; initial_value: number; prefix: string; padding_length: number | null }]>(
      `INSERT OR IGNORE INTO psa_next_number (tenant, entity_type, last_number, initial_value, prefix, padding_length)
       VALUES (@tenant, @entity_type, 0, @initial_value, @prefix, @padding_length)`,
    ),
    bumpNumber: prepare<[string, string], { last_number: number; prefix: string; padding_length: number | null }>(
      `UPDATE psa_next_number SET last_number = MAX(last_number + 1, initial_value)
       WHERE tenant = ? AND entity_type = ? RETURNING last_number, prefix, padding_length`,
    ),
    firstUser: prepare<[string], { user_id: string }>(`SELECT user_id FROM psa_users WHERE tenant = ? ORDER BY user_id LIMIT 1`),
    clientExists: prepare<[string, string], { client_id: string }>(`SELECT client_id FROM psa_clients WHERE tenant = ? AND client_id = ?`),
    serviceTaxRate: prepare<[string, string], { service_id: string; tax_rate_id: string | null }>(
      `SELECT service_id, tax_rate_id FROM psa_service_catalog WHERE tenant = ? AND service_id = ?`,
    ),
    regionOfTaxRate: prepare<[string, string], { region_code: string }>(`SELECT region_code FROM psa_tax_rates WHERE tenant = ? AND tax_rate_id = ?`),
    activeRatesOfRegion: prepare<[string, string], { tax_percentage: number }>(
      `SELECT tax_percentage FROM psa_tax_rates WHERE tenant = ? AND region_code = ? AND is_active = 1`,
    ),
    insertInvoice: prepare<[InvoiceRow & { tenant: string }]>(
      `INSERT INTO psa_invoices (tenant, invoice_id, client_id, invoice_number, invoice_date, due_date, po_number, status,
                                 subtotal, tax, total_amount, is_manual, created_by, seq)
       VALUES (@tenant, @invoice_id, @client_id, @invoice_number, @invoice_date, @due_date, @po_number, @status,
               @subtotal, @tax, @total_amount, @is_manual, @created_by,
               (SELECT COALESCE(MAX(seq), 0) + 1 FROM psa_invoices WHERE tenant = @tenant))`,
    ),
    insertCharge: prepare<[ChargeRow & { tenant: string }]>(
      `INSERT INTO psa_invoice_charges (tenant, invoice_id, item_id, seq, service_id, description, quantity, unit_price, net_amount,
                                        tax_amount, tax_region, tax_rate, total_price, is_discount, is_taxable, discount_type,
                                        applies_to_item_id, applies_to_service_id)
       VALUES (@tenant, @invoice_id, @item_id, @seq, @service_id, @description, @quantity, @unit_price, @net_amount,
               @tax_amount, @tax_region, @tax_rate, @total_price, @is_discount, @is_taxable, @discount_type,
               @applies_to_item_id, @applies_to_service_id)`,
    ),
    listInvoices: prepare<[string], InvoiceRow>(
      `SELECT invoice_id, client_id, invoice_number, invoice_date, due_date, po_number, status, subtotal, tax, total_amount, is_manual, created_by
       FROM psa_invoices WHERE tenant = ? ORDER BY seq`,
    ),
    listCharges: prepare<[string], ChargeRow>(
      `SELECT invoice_id, item_id, seq, service_id, description, quantity, unit_price, net_amount, tax_amount, tax_region, tax_rate,
              total_price, is_discount, is_taxable, discount_type, applies_to_item_id, applies_to_service_id
       FROM psa_invoice_charges WHERE tenant = ? ORDER BY invoice_id, seq`,
    ),
    allUsers: prepare<[string], UserRow>(`SELECT user_id, first_name, last_name, email FROM psa_users WHERE tenant = ? ORDER BY user_id`),
    allServiceTypes: prepare<[string], { id: string; name: string }>(`SELECT id, name FROM psa_service_types WHERE tenant = ? ORDER BY id`),
    allClients: prepare<[string], Omit<ClientRow, 'account_manager_name'>>(
      `SELECT client_id, client_name, client_type, is_inactive, default_currency_code, account_manager_id, billing_email
       FROM psa_clients WHERE tenant = ? ORDER BY client_id`,
    ),
    allServices: prepare<[string], ServiceCatalogRow>(
      `SELECT service_id, service_name, description, item_kind, billing_method, custom_service_type_id, default_rate, unit_of_measure,
              unit_code, is_active, sku, tax_rate_id FROM psa_service_catalog WHERE tenant = ? ORDER BY service_id`,
    ),
    allTaxRates: prepare<[string], TaxRateRow>(
      `SELECT tax_rate_id, region_code, name, tax_percentage, is_active FROM psa_tax_rates WHERE tenant = ? ORDER BY tax_rate_id`,
    ),
    deleteTenant: PSA_TABLES.map((table) => prepare<[string]>(`DELETE FROM ${table} WHERE tenant = ?`)),
  };
}
