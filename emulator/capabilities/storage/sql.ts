import type Database from 'better-sqlite3';
import { preparer } from '../../sqlite-statement.ts';

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
    -- Per-namespace counters kept in step with the records, so quota checks read a handful of
    -- rows instead of scanning an install's records on every write.
    CREATE TABLE IF NOT EXISTS ext_storage_namespaces (
      tenant TEXT NOT NULL,
      install_id TEXT NOT NULL,
      namespace TEXT NOT NULL,
      key_count INTEGER NOT NULL,
      byte_count INTEGER NOT NULL,
      PRIMARY KEY (tenant, install_id, namespace)
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
  const prepare = preparer(db);
  return {
    get: prepare<[string, string, string, string], StorageRow>(
      `SELECT namespace, key, value, revision FROM ext_storage_records
       WHERE tenant = ? AND install_id = ? AND namespace = ? AND key = ?`,
    ),
    currentSize: prepare<[string, string, string, string], { revision: number; value_size: number }>(
      `SELECT revision, value_size FROM ext_storage_records
       WHERE tenant = ? AND install_id = ? AND namespace = ? AND key = ?`,
    ),
    upsert: prepare<[string, string, string, string, Buffer, number, number, number]>(
      `INSERT INTO ext_storage_records (tenant, install_id, namespace, key, value, value_size, revision, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, install_id, namespace, key)
       DO UPDATE SET value = excluded.value, value_size = excluded.value_size,
                     revision = excluded.revision, updated_at = excluded.updated_at`,
    ),
    remove: prepare<[string, string, string, string]>(
      `DELETE FROM ext_storage_records WHERE tenant = ? AND install_id = ? AND namespace = ? AND key = ?`,
    ),
    list: prepare<[string, string, string, string, number], StorageRow>(
      `SELECT namespace, key, value, revision FROM ext_storage_records
       WHERE tenant = ? AND install_id = ? AND namespace = ? AND key > ?
       ORDER BY key ASC LIMIT ?`,
    ),
    namespaceUsage: prepare<[string, string, string], { key_count: number; byte_count: number }>(
      `SELECT key_count, byte_count FROM ext_storage_namespaces WHERE tenant = ? AND install_id = ? AND namespace = ?`,
    ),
    namespaceCount: prepare<[string, string], { n: number }>(
      `SELECT COUNT(*) AS n FROM ext_storage_namespaces WHERE tenant = ? AND install_id = ?`,
    ),
    installBytes: prepare<[string, string], { n: number | null }>(
      `SELECT SUM(byte_count) AS n FROM ext_storage_namespaces WHERE tenant = ? AND install_id = ?`,
    ),
    /** Every install's storage use (what the quotas count), for metrics. */
    usageByInstall: prepare<[], { tenant: string; install_id: string; namespaces: number; keys: number; bytes: number }>(
      `SELECT tenant, install_id, COUNT(*) AS namespaces, SUM(key_count) AS keys, SUM(byte_count) AS bytes
       FROM ext_storage_namespaces GROUP BY tenant, install_id ORDER BY tenant, install_id`,
    ),
    /** Adds `keys` and `bytes` (either may be negative) to a namespace's counters. */
    adjustUsage: prepare<[{ tenant: string; install: string; namespace: string; keys: number; bytes: number }]>(
      `INSERT INTO ext_storage_namespaces (tenant, install_id, namespace, key_count, byte_count)
       VALUES (@tenant, @install, @namespace, @keys, @bytes)
       ON CONFLICT (tenant, install_id, namespace)
       DO UPDATE SET key_count = key_count + @keys, byte_count = byte_count + @bytes`,
    ),
    dropEmptyNamespace: prepare<[string, string, string]>(
      `DELETE FROM ext_storage_namespaces WHERE tenant = ? AND install_id = ? AND namespace = ? AND key_count <= 0`,
    ),
  };
}
