import type * as ClientsWit from '../../wit/generated/host/interfaces/alga-extension-clients.js';
import { defineCapability, requireGrantAndInstall } from '../capability.ts';
import { NOT_IMPLEMENTED, notImplemented } from '../not-implemented.ts';

const GRANT = 'cap:client.read';

/** `alga:extension/clients`: denial shapes per spec 03; PSA client data is not implemented yet. */
export const clientsCapability = defineCapability<typeof ClientsWit>()({
  name: 'clients',
  witInterface: 'alga:extension/clients',
  capability: GRANT,
  grantedByDefault: false,
  functions: { listClients: { returnsResult: true }, getClient: { returnsResult: true } },
  summary: 'list-clients / get-client over fixture PSA data (not implemented yet).',
  parityNotes: [`clients: granted calls answer internal (${NOT_IMPLEMENTED}).`],
  guard: () => requireGrantAndInstall(GRANT, 'not-allowed'),
  create: () => ({ listClients: notImplemented, getClient: notImplemented }),
});
