/**
 * One PSA store per Runner, shared by the capabilities that read it (clients, services, and later
 * invoicing). Each capability's `open` takes a lease on the store of its `HostServices`; the
 * first lease opens `<dataDir>/psa.sqlite`, the last release closes it.
 *
 * Why a WeakMap keyed on the services object: the Runner builds one `HostServices` and passes it
 * to every capability's `open`, so it already identifies "this Runner" without a new field in the
 * platform's contract; two Runners in one process have two services objects and so two stores,
 * and nothing outlives a Runner that is gone.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostServices } from '../capabilities/capability.ts';
import type { Rewindable } from '../sqlite-savepoints.ts';
import { PsaStore } from './psa-store.ts';

/** A capability's hold on the shared store. */
export interface PsaLease {
  store: PsaStore;
  /**
   * What the capability reports as `rewindable`: the store's savepoints for the lease that opened
   * it, nothing for the others, so a snapshot marks the database once.
   */
  rewindable: Rewindable;
  /** Gives the lease back; the last one closes the store. Idempotent. */
  release(): void;
}

/** The name of the PSA database in the emulator's data folder. */
export const PSA_DB_FILE = 'psa.sqlite';

const NOTHING_TO_REWIND: Rewindable = { mark: () => undefined, rollbackTo: () => undefined };
const open = new WeakMap<HostServices, { store: PsaStore; leases: number }>();

export function leasePsaStore(services: HostServices): PsaLease {
  let held = open.get(services);
  const opener = held === undefined;
  if (!held) {
    // better-sqlite3 opens synchronously, so the folder must exist before the Runner's constructor returns.
    mkdirSync(services.dataDir, { recursive: true });
    held = { store: new PsaStore({ file: join(services.dataDir, PSA_DB_FILE) }), leases: 0 };
    open.set(services, held);
  }
  held.leases += 1;
  const entry = held;
  let released = false;
  return {
    store: entry.store,
    rewindable: opener ? entry.store.savepoints : NOTHING_TO_REWIND,
    release: () => {
      if (released) return;
      released = true;
      entry.leases -= 1;
      if (entry.leases > 0) return;
      entry.store.close();
      open.delete(services);
    },
  };
}
