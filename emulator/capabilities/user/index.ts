import type { CapabilityDefinition } from '../types.ts';
import { requireUser, userDataV1 } from './user-data.ts';

/** `alga:extension/user`: the calling user, from the request's `user`. */
export const userCapability: CapabilityDefinition = {
  name: 'user',
  witInterface: 'alga:extension/user',
  capability: 'cap:user.read',
  functions: { getUser: { returnsResult: true } },
  summary: 'get-user(): the calling user (not-available when the call has none).',
  parityNotes: [],
  create: () => ({ getUser: (scope) => userDataV1(scope, requireUser(scope)) }),
};
