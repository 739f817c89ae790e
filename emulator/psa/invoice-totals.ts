/**
 * The charges and totals of a manual invoice, computed as production does (Nine-Minds/alga-psa
 * packages/billing/src/services/invoiceService.ts: validateManualChargeAttribution,
 * persistManualInvoiceCharges, calculateNetAmount, calculateAndDistributeTax,
 * updateInvoiceTotalsAndRecordTransaction; packages/billing/src/services/taxService.ts:
 * calculateTax by region). Everything is in integer cents.
 */
import type { ValidItem } from './invoice-input.ts';

/** An item to price: a guest's validated input, or a fixture's line keeping its own id. */
export type PricedItem = ValidItem & { itemId?: string };

/** One invoice line as production stores it in invoice_charges. */
export interface Charge {
  itemId: string;
  serviceId: string;
  description: string;
  quantity: number;
  unitPrice: number;
  netAmount: number;
  taxAmount: number;
  taxRegion: string | null;
  taxRate: number;
  totalPrice: number;
  isDiscount: boolean;
  isTaxable: boolean;
  discountType: 'percentage' | 'fixed' | null;
  appliesToItemId: string | null;
  appliesToServiceId: string | null;
}

/** What the computation reads from the tenant's catalog. */
export interface PricingLookups {
  /** The service's tax rate id (null: not taxed), or undefined when the tenant has no such service. */
  serviceTaxRateId(serviceId: string): string | null | undefined;
  regionOfTaxRate(taxRateId: string): string | undefined;
  /** Percentages of the region's active rates (production sums them: composite tax). */
  activeRates(region: string): number[];
  newItemId(): string;
}

/** A failure production throws inside its transaction; its message is what the guest sees. */
export class ManualInvoiceFailure extends Error {}

/** Postgres has no negative zero. */
const cents = (n: number): number => (n === 0 ? 0 : n);

export interface PricedInvoice {
  charges: Charge[];
  subtotal: number;
  tax: number;
  total: number;
}

export function priceManualInvoice(items: readonly PricedItem[], lookups: PricingLookups): PricedInvoice {
  // The host API rounds every rate to whole cents before anything else.
  const rounded = items.map((item) => ({ ...item, rate: Math.round(item.rate) }));
  const taxRateIds = new Map<string, string | null>();
  for (const item of rounded) {
    const taxRateId = lookups.serviceTaxRateId(item.serviceId);
    if (taxRateId === undefined) {
      throw new ManualInvoiceFailure(`The selected service for '${item.description.trim() || 'manual charge'}' is not available in this workspace.`);
    }
    taxRateIds.set(item.serviceId, taxRateId);
  }
  const charges: Charge[] = [];
  const itemOfService = new Map<string, string>();
  for (const item of rounded.filter((i) => !i.isDiscount)) {
    const taxRateId = taxRateIds.get(item.serviceId) ?? null;
    const region = taxRateId === null ? null : (lookups.regionOfTaxRate(taxRateId) ?? null);
    const net = cents(Math.round(item.quantity * item.rate));
    const charge = line(item, item.itemId ?? lookups.newItemId(), { unitPrice: item.rate, net, region, isDiscount: false, isTaxable: region !== null });
    charges.push(charge);
    itemOfService.set(item.serviceId, charge.itemId);
  }
  for (const item of rounded.filter((i) => i.isDiscount)) charges.push(discountLine(item, charges, itemOfService, taxRateIds, lookups));
  distributeTax(charges, lookups);
  const subtotal = charges.reduce((sum, c) => sum + c.netAmount, 0);
  const tax = charges.reduce((sum, c) => sum + c.taxAmount, 0);
  return { charges, subtotal: Math.round(subtotal), tax: Math.round(tax), total: Math.round(subtotal + tax) };
}

