import type * as ServicesWit from '../../wit/generated/host/interfaces/alga-extension-services.js';
import { defineCapability, requireGrantAndInstall } from '../capability.ts';
import { NOT_IMPLEMENTED, notImplemented } from '../not-implemented.ts';

const GRANT = 'cap:service.read';

/** `alga:extension/services`: denial shapes per spec 03; PSA service data is not implemented yet. */
export const servicesCapability = defineCapability<typeof ServicesWit>()({
  name: 'services',
  witInterface: 'alga:extension/services',
  capability: GRANT,
  grantedByDefault: false,
  functions: { listServices: { returnsResult: true }, getService: { returnsResult: true } },
  summary: 'list-services / get-service over fixture PSA data (not implemented yet).',
  parityNotes: [`services: granted calls answer internal (${NOT_IMPLEMENTED}).`],
  guard: () => requireGrantAndInstall(GRANT, 'not-allowed'),
  create: () => ({ listServices: notImplemented, getService: notImplemented }),
});
