import Database from 'better-sqlite3';
import { SqliteSavepoints } from '../../sqlite-savepoints.ts';
import { WitError } from '../../contracts/invocation.ts';
import { createStorageSchema, storageStatements, type StorageRow } from './sql.ts';

/** Limits (violations → `internal`) and quotas (→ `denied`) from spec 03. */
export type StorageLimits = { readonly [K in keyof typeof STORAGE_LIMITS]: number };

export const STORAGE_LIMITS = {
  namespaceMaxChars: 128,
  keyMaxChars: 256,
  valueMaxEncodedBytes: 64 * 1024,
  pageSize: 25,
  maxNamespaces: 32,
  maxKeysPerNamespace: 5120,
  maxBytesPerInstall: 256 * 1024 * 1024,
} as const;

export interface KvScope {
  tenantId: string;
  installId: string;
}

export interface KvEntry {
  namespace: string;
  key: string;
  value: Uint8Array;
  revision: bigint;
}

/**
 * Extension storage over SQLite (better-sqlite3): per tenant × install × namespace × key, with
 * revisions and compare-and-swap. Every read-then-write runs in one transaction.
 */
export class KvStore {
  readonly #db: Database.Database;
  readonly #sql: ReturnType<typeof storageStatements>;
  readonly #now: () => number;
  readonly #limits: StorageLimits;
  /** Savepoints over the storage database (the harness's `snapshot()` / `restore()`). */
  readonly savepoints: SqliteSavepoints;

