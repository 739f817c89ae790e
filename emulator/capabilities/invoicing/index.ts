import type * as InvoicingWit from '../../wit/generated/host/interfaces/alga-extension-invoicing.js';
import { defineCapability, requireGrantAndInstall, type Denial } from '../capability.ts';
import { NOT_IMPLEMENTED } from '../not-implemented.ts';

const GRANT = 'cap:invoice.manual.create';

function failed(error: string) {
  return { success: false, invoiceId: undefined, invoiceNumber: undefined, status: undefined, subtotal: undefined, tax: undefined, total: undefined, error, fieldErrors: undefined };
}

/** The `error` text of a refused call, as production words it. */
function deniedText(denial: Denial): string {
  return denial.reason === 'grant' ? `Permission denied: ${denial.detail}` : 'Permission denied: install_id missing';
}

/** `alga:extension/invoicing`: denial shapes per spec 03; invoices are not implemented yet. */
export const invoicingCapability = defineCapability<typeof InvoicingWit>()({
  name: 'invoicing',
  witInterface: 'alga:extension/invoicing',
  capability: GRANT,
  grantedByDefault: false,
  functions: { createManualInvoice: { returnsResult: false, denied: (d) => failed(deniedText(d)) } },
  summary: 'create-manual-invoice(input): draft manual invoices (not implemented yet).',
  parityNotes: [`invoicing: granted calls answer success:false "${NOT_IMPLEMENTED}".`],
  guard: () => requireGrantAndInstall(GRANT, 'denied'),
  create: () => ({ createManualInvoice: () => failed(NOT_IMPLEMENTED) }),
});
