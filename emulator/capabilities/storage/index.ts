import { WitError, type CapabilityDefinition, type InvocationScope } from '../types.ts';
import type { KvScope, KvStore } from './kv-store.ts';

const GRANT = 'cap:storage.kv';

export interface StorageCapabilityDeps {
  kv: KvStore;
}

/** Storage needs the grant **and** an install id (spec 03). */
function kvScope(scope: InvocationScope): KvScope {
  if (!scope.grants.has(GRANT)) throw new WitError('denied', `${GRANT} not granted`);
  if (!scope.installId) throw new WitError('denied', 'the request has no install id');
  return { tenantId: scope.tenantId, installId: scope.installId };
}

/** `alga:extension/storage`: revisioned key-value storage per install and namespace. */
export const storageCapability: CapabilityDefinition<StorageCapabilityDeps> = {
  name: 'storage',
  witInterface: 'alga:extension/storage',
  capability: GRANT,
  functions: {
    get: { returnsResult: true },
    put: { returnsResult: true },
    delete: { returnsResult: true },
    listEntries: { returnsResult: true },
  },
  summary: 'get / put (compare-and-swap on revision) / delete / list-entries (25 per page, by key).',
  parityNotes: [
    'storage.list-entries honours its cursor as "keys after this one" (production ignores it, so only the first 25 entries are reachable there).',
  ],
  create: ({ kv }) => ({
    get: (scope, [namespace, key]) => kv.get(kvScope(scope), String(namespace), String(key)),
    put: (scope, [entry]) => {
      const e = entry as { namespace: string; key: string; value: Uint8Array; revision?: bigint };
      return kv.put(kvScope(scope), e);
    },
    delete: (scope, [namespace, key]) => kv.delete(kvScope(scope), String(namespace), String(key)),
    listEntries: (scope, [namespace, cursor]) =>
      kv.list(kvScope(scope), String(namespace), cursor === undefined ? undefined : String(cursor)),
  }),
  // The two checks of kvScope, without throwing.
  admits: () => (_fn, scope) => scope.grants.has(GRANT) && Boolean(scope.installId),
};
