/**
 * `alga:extension/clients`: reads of the emulator's PSA fixture clients (emulator/psa/).
 *
 * Matches production's internal route and what it calls (repository Nine-Minds/alga-psa):
 * - server/src/app/api/internal/ext-clients/install/[installId]/route.ts (delegates to EE)
 * - ee/server/src/app/api/internal/ext-clients/install/[installId]/route.ts
 * - ee/server/src/lib/extensions/clientsInternalApi.ts (input validation → INVALID_INPUT)
 * - ee/server/src/lib/extensions/clientReadService.ts (filters, ordering, paging, field mapping)
 */
import type * as ClientsWit from '../../wit/generated/host/interfaces/alga-extension-clients.js';
import { clientQuery, recordId } from '../../psa/list-input.ts';
import { openPsaStore } from '../../psa/shared-store.ts';
import { defineCapability, requireGrantAndInstall } from '../capability.ts';

const GRANT = 'cap:client.read';

export const clientsCapability = defineCapability<typeof ClientsWit>()({
  name: 'clients',
  witInterface: 'alga:extension/clients',
  capability: GRANT,
  grantedByDefault: false,
  functions: { listClients: { returnsResult: true }, getClient: { returnsResult: true } },
  summary: 'list-clients (search name / id / billing email, include-inactive, 25 per page by name) / get-client over the seeded PSA fixture.',
  parityNotes: [
    'clients: the data is the emulator\'s seeded PSA fixture (emulator/psa/seed.ts), written per tenant on its first read; ordering by name is case-insensitive with ties by id (production: the database collation, ties unordered).',
    'clients follow production\'s internal route where spec 03 is silent: get-client of an id that is not a UUID, page above 10 000 and search longer than 200 characters answer invalid-input.',
  ],
  open: openPsaStore,
  rewindable: (psa) => psa.rewindable,
  guard: () => requireGrantAndInstall(GRANT, 'not-allowed'),
  create: ({ store }) => ({
    listClients: (scope, [input]) => store.listClients(scope.tenantId, clientQuery(input)),
    getClient: (scope, [clientId]) => store.getClient(scope.tenantId, recordId('clientId', clientId)),
  }),
});
