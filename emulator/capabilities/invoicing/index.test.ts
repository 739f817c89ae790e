import { describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import { NOT_IMPLEMENTED } from '../not-implemented.ts';
import type { InvocationScope } from '../../contracts/invocation.ts';
import { invoicingCapability } from './index.ts';
import { fakeScope } from '../test-support.ts';

const makeScope = (overrides: Partial<InvocationScope> = {}): InvocationScope =>
  fakeScope({ grants: new Set(['cap:invoice.manual.create']), ...overrides });

const host = guardedFunctions(invoicingCapability, undefined);
const INPUT = { clientId: 'client-1', items: [], invoiceDate: undefined, dueDate: undefined, poNumber: undefined };

function createManualInvoice(scope: InvocationScope): unknown {
  if (!host.createManualInvoice) throw new Error('invoicing has no createManualInvoice');
  return host.createManualInvoice(scope, [INPUT]);
}

function failed(error: string) {
  return {
    success: false,
    invoiceId: undefined,
    invoiceNumber: undefined,
    status: undefined,
    subtotal: undefined,
    tax: undefined,
    total: undefined,
    error,
    fieldErrors: undefined,
  };
}

describe('invoicingCapability.createManualInvoice', () => {
  it('answers the permission-denied result without cap:invoice.manual.create', () => {
    const result = createManualInvoice(makeScope({ grants: new Set(['cap:context.read']) }));
    expect(result).toEqual(failed('Permission denied: cap:invoice.manual.create not granted'));
    expect(Object.keys(result as object)).toEqual([
      'success',
      'invoiceId',
      'invoiceNumber',
      'status',
      'subtotal',
      'tax',
      'total',
      'error',
      'fieldErrors',
    ]);
  });

  it.each([undefined, ''])('answers "install_id missing" with the grant but install id %j', (installId) => {
    expect(createManualInvoice(makeScope({ installId }))).toEqual(failed('Permission denied: install_id missing'));
  });

  it('reports the missing grant before the missing install id', () => {
    expect(createManualInvoice(makeScope({ grants: new Set(), installId: undefined }))).toEqual(
      failed('Permission denied: cap:invoice.manual.create not granted'),
    );
  });

  it('answers not-implemented when granted with an install id', () => {
    expect(createManualInvoice(makeScope())).toEqual(failed(NOT_IMPLEMENTED));
  });
});
