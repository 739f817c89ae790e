import type Database from 'better-sqlite3';

/** Every SQL statement of the storage capability, in one place. */
export function createStorageSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS ext_storage_records (
      tenant TEXT NOT NULL,
      install_id TEXT NOT NULL,
      namespace TEXT NOT NULL,
      key TEXT NOT NULL,
      value BLOB NOT NULL,
      value_size INTEGER NOT NULL,
      revision INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (tenant, install_id, namespace, key)
    ) WITHOUT ROWID;
  `);
}

export interface StorageRow {
  namespace: string;
  key: string;
  value: Buffer;
  revision: number;
}

export function storageStatements(db: Database.Database) {
  return {
    get: db.prepare<[string, string, string, string], StorageRow>(
      `SELECT namespace, key, value, revision FROM ext_storage_records
       WHERE tenant = ? AND install_id = ? AND namespace = ? AND key = ?`,
    ),
    currentSize: db.prepare<[string, string, string, string], { revision: number; value_size: number }>(
      `SELECT revision, value_size FROM ext_storage_records
       WHERE tenant = ? AND install_id = ? AND namespace = ? AND key = ?`,
    ),
    upsert: db.prepare<[string, string, string, string, Buffer, number, number, number]>(
      `INSERT INTO ext_storage_records (tenant, install_id, namespace, key, value, value_size, revision, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, install_id, namespace, key)
       DO UPDATE SET value = excluded.value, value_size = excluded.value_size,
                     revision = excluded.revision, updated_at = excluded.updated_at`,
    ),
    remove: db.prepare<[string, string, string, string]>(
      `DELETE FROM ext_storage_records WHERE tenant = ? AND install_id = ? AND namespace = ? AND key = ?`,
    ),
    list: db.prepare<[string, string, string, string, number], StorageRow>(
      `SELECT namespace, key, value, revision FROM ext_storage_records
       WHERE tenant = ? AND install_id = ? AND namespace = ? AND key > ?
       ORDER BY key ASC LIMIT ?`,
    ),
    namespaceExists: db.prepare<[string, string, string], { one: number }>(
      `SELECT 1 AS one FROM ext_storage_records WHERE tenant = ? AND install_id = ? AND namespace = ? LIMIT 1`,
    ),
    namespaceCount: db.prepare<[string, string], { n: number }>(
      `SELECT COUNT(DISTINCT namespace) AS n FROM ext_storage_records WHERE tenant = ? AND install_id = ?`,
    ),
    keyCount: db.prepare<[string, string, string], { n: number }>(
      `SELECT COUNT(*) AS n FROM ext_storage_records WHERE tenant = ? AND install_id = ? AND namespace = ?`,
    ),
    installBytes: db.prepare<[string, string], { n: number | null }>(
      `SELECT SUM(value_size) AS n FROM ext_storage_records WHERE tenant = ? AND install_id = ?`,
    ),
  };
}
