import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openRegistryDatabase } from './database.ts';
import { MIGRATIONS } from './migrations.ts';

const dirs: string[] = [];
function dbFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-db-'));
  dirs.push(dir);
  return path.join(dir, 'registry.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tables(db: Database.Database): string[] {
  return db.prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all().map((r) => r.name);
}

describe('registry database', () => {
  it('should create every table of spec 06 in WAL mode at the latest schema version', () => {
    const { db, applied } = openRegistryDatabase(dbFile());
    expect(applied).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL: no fsync per commit in WAL mode
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    expect(tables(db)).toEqual([
      'api_keys',
      'clients',
      'dev_tokens',
      'emulator_sessions',
      'extension_api_endpoint',
      'extension_bundle',
      'extension_event_subscription',
      'extension_execution_log',
      'extension_quota_usage',
      'extension_registry',
      'extension_version',
      'publish_journal',
      'registry_read_stamp',
      'schedule_run_now',
      'staged_upload',
      'tenant_extension_install',
      'tenant_extension_install_config',
      'tenant_extension_install_secrets',
      'tenant_extension_schedule',
      'tenants',
      'users',
    ]);
    db.close();
  });

  it('should upgrade a data folder made by an older version in place, keeping its rows', () => {
    const file = dbFile();
    const old = openRegistryDatabase(file, MIGRATIONS.slice(0, 1));
    old.db.prepare(`INSERT INTO extension_registry (id, publisher, name, created_at, updated_at) VALUES ('r1', 'acme', 'w', 'now', 'now')`).run();
    old.db.close();
    const { db, applied } = openRegistryDatabase(file);
    expect(applied).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(db.prepare(`SELECT name FROM extension_registry`).all()).toEqual([{ name: 'w' }]);
    expect(tables(db)).toContain('tenant_extension_schedule');
    db.close();
  });

  it('should apply nothing when reopened at the latest version', () => {
    const file = dbFile();
    openRegistryDatabase(file).db.close();
    const { db, applied } = openRegistryDatabase(file);
    expect(applied).toEqual([]);
    db.close();
  });

  it('should refuse a database written by a newer emulator with REGISTRY_TOO_NEW and say how to recover', () => {
    const file = dbFile();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openRegistryDatabase(file)).toThrow(
      expect.objectContaining({
        code: 'REGISTRY_TOO_NEW',
        message: expect.stringContaining('is at schema version 99, but this emulator only knows versions up to 9: it was written by a newer emulator'),
      }),
    );
  });

  it('should leave the file at the last good version when a migration fails', () => {
    const file = dbFile();
    const broken = [...MIGRATIONS.slice(0, 1), { version: 2, name: 'broken', sql: 'CREATE TABLE ok_table (x INTEGER); SELECT * FROM no_such_table;' }];
    expect(() => openRegistryDatabase(file, broken)).toThrow(expect.objectContaining({ code: 'REGISTRY_MIGRATION_FAILED' }));
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(raw)).not.toContain('ok_table');
    raw.close();
  });

  it('should cascade a registry row to its versions, bundles and endpoints, and enforce UNIQUE(publisher, name)', () => {
    const { db } = openRegistryDatabase(dbFile());
    db.exec(`
      INSERT INTO extension_registry (id, publisher, name, created_at, updated_at) VALUES ('r1', 'acme', 'w', 'n', 'n');
      INSERT INTO extension_version (id, registry_id, version, runtime, created_at) VALUES ('v1', 'r1', '1.0.0', 'wasm-js@1', 'n');
      INSERT INTO extension_bundle (id, version_id, content_hash, storage_url, size_bytes, created_at, seq) VALUES ('b1', 'v1', 'sha256:00', 'k', 1, 'n', 1);
      INSERT INTO extension_api_endpoint (id, version_id, method, path, handler) VALUES ('e1', 'v1', 'GET', '/x', 'dist/main.wasm');
    `);
    expect(() => db.exec(`INSERT INTO extension_registry (id, publisher, name, created_at, updated_at) VALUES ('r2', 'acme', 'w', 'n', 'n')`)).toThrow(/UNIQUE constraint failed/);
    expect(() => db.exec(`INSERT INTO extension_version (id, registry_id, version, runtime, created_at) VALUES ('v2', 'r1', '1.0.0', 'wasm-js@1', 'n')`)).toThrow(/UNIQUE constraint failed/);
    db.exec(`DELETE FROM extension_registry WHERE id = 'r1'`);
    const counts = ['extension_version', 'extension_bundle', 'extension_api_endpoint'].map((t) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
    expect(counts).toEqual([0, 0, 0]);
    db.close();
  });
});
