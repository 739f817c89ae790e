import type * as SecretsWit from '../../wit/generated/host/interfaces/alga-extension-secrets.js';
import { WitError } from '../../contracts/invocation.ts';
import { defineCapability, requireGrant } from '../capability.ts';

const GRANT = 'cap:secrets.get';

/**
 * `alga:extension/secrets`: reads the install's secrets, decrypted from the request's
 * `secret_envelope` before the guest starts (see `secret-envelope.ts`).
 */
export const secretsCapability = defineCapability<typeof SecretsWit>()({
  name: 'secrets',
  witInterface: 'alga:extension/secrets',
  capability: GRANT,
  grantedByDefault: false,
  functions: { get: { returnsResult: true }, listKeys: { returnsResult: false, denied: () => [] } },
  summary: 'get(key) / list-keys(): install secrets from the request envelope.',
  parityNotes: [],
  guard: () => requireGrant(GRANT, 'denied'),
  create: () => ({
    get: (scope, [key]) => {
      const name = String(key);
      const value = scope.secrets && Object.hasOwn(scope.secrets, name) ? scope.secrets[name] : undefined;
      if (value === undefined) throw new WitError('missing', `secret "${name}" is not set`);
      return value;
    },
    listKeys: (scope) => Object.keys(scope.secrets ?? {}).sort(),
  }),
});
