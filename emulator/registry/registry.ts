import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { computeContentHash, normalizeContentHash } from '../bundles/hash.ts';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../bundles/limits.ts';
import { EmulatorError } from '../errors.ts';
import { nextRunAfter } from '../scheduler/next-run.ts';
import { SqliteSavepoints } from '../sqlite-savepoints.ts';
import { verifyBundleSignature, type SigningPolicy } from '../signing/index.ts';
import { MAX_BUNDLE_BYTES, resolveRegistry, type PublishStore, type RegistryContext } from './context.ts';
import { openRegistryDatabase } from './database.ts';
import { IdentityStore, type SeedOptions, type SeedResult } from './identity.ts';
import * as state from './install-state.ts';
import { installVersion, setEnabled, uninstall, updateInstall, type InstallResult } from './installs.ts';
import { DEFAULT_STAGING_TTL_MS, sweepStagedUploads } from './leftovers.ts';
import { RegistryReadCache } from './read-cache.ts';
import { finalizeUpload, sweepPublishJournal, stageUpload, type FinalizeInput, type FinalizeResult, type PublishOptions, type StageInput, type StageResult } from './publish.ts';
import { ScheduleStore } from './schedules.ts';
import { SecretSealer } from './secret-sealer.ts';
import { registryStatements, type ExecutionLogRow, type QuotaUsageRow, type InstallRow, type RegistryRow, type VersionRow } from './statements.ts';

export interface RegistryOptions {
  /** Data folder: holds `registry.sqlite` and `keys/`. */
  dataDir: string;
  store: PublishStore;
  signing: SigningPolicy;
  /** Warnings (dev signing, placeholder signatures); default drops them. */
  warn?: (message: string) => void;
  /** Clock for timestamps; ISO strings. */
  now?: () => Date;
  maxBundleBytes?: number;
  /** Archive limits finalize validates under; pass the Runner's (`RunnerConfig.archiveLimits`). Default DEFAULT_ARCHIVE_LIMITS. */
  archiveLimits?: ArchiveLimits;
  /** Database file; default `{dataDir}/registry.sqlite`. `:memory:` for throwaway registries. */
  file?: string;
  /** BUNDLE_STAGING_TTL_MS: an upload not finalized within this long (on `now`'s clock) is removed; default 1 hour. */
  stagingTtlMs?: number;
}

/** What start-up repair removed when the registry opened (all empty after a clean shutdown). */
export interface RepairReport {
  /** Canonical keys of publishes killed between journaling and registering (their archives, where copied, are removed). */
  orphanArchives: string[];
  /** Expired uploads, and uploads of finalizes killed midway. */
  stagedUploads: string[];
  /** Temp files of store writes killed between writing and renaming. */
  tempFiles: string[];
}

/** One installed extension as the Gateway, shell and CLI see it. */
export interface InstallView {
  installId: string;
  tenantId: string;
  registryId: string;
  slug: string;
  publisher: string;
  name: string;
  versionId: string;
  version: string;
  contentHash: string | null;
  enabled: boolean;
  status: string;
  grantedCaps: string[];
  runnerDomain: string | null;
  ui: unknown;
  endpoints: { method: string; path: string; handler: string }[];
}

/** What `finishExecution` writes into a row. */
interface FinishedLogRow {
  id: string;
  status: ExecutionStatus;
  metrics: string;
  error: string | null;
  now: string;
}

/**
 * How long execution-log writes wait to be committed together (real time: the rows carry their
 * own timestamps). At concurrency 8 a turn held 1.3 writes on average; this many ms hold ~10.
 */
export const EXECUTION_LOG_FLUSH_MS = 10;

/** Final statuses of an `extension_execution_log` row (spec 04 step 11). */
export type ExecutionStatus = Exclude<ExecutionLogRow['status'], 'started'>;

/** One `extension_execution_log` row: ids, times, status, metrics; never bodies, headers, config or secrets. */
export interface ExecutionLogEntry {
  id: string;
  tenantId: string;
  registryId: string;
  versionId: string | null;
  requestId: string | null;
  startedAt: string;
  finishedAt: string | null;
  status: ExecutionLogRow['status'];
  metrics: Record<string, unknown> | null;
  error: string | null;
}

/**
 * The extension registry (spec 06) over SQLite: publish (stage + finalize), installs, config,
 * sealed secrets, identities, and the lookups the Runner and Gateway need. Every multi-row change
 * runs in one transaction.
 */