function line(
  item: PricedItem,
  itemId: string,
  values: { unitPrice: number; net: number; region: string | null; isDiscount: boolean; isTaxable: boolean },
): Charge {
  return {
    itemId,
    serviceId: item.serviceId,
    description: item.description,
    quantity: item.quantity,
    unitPrice: values.unitPrice,
    netAmount: values.net,
    taxAmount: 0,
    taxRegion: values.region,
    taxRate: 0,
    totalPrice: values.net,
    isDiscount: values.isDiscount,
    isTaxable: values.isTaxable,
    discountType: null,
    appliesToItemId: null,
    appliesToServiceId: null,
  };
}

function discountLine(item: PricedItem, charges: Charge[], itemOfService: Map<string, string>, taxRateIds: Map<string, string | null>, lookups: PricingLookups): Charge {
  let targetId = item.appliesToItemId;
  if (item.appliesToServiceId && !targetId) {
    targetId = itemOfService.get(item.appliesToServiceId);
    if (!targetId) throw new ManualInvoiceFailure(`Could not find invoice item for service: ${item.appliesToServiceId} to apply discount.`);
  }
  let targetAmount: number | undefined;
  if (targetId) {
    // Production looks the target up among this invoice's lines; a guest cannot know their ids.
    const target = charges.find((c) => c.itemId === targetId);
    if (!target) throw new ManualInvoiceFailure('The selected discount target is not a line on this invoice.');
    targetAmount = target.netAmount;
  }
  // Every discount is taken from the lines that are not discounts, never from what other discounts left.
  const base = charges.filter((c) => !c.isDiscount).reduce((sum, c) => sum + c.netAmount, 0);
  const percentage = item.discountType === 'percentage';
  const net = percentage ? -Math.round(((targetId ? targetAmount || 0 : base) * Math.abs(item.rate)) / 100) : -Math.abs(Math.round(item.rate));
  const taxRateId = taxRateIds.get(item.serviceId) ?? null;
  const region = taxRateId === null ? null : (lookups.regionOfTaxRate(taxRateId) ?? null);
  return {
    ...line(item, item.itemId ?? lookups.newItemId(), { unitPrice: percentage ? 0 : cents(-Math.abs(item.rate)), net: cents(net), region, isDiscount: true, isTaxable: false }),
    discountType: item.discountType ?? 'fixed',
    appliesToItemId: targetId ?? null,
    appliesToServiceId: item.appliesToServiceId ?? null,
  };
}

/**
 * Tax per region on the positive taxable lines only (discounts never lower the tax base),
 * rounded up; shared among the region's lines by amount, largest first, the last taking the
 * remainder. A region without an active rate is taxed 0 (production logs the error and goes on).
 */
function distributeTax(charges: Charge[], lookups: PricingLookups): void {
  const regions = new Map<string, Charge[]>();
  for (const c of charges) {
    if (c.isDiscount || !c.isTaxable || c.netAmount <= 0 || c.taxRegion === null) continue;
    regions.set(c.taxRegion, [...(regions.get(c.taxRegion) ?? []), c]);
  }
  for (const [region, taxable] of regions) {
    const base = taxable.reduce((sum, c) => sum + c.netAmount, 0);
    const rates = lookups.activeRates(region);
    const rate = rates.reduce((sum, r) => sum + r, 0);
    const regionTax = rates.length === 0 ? 0 : base > 0 ? Math.ceil((base * rate) / 100) : 0;
    let remaining = regionTax;
    const sorted = [...taxable].sort((a, b) => b.netAmount - a.netAmount);
    sorted.forEach((c, i) => {
      const share = regionTax > 0 ? (i === sorted.length - 1 ? remaining : Math.floor((c.netAmount / base) * regionTax)) : 0;
      remaining -= share;
      c.taxAmount = share;
      c.taxRate = rates.length === 0 ? 0 : rate;
    });
  }
  for (const c of charges) {
    if (!c.isTaxable) {
      c.taxAmount = 0;
      c.taxRate = 0;
    }
    c.totalPrice = c.netAmount + c.taxAmount;
  }
}
