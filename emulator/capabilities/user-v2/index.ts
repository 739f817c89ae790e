import type * as UserV2Wit from '../../wit/generated/host/interfaces/alga-extension-user-v2.js';
import { defineCapability, requireGrant } from '../capability.ts';
import { USER_GRANT, requireUser, userDataV1 } from '../user/user-data.ts';

/** `alga:extension/user-v2`: `user` plus client id and additional fields sorted by key. */
export const userV2Capability = defineCapability<typeof UserV2Wit>()({
  name: 'user-v2',
  witInterface: 'alga:extension/user-v2',
  capability: USER_GRANT,
  grantedByDefault: true,
  functions: { getUser: { returnsResult: true } },
  summary: 'get-user(): user-data plus client-id and additional-fields (sorted by key).',
  parityNotes: [],
  guard: () => requireGrant(USER_GRANT, 'not-allowed'),
  create: () => ({
    getUser: (scope) => {
      const user = requireUser(scope);
      const additionalFields = Object.keys(user.additionalFields)
        .sort()
        .map((key): [string, string] => [key, user.additionalFields[key] ?? '']);
      return { ...userDataV1(scope, user), clientId: user.clientId, additionalFields };
    },
  }),
});
