import type { FixtureClient, FixtureMode, FixtureService, FixtureTaxRate, PsaFixture, PsaFixtureData, PsaInvoice, PsaStore } from '../emulator/internals.ts';
import type { TenantRef } from './identities.ts';

/** Options of `emu.psa.seed`. */
export interface PsaSeedOptions {
  /** Default the default tenant. */
  tenant?: TenantRef;
  /** `replace` (default): the tenant's PSA data becomes `data`. `extend`: records are added, or replaced by id. */
  mode?: FixtureMode;
}

type TenantOption = { tenant?: TenantRef };

/**
 * The PSA back office of a tenant (clients, services, tax rates, invoices) as the clients,
 * services and invoicing capabilities see it. Amounts are in cents. Covered by snapshot/restore.
 *
 * @example
 * emu.psa.seed({ taxRates: [...], clients: [...], services: [...] });   // PSA_FIXTURE_INVALID names a bad record and field
 * await emu.invoke(ext, { method: 'POST', path: '/bill' });
 * emu.psa.invoices()[0]?.total                                          // 290406
 */
export interface PsaView {
  /** Loads fixture records (the format of `alga-emulator data load`), in one transaction. */
  seed(data: PsaFixture, options?: PsaSeedOptions): void;
  /** Every client, inactive ones too, by id. */
  clients(options?: TenantOption): FixtureClient[];
  /** Every service and product, by id. */
  services(options?: TenantOption): FixtureService[];
  /** Every tax rate, by id. */
  taxRates(options?: TenantOption): FixtureTaxRate[];
  /** Invoices in creation order, each with its lines, subtotal, tax and total. */
  invoices(options?: TenantOption): PsaInvoice[];
  /** All of the tenant's PSA data in the fixture format (what `alga-emulator data export` writes). */
  export(options?: TenantOption): PsaFixtureData;
}

export function psaView(store: PsaStore, tenantOf: (tenant: TenantRef | undefined) => string): PsaView {
  const data = (options: TenantOption = {}) => store.exportFixture(tenantOf(options.tenant));
  return {
    seed: (fixture, options = {}) => store.loadFixture(tenantOf(options.tenant), fixture, options.mode ?? 'replace'),
    clients: (options) => data(options).clients,
    services: (options) => data(options).services,
    taxRates: (options) => data(options).taxRates,
    invoices: (options = {}) => store.invoices(tenantOf(options.tenant)),
    export: (options) => data(options),
  };
}
