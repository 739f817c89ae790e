/**
 * Validation of `invoicing.create-manual-invoice` input, as production's internal route does it
 * before any lookup (Nine-Minds/alga-psa ee/server/src/lib/extensions/invoicingValidation.ts):
 * field errors keyed by path (`items[0].quantity`), first error per field wins, in the order the
 * fields are checked.
 */
import type { CreateManualInvoiceInput, ManualInvoiceItemInput } from '../wit/generated/host/interfaces/alga-extension-types.js';

/** A validated item: trimmed strings; amounts as the JSON the Runner sent (NaN/Infinity → 0). */
export interface ValidItem {
  serviceId: string;
  quantity: number;
  description: string;
  rate: number;
  isDiscount?: boolean;
  discountType?: 'percentage' | 'fixed';
  appliesToItemId?: string;
  appliesToServiceId?: string;
}

export interface ValidInvoiceInput {
  clientId: string;
  items: ValidItem[];
  invoiceDate?: string;
  dueDate?: string;
  poNumber?: string;
}

export type InvoiceValidation = { ok: true; value: ValidInvoiceInput } | { ok: false; error: 'Validation error'; fieldErrors: Record<string, string> };

// Production's regex: a v1–v5 UUID with the RFC 4122 variant (stricter than the clients reads).
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

type Errors = Record<string, string>;

function addError(errors: Errors, field: string, message: string): void {
  errors[field] ??= message;
}

function trimmed(value: string | undefined): string | null {
  return value === undefined ? null : value.trim();
}

/** The Runner sends f64s through serde_json, where NaN and ±Infinity become null; `Number(null)` is 0. */
function wireNumber(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

function uuid(value: string | undefined, field: string, errors: Errors): string | undefined {
  const v = trimmed(value);
  if (!v) return addError(errors, field, 'Required'), undefined;
  if (!UUID_RE.test(v)) return addError(errors, field, 'Invalid UUID'), undefined;
  return v;
}

function isoDate(value: string | undefined, field: string, errors: Errors): string | undefined {
  const v = trimmed(value);
  if (!v) return undefined;
  if (!ISO_DATE_RE.test(v)) return addError(errors, field, 'Invalid date (expected YYYY-MM-DD)'), undefined;
  return v;
}

function item(raw: ManualInvoiceItemInput, idx: number, errors: Errors): ValidItem | undefined {
  const at = `items[${idx}]`;
  const serviceId = uuid(raw.serviceId, `${at}.serviceId`, errors);
  const description = trimmed(raw.description);
  if (!description) addError(errors, `${at}.description`, 'Required');
  if (description && description.length > 500) addError(errors, `${at}.description`, 'Too long');
  const quantity = wireNumber(raw.quantity);
  if (quantity <= 0) addError(errors, `${at}.quantity`, 'Must be > 0');
  const rate = wireNumber(raw.rate);
  if (rate < 0) addError(errors, `${at}.rate`, 'Must be >= 0');
  const isDiscount = raw.isDiscount;
  const discountType = raw.discountType;
  if (isDiscount) {
    if (!discountType) addError(errors, `${at}.discountType`, 'Required when isDiscount=true');
    if (discountType === 'percentage' && (rate < 0 || rate > 100)) addError(errors, `${at}.rate`, 'Percentage discount rate must be between 0 and 100');
  } else {
    if (discountType) addError(errors, `${at}.discountType`, 'Not allowed unless isDiscount=true');
    if (raw.appliesToItemId !== undefined || raw.appliesToServiceId !== undefined) addError(errors, at, 'appliesTo* fields require isDiscount=true');
  }
  const appliesToItemId = raw.appliesToItemId === undefined ? undefined : uuid(raw.appliesToItemId, `${at}.appliesToItemId`, errors);
  const appliesToServiceId = raw.appliesToServiceId === undefined ? undefined : uuid(raw.appliesToServiceId, `${at}.appliesToServiceId`, errors);
  if (appliesToItemId && appliesToServiceId) addError(errors, at, 'Provide only one of appliesToItemId or appliesToServiceId');
  if (!serviceId || !description || quantity <= 0 || rate < 0) return undefined;
  return { serviceId, quantity, description, rate, isDiscount, discountType, appliesToItemId, appliesToServiceId };
}

/** Production's validateCreateManualInvoiceInput over the WIT record. */
export function validateManualInvoice(input: CreateManualInvoiceInput): InvoiceValidation {
  const errors: Errors = {};
  const clientId = uuid(input.clientId, 'clientId', errors);
  const items: ValidItem[] = [];
  if (input.items.length === 0) addError(errors, 'items', 'Must include at least one item');
  input.items.forEach((raw, idx) => {
    const valid = item(raw, idx, errors);
    if (valid) items.push(valid);
  });
  const invoiceDate = isoDate(input.invoiceDate, 'invoiceDate', errors);
  const dueDate = isoDate(input.dueDate, 'dueDate', errors);
  const poNumber = trimmed(input.poNumber) || undefined;
  if (poNumber !== undefined && poNumber.length > 128) addError(errors, 'poNumber', 'Too long');
  if (Object.keys(errors).length > 0 || !clientId) return { ok: false, error: 'Validation error', fieldErrors: errors };
  return { ok: true, value: { clientId, items, invoiceDate, dueDate, poNumber } };
}
