import type Database from 'better-sqlite3';

/**
 * The tables whose rows decide what a Gateway call reads before it reaches the Runner: the
 * install (with its version, active bundle, endpoints and grants), its config and secret
 * envelope, and the principal (tenant, user, dev token, shell session). Any insert, update or
 * delete of one of them, by any connection or process (the CLI writes to the same data folder),
 * changes the registry's read stamp through triggers: migration 8 made those of the tables it
 * lists, migration 9 those of the tables stamped since.
 */
export const READ_STAMP_TABLES_V8 = [
  'extension_registry',
  'extension_version',
  'extension_bundle',
  'extension_api_endpoint',
  'tenant_extension_install',
  'tenant_extension_install_config',
  'tenant_extension_install_secrets',
  'tenants',
  'users',
  'dev_tokens',
  'clients',
] as const;
/** Stamped from migration 9 on: shell sessions (a cookie-authenticated call reads one). */
export const READ_STAMP_TABLES_V9 = ['emulator_sessions'] as const;
export const READ_STAMP_TABLES = [...READ_STAMP_TABLES_V8, ...READ_STAMP_TABLES_V9] as const;

/**
 * Migration 8's SQL: one row holding a random stamp, re-drawn by every write to the tables
 * above. Random, not a counter: a savepoint rollback (the harness's `restore()`) brings back the
 * stamp of the state it restores, and a later write cannot repeat a stamp a cache has seen.
 */
export function readStampSql(): string {
  return ['CREATE TABLE registry_read_stamp (stamp INTEGER NOT NULL);', 'INSERT INTO registry_read_stamp (stamp) VALUES (random());', readStampTriggersSql(READ_STAMP_TABLES_V8)].join('\n');
}

/** The triggers that re-draw the read stamp on every insert, update and delete of `tables`. */
export function readStampTriggersSql(tables: readonly string[]): string {
  return tables
    .flatMap((table) =>
      (['INSERT', 'UPDATE', 'DELETE'] as const).map(
        (op) => `CREATE TRIGGER read_stamp_${table}_${op.toLowerCase()} AFTER ${op} ON ${table} BEGIN UPDATE registry_read_stamp SET stamp = random(); END;`,
      ),
    )
    .join('\n');
}

/** At most this many cached answers; past it the cache starts over (a Gateway call reads three). */
const MAX_ENTRIES = 4096;

/**
 * Answers registry reads from memory while the read stamp is unchanged: one indexed read of one
 * row per lookup instead of the seven to ten statements an install view takes (and all its
 * endpoint rows). A publish, install, grant, config, secret or identity change, from this
 * process or another, is seen by the very next call. Cached values are frozen: a caller that
 * tried to change one would throw instead of corrupting the next caller's answer.
 *
 * @example
 * const cache = new RegistryReadCache(db);
 * const view = cache.read(`install\n${tenantId}\n${ref}`, () => loadView());
 */
export class RegistryReadCache {
  readonly #stamp: Database.Statement<[], number>;
  readonly #entries = new Map<string, unknown>();
  #seen: number | bigint | undefined;

  constructor(db: Database.Database) {
    this.#stamp = db.prepare<[], number>('SELECT stamp FROM registry_read_stamp').pluck();
  }

  read<T>(key: string, load: () => T): T {
    const stamp = this.#stamp.get();
    if (stamp !== this.#seen || this.#entries.size >= MAX_ENTRIES) {
      this.#entries.clear();
      this.#seen = stamp;
    }
    if (this.#entries.has(key)) return this.#entries.get(key) as T;
    const value = deepFreeze(load());
    this.#entries.set(key, value);
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}
