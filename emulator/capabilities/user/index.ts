import type * as UserWit from '../../wit/generated/host/interfaces/alga-extension-user.js';
import { defineCapability, requireGrant } from '../capability.ts';
import { USER_GRANT, requireUser, userDataV1 } from './user-data.ts';

/** `alga:extension/user`: the calling user, from the request's `user`. */
export const userCapability = defineCapability<typeof UserWit>()({
  name: 'user',
  witInterface: 'alga:extension/user',
  capability: USER_GRANT,
  grantedByDefault: true,
  functions: { getUser: { returnsResult: true } },
  summary: 'get-user(): the calling user (not-available when the call has none).',
  parityNotes: [],
  guard: () => requireGrant(USER_GRANT, 'not-allowed'),
  create: () => ({ getUser: (scope) => userDataV1(scope, requireUser(scope)) }),
});
