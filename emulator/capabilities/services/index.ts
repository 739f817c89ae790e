/**
 * `alga:extension/services`: reads of the emulator's PSA fixture service catalog (emulator/psa/).
 *
 * Matches production's internal route and what it calls (repository Nine-Minds/alga-psa):
 * - server/src/app/api/internal/ext-services/install/[installId]/route.ts (delegates to EE)
 * - ee/server/src/app/api/internal/ext-services/install/[installId]/route.ts
 * - ee/server/src/lib/extensions/servicesInternalApi.ts (input validation → INVALID_INPUT)
 * - ee/server/src/lib/extensions/serviceReadService.ts (filters, ordering, paging, field mapping)
 */
import type * as ServicesWit from '../../wit/generated/host/interfaces/alga-extension-services.js';
import { recordId, serviceQuery } from '../../psa/list-input.ts';
import { openPsaStore } from '../../psa/shared-store.ts';
import { defineCapability, requireGrantAndInstall } from '../capability.ts';

const GRANT = 'cap:service.read';

export const servicesCapability = defineCapability<typeof ServicesWit>()({
  name: 'services',
  witInterface: 'alga:extension/services',
  capability: GRANT,
  grantedByDefault: false,
  functions: { listServices: { returnsResult: true }, getService: { returnsResult: true } },
  summary: 'list-services (search name / description / SKU, item-kind, is-active, billing-method, 25 per page by name) / get-service over the seeded PSA fixture; rates in cents.',
  parityNotes: [
    'services: the data is the emulator\'s seeded PSA fixture (emulator/psa/seed.ts), written per tenant on its first read; ordering by name is case-insensitive with ties by id (production: the database collation, ties unordered).',
    'services follow production\'s internal route where spec 03 is silent: get-service of an id that is not a UUID, page above 10 000 and search longer than 200 characters answer invalid-input.',
  ],
  open: openPsaStore,
  rewindable: (psa) => psa.rewindable,
  guard: () => requireGrantAndInstall(GRANT, 'not-allowed'),
  create: ({ store }) => ({
    listServices: (scope, [input]) => store.listServices(scope.tenantId, serviceQuery(input)),
    getService: (scope, [serviceId]) => store.getService(scope.tenantId, recordId('serviceId', serviceId)),
  }),
});
