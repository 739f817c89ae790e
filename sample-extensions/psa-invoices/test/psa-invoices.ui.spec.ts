// psa-invoices in the emulator's shell, with the public Playwright fixtures only: the UI lists the
// seeded PSA fixture's active clients and services (emulator/psa/seed.ts) through its own handler
// and creates a draft invoice through the form, whose totals the test computes from the seed.
import { fileURLToPath } from 'node:url';
import type { Locator } from '@playwright/test';
import { expect, test } from '../../../harness/playwright.ts';

const SAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url));
test.use({ extensions: [{ source: SAMPLE_DIR, key: 'psa-invoices' }] });
// The first apiproxy call of a worker compiles the component.
test.describe.configure({ timeout: 60_000 });

/** A table's rows as the text of their cells, header row first. */
async function rows(table: Locator): Promise<string[][]> {
  return table.locator('tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (cell) => cell.textContent ?? '')));
}

test.describe('psa-invoices in the shell', () => {
  test('should list the seeded active clients and services, by name', async ({ shell, extensionFrame, bridgeLog }) => {
    await shell.open({ extension: 'psa-invoices', as: 'admin', waitFor: 'ready' });
    await expect(extensionFrame.locator('#clients-status')).toHaveText('5 active clients', { timeout: 30_000 });
    await expect(extensionFrame.locator('#services-status')).toHaveText('10 active services');
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'apiproxy', route: '/clients?pageSize=50', method: 'GET' });
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'apiproxy', route: '/services?isActive=true&pageSize=50', method: 'GET' });

    // Northwind Traders is inactive, so it is not listed.
    expect(await rows(extensionFrame.locator('#clients'))).toEqual([
      ['Client', 'Currency', 'Billing email'],
      ['Acme Corporation', 'USD', 'billing@acme.example'],
      ['Blue Harbor Logistics', 'USD', 'ap@blueharbor.example'],
      ['Cedar Dental Group', 'CAD', 'accounts@cedardental.example'],
      ['Priya Shah', 'GBP', 'priya.shah@mail.example'],
      ['Umbrella Legal LLP', 'EUR', ''],
    ]);
    // Legacy Phone Support and Firewall Appliance FW-100 are inactive, so they are not listed.
    expect(await rows(extensionFrame.locator('#services'))).toEqual([
      ['Service', 'Billing', 'Rate'],
      ['24" Monitor', 'fixed', '219.00 / each'],
      ['Business Laptop 14"', 'fixed', '1299.00 / each'],
      ['Cloud Backup', 'usage', '0.25 / GB'],
      ['Email Security Filtering', 'usage', '3.00 / mailbox'],
      ['Helpdesk Support', 'hourly', '125.00 / hour'],
      ['Managed Server', 'fixed', '150.00 / per device'],
      ['Managed Workstation', 'fixed', '45.00 / per device'],
      ['Microsoft 365 Business Standard', 'fixed', '12.50 / license'],
      ['On-site Engineer', 'hourly', '175.00 / hour'],
      ['Project Consulting', 'hourly', '195.00 / hour'],
    ]);
    await expect(extensionFrame.locator('#client option')).toHaveText(['Acme Corporation', 'Blue Harbor Logistics', 'Cedar Dental Group', 'Priya Shah', 'Umbrella Legal LLP']);
    await expect(extensionFrame.locator('#service-2 option').first()).toHaveText('(none)');
  });

  test('should create a draft invoice through the form and show its totals', async ({ shell, extensionFrame, bridgeLog, emulator }) => {
    expect(emulator.psa.invoices()).toEqual([]);
    await shell.open({ extension: 'psa-invoices', waitFor: 'ready' });
    await expect(extensionFrame.locator('#clients-status')).toHaveText('5 active clients', { timeout: 30_000 });
    await expect(extensionFrame.locator('#services-status')).toHaveText('10 active services');

    // 2 h of Helpdesk Support (125.00/hour, untaxed service) and one 24" Monitor (219.00, a product
    // taxed at New York's 8.875 %): subtotal 250.00 + 219.00 = 469.00; tax 8.875 % of 219.00 =
    // 19.43625, rounded up to 19.44; total 488.44.
    await extensionFrame.locator('#client').selectOption({ label: 'Acme Corporation' });
    await extensionFrame.locator('#service-1').selectOption({ label: 'Helpdesk Support' });
    await extensionFrame.locator('#quantity-1').fill('2');
    await extensionFrame.locator('#service-2').selectOption({ label: '24" Monitor' });
    await extensionFrame.locator('#quantity-2').fill('1');
    await extensionFrame.locator('#create').click();

    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'apiproxy', route: '/invoices', method: 'POST' });
    await expect(extensionFrame.locator('#invoice')).toHaveText('INV-000001 (draft): subtotal 469.00, tax 19.44, total 488.44');
    await expect(extensionFrame.locator('#invoice')).not.toHaveClass('error');

    const [invoice] = emulator.psa.invoices();
    expect([invoice?.invoiceNumber, invoice?.clientId, invoice?.subtotal, invoice?.tax, invoice?.total]).toEqual([
      'INV-000001',
      'c0000000-0000-4000-8000-000000000001',
      46900,
      1944,
      48844,
    ]);
    expect(invoice?.items.map((i) => [i.description, i.netAmount, i.taxAmount])).toEqual([
      ['Helpdesk Support', 25000, 0],
      ['24" Monitor', 21900, 1944],
    ]);
  });

  test('should show the field error of a refused invoice and create nothing', async ({ shell, extensionFrame, emulator }) => {
    const before = emulator.psa.invoices().length;
    await shell.open({ extension: 'psa-invoices', waitFor: 'ready' });
    await expect(extensionFrame.locator('#services-status')).toHaveText('10 active services', { timeout: 30_000 });
    await extensionFrame.locator('#service-1').selectOption({ label: 'Helpdesk Support' });
    await extensionFrame.locator('#quantity-1').fill('0');
    await extensionFrame.locator('#create').click();

    await expect(extensionFrame.locator('#invoice')).toHaveClass('error');
    // The handler's 400 body, which the proxy error quotes.
    const refused = {
      success: false,
      invoiceId: null,
      invoiceNumber: null,
      status: null,
      subtotal: null,
      tax: null,
      total: null,
      error: 'http 400: {"success":false,"error":"Validation error","fieldErrors":{"items[0].quantity":"Must be > 0"}}',
      fieldErrors: { 'items[0].quantity': 'Must be > 0' },
    };
    await expect(extensionFrame.locator('#invoice')).toHaveText(`Error: Proxy error 400: ${JSON.stringify(refused)}`);
    expect(emulator.psa.invoices()).toHaveLength(before);
  });
});
