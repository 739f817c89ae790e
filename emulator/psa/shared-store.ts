/**
 * The PSA store of a Runner, shared by the capabilities that read and write it (clients,
 * services, invoicing): each capability's `open` asks its `HostServices` for the resource named
 * `psa`; the first ask opens `<dataDir>/psa.sqlite`, later ones get the same store, and the Runner
 * closes it once when it stops. Its savepoints are reported by every capability that uses it; the
 * Runner marks the same object once.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostServices } from '../capabilities/capability.ts';
import type { Rewindable } from '../sqlite-savepoints.ts';
import { PsaStore } from './psa-store.ts';

/** The name of the PSA database in the emulator's data folder. */
export const PSA_DB_FILE = 'psa.sqlite';

/** What a PSA capability keeps from `open`. */
export interface PsaDeps {
  store: PsaStore;
  rewindable: Rewindable;
}

export function openPsaStore(services: HostServices): PsaDeps {
  const store = services.shared('psa', () => {
    // better-sqlite3 opens synchronously, so the folder must exist before the Runner's constructor returns.
    mkdirSync(services.dataDir, { recursive: true });
    return new PsaStore({ file: join(services.dataDir, PSA_DB_FILE) });
  });
  return { store, rewindable: store.savepoints };
}
