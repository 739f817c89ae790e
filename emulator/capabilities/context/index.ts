import type { CapabilityDefinition } from '../types.ts';

/** `alga:extension/context`: who and what this invocation is. Always granted. */
export const contextCapability: CapabilityDefinition = {
  name: 'context',
  witInterface: 'alga:extension/context',
  capability: 'cap:context.read',
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
};