export class Registry {
  readonly identity: IdentityStore;
  readonly store: PublishStore;
  readonly signing: SigningPolicy;
  readonly sealer: SecretSealer;
  /** Savepoints over the registry database (the harness's `snapshot()` / `restore()`). */
  readonly savepoints: SqliteSavepoints;
  /** Schedules per install: the scheduler host API, the cron timer's next firings, last runs. */
  readonly scheduleStore: ScheduleStore;
  #repaired: RepairReport = { orphanArchives: [], stagedUploads: [], tempFiles: [] };
  readonly #ctx: RegistryContext;
  readonly #db: Database.Database;
  /** What every Gateway call reads (install view, config, secret envelope), until a write changes it. */
  readonly #reads: RegistryReadCache;
  /** Execution-log writes not yet committed, in call order (see `startExecution`). */
  #logWrites: (() => void)[] = [];
  /** The rows those writes start, by id: a finish before the commit goes into the row's own insert. */
  #logStarts = new Map<string, { finish?: FinishedLogRow }>();
  #logFlush: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(ctx: RegistryContext) {
    this.#ctx = ctx;
    this.#db = ctx.db;
    this.#reads = new RegistryReadCache(ctx.db);
    this.store = ctx.store;
    this.signing = ctx.signing;
    this.sealer = ctx.sealer;
    this.savepoints = new SqliteSavepoints(ctx.db, 'registry', () => this.flushExecutionLog());
    this.scheduleStore = new ScheduleStore(ctx);
    this.identity = new IdentityStore(ctx.sql, ctx.now, (fn) => ctx.db.transaction(fn)());
  }

  /**
   * `load()`'s answer from memory while nothing changed in the tables it may read, which must
   * be among READ_STAMP_TABLES (read-cache.ts): a write to any of them, from any process, is
   * seen by the very next call. The answer is frozen. `key` names the read and its arguments.
   */
  cachedRead<T>(key: string, load: () => T): T {
    return this.#reads.read(key, load);
  }

  /**
   * Opens the registry (migrating it) and repairs what a killed process left behind: archives of
   * unfinished publishes, expired or orphaned uploads, the store's temp files (see `repaired`).
   */
  static async open(options: RegistryOptions): Promise<Registry> {
    const { db } = openRegistryDatabase(options.file ?? join(options.dataDir, 'registry.sqlite'));
    const clock = options.now ?? (() => new Date());
    const ctx: RegistryContext = {
      db,
      sql: registryStatements(db),
      store: options.store,
      signing: options.signing,
      sealer: SecretSealer.fromDataDir(options.dataDir),
      now: () => clock().toISOString(),
      newId: () => randomUUID(),
      warn: options.warn ?? (() => undefined),
      maxBundleBytes: options.maxBundleBytes ?? MAX_BUNDLE_BYTES,
      stagingTtlMs: options.stagingTtlMs ?? DEFAULT_STAGING_TTL_MS,
      archiveLimits: { ...(options.archiveLimits ?? DEFAULT_ARCHIVE_LIMITS) },
    };
    const registry = new Registry(ctx);
    try {
      registry.#repaired = {
        orphanArchives: await sweepPublishJournal(ctx),
        stagedUploads: await sweepStagedUploads(ctx),
        tempFiles: (await ctx.store.removeInterruptedWrites?.()) ?? [],
      };
    } catch (err) {
      registry.close();
      throw err;
    }
    return registry;
  }

  /**
   * Removes uploads older than BUNDLE_STAGING_TTL_MS (on the registry's clock) and uploads of
   * finalizes whose process is gone; returns their keys. The running emulator calls it periodically.
   */
  sweepStagedUploads(): Promise<string[]> {
    return sweepStagedUploads(this.#ctx);
  }

  /** What start-up repair removed when this registry opened (store keys). */
  get repaired(): RepairReport {
    return this.#repaired;
  }

  /** BUNDLE_STAGING_TTL_MS in effect. */
  get stagingTtlMs(): number {
    return this.#ctx.stagingTtlMs;
  }

  get maxBundleBytes(): number {
    return this.#ctx.maxBundleBytes;
  }

  seed(options?: SeedOptions): SeedResult {
    return this.identity.seed(options);
  }

  stageUpload(input: StageInput): Promise<StageResult> {
    return stageUpload(this.#ctx, input);
  }

  finalize(input: FinalizeInput, options?: PublishOptions): Promise<FinalizeResult> {
    return finalizeUpload(this.#ctx, input, options);
  }

  /**
   * Stage + finalize in one call (our CLI, `npm run emulate`, the harness). With
   * `newBundleForExistingVersion`, an existing version gets these bytes as its active bundle.
   */
  async publishBytes(bytes: Uint8Array, options: { manifestJson?: string; signatureText?: string | null } & PublishOptions = {}): Promise<FinalizeResult> {
    const declaredHash = computeContentHash(bytes).slice('sha256:'.length);
    // Claimed: stage and finalize are one operation here, so a kill in between leaves nothing either.
    const staged = await stageUpload(this.#ctx, { bytes, size: bytes.byteLength, declaredHash }, { claimed: true, onStep: options.onStep });
    return this.finalize({
      key: staged.upload.key,
      declaredHash,
      size: bytes.byteLength,
      manifestJson: options.manifestJson,
      signature: options.signatureText ? { text: options.signatureText } : null,
    }, { newBundleForExistingVersion: options.newBundleForExistingVersion, onStep: options.onStep });
  }

  install(tenantId: string, ref: string, version: string): Promise<InstallResult> {
    return installVersion(this.#ctx, tenantId, ref, version);
  }

  uninstall(tenantId: string, ref: string): { registryId: string } {
    return uninstall(this.#ctx, tenantId, ref);
  }

  update(tenantId: string, ref: string, version: string, disableMissingSchedules = false): Promise<InstallResult> {
    return updateInstall(this.#ctx, tenantId, ref, version, disableMissingSchedules);
  }

  setEnabled(tenantId: string, ref: string, enabled: boolean): InstallView {
    return this.#view(setEnabled(this.#ctx, tenantId, ref, enabled));
  }

  getConfig(tenantId: string, ref: string): state.InstallConfig {
    return state.getConfig(this.#ctx, tenantId, ref);
  }

  setConfig(tenantId: string, ref: string, change: state.ConfigChange): state.InstallConfig {
    return state.setConfig(this.#ctx, tenantId, ref, change);
  }

  setSecrets(tenantId: string, ref: string, values: Readonly<Record<string, string>>): state.SecretsMetadata {
    return state.setSecrets(this.#ctx, tenantId, ref, values);
  }

  clearSecrets(tenantId: string, ref: string): state.SecretsMetadata {
    return state.clearSecrets(this.#ctx, tenantId, ref);
  }

  listSecrets(tenantId: string, ref: string): state.SecretsMetadata {
    return state.listSecrets(this.#ctx, tenantId, ref);
  }

  secretEnvelope(installId: string): ReturnType<typeof state.secretEnvelope> {
    return this.#reads.read(`secrets\n${installId}`, () => state.secretEnvelope(this.#ctx, installId));
  }

  configOf(installId: string): state.InstallConfig {
    return state.readConfig(this.#ctx, installId);
  }

  /** Finds an extension by registry id, slug or unique name (EXTENSION_NOT_FOUND otherwise). */
  extension(ref: string): RegistryRow {
    return resolveRegistry(this.#ctx, ref);
  }

  extensions(): RegistryRow[] {
    return this.#ctx.sql.listRegistries.all();
  }

  versions(registryId: string): VersionRow[] {
    return this.#ctx.sql.versionsOf.all(registryId);
  }

  /** The tenant's install of an extension, or null. */
  installOf(tenantId: string, ref: string): InstallView | null {
    const row = this.#ctx.sql.installOf.get(tenantId, resolveRegistry(this.#ctx, ref).id);
    return row ? this.#view(row) : null;
  }

  installs(tenantId: string): InstallView[] {
    return this.#ctx.sql.installsOfTenant.all(tenantId).map((row) => this.#view(row));
  }

  /** Adds a schedule on an endpoint of the install's version (scheduler fixtures, update remapping). */
  createSchedule(installId: string, input: { name: string; cron: string; method: string; path: string; payload?: unknown }): string {
    const install = this.#ctx.sql.installById.get(installId);
    if (!install) throw new EmulatorError('NOT_INSTALLED', `Failed to add schedule ${input.name}: install ${installId} does not exist (uninstalled, or an id from another emulator). Fix: pass the id of a current install (registry.installs(tenant)).`);
    const endpoint = this.#ctx.sql.endpointsOf.all(install.version_id).find((e) => e.method === input.method.toUpperCase() && e.path === input.path);
    if (!endpoint) {
      throw new EmulatorError('ENDPOINT_NOT_FOUND', `the installed version has no endpoint ${input.method.toUpperCase()} ${input.path}; declare it in api.endpoints.`);
    }
    const id = this.#ctx.newId();
    const now = this.#ctx.now();
    this.#ctx.sql.insertSchedule.run({
      id, install_id: installId, tenant_id: install.tenant_id, endpoint_id: endpoint.id, name: input.name, cron: input.cron, timezone: 'UTC', enabled: 1,
      payload_json: input.payload === undefined ? null : JSON.stringify(input.payload), next_run_ms: nextRunAfter(input.cron, 'UTC', Date.parse(now)), now,
    });
    return id;
  }

  schedules(installId: string): { id: string; name: string | null; enabled: boolean; method: string; path: string }[] {
    return this.#ctx.sql.schedulesOf.all(installId).map((s) => ({ id: s.id, name: s.name, enabled: s.enabled === 1, method: s.method, path: s.path }));
  }

  /** `/api/installs/validate` and strict `/ext-ui`: an enabled install whose version has this bundle. */
  async hasActiveBundle(tenantId: string, extensionId: string, contentHash: string): Promise<boolean> {
    let hash: string;
    try {
      hash = normalizeContentHash(contentHash);
    } catch {
      return false;
    }
    return this.#ctx.sql.activeInstallHasHash.get(tenantId, extensionId, hash) !== undefined;
  }

  /** `/api/installs/lookup-by-host`: the install served at a runner domain (port ignored). */
  async lookupByHost(host: string): Promise<{ tenant_id: string; extension_id: string; content_hash: string } | null> {
    const name = host.trim().toLowerCase().replace(/:\d+$/, '');
    const install = name === '' ? undefined : this.#ctx.sql.installByDomain.get(name);
    if (!install) return null;
    const bundle = this.#ctx.sql.activeBundle.get(install.version_id);
    return bundle ? { tenant_id: install.tenant_id, extension_id: install.registry_id, content_hash: bundle.content_hash } : null;
  }

  /**
   * Runner load/serve check: the signature stored for (extension, hash) must verify against the
   * hash of the bytes actually read. A bundle the registry does not know is unsigned.
   */
  async verifyLoadedBundle(input: { extensionId: string; expectedContentHash: string; bytes: Uint8Array }): Promise<void> {
    if (this.signing.mode === 'off') return;
    const expected = normalizeContentHash(input.expectedContentHash);
    const row = this.#ctx.sql.bundleOfRegistryByHash.get(input.extensionId, expected);
    const actual = computeContentHash(input.bytes);
    const verdict = verifyBundleSignature({ contentHash: actual, signatureText: row?.signature ?? null, trust: this.signing.trust, mode: this.signing.mode });
    for (const warning of verdict.warnings) this.#ctx.warn(warning);
  }

  /**
   * Gateway resolution (spec 04): `ref` is an install id of this tenant, a registry id or a slug
   * (`publisher.name`, any case). Only an enabled install (`is_enabled` and status `enabled`)
   * with a bundle counts; anything else is null.
   */
  activeInstall(tenantId: string, ref: string): InstallView | null {
    return this.#reads.read(`install\n${tenantId}\n${ref}`, () => this.#activeInstall(tenantId, ref));
  }

  #activeInstall(tenantId: string, ref: string): InstallView | null {
    const byInstallId = this.#ctx.sql.installById.get(ref);
    const registry = this.#ctx.sql.registryById.get(ref) ?? this.#ctx.sql.registryBySlug.get(ref);
    const row = byInstallId?.tenant_id === tenantId ? byInstallId : registry ? this.#ctx.sql.installOf.get(tenantId, registry.id) : undefined;
    if (!row || row.is_enabled !== 1 || row.status !== 'enabled') return null;
    const view = this.#view(row);
    return view.contentHash ? view : null;
  }

  /** The install's config row, or null when it has none (the Gateway answers 404 then). */
  storedConfigOf(installId: string): state.InstallConfig | null {
    return this.#reads.read(`config\n${installId}`, () => (this.#ctx.sql.configOf.get(installId) ? state.readConfig(this.#ctx, installId) : null));
  }

  /**
   * Starts an execution-log row (status `started`) and returns its id. The row is written, with
   * the other execution-log writes of the next EXECUTION_LOG_FLUSH_MS, in one transaction (sooner
   * before a read of the log, a savepoint, or close). A call's two writes are then off its path
   * and the calls of those milliseconds share one commit.
   */
  startExecution(input: { tenantId: string; registryId: string; versionId: string | null; requestId: string | null }): string {
    const id = this.#ctx.newId();
    const row = { id, tenant_id: input.tenantId, registry_id: input.registryId, version_id: input.versionId, request_id: input.requestId, now: this.#ctx.now() };
    const start: { finish?: FinishedLogRow } = {};
    this.#logStarts.set(id, start);
    this.#queueLogWrite(() => {
      const { finish } = start;
      if (finish) this.#ctx.sql.insertFinishedExecutionLog.run({ ...row, status: finish.status, metrics: finish.metrics, error: finish.error, finished_at: finish.now });
      else this.#ctx.sql.insertExecutionLog.run(row);
    });
    return id;
  }

  /**
   * Finishes a `started` row once; `metrics` must hold no bodies, headers, config or secrets.
   * Written as `startExecution`'s row is; a row not committed yet is inserted finished.
   */
  finishExecution(id: string, result: { status: ExecutionStatus; metrics: Record<string, unknown>; error?: string | null }): void {
    const row: FinishedLogRow = { id, status: result.status, metrics: JSON.stringify(result.metrics), error: result.error ?? null, now: this.#ctx.now() };
    const start = this.#logStarts.get(id);
    if (start) {
      start.finish ??= row;
      return;
    }
    this.#queueLogWrite(() => this.#ctx.sql.finishExecutionLog.run(row));
  }

  /**
   * Commits the execution-log writes not yet written, in one transaction. A failure (disk full,
   * a database another process keeps locked past busy_timeout) is reported through `warn` with
   * the count of rows it cost; calls are not failed for it.
   */
  flushExecutionLog(): void {
    clearTimeout(this.#logFlush);
    this.#logFlush = undefined;
    const writes = this.#logWrites;
    if (writes.length === 0 || this.#closed) return;
    this.#logWrites = [];
    this.#logStarts.clear();
    try {
      this.#db.transaction(() => {
        for (const write of writes) write();
      })();
    } catch (err) {
      this.#ctx.warn(`execution log: ${writes.length} write(s) lost: ${(err as Error).message}. Fix: free disk space, or stop the process holding ${this.#db.name} locked.`);
    }
  }

  #queueLogWrite(write: () => void): void {
    this.#logWrites.push(write);
    this.#logFlush ??= setTimeout(() => this.flushExecutionLog(), EXECUTION_LOG_FLUSH_MS);
  }

  /** Adds one invocation's use to `extension_quota_usage` (the row of its hour, created on first use). */
  addQuotaUsage(row: QuotaUsageRow): void {
    this.#ctx.sql.addQuotaUsage.run(row);
  }

  /** An extension's `extension_quota_usage` rows in a tenant, oldest window first. */
  quotaUsage(tenantId: string, registryId: string): QuotaUsageRow[] {
    return this.#ctx.sql.quotaUsageOf.all({ tenant_id: tenantId, registry_id: registryId });
  }

  /** A tenant's execution-log rows, newest first (optionally of one extension). */
  executionLog(filter: { tenantId: string; registryId?: string; limit?: number }): ExecutionLogEntry[] {
    this.flushExecutionLog();
    return this.#ctx.sql.executionLogOf.all({ tenant_id: filter.tenantId, registry_id: filter.registryId ?? null, limit: filter.limit ?? 100 }).map((row) => ({
      id: row.id,
      tenantId: row.tenant_id,
      registryId: row.registry_id,
      versionId: row.version_id,
      requestId: row.request_id,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      status: row.status,
      metrics: row.metrics ? (JSON.parse(row.metrics) as Record<string, unknown>) : null,
      error: row.error,
    }));
  }

  #view(row: InstallRow): InstallView {
    const registry = this.#ctx.sql.registryById.get(row.registry_id) as RegistryRow;
    const version = this.#ctx.sql.versionById.get(row.version_id) as VersionRow;
    const bundle = this.#ctx.sql.activeBundle.get(row.version_id);
    return {
      installId: row.id,
      tenantId: row.tenant_id,
      registryId: row.registry_id,
      slug: `${registry.publisher}.${registry.name}`.toLowerCase(),
      publisher: registry.publisher,
      name: registry.name,
      versionId: row.version_id,
      version: version.version,
      contentHash: bundle?.content_hash ?? null,
      enabled: row.is_enabled === 1,
      status: row.status,
      grantedCaps: JSON.parse(row.granted_caps) as string[],
      runnerDomain: row.runner_domain,
      ui: version.ui ? (JSON.parse(version.ui) as unknown) : null,
      endpoints: this.#ctx.sql.endpointsOf.all(row.version_id).map((e) => ({ method: e.method, path: e.path, handler: e.handler })),
    };
  }

  /** Closes the database; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.flushExecutionLog();
    this.#closed = true;
    this.#db.close();
  }
}
