import { WitError, type CapabilityDefinition } from '../types.ts';

const GRANT = 'cap:secrets.get';

/**
 * `alga:extension/secrets`: reads the install's secrets, decrypted from the request's
 * `secret_envelope` before the guest starts (see `secret-envelope.ts`).
 */
export const secretsCapability: CapabilityDefinition = {
  name: 'secrets',
  witInterface: 'alga:extension/secrets',
  capability: GRANT,
  functions: { get: { returnsResult: true }, listKeys: { returnsResult: false } },
  summary: 'get(key) / list-keys(): install secrets from the request envelope.',
  parityNotes: [],
  create: () => ({
    get: (scope, [key]) => {
      if (!scope.grants.has(GRANT)) throw new WitError('denied', `${GRANT} not granted`);
      const name = String(key);
      const value = scope.secrets && Object.hasOwn(scope.secrets, name) ? scope.secrets[name] : undefined;
      if (value === undefined) throw new WitError('missing', `secret "${name}" is not set`);
      return value;
    },
    listKeys: (scope) => {
      if (!scope.grants.has(GRANT)) return [];
      return Object.keys(scope.secrets ?? {}).sort();
    },
  }),
};
