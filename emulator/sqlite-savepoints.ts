import type Database from 'better-sqlite3';
import { EmulatorError } from './errors.ts';

/**
 * Something whose state can be marked and rolled back to the mark: the registry and the
 * extension storage (SQLite savepoints), and the in-memory parts next to them.
 */
export interface Rewindable {
  /** Marks the current state under `name` (a later mark nests inside it). */
  mark(name: string): void;
  /** Returns to the state at `name`; the mark stays, so it can be rolled back to again. */
  rollbackTo(name: string): void;
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Named savepoints on one better-sqlite3 connection. The first mark opens a transaction that
 * stays open: every later write of that connection (including better-sqlite3 transactions, which
 * become nested savepoints) lands inside it, and `rollbackTo` undoes them in place without copying
 * a file. Only writes through this connection are covered, so it suits a private database (the
 * harness's temporary data folder), not one another process writes to.
 *
 * @example
 * const points = new SqliteSavepoints(db, 'registry');
 * points.mark('snap_1'); db.prepare('DELETE FROM t').run(); points.rollbackTo('snap_1'); // rows back
 */
export class SqliteSavepoints implements Rewindable {
  readonly #db: Database.Database;
  readonly #what: string;
  readonly #beforeChange: () => void;
  /** Marks in the order taken; rolling back to one drops the ones after it. */
  #marks: string[] = [];

  /** `beforeChange`: runs before every mark and rollback (a caller's buffered writes are written first). */
  constructor(db: Database.Database, what: string, beforeChange: () => void = () => undefined) {
    this.#db = db;
    this.#what = what;
    this.#beforeChange = beforeChange;
  }

  mark(name: string): void {
    this.#beforeChange();
    if (!NAME.test(name)) throw new EmulatorError('SNAPSHOT_INVALID', `Failed to mark the ${this.#what}: savepoint name ${JSON.stringify(name)} is not [a-z][a-z0-9_]*: it is written into SQL unquoted. Fix: use lowercase letters, digits and _, starting with a letter.`);
    if (this.#marks.length > 0 && !this.#db.inTransaction) this.#lost(name);
    this.#db.exec(`SAVEPOINT ${name}`);
    this.#marks.push(name);
  }

  rollbackTo(name: string): void {
    this.#beforeChange();
    const at = this.#marks.lastIndexOf(name);
    if (at < 0) {
      throw new EmulatorError('SNAPSHOT_UNKNOWN', `Failed to restore the ${this.#what}: savepoint ${name} does not exist (never taken, or dropped by restoring an earlier one).`);
    }
    // SQLite rolls back the whole transaction on some errors (disk full, I/O): the marks are gone.
    if (!this.#db.inTransaction) this.#lost(name);
    this.#db.exec(`ROLLBACK TO ${name}`);
    this.#marks = this.#marks.slice(0, at + 1);
  }

  /** The marks still valid, oldest first. */
  get marks(): readonly string[] {
    return [...this.#marks];
  }

  #lost(name: string): never {
    this.#marks = [];
    throw new EmulatorError(
      'SNAPSHOT_LOST',
      `Failed to use savepoint ${name} of the ${this.#what}: SQLite ended the transaction that held it (after a disk or I/O error). Take a new snapshot.`,
    );
  }
}
