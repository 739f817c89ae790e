import type Database from 'better-sqlite3';

/**
 * A prepared statement, as the stores use one. better-sqlite3's own Statement type lives in a
 * namespace its typings do not export, so declaration files built from the stores' inferred
 * statement maps could not name it; this interface is the part the stores call.
 */
export interface SqlStatement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): Database.RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
  iterate(...params: P): IterableIterator<R>;
}

/** `db.prepare` typed with {@link SqlStatement}: one object parameter binds as named parameters. */
export type Prepare = <P extends unknown[] | object = unknown[], R = unknown>(sql: string) => SqlStatement<P extends unknown[] ? P : [P], R>;

/**
 * @example const prepare = preparer(db); const byId = prepare<[string], Row>('SELECT * FROM t WHERE id = ?');
 */
export function preparer(db: Database.Database): Prepare {
  return <P extends unknown[] | object = unknown[], R = unknown>(sql: string) => db.prepare(sql) as unknown as SqlStatement<P extends unknown[] ? P : [P], R>;
}
