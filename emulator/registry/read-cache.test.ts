import { describe, expect, it } from 'vitest';
import { openRegistryDatabase } from './database.ts';
import { READ_STAMP_TABLES, RegistryReadCache } from './read-cache.ts';

function setup() {
  const { db } = openRegistryDatabase(':memory:');
  const cache = new RegistryReadCache(db);
  let loads = 0;
  const read = () => cache.read('k', () => ({ loads: ++loads, rows: [{ n: loads }] }));
  const addTenant = (id: string) => db.prepare(`INSERT INTO tenants (id, name, created_at) VALUES (?, ?, '2026-01-01T00:00:00.000Z')`).run(id, id);
  return { db, read, addTenant };
}

describe('RegistryReadCache', () => {
  it('should load once while nothing it depends on changes, and again after any write to those tables', () => {
    const { db, read, addTenant } = setup();
    expect([read().loads, read().loads]).toEqual([1, 1]);
    addTenant('t-1');
    expect(read().loads).toBe(2);
    // The execution log is written on every call: it must not empty the cache.
    db.prepare(`INSERT INTO extension_execution_log (id, tenant_id, registry_id, status, started_at) VALUES ('l1', 't-1', 'r', 'started', '2026-01-01T00:00:00.000Z')`).run();
    expect(read().loads).toBe(2);
  });

  it('should not return an answer cached before a rollback once a different write follows it', () => {
    const { db, read, addTenant } = setup();
    read();
    db.exec('SAVEPOINT s');
    addTenant('undone');
    expect(read().loads).toBe(2);
    db.exec('ROLLBACK TO s');
    addTenant('kept');
    expect(read().loads).toBe(3);
    db.exec('RELEASE s');
  });

  it('should hand out frozen answers, so a caller cannot change the next caller\'s', () => {
    const { read } = setup();
    const first = read();
    expect(() => { (first.rows[0] as { n: number }).n = 9; }).toThrow(TypeError);
    expect(read().rows).toEqual([{ n: 1 }]);
  });

  it('should have an insert, update and delete trigger on every listed table', () => {
    const { db } = setup();
    const names = db.prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'read_stamp_%' ORDER BY name`).pluck().all();
    expect(names).toEqual(READ_STAMP_TABLES.flatMap((t) => ['delete', 'insert', 'update'].map((op) => `read_stamp_${t}_${op}`)).sort());
  });
});
