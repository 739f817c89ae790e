/**
 * The PSA fixture every tenant starts with: a handful of clients (one inactive, one individual,
 * one without an account manager), a catalog of a dozen services and products (fixed, hourly and
 * usage billing; two inactive) and a few tax rates. Ids are fixed UUIDs, the same in every
 * tenant, so tests and extension authors can name them; rates are in cents, as in production.
 */

/** A fixed id of the fixture: `<prefix>-0000-4000-8000-<n padded to 12>`, a valid v4-shaped UUID. */
function fixtureId(prefix: string, n: number): string {
  return `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export const SEED_USER_IDS = { dana: fixtureId('a0000000', 1), marcus: fixtureId('a0000000', 2) } as const;
export const SEED_TAX_RATE_IDS = { newYork: fixtureId('7a000000', 1), ontario: fixtureId('7a000000', 2), uk: fixtureId('7a000000', 3) } as const;
export const SEED_SERVICE_TYPE_IDS = {
  managed: fixtureId('7e000000', 1),
  professional: fixtureId('7e000000', 2),
  hardware: fixtureId('7e000000', 3),
  licensing: fixtureId('7e000000', 4),
  cloud: fixtureId('7e000000', 5),
} as const;

export const SEED_USERS = [
  { user_id: SEED_USER_IDS.dana, first_name: 'Dana', last_name: 'Whitfield', email: 'dana.whitfield@msp.example' },
  { user_id: SEED_USER_IDS.marcus, first_name: 'Marcus', last_name: 'Lee', email: 'marcus.lee@msp.example' },
];

export const SEED_CLIENTS = [
  client(1, 'Acme Corporation', 'company', false, 'USD', SEED_USER_IDS.dana, 'billing@acme.example'),
  client(2, 'Blue Harbor Logistics', 'company', false, 'USD', SEED_USER_IDS.marcus, 'ap@blueharbor.example'),
  client(3, 'Cedar Dental Group', 'company', false, 'CAD', SEED_USER_IDS.dana, 'accounts@cedardental.example'),
  client(4, 'Northwind Traders', 'company', true, 'USD', SEED_USER_IDS.marcus, 'finance@northwind.example'),
  client(5, 'Priya Shah', 'individual', false, 'GBP', null, 'priya.shah@mail.example'),
  client(6, 'Umbrella Legal LLP', 'company', false, 'EUR', null, null),
];

export const SEED_SERVICE_TYPES = [
  { id: SEED_SERVICE_TYPE_IDS.managed, name: 'Managed Services' },
  { id: SEED_SERVICE_TYPE_IDS.professional, name: 'Professional Services' },
  { id: SEED_SERVICE_TYPE_IDS.hardware, name: 'Hardware' },
  { id: SEED_SERVICE_TYPE_IDS.licensing, name: 'Software Licensing' },
  { id: SEED_SERVICE_TYPE_IDS.cloud, name: 'Cloud' },
];

const T = SEED_SERVICE_TYPE_IDS;
export const SEED_SERVICES = [
  service(1, 'Managed Workstation', 'Monitoring, patching and helpdesk for one workstation', 'service', 'fixed', T.managed, 4500, 'per device', 'MS-WS', true),
  service(2, 'Managed Server', 'Monitoring, patching and backups for one server', 'service', 'fixed', T.managed, 15000, 'per device', 'MS-SRV', true),
  service(3, 'Helpdesk Support', 'Remote support billed by the hour', 'service', 'hourly', T.professional, 12500, 'hour', 'PS-HELP', true),
  service(4, 'On-site Engineer', 'Engineer visit, billed by the hour', 'service', 'hourly', T.professional, 17500, 'hour', 'PS-ONSITE', true),
  service(5, 'Project Consulting', 'Planning and project work', 'service', 'hourly', T.professional, 19500, 'hour', 'PS-CONSULT', true),
  service(6, 'Legacy Phone Support', 'Retired phone-only support plan', 'service', 'hourly', T.professional, 9000, 'hour', 'PS-PHONE', false),
  service(7, 'Cloud Backup', 'Offsite backup storage', 'service', 'usage', T.cloud, 25, 'GB', 'CL-BACKUP', true),
  service(8, 'Email Security Filtering', 'Spam and phishing filtering', 'service', 'usage', T.cloud, 300, 'mailbox', 'CL-MAILSEC', true),
  service(9, 'Microsoft 365 Business Standard', 'Monthly subscription', 'product', 'fixed', T.licensing, 1250, 'license', 'LIC-M365-BS', true),
  service(10, 'Business Laptop 14"', '14-inch laptop, 16 GB RAM', 'product', 'fixed', T.hardware, 129900, 'each', 'HW-LAPTOP-14', true),
  service(11, '24" Monitor', '24-inch IPS monitor', 'product', 'fixed', T.hardware, 21900, 'each', 'HW-MON-24', true),
  service(12, 'Firewall Appliance FW-100', 'Discontinued firewall model', 'product', 'fixed', T.hardware, 89900, 'each', 'HW-FW-100', false),
];

export const SEED_TAX_RATES = [
  { tax_rate_id: SEED_TAX_RATE_IDS.newYork, region_code: 'US-NY', name: 'New York State Sales Tax', tax_percentage: 8.875, is_active: 1 },
  { tax_rate_id: SEED_TAX_RATE_IDS.ontario, region_code: 'CA-ON', name: 'Ontario HST', tax_percentage: 13, is_active: 1 },
  { tax_rate_id: SEED_TAX_RATE_IDS.uk, region_code: 'GB', name: 'UK VAT', tax_percentage: 20, is_active: 1 },
];

function client(n: number, name: string, type: 'company' | 'individual', inactive: boolean, currency: string, manager: string | null, email: string | null) {
  return {
    client_id: fixtureId('c0000000', n),
    client_name: name,
    client_type: type,
    is_inactive: inactive ? 1 : 0,
    default_currency_code: currency,
    account_manager_id: manager,
    billing_email: email,
  };
}

function service(
  n: number,
  name: string,
  description: string,
  kind: 'service' | 'product',
  billing: 'fixed' | 'hourly' | 'usage',
  typeId: string,
  rateCents: number,
  unit: string,
  sku: string,
  active: boolean,
) {
  return {
    service_id: fixtureId('5e000000', n),
    service_name: name,
    description,
    item_kind: kind,
    billing_method: billing,
    custom_service_type_id: typeId,
    default_rate: rateCents,
    unit_of_measure: unit,
    unit_code: null,
    is_active: active ? 1 : 0,
    sku,
    // Products are taxable at the New York rate; services are not taxed in the fixture.
    tax_rate_id: kind === 'product' ? SEED_TAX_RATE_IDS.newYork : null,
  };
}
