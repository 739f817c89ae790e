import type * as ContextWit from '../../wit/generated/host/interfaces/alga-extension-context.js';
import { defineCapability } from '../capability.ts';

/** `alga:extension/context`: who and what this invocation is. Always granted. */
export const contextCapability = defineCapability<typeof ContextWit>()({
  name: 'context',
  witInterface: 'alga:extension/context',
  capability: 'cap:context.read',
  grantedByDefault: true,
  functions: { getContext: { returnsResult: false } },
  summary: 'get-context(): request, tenant, extension, install and version ids of this call.',
  parityNotes: [],
  create: () => ({
    getContext: (scope) => ({
      requestId: scope.requestId,
      tenantId: scope.tenantId,
      extensionId: scope.extensionId,
      installId: scope.installId,
      versionId: scope.versionId,
    }),
  }),
});
