import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../gateway/sessions.ts';
import { PsaStore } from '../../psa/psa-store.ts';
import type { EmulatorUser } from '../../registry/identity.ts';
import type { InstallView } from '../../registry/registry.ts';
import type { ScheduleView } from '../../registry/schedules.ts';
import { buildShellPsa, psaAccess, type ShellPsaSources } from './shell-psa.ts';

const TENANT = '00000000-0000-4000-8000-000000000001';
const id = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

const user = (overrides: Partial<EmulatorUser>): Principal => ({
  user: { id: 'u1', tenantId: TENANT, email: 'admin@emulator.test', name: 'Morgan Admin', role: 'msp-admin', userType: 'internal', clientId: null, clientName: null, permissions: [], ...overrides },
  tenantId: overrides.tenantId ?? TENANT,
  via: 'cookie',
});

describe('psaAccess', () => {
  it('should answer 401 to a visitor, as the bootstrap-token route does', () => {
    expect(psaAccess(null, undefined)).toEqual({ ok: false, status: 401, body: { error: 'unauthenticated', code: 'UNAUTHENTICATED', hint: 'sign in with POST /api/emulator/session first' } });
  });

  it('should answer 403 to a client-portal user', () => {
    expect(psaAccess(user({ userType: 'client', email: 'robin@emulator.test' }), undefined)).toEqual({
      ok: false,
      status: 403,
      body: { error: 'forbidden', code: 'RBAC_FORBIDDEN', hint: 'robin@emulator.test is a client-portal user; the PSA back office is for MSP users. Sign in as an MSP user of the tenant.' },
    });
  });

  it('should answer 403 for another tenant and let an MSP user read their own', () => {
    expect(psaAccess(user({}), 'other')).toEqual({
      ok: false,
      status: 403,
      body: { error: 'forbidden', code: 'TENANT_MISMATCH', hint: `admin@emulator.test belongs to tenant ${TENANT}, not other. Sign in as a user of other (the shell's tenant switch does).` },
    });
    expect(psaAccess(user({ role: 'msp-user' }), TENANT)).toEqual({ ok: true, tenantId: TENANT });
    expect(psaAccess(user({}), undefined)).toEqual({ ok: true, tenantId: TENANT });
  });
});

