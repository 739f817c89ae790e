import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EmulatorError, describeError } from '../errors.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

export interface OpenedDatabase {
  db: Database.Database;
  /** Migration versions applied by this open (empty when the file was current). */
  applied: number[];
}

/**
 * Opens (creating if needed) the registry database: WAL journal, foreign keys on, migrations
 * applied in order, each in its own transaction together with the `user_version` bump, so a
 * failed upgrade leaves the file at the last good version.
 */
export function openRegistryDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): OpenedDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (err) {
    throw new EmulatorError(
      'REGISTRY_OPEN_FAILED',
      `cannot open the registry database ${file}: ${describeError(err)}. Check the data folder (EMULATOR_DATA_DIR) is writable, or run \`alga-emulator reset\`.`,
      { cause: err },
    );
  }
  try {
    db.pragma('journal_mode = WAL');
    // As the storage and PSA databases: in WAL mode a commit is atomic and survives a killed
    // process without an fsync per commit (two per Gateway call: the execution log's start and
    // finish); only an OS crash or power loss can roll back the last commits, never corrupt.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return { db, applied: migrate(db, file, migrations) };
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: Database.Database, file: string, migrations: readonly Migration[]): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new EmulatorError(
      'REGISTRY_TOO_NEW',
      `the registry database ${file} is at schema version ${current}, but this emulator only knows versions up to ${latest}: ` +
        'it was written by a newer emulator. Upgrade the emulator, or start from an empty data folder (`alga-emulator reset` or `npm run emulate -- --fresh`).',
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      })();
    } catch (err) {
      throw new EmulatorError(
        'REGISTRY_MIGRATION_FAILED',
        `migration ${migration.version} (${migration.name}) failed on ${file}: ${describeError(err)}. The file is left at version ${applied.at(-1) ?? current}.`,
        { cause: err },
      );
    }
    applied.push(migration.version);
  }
  return applied;
}
