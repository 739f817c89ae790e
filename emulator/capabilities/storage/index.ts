import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as StorageWit from '../../wit/generated/host/interfaces/alga-extension-storage.js';
import { defineCapability, requireGrantAndInstall, type HostServices } from '../capability.ts';
import { KvStore, type KvScope } from './kv-store.ts';

const GRANT = 'cap:storage.kv';

/** The scope of an admitted call: the guard has checked the install id. */
function kvScope(scope: { tenantId: string; installId: string | undefined }): KvScope {
  return { tenantId: scope.tenantId, installId: scope.installId as string };
}

function openStore({ dataDir, clock }: HostServices): { kv: KvStore } {
  // better-sqlite3 opens synchronously, so the folder must exist before the Runner's constructor returns.
  mkdirSync(dataDir, { recursive: true });
  return { kv: new KvStore({ file: join(dataDir, 'storage.sqlite'), now: () => clock.now() }) };
}

/** `alga:extension/storage`: revisioned key-value storage per install and namespace. */
export const storageCapability = defineCapability<typeof StorageWit>()({
  name: 'storage',
  witInterface: 'alga:extension/storage',
  capability: GRANT,
  grantedByDefault: false,
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
  open: openStore,
  close: ({ kv }) => kv.close(),
  rewindable: ({ kv }) => kv.savepoints,
  // Storage needs the grant **and** an install id (spec 03).
  guard: () => requireGrantAndInstall(GRANT, 'denied'),
  create: ({ kv }) => ({
    get: (scope, [namespace, key]) => kv.get(kvScope(scope), String(namespace), String(key)),
    put: (scope, [entry]) => kv.put(kvScope(scope), entry),
    delete: (scope, [namespace, key]) => kv.delete(kvScope(scope), String(namespace), String(key)),
    listEntries: (scope, [namespace, cursor]) => kv.list(kvScope(scope), String(namespace), cursor === undefined ? undefined : String(cursor)),
  }),
});
