import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSavepoints } from './sqlite-savepoints.ts';

let db: Database.Database;
afterEach(() => db?.close());

function open(): { points: SqliteSavepoints; rows: () => string[]; add: (v: string) => void } {
  db = new Database(':memory:');
  db.exec('CREATE TABLE t (v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  return {
    points: new SqliteSavepoints(db, 'test database'),
    rows: () => (db.prepare('SELECT v FROM t ORDER BY rowid').all() as { v: string }[]).map((r) => r.v),
    // Written the way the stores write: through better-sqlite3 transactions, nested as savepoints.
    add: (v) => db.transaction(() => insert.run(v))(),
  };
}

describe('SqliteSavepoints', () => {
  it('should undo writes made after a mark, and allow rolling back to it again', () => {
    const { points, rows, add } = open();
    add('before');
    points.mark('snap_1');
    add('a');
    points.rollbackTo('snap_1');
    expect(rows()).toEqual(['before']);
    add('b');
    points.rollbackTo('snap_1');
    expect(rows()).toEqual(['before']);
  });

  it('should drop later marks when rolling back to an earlier one', () => {
    const { points, rows, add } = open();
    points.mark('snap_1');
    add('a');
    points.mark('snap_2');
    add('b');
    points.rollbackTo('snap_2');
    expect(rows()).toEqual(['a']);
    points.rollbackTo('snap_1');
    expect([rows(), points.marks]).toEqual([[], ['snap_1']]);
    expect(() => points.rollbackTo('snap_2')).toThrow(
      'Failed to restore the test database: savepoint snap_2 does not exist (never taken, or dropped by restoring an earlier one).',
    );
  });

  it('should keep a failed inner transaction from touching the marked state', () => {
    const { points, rows, add } = open();
    points.mark('snap_1');
    add('kept');
    expect(() => db.transaction(() => {
      db.prepare('INSERT INTO t (v) VALUES (?)').run('gone');
      throw new Error('abort');
    })()).toThrow('abort');
    expect(rows()).toEqual(['kept']);
    points.rollbackTo('snap_1');
    expect(rows()).toEqual([]);
  });

  it('should refuse a bad name, and say when SQLite ended the transaction that held the marks', () => {
    const { points } = open();
    expect(() => points.mark('x; DROP TABLE t')).toThrow(expect.objectContaining({
      code: 'SNAPSHOT_INVALID',
      message: 'Failed to mark the test database: savepoint name "x; DROP TABLE t" is not [a-z][a-z0-9_]*: it is written into SQL unquoted. Fix: use lowercase letters, digits and _, starting with a letter.',
    }));
    points.mark('snap_1');
    db.exec('ROLLBACK');
    expect(() => points.rollbackTo('snap_1')).toThrow(expect.objectContaining({
      code: 'SNAPSHOT_LOST',
      message: 'Failed to use savepoint snap_1 of the test database: SQLite ended the transaction that held it (after a disk or I/O error). Take a new snapshot.',
    }));
    expect(points.marks).toEqual([]);
  });
});
