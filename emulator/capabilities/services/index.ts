import { NOT_IMPLEMENTED, grantAndInstall, notImplementedRead } from '../not-implemented.ts';
import type { CapabilityDefinition } from '../types.ts';

const GRANT = 'cap:service.read';

const notYet = notImplementedRead(GRANT, 'not-allowed');

/** `alga:extension/services`: denial shapes per spec 03; PSA service data is not implemented yet. */
export const servicesCapability: CapabilityDefinition = {
  name: 'services',
  witInterface: 'alga:extension/services',
  capability: GRANT,
  functions: { listServices: { returnsResult: true }, getService: { returnsResult: true } },
  summary: 'list-services / get-service over fixture PSA data (not implemented yet).',
  parityNotes: [`services: granted calls answer internal (${NOT_IMPLEMENTED}).`],
  create: () => ({ listServices: notYet, getService: notYet }),
  admits: grantAndInstall(GRANT),
};
