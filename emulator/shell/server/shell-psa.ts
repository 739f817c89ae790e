// `GET /api/emulator/psa[?tenant=]`: who may read a tenant's PSA data in the shell, and that data
// with the tenant's schedules, shaped for the page. No Express here.
import type { Principal } from '../../gateway/sessions.ts';
import type { PsaStore } from '../../psa/psa-store.ts';
import type { Registry } from '../../registry/registry.ts';
import type { ShellPsaData, ShellPsaSchedule } from '../app/lib/psa-types.ts';

export type PsaAccess =
  | { ok: true; tenantId: string }
  | { ok: false; status: 401 | 403; body: { error: string; code: string; hint: string } };

/**
 * A signed-in MSP (internal) user reads their own tenant; a client-portal user is refused, as the
 * MSP portal refuses them, and so is a request for another tenant (the tenant switch signs in there).
 */
export function psaAccess(principal: Principal | null, requestedTenant: string | undefined): PsaAccess {
  if (!principal) return { ok: false, status: 401, body: { error: 'unauthenticated', code: 'UNAUTHENTICATED', hint: 'sign in with POST /api/emulator/session first' } };
  const user = principal.user;
  if (user.userType !== 'internal') {
    return { ok: false, status: 403, body: { error: 'forbidden', code: 'RBAC_FORBIDDEN', hint: `${user.email} is a client-portal user; the PSA back office is for MSP users. Sign in as an MSP user of the tenant.` } };
  }
  if (requestedTenant !== undefined && requestedTenant !== user.tenantId) {
    return { ok: false, status: 403, body: { error: 'forbidden', code: 'TENANT_MISMATCH', hint: `${user.email} belongs to tenant ${user.tenantId}, not ${requestedTenant}. Sign in as a user of ${requestedTenant} (the shell's tenant switch does).` } };
  }
  return { ok: true, tenantId: user.tenantId };
}

export interface ShellPsaSources {
  psa: Pick<PsaStore, 'exportFixture'>;
  registry: Pick<Registry, 'installs' | 'scheduleStore'>;
}

/** The tenant's clients, services, tax rates and invoices (store order) and every install's schedules. */
export function buildShellPsa(sources: ShellPsaSources, tenantId: string): ShellPsaData {
  const data = sources.psa.exportFixture(tenantId);
  const users = new Map(data.users.map((u) => [u.userId, [u.firstName, u.lastName].filter((n) => n).join(' ') || u.email]));
  const serviceTypes = new Map(data.serviceTypes.map((t) => [t.serviceTypeId, t.name]));
  const regions = new Map(data.taxRates.map((r) => [r.taxRateId, r.regionCode]));
  const clients = new Map(data.clients.map((c) => [c.clientId, c]));
  return {
    tenantId,
    clients: data.clients.map((c) => ({
      clientId: c.clientId,
      clientName: c.clientName,
      clientType: c.clientType ?? null,
      isInactive: c.isInactive ?? false,
      defaultCurrencyCode: c.defaultCurrencyCode ?? null,
      accountManagerName: c.accountManagerId ? users.get(c.accountManagerId) ?? null : null,
      billingEmail: c.billingEmail ?? null,
    })),
    services: data.services.map((s) => ({
      serviceId: s.serviceId,
      serviceName: s.serviceName,
      itemKind: s.itemKind,
      billingMethod: s.billingMethod,
      serviceTypeName: s.serviceTypeId ? serviceTypes.get(s.serviceTypeId) ?? null : null,
      defaultRate: s.defaultRate,
      unitOfMeasure: s.unitOfMeasure,
      isActive: s.isActive ?? true,
      sku: s.sku ?? null,
      taxRegion: s.taxRateId ? regions.get(s.taxRateId) ?? null : null,
    })),
    taxRates: data.taxRates.map((r) => ({ taxRateId: r.taxRateId, regionCode: r.regionCode, name: r.name, taxPercentage: r.taxPercentage, isActive: r.isActive ?? true })),
    invoices: data.invoices.map((i) => ({
      invoiceId: i.invoiceId,
      invoiceNumber: i.invoiceNumber,
      clientId: i.clientId,
      clientName: clients.get(i.clientId)?.clientName ?? null,
      currencyCode: clients.get(i.clientId)?.defaultCurrencyCode ?? null,
      invoiceDate: i.invoiceDate,
      dueDate: i.dueDate,
      poNumber: i.poNumber,
      status: i.status,
      subtotal: i.subtotal,
      tax: i.tax,
      total: i.total,
      items: i.items.map((c) => ({
        itemId: c.itemId,
        serviceId: c.serviceId,
        description: c.description,
        quantity: c.quantity,
        unitPrice: c.unitPrice,
        netAmount: c.netAmount,
        taxAmount: c.taxAmount,
        taxRegion: c.taxRegion,
        taxRate: c.taxRate,
        totalPrice: c.totalPrice,
        isDiscount: c.isDiscount,
      })),
    })),
    schedules: tenantSchedules(sources.registry, tenantId),
  };
}

/** Every schedule of the tenant's installs (enabled or not), by extension then schedule name. */
export function tenantSchedules(registry: ShellPsaSources['registry'], tenantId: string): ShellPsaSchedule[] {
  return registry
    .installs(tenantId)
    .flatMap((install) => registry.scheduleStore.views(install.installId).map((s) => ({
      scheduleId: s.id,
      extension: install.slug,
      installId: install.installId,
      name: s.name,
      endpoint: `${s.endpointMethod.toUpperCase()} ${s.endpointPath}`,
      cron: s.cron,
      timezone: s.timezone,
      enabled: s.enabled,
      nextRunAt: s.nextRunAt,
      lastRunAt: s.lastRunAt,
      lastRunStatus: s.lastRunStatus,
      lastError: s.lastError,
    })))
    .sort((a, b) => a.extension.localeCompare(b.extension) || (a.name ?? '').localeCompare(b.name ?? '') || a.scheduleId.localeCompare(b.scheduleId));
}
