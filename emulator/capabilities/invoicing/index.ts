/**
 * `alga:extension/invoicing`: draft manual invoices in the emulator's PSA store (emulator/psa/).
 *
 * Matches production's route and what it calls (repository Nine-Minds/alga-psa):
 * - server/src/app/api/internal/ext-invoicing/install/[installId]/route.ts (delegates to EE)
 * - ee/server/src/app/api/internal/ext-invoicing/install/[installId]/route.ts
 * - ee/server/src/lib/extensions/invoicingInternalApi.ts (grant, validation → 400, result → 201/400)
 * - ee/server/src/lib/extensions/invoicingValidation.ts (field errors: emulator/psa/invoice-input.ts)
 * - ee/server/src/lib/extensions/invoicingHostApi.ts (numbering, draft status, error mapping: emulator/psa/invoices.ts)
 * - packages/billing/src/services/invoiceService.ts and taxService.ts (lines, discounts, tax: emulator/psa/invoice-totals.ts)
 * - shared/services/numberingService.ts (INVOICE numbers: INV- and 6 digits from 1)
 * - ee/runner/src/engine/host_api.rs (invoicing_request: a non-2xx answer becomes error "http <status>: <body>")
 */
import type * as InvoicingWit from '../../wit/generated/host/interfaces/alga-extension-invoicing.js';
import type { CreateManualInvoiceResult } from '../../wit/generated/host/interfaces/alga-extension-types.js';
import { validateManualInvoice } from '../../psa/invoice-input.ts';
import type { ManualInvoiceOutcome } from '../../psa/invoices.ts';
import { openPsaStore } from '../../psa/shared-store.ts';
import { defineCapability, requireGrantAndInstall, type Denial } from '../capability.ts';

const GRANT = 'cap:invoice.manual.create';

function failed(error: string, fieldErrors?: Record<string, string>): CreateManualInvoiceResult {
  const fields = fieldErrors === undefined ? undefined : JSON.stringify(fieldErrors);
  return { success: false, invoiceId: undefined, invoiceNumber: undefined, status: undefined, subtotal: undefined, tax: undefined, total: undefined, error, fieldErrors: fields };
}

/** The `error` text of a refused call, as production words it. */
function deniedText(denial: Denial): string {
  return denial.reason === 'grant' ? `Permission denied: ${denial.detail}` : 'Permission denied: install_id missing';
}

/**
 * What the guest sees of the internal route's answer: 201 is parsed into the record; any failure
 * is a 400, which the Runner turns into `error: "http 400: <the JSON body>"`.
 */
export function toWitResult(outcome: ManualInvoiceOutcome): CreateManualInvoiceResult {
  if (!outcome.success) return failed(`http 400: ${JSON.stringify(outcome)}`, outcome.fieldErrors);
  const { invoiceId, invoiceNumber, status, subtotal, tax, total } = outcome.invoice;
  return { success: true, invoiceId, invoiceNumber, status, subtotal, tax, total, error: undefined, fieldErrors: undefined };
}

export const invoicingCapability = defineCapability<typeof InvoicingWit>()({
  name: 'invoicing',
  witInterface: 'alga:extension/invoicing',
  capability: GRANT,
  grantedByDefault: false,
  functions: { createManualInvoice: { returnsResult: false, denied: (d) => failed(deniedText(d)) } },
  summary: 'create-manual-invoice(input): a draft manual invoice in the PSA store, validated, numbered (INV-000001…) and totalled (discounts, tax by region) as production does.',
  parityNotes: [
    'invoicing: a failed creation answers error "http 400: <production\'s JSON body>" as the Runner words it, and the emulator also fills field-errors with the body\'s field errors as JSON (production leaves field-errors none).',
    'invoicing: the default invoice date is today in UTC from the emulator clock (production: the server\'s local date); tax is computed from the tenant\'s active rates of the line\'s region, without production\'s client tax exemption, reverse charge, rate dates, currencies or thresholds.',
    'invoicing: an invoice or due date that is not a calendar day (2025-02-30) answers Postgres\' "date/time field value out of range" message without the SQL text production\'s message starts with; an inactive client or service is accepted, as production does (spec 03 is silent).',
  ],
  open: (services) => ({ ...openPsaStore(services), clock: services.clock }),
  rewindable: (psa) => psa.rewindable,
  guard: () => requireGrantAndInstall(GRANT, 'denied'),
  create: ({ store, clock }) => ({
    createManualInvoice: (scope, [input]) => {
      const valid = validateManualInvoice(input);
      if (!valid.ok) return toWitResult({ success: false, error: valid.error, fieldErrors: valid.fieldErrors });
      const today = new Date(clock.now()).toISOString().slice(0, 10);
      return toWitResult(store.createManualInvoice(scope.tenantId, valid.value, { today, newId: () => crypto.randomUUID() }));
    },
  }),
});