describe('buildShellPsa', () => {
  let psa: PsaStore;
  beforeEach(() => {
    psa = new PsaStore({ file: ':memory:' });
  });
  afterEach(() => psa.close());

  const install = { installId: 'inst-1', slug: 'acme.reports' } as InstallView;
  const schedule = (overrides: Partial<ScheduleView>): ScheduleView => ({
    id: 'sch-1', endpointPath: '/sync', endpointMethod: 'post', name: 'nightly', cron: '0 2 * * *', timezone: 'UTC', enabled: true, payload: null,
    lastRunAt: null, lastRunStatus: null, lastError: null, createdAt: '2025-01-01T00:00:00.000Z', installId: 'inst-1', tenantId: TENANT, nextRunAt: '2025-01-02T02:00:00.000Z',
    ...overrides,
  });
  const sources = (views: ScheduleView[] = []): ShellPsaSources => ({
    psa,
    registry: { installs: () => [install], scheduleStore: { views: (installId: string) => (installId === 'inst-1' ? views : []) } as unknown as ShellPsaSources['registry']['scheduleStore'] },
  });

  it('should answer the tenant\'s data with names joined in, an invoice with its lines, and the schedules', () => {
    const created = psa.createManualInvoice(TENANT, { clientId: id('c0000000', 3), items: [{ serviceId: id('5e000000', 11), quantity: 2, description: 'Monitors', rate: 21900 }], poNumber: 'PO-7' }, {
      today: '2025-03-04',
      newId: (() => { let n = 0; return () => id('1e000000', ++n); })(),
    });
    expect(created).toEqual({ success: true, invoice: { invoiceId: id('1e000000', 1), invoiceNumber: 'INV-000001', status: 'draft', subtotal: 43800, tax: 3888, total: 47688 } });
    const data = buildShellPsa(sources([
      schedule({ id: 'sch-2', name: 'weekly', enabled: false, nextRunAt: null, lastRunAt: '2025-01-01T02:00:00.000Z', lastRunStatus: 'error', lastError: 'boom' }),
      schedule({}),
    ]), TENANT);
    expect(data.tenantId).toBe(TENANT);
    expect(data.clients.map((c) => c.clientName)).toEqual(['Acme Corporation', 'Blue Harbor Logistics', 'Cedar Dental Group', 'Northwind Traders', 'Priya Shah', 'Umbrella Legal LLP']);
    expect(data.clients[0]).toEqual({ clientId: id('c0000000', 1), clientName: 'Acme Corporation', clientType: 'company', isInactive: false, defaultCurrencyCode: 'USD', accountManagerName: 'Dana Whitfield', billingEmail: 'billing@acme.example' });
    expect(data.clients[5]).toEqual({ clientId: id('c0000000', 6), clientName: 'Umbrella Legal LLP', clientType: 'company', isInactive: false, defaultCurrencyCode: 'EUR', accountManagerName: null, billingEmail: null });
    expect(data.services).toHaveLength(12);
    expect(data.services[2]).toEqual({ serviceId: id('5e000000', 3), serviceName: 'Helpdesk Support', itemKind: 'service', billingMethod: 'hourly', serviceTypeName: 'Professional Services', defaultRate: 12500, unitOfMeasure: 'hour', isActive: true, sku: 'PS-HELP', taxRegion: null });
    expect(data.services[10]).toEqual({ serviceId: id('5e000000', 11), serviceName: '24" Monitor', itemKind: 'product', billingMethod: 'fixed', serviceTypeName: 'Hardware', defaultRate: 21900, unitOfMeasure: 'each', isActive: true, sku: 'HW-MON-24', taxRegion: 'US-NY' });
    expect(data.taxRates).toEqual([
      { taxRateId: id('7a000000', 1), regionCode: 'US-NY', name: 'New York State Sales Tax', taxPercentage: 8.875, isActive: true },
      { taxRateId: id('7a000000', 2), regionCode: 'CA-ON', name: 'Ontario HST', taxPercentage: 13, isActive: true },
      { taxRateId: id('7a000000', 3), regionCode: 'GB', name: 'UK VAT', taxPercentage: 20, isActive: true },
    ]);
    expect(data.invoices).toEqual([{
      invoiceId: id('1e000000', 1), invoiceNumber: 'INV-000001', clientId: id('c0000000', 3), clientName: 'Cedar Dental Group', currencyCode: 'CAD',
      invoiceDate: '2025-03-04', dueDate: '2025-03-04', poNumber: 'PO-7', status: 'draft', subtotal: 43800, tax: 3888, total: 47688,
      items: [{ itemId: id('1e000000', 2), serviceId: id('5e000000', 11), description: 'Monitors', quantity: 2, unitPrice: 21900, netAmount: 43800, taxAmount: 3888, taxRegion: 'US-NY', taxRate: 8.875, totalPrice: 47688, isDiscount: false }],
    }]);
    expect(data.schedules).toEqual([
      { scheduleId: 'sch-1', extension: 'acme.reports', installId: 'inst-1', name: 'nightly', endpoint: 'POST /sync', cron: '0 2 * * *', timezone: 'UTC', enabled: true, nextRunAt: '2025-01-02T02:00:00.000Z', lastRunAt: null, lastRunStatus: null, lastError: null },
      { scheduleId: 'sch-2', extension: 'acme.reports', installId: 'inst-1', name: 'weekly', endpoint: 'POST /sync', cron: '0 2 * * *', timezone: 'UTC', enabled: false, nextRunAt: null, lastRunAt: '2025-01-01T02:00:00.000Z', lastRunStatus: 'error', lastError: 'boom' },
    ]);
  });

  it('should answer a loaded fixture exactly, with null for what it leaves out', () => {
    psa.loadFixture(TENANT, {
      clients: [{ clientId: id('c1000000', 1), clientName: 'Seeded Ltd' }],
      services: [{ serviceId: id('5e100000', 1), serviceName: 'Audit', itemKind: 'service', billingMethod: 'fixed', defaultRate: 50000, unitOfMeasure: 'each' }],
    });
    expect(buildShellPsa(sources(), TENANT)).toEqual({
      tenantId: TENANT,
      clients: [{ clientId: id('c1000000', 1), clientName: 'Seeded Ltd', clientType: null, isInactive: false, defaultCurrencyCode: null, accountManagerName: null, billingEmail: null }],
      services: [{ serviceId: id('5e100000', 1), serviceName: 'Audit', itemKind: 'service', billingMethod: 'fixed', serviceTypeName: null, defaultRate: 50000, unitOfMeasure: 'each', isActive: true, sku: null, taxRegion: null }],
      taxRates: [],
      invoices: [],
      schedules: [],
    });
  });
});
