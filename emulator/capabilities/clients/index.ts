import { NOT_IMPLEMENTED, grantAndInstall, notImplementedRead } from '../not-implemented.ts';
import type { CapabilityDefinition } from '../types.ts';

const GRANT = 'cap:client.read';

const notYet = notImplementedRead(GRANT, 'not-allowed');

/** `alga:extension/clients`: denial shapes per spec 03; PSA client data is not implemented yet. */
export const clientsCapability: CapabilityDefinition = {
  name: 'clients',
  witInterface: 'alga:extension/clients',
  capability: GRANT,
  functions: { listClients: { returnsResult: true }, getClient: { returnsResult: true } },
  summary: 'list-clients / get-client over fixture PSA data (not implemented yet).',
  parityNotes: [`clients: granted calls answer internal (${NOT_IMPLEMENTED}).`],
  create: () => ({ listClients: notYet, getClient: notYet }),
  admits: grantAndInstall(GRANT),
};
