import { NOT_IMPLEMENTED, grantAndInstall } from '../not-implemented.ts';
import type { CapabilityDefinition } from '../types.ts';

const GRANT = 'cap:invoice.manual.create';

/** `alga:extension/invoicing`: denial shapes per spec 03; invoices are not implemented yet. */
export const invoicingCapability: CapabilityDefinition = {
  name: 'invoicing',
  witInterface: 'alga:extension/invoicing',
  capability: GRANT,
  functions: { createManualInvoice: { returnsResult: false } },
  summary: 'create-manual-invoice(input): draft manual invoices (not implemented yet).',
  parityNotes: [`invoicing: granted calls answer success:false "${NOT_IMPLEMENTED}".`],
  create: () => ({
    createManualInvoice: (scope) => ({
      success: false,
      invoiceId: undefined,
      invoiceNumber: undefined,
      status: undefined,
      subtotal: undefined,
      tax: undefined,
      total: undefined,
      error: !scope.grants.has(GRANT)
        ? `Permission denied: ${GRANT} not granted`
        : !scope.installId
          ? 'Permission denied: install_id missing'
          : NOT_IMPLEMENTED,
      fieldErrors: undefined,
    }),
  }),
  admits: grantAndInstall(GRANT),
};