  /** `limits` overrides production's limits and quotas (tests use small quotas). */
  constructor(options: { file: string; now?: () => number; limits?: Partial<StorageLimits> }) {
    this.#limits = { ...STORAGE_LIMITS, ...options.limits };
    this.#db = new Database(options.file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    createStorageSchema(this.#db);
    this.#sql = storageStatements(this.#db);
    this.savepoints = new SqliteSavepoints(this.#db, 'extension storage');
    this.#now = options.now ?? Date.now;
  }

  get(scope: KvScope, namespace: string, key: string): KvEntry {
    checkNamespace(namespace, this.#limits);
    checkKey(key, this.#limits);
    const row = this.#sql.get.get(scope.tenantId, scope.installId, namespace, key);
    if (!row) throw new WitError('missing', `${namespace}/${key}`);
    return toEntry(row);
  }

  put(scope: KvScope, entry: { namespace: string; key: string; value: Uint8Array; revision?: bigint }): KvEntry {
    checkNamespace(entry.namespace, this.#limits);
    checkKey(entry.key, this.#limits);
    const size = encodedValueSize(entry.value);
    if (size > this.#limits.valueMaxEncodedBytes) {
      throw new WitError('internal', `value is ${size} bytes as JSON-quoted base64; the limit is ${this.#limits.valueMaxEncodedBytes}`);
    }
    return this.#db.transaction(() => this.#putLocked(scope, entry, size))();
  }

  delete(scope: KvScope, namespace: string, key: string): void {
    checkNamespace(namespace, this.#limits);
    checkKey(key, this.#limits);
    this.#db.transaction(() => {
      const { tenantId, installId } = scope;
      const current = this.#sql.currentSize.get(tenantId, installId, namespace, key);
      // Production answers `conflict` (sic) for a missing key.
      if (!current) throw new WitError('conflict', `${namespace}/${key} does not exist`);
      this.#sql.remove.run(tenantId, installId, namespace, key);
      this.#sql.adjustUsage.run({ tenant: tenantId, install: installId, namespace, keys: -1, bytes: -current.value_size });
      this.#sql.dropEmptyNamespace.run(tenantId, installId, namespace);
    })();
  }

  list(scope: KvScope, namespace: string, cursor: string | undefined): KvEntry[] {
    checkNamespace(namespace, this.#limits);
    const rows = this.#sql.list.all(scope.tenantId, scope.installId, namespace, cursor ?? '', this.#limits.pageSize);
    return rows.map(toEntry);
  }

  /**
   * Each install's use of its quotas: namespaces, keys and bytes (values measured as production
   * measures them, JSON-quoted base64), with the limits they count against.
   */
  usage(): StorageUsage[] {
    return this.#sql.usageByInstall.all().map((r) => this.#usage(r.tenant, r.install_id, r));
  }

  /** One install's use of its quotas (zeros when it stores nothing). */
  usageOf(scope: KvScope): StorageUsage {
    return this.usage().find((u) => u.tenantId === scope.tenantId && u.installId === scope.installId) ?? this.#usage(scope.tenantId, scope.installId, { namespaces: 0, keys: 0, bytes: 0 });
  }

  #usage(tenantId: string, installId: string, used: { namespaces: number; keys: number; bytes: number }): StorageUsage {
    const { maxNamespaces, maxKeysPerNamespace, maxBytesPerInstall } = this.#limits;
    const limits = { namespaces: maxNamespaces, keysPerNamespace: maxKeysPerNamespace, bytes: maxBytesPerInstall };
    return { tenantId, installId, namespaces: used.namespaces, keys: used.keys, bytes: used.bytes, limits };
  }

  close(): void {
    this.#db.close();
  }

  #putLocked(scope: KvScope, entry: { namespace: string; key: string; value: Uint8Array; revision?: bigint }, size: number): KvEntry {
    const { tenantId, installId } = scope;
    const current = this.#sql.currentSize.get(tenantId, installId, entry.namespace, entry.key);
    if (entry.revision !== undefined && (!current || BigInt(current.revision) !== entry.revision)) {
      const actual = current ? String(current.revision) : 'missing';
      throw new WitError('conflict', `expected revision ${entry.revision}, found ${actual}`);
    }
    if (!current) this.#checkNewKeyQuotas(scope, entry.namespace);
    const installBytes = this.#sql.installBytes.get(tenantId, installId)?.n ?? 0;
    if (installBytes - (current?.value_size ?? 0) + size > this.#limits.maxBytesPerInstall) {
      throw new WitError('denied', `install storage quota of ${this.#limits.maxBytesPerInstall} bytes exceeded`);
    }
    const revision = (current?.revision ?? 0) + 1;
    const value = Buffer.from(entry.value.buffer, entry.value.byteOffset, entry.value.byteLength);
    this.#sql.upsert.run(tenantId, installId, entry.namespace, entry.key, value, size, revision, this.#now());
    this.#sql.adjustUsage.run({
      tenant: tenantId,
      install: installId,
      namespace: entry.namespace,
      keys: current ? 0 : 1,
      bytes: size - (current?.value_size ?? 0),
    });
    return { namespace: entry.namespace, key: entry.key, value: entry.value, revision: BigInt(revision) };
  }

  #checkNewKeyQuotas(scope: KvScope, namespace: string): void {
    const { tenantId, installId } = scope;
    const usage = this.#sql.namespaceUsage.get(tenantId, installId, namespace);
    if (!usage && (this.#sql.namespaceCount.get(tenantId, installId)?.n ?? 0) >= this.#limits.maxNamespaces) {
      throw new WitError('denied', `namespace quota of ${this.#limits.maxNamespaces} reached`);
    }
    if (usage && usage.key_count >= this.#limits.maxKeysPerNamespace) {
      throw new WitError('denied', `key quota of ${this.#limits.maxKeysPerNamespace} per namespace reached`);
    }
  }
}

/** One install's storage use and the quotas it counts against. */
export interface StorageUsage {
  tenantId: string;
  installId: string;
  namespaces: number;
  keys: number;
  /** Sum of the values' sizes as JSON-quoted base64 (what the 256 MiB quota counts). */
  bytes: number;
  limits: { namespaces: number; keysPerNamespace: number; bytes: number };
}

/** Production measures a value as its JSON-quoted base64 string. */
export function encodedValueSize(value: Uint8Array): number {
  return 4 * Math.ceil(value.byteLength / 3) + 2;
}

function checkNamespace(namespace: string, limits: StorageLimits): void {
  if (namespace.length < 1 || namespace.length > limits.namespaceMaxChars) {
    throw new WitError('internal', `namespace must be 1-${limits.namespaceMaxChars} characters`);
  }
}

function checkKey(key: string, limits: StorageLimits): void {
  if (key.length < 1 || key.length > limits.keyMaxChars || key.includes('/')) {
    throw new WitError('internal', `key must be 1-${limits.keyMaxChars} characters without "/"`);
  }
}

function toEntry(row: StorageRow): KvEntry {
  return { namespace: row.namespace, key: row.key, value: new Uint8Array(row.value), revision: BigInt(row.revision) };
}
