import type { CapabilityDefinition } from '../types.ts';
import { requireUser, userDataV1 } from '../user/user-data.ts';

/** `alga:extension/user-v2`: `user` plus client id and additional fields sorted by key. */
export const userV2Capability: CapabilityDefinition = {
  name: 'user-v2',
  witInterface: 'alga:extension/user-v2',
  capability: 'cap:user.read',
  functions: { getUser: { returnsResult: true } },
  summary: 'get-user(): user-data plus client-id and additional-fields (sorted by key).',
  parityNotes: [],
  create: () => ({
    getUser: (scope) => {
      const user = requireUser(scope);
      const additionalFields = Object.keys(user.additionalFields)
        .sort()
        .map((key) => [key, user.additionalFields[key] ?? '']);
      return { ...userDataV1(scope, user), clientId: user.clientId, additionalFields };
    },
  }),
};
