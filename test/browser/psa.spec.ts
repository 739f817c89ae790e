// The PSA data view at /psa: the signed-in MSP user's tenant's clients, services, invoices and
// schedules (global setup adds one invoice and one schedule to the default tenant, and one client
// to the second tenant).
import { expect, test } from './fixtures.ts';

const SEEDED_CLIENTS = ['Acme Corporation', 'Blue Harbor Logistics', 'Cedar Dental Group', 'Northwind Traders', 'Priya Shah', 'Umbrella Legal LLP'];
const SEEDED_SERVICES = [
  'Managed Workstation', 'Managed Server', 'Helpdesk Support', 'On-site Engineer', 'Project Consulting', 'Legacy Phone Support', 'Cloud Backup',
  'Email Security Filtering', 'Microsoft 365 Business Standard', 'Business Laptop 14"', '24" Monitor', 'Firewall Appliance FW-100',
];

test.describe('the PSA data view', () => {
  test('shows the tenant\'s clients, services, invoice with its lines and totals, and schedules', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto('/');
    await page.getByTestId('nav-psa').click();
    await expect(page).toHaveURL('/psa');
    await expect(page.locator('[data-testid="psa-view"] h1')).toHaveText('PSA data (Emulator Tenant)');
    await expect(page.getByTestId('psa-clients-row').locator('td:first-child')).toHaveText(SEEDED_CLIENTS);
    await expect(page.getByTestId('psa-clients-row').first().locator('td')).toHaveText(['Acme Corporation', 'company', 'active', 'USD', 'Dana Whitfield', 'billing@acme.example']);
    await expect(page.getByTestId('psa-services-row').locator('td:first-child')).toHaveText(SEEDED_SERVICES);
    await expect(page.getByTestId('psa-services-row').nth(10).locator('td')).toHaveText(['24" Monitor', 'product', 'fixed', 'Hardware', '219.00 / each', 'HW-MON-24', 'US-NY', 'active']);
    await expect(page.getByTestId('psa-tax-rates-row').locator('td:nth-child(3)')).toHaveText(['8.875%', '13%', '20%']);

    const invoice = page.getByTestId('psa-invoices-row');
    await expect(invoice.locator('td')).toHaveText(['▸', 'INV-000001', 'Acme Corporation', '2025-03-04', '2025-03-04', 'PO-1001', 'draft', '573.00 USD', '38.88 USD', '611.88 USD']);
    await expect(page.getByTestId('psa-invoice-detail')).toBeHidden();
    await invoice.getByTestId('psa-invoice-toggle').click();
    const detail = page.getByTestId('psa-invoice-detail');
    await expect(detail.getByTestId('psa-invoice-items-row').nth(0).locator('td')).toHaveText(['Managed Workstation', '3', '45.00 USD', '135.00 USD', '0.00 USD', '135.00 USD']);
    await expect(detail.getByTestId('psa-invoice-items-row').nth(1).locator('td')).toHaveText(['24" Monitor', '2', '219.00 USD', '438.00 USD', '38.88 USD (US-NY 8.875%)', '476.88 USD']);
    await expect(detail.getByTestId('psa-invoice-totals')).toHaveText('Subtotal573.00 USDTax38.88 USDTotal611.88 USD');

    const next = `${new Date().getUTCFullYear() + 1}-01-01 00:00 UTC`;
    await expect(page.getByTestId('psa-schedules-row').locator('td')).toHaveText(['alga-emulator.hello-host-ui', 'yearly-context', 'GET /context', '0 0 1 1 *', 'UTC', 'yes', next, 'never', '—']);
  });

  test('switching tenant shows that tenant\'s data', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto('/psa');
    await expect(page.getByTestId('psa-invoices-row')).toHaveCount(1);
    await page.getByTestId('tenant-select').selectOption(info.secondTenantId);
    await expect(page).toHaveURL('/psa');
    await expect(page.locator('[data-testid="psa-view"] h1')).toHaveText('PSA data (Second Tenant)');
    await expect(page.getByTestId('psa-clients-row').locator('td:first-child')).toHaveText([...SEEDED_CLIENTS, 'Second Tenant Dental']);
    await expect(page.getByTestId('psa-invoices')).toContainText('No invoices yet');
    await expect(page.getByTestId('psa-schedules')).toContainText('No schedules');
  });

  test('a client-portal user has no entry and is refused', async ({ page, info, signIn }) => {
    await signIn(info.users.client);
    await page.goto('/psa');
    await expect(page.getByTestId('nav-psa')).toHaveCount(0);
    await expect(page.getByTestId('psa-message')).toHaveText('GET /api/emulator/psa failed: 403 forbidden: robin@emulator.test is a client-portal user; the PSA back office is for MSP users. Sign in as an MSP user of the tenant.');
  });
});
