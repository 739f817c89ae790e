import type Database from 'better-sqlite3';
import { preparer } from '../sqlite-statement.ts';

// Every query the registry runs, in one place (the schema is in migrations.ts). Rows are typed as
// SQLite returns them: JSON columns are strings, booleans are 0/1.

export interface RegistryRow {
  id: string;
  publisher: string;
  name: string;
  display_name: string | null;
  created_at: string;
  updated_at: string;
}

export interface VersionRow {
  id: string;
  registry_id: string;
  version: string;
  runtime: string;
  main_entry: string | null;
  api_endpoints: string;
  ui: string | null;
  capabilities: string;
  created_at: string;
}

export interface BundleRow {
  id: string;
  version_id: string;
  content_hash: string;
  signature: string | null;
  precompiled: string | null;
  storage_url: string;
  size_bytes: number;
  created_at: string;
}

export interface EndpointRow {
  id: string;
  version_id: string;
  method: string;
  path: string;
  handler: string;
}

export interface InstallRow {
  id: string;
  tenant_id: string;
  registry_id: string;
  version_id: string;
  granted_caps: string;
  config: string;
  is_enabled: number;
  status: 'enabled' | 'disabled' | 'pending';
  created_at: string;
  updated_at: string;
  runner_domain: string | null;
}

export interface ConfigRow {
  id: string;
  install_id: string;
  tenant_id: string;
  config: string;
  providers: string;
  version: string;
}

export interface SecretsRow {
  id: string;
  install_id: string;
  tenant_id: string;
  ciphertext: string;
  algorithm: string;
  transit_key: string | null;
  transit_mount: string | null;
  version: string;
  expires_at: string | null;
}

export interface ScheduleRow {
  id: string;
  install_id: string;
  endpoint_id: string;
  name: string | null;
  enabled: number;
  method: string;
  path: string;
}

/** A schedule with its endpoint and install, as the scheduler host API and the cron timer read it. */
export interface ScheduleDetailRow extends ScheduleRow {
  tenant_id: string;
  cron: string;
  timezone: string;
  payload_json: string | null;
  last_run_at: string | null;
  last_run_status: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string | null;
  next_run_ms: number | null;
  endpoint_version_id: string;
}

export interface TenantRow {
  id: string;
  name: string;
}

export interface UserRow {
  id: string;
  tenant_id: string;
  email: string;
  name: string;
  user_type: 'internal' | 'client';
  client_id: string | null;
  client_name: string | null;
  role: string;
  permissions: string;
}

export interface ApiKeyRow {
  key: string;
  user_id: string;
  tenant_id: string;
  description: string;
}

export interface DevTokenRow {
  token: string;
  user_id: string;
}

export interface ExecutionLogRow {
  id: string;
  tenant_id: string;
  registry_id: string;
  version_id: string | null;
  request_id: string | null;
  started_at: string;
  finished_at: string | null;
  status: 'started' | 'ok' | 'error' | 'timeout' | 'policy_denied' | 'upstream_error';
  metrics: string | null;
  error: string | null;
}

const SCHEDULE_COLUMNS = `s.id, s.install_id, s.tenant_id, s.endpoint_id, s.name, s.cron, s.timezone, s.enabled, s.payload_json, s.last_run_at,
  s.last_run_status, s.last_error, s.created_at, s.updated_at, s.next_run_ms, e.method, e.path, e.version_id AS endpoint_version_id`;

const USER_COLUMNS = `u.id, u.tenant_id, u.email, u.name, u.user_type, u.client_id, c.name AS client_name, u.role, u.permissions`;

/** An upload-proxy upload not yet finalized (emulator-only `staged_upload`). */
export interface StagedUploadRow {
  staging_key: string;
  staged_at_ms: number;
  finalizing_owner: string | null;
}

export type RegistryStatements = ReturnType<typeof registryStatements>;

/** One `extension_quota_usage` row: an extension's use in one tenant during one window (an hour). */
export interface QuotaUsageRow {
  tenant_id: string;
  registry_id: string;
  window_start: string;
  cpu_ms: number;
  mem_mb_ms: number;
  invocations: number;
  egress_bytes: number;
}

export function registryStatements(db: Database.Database) {
  const prepare = preparer(db);
  return {
    registryById: prepare<[string], RegistryRow>(`SELECT * FROM extension_registry WHERE id = ?`),
    registryByPublisherName: prepare<[string, string], RegistryRow>(
      `SELECT * FROM extension_registry WHERE publisher = ? AND name = ?`,
    ),
    registryBySlug: prepare<[string], RegistryRow>(
      `SELECT * FROM extension_registry WHERE lower(publisher || '.' || name) = lower(?)`,
    ),
    registriesByName: prepare<[string], RegistryRow>(`SELECT * FROM extension_registry WHERE lower(name) = lower(?)`),
    listRegistries: prepare<[], RegistryRow>(`SELECT * FROM extension_registry ORDER BY publisher, name`),
    insertRegistry: prepare<{ id: string; publisher: string; name: string; now: string }>(
      `INSERT INTO extension_registry (id, publisher, name, display_name, description, created_at, updated_at)
       VALUES (@id, @publisher, @name, @name, NULL, @now, @now)`,
    ),
    touchRegistry: prepare<{ id: string; now: string }>(`UPDATE extension_registry SET updated_at = @now WHERE id = @id`),

    versionsOf: prepare<[string], VersionRow>(`SELECT * FROM extension_version WHERE registry_id = ? ORDER BY created_at`),
    versionOf: prepare<[string, string], VersionRow>(`SELECT * FROM extension_version WHERE registry_id = ? AND version = ?`),
    versionById: prepare<[string], VersionRow>(`SELECT * FROM extension_version WHERE id = ?`),
    insertVersion: prepare<Omit<VersionRow, 'created_at'> & { now: string }>(
      `INSERT INTO extension_version (id, registry_id, version, runtime, main_entry, api_endpoints, ui, capabilities, created_at)
       VALUES (@id, @registry_id, @version, @runtime, @main_entry, @api_endpoints, @ui, @capabilities, @now)`,
    ),

    insertBundle: prepare<Omit<BundleRow, 'created_at'> & { now: string }>(
      `INSERT INTO extension_bundle (id, version_id, content_hash, signature, precompiled, storage_url, size_bytes, created_at, seq)
       VALUES (@id, @version_id, @content_hash, @signature, @precompiled, @storage_url, @size_bytes, @now,
               (SELECT coalesce(max(seq), 0) + 1 FROM extension_bundle))`,
    ),
    /** The active bundle of a version is its newest row. */
    activeBundle: prepare<[string], BundleRow>(`SELECT * FROM extension_bundle WHERE version_id = ? ORDER BY seq DESC LIMIT 1`),
    bundleOfRegistryByHash: prepare<[string, string], BundleRow>(
      `SELECT b.* FROM extension_bundle b JOIN extension_version v ON v.id = b.version_id
       WHERE v.registry_id = ? AND b.content_hash = ? ORDER BY b.seq DESC LIMIT 1`,
    ),
    bundlesOfVersion: prepare<[string], BundleRow>(`SELECT * FROM extension_bundle WHERE version_id = ? ORDER BY seq`),
    makeBundleNewest: prepare<[string]>(`UPDATE extension_bundle SET seq = (SELECT coalesce(max(seq), 0) + 1 FROM extension_bundle) WHERE id = ?`),
    bundlesByHash: prepare<[string], BundleRow>(`SELECT * FROM extension_bundle WHERE content_hash = ?`),

    insertEndpoint: prepare<EndpointRow>(
      `INSERT INTO extension_api_endpoint (id, version_id, method, path, handler) VALUES (@id, @version_id, @method, @path, @handler)`,
    ),
    endpointsOf: prepare<[string], EndpointRow>(`SELECT * FROM extension_api_endpoint WHERE version_id = ? ORDER BY rowid`),
    /** Dev loop: a version's manifest-derived columns follow its newly active bundle (version-refresh.ts). */
    refreshVersion: prepare<Pick<VersionRow, 'id' | 'runtime' | 'main_entry' | 'api_endpoints' | 'ui' | 'capabilities'>>(
      `UPDATE extension_version SET runtime = @runtime, main_entry = @main_entry, api_endpoints = @api_endpoints, ui = @ui, capabilities = @capabilities WHERE id = @id`,
    ),
    deleteEndpointsOf: prepare<[string]>(`DELETE FROM extension_api_endpoint WHERE version_id = ?`),
    /** Schedules of any install that fire this endpoint (a dev-loop republish may not drop it). */
    schedulesOnEndpoint: prepare<[string], { id: string; name: string | null; tenant_id: string }>(
      `SELECT id, name, tenant_id FROM tenant_extension_schedule WHERE endpoint_id = ? ORDER BY created_at, rowid`,
    ),
    installsOfVersion: prepare<[string], InstallRow>(`SELECT * FROM tenant_extension_install WHERE version_id = ? ORDER BY created_at`),
    regrantInstall: prepare<{ id: string; granted_caps: string; now: string }>(
      `UPDATE tenant_extension_install SET granted_caps = @granted_caps, updated_at = @now WHERE id = @id`,
    ),

    installById: prepare<[string], InstallRow>(`SELECT * FROM tenant_extension_install WHERE id = ?`),
    installOf: prepare<[string, string], InstallRow>(`SELECT * FROM tenant_extension_install WHERE tenant_id = ? AND registry_id = ?`),
    installByDomain: prepare<[string], InstallRow>(`SELECT * FROM tenant_extension_install WHERE runner_domain = lower(?)`),
    installsOfTenant: prepare<[string], InstallRow>(`SELECT * FROM tenant_extension_install WHERE tenant_id = ? ORDER BY created_at`),
    insertInstall: prepare<{ id: string; tenant_id: string; registry_id: string; version_id: string; granted_caps: string; runner_domain: string; now: string }>(
      `INSERT INTO tenant_extension_install (id, tenant_id, registry_id, version_id, granted_caps, config, is_enabled, status, created_at, updated_at, runner_domain)
       VALUES (@id, @tenant_id, @registry_id, @version_id, @granted_caps, '{}', 1, 'enabled', @now, @now, @runner_domain)`,
    ),
    reinstall: prepare<{ id: string; version_id: string; granted_caps: string; now: string }>(
      `UPDATE tenant_extension_install SET version_id = @version_id, granted_caps = @granted_caps, config = '{}',
         is_enabled = 1, status = 'enabled', updated_at = @now WHERE id = @id`,
    ),
    moveInstall: prepare<{ id: string; version_id: string; granted_caps: string; now: string }>(
      `UPDATE tenant_extension_install SET version_id = @version_id, granted_caps = @granted_caps, updated_at = @now WHERE id = @id`,
    ),
    setEnabled: prepare<{ id: string; enabled: number; status: string; now: string }>(
      `UPDATE tenant_extension_install SET is_enabled = @enabled, status = @status, updated_at = @now WHERE id = @id`,
    ),
    setInstallConfig: prepare<{ id: string; config: string; now: string }>(
      `UPDATE tenant_extension_install SET config = @config, updated_at = @now WHERE id = @id`,
    ),
    deleteInstall: prepare<[string]>(`DELETE FROM tenant_extension_install WHERE id = ?`),
    /** strict /ext-ui validation: an enabled install whose version has a bundle with this hash. */
    activeInstallHasHash: prepare<[string, string, string], { one: number }>(
      `SELECT 1 AS one FROM tenant_extension_install i JOIN extension_bundle b ON b.version_id = i.version_id
       WHERE i.tenant_id = ? AND i.registry_id = ? AND i.is_enabled = 1 AND b.content_hash = ? LIMIT 1`,
    ),

    configOf: prepare<[string], ConfigRow>(`SELECT * FROM tenant_extension_install_config WHERE install_id = ?`),
    upsertConfig: prepare<{ id: string; install_id: string; tenant_id: string; config: string; providers: string; version: string; now: string }>(
      `INSERT INTO tenant_extension_install_config (id, install_id, tenant_id, config, providers, version, created_at, updated_at)
       VALUES (@id, @install_id, @tenant_id, @config, @providers, @version, @now, @now)
       ON CONFLICT (install_id) DO UPDATE SET config = excluded.config, providers = excluded.providers,
         version = excluded.version, updated_at = excluded.updated_at`,
    ),

    secretsOf: prepare<[string], SecretsRow>(`SELECT * FROM tenant_extension_install_secrets WHERE install_id = ?`),
    upsertSecrets: prepare<Omit<SecretsRow, 'expires_at'> & { now: string }>(
      `INSERT INTO tenant_extension_install_secrets (id, install_id, tenant_id, ciphertext, algorithm, transit_key, transit_mount, version, expires_at, created_at, updated_at)
       VALUES (@id, @install_id, @tenant_id, @ciphertext, @algorithm, @transit_key, @transit_mount, @version, NULL, @now, @now)
       ON CONFLICT (install_id) DO UPDATE SET ciphertext = excluded.ciphertext, algorithm = excluded.algorithm,
         transit_key = excluded.transit_key, transit_mount = excluded.transit_mount, version = excluded.version,
         updated_at = excluded.updated_at`,
    ),
    deleteSecrets: prepare<[string]>(`DELETE FROM tenant_extension_install_secrets WHERE install_id = ?`),

    schedulesOf: prepare<[string], ScheduleRow>(
      `SELECT s.id, s.install_id, s.endpoint_id, s.name, s.enabled, e.method, e.path
       FROM tenant_extension_schedule s JOIN extension_api_endpoint e ON e.id = s.endpoint_id
       WHERE s.install_id = ? ORDER BY s.created_at, s.rowid`,
    ),
    insertSchedule: prepare<{ id: string; install_id: string; tenant_id: string; endpoint_id: string; name: string | null; cron: string; timezone: string; enabled: number; payload_json: string | null; next_run_ms: number | null; now: string }>(
      `INSERT INTO tenant_extension_schedule (id, install_id, tenant_id, endpoint_id, name, cron, timezone, enabled, payload_json, created_at, updated_at, next_run_ms)
       VALUES (@id, @install_id, @tenant_id, @endpoint_id, @name, @cron, @timezone, @enabled, @payload_json, @now, @now, @next_run_ms)`,
    ),
    scheduleOf: prepare<[string, string], ScheduleDetailRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM tenant_extension_schedule s JOIN extension_api_endpoint e ON e.id = s.endpoint_id WHERE s.id = ? AND s.install_id = ?`,
    ),
    scheduleById: prepare<[string], ScheduleDetailRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM tenant_extension_schedule s JOIN extension_api_endpoint e ON e.id = s.endpoint_id WHERE s.id = ?`,
    ),
    scheduleDetailsOf: prepare<[string], ScheduleDetailRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM tenant_extension_schedule s JOIN extension_api_endpoint e ON e.id = s.endpoint_id
       WHERE s.install_id = ? ORDER BY s.created_at, s.rowid`,
    ),
    countSchedulesOf: prepare<[string], { count: number }>(`SELECT count(*) AS count FROM tenant_extension_schedule WHERE install_id = ?`),
    /** The earliest enabled firing at or before `until` (ties: oldest schedule first). */
    nextDueSchedule: prepare<[number], ScheduleDetailRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM tenant_extension_schedule s JOIN extension_api_endpoint e ON e.id = s.endpoint_id
       WHERE s.enabled = 1 AND s.next_run_ms IS NOT NULL AND s.next_run_ms <= ? ORDER BY s.next_run_ms, s.created_at, s.rowid LIMIT 1`,
    ),
    earliestNextRun: prepare<[], { next: number | null }>(`SELECT min(next_run_ms) AS next FROM tenant_extension_schedule WHERE enabled = 1`),
    updateSchedule: prepare<{ id: string; endpoint_id: string; name: string | null; cron: string; timezone: string; enabled: number; payload_json: string | null; next_run_ms: number | null; now: string }>(
      `UPDATE tenant_extension_schedule SET endpoint_id = @endpoint_id, name = @name, cron = @cron, timezone = @timezone, enabled = @enabled,
         payload_json = @payload_json, next_run_ms = @next_run_ms, updated_at = @now WHERE id = @id`,
    ),
    setNextRun: prepare<{ id: string; next_run_ms: number | null }>(`UPDATE tenant_extension_schedule SET next_run_ms = @next_run_ms WHERE id = @id`),
    /** Run-now requests of a tenant at or after `since` (epoch ms), oldest first. */
    runNowSince: prepare<{ tenant_id: string; since: number }, { requested_at_ms: number }>(
      `SELECT requested_at_ms FROM schedule_run_now WHERE tenant_id = @tenant_id AND requested_at_ms >= @since ORDER BY requested_at_ms`,
    ),
    insertRunNow: prepare<{ tenant_id: string; install_id: string; schedule_id: string; at: number }>(
      `INSERT INTO schedule_run_now (tenant_id, install_id, schedule_id, requested_at_ms) VALUES (@tenant_id, @install_id, @schedule_id, @at)`,
    ),
    pruneRunNow: prepare<{ tenant_id: string; before: number }>(`DELETE FROM schedule_run_now WHERE tenant_id = @tenant_id AND requested_at_ms < @before`),
    recordScheduleRun: prepare<{ id: string; status: string; error: string | null; now: string }>(
      `UPDATE tenant_extension_schedule SET last_run_at = @now, last_run_status = @status, last_error = @error, updated_at = @now WHERE id = @id`,
    ),
    deleteSchedule: prepare<[string, string]>(`DELETE FROM tenant_extension_schedule WHERE id = ? AND install_id = ?`),
    touchInstall: prepare<{ id: string; now: string }>(`UPDATE tenant_extension_install SET updated_at = @now WHERE id = @id`),
    remapSchedule: prepare<{ id: string; endpoint_id: string }>(`UPDATE tenant_extension_schedule SET endpoint_id = @endpoint_id WHERE id = @id`),
    disableSchedule: prepare<[string]>(`UPDATE tenant_extension_schedule SET enabled = 0, next_run_ms = NULL WHERE id = ?`),
    deleteSchedulesOf: prepare<[string]>(`DELETE FROM tenant_extension_schedule WHERE install_id = ?`),

    insertJournal: prepare<{ canonical_key: string; staging_key: string; owner: string; now: string }>(
      `INSERT OR REPLACE INTO publish_journal (canonical_key, staging_key, owner, created_at) VALUES (@canonical_key, @staging_key, @owner, @now)`,
    ),
    deleteJournal: prepare<[string]>(`DELETE FROM publish_journal WHERE canonical_key = ?`),
    journal: prepare<[], { canonical_key: string; staging_key: string; owner: string | null }>(`SELECT canonical_key, staging_key, owner FROM publish_journal`),

    insertStaged: prepare<{ staging_key: string; staged_at_ms: number; finalizing_owner: string | null }>(
      `INSERT INTO staged_upload (staging_key, staged_at_ms, finalizing_owner) VALUES (@staging_key, @staged_at_ms, @finalizing_owner)`,
    ),
    stagedByKey: prepare<[string], StagedUploadRow>(`SELECT staging_key, staged_at_ms, finalizing_owner FROM staged_upload WHERE staging_key = ?`),
    claimStaged: prepare<{ staging_key: string; owner: string }>(`UPDATE staged_upload SET finalizing_owner = @owner WHERE staging_key = @staging_key`),
    deleteStaged: prepare<[string]>(`DELETE FROM staged_upload WHERE staging_key = ?`),
    /** Expired uploads, and uploads whose finalize ran in some process (the caller keeps the live ones). */
    stagedToSweep: prepare<[number], StagedUploadRow>(
      `SELECT staging_key, staged_at_ms, finalizing_owner FROM staged_upload WHERE staged_at_ms <= ? OR finalizing_owner IS NOT NULL ORDER BY staged_at_ms, staging_key`,
    ),
    bundleWithStorageUrl: prepare<[string], { one: number }>(`SELECT 1 AS one FROM extension_bundle WHERE storage_url = ? LIMIT 1`),

    insertTenant: prepare<{ id: string; name: string; now: string }>(
      `INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES (@id, @name, @now)`,
    ),
    tenantById: prepare<[string], TenantRow>(`SELECT id, name FROM tenants WHERE id = ?`),
    tenants: prepare<[], TenantRow>(`SELECT id, name FROM tenants ORDER BY created_at, id`),
    insertClient: prepare<{ id: string; tenant_id: string; name: string }>(
      `INSERT OR IGNORE INTO clients (id, tenant_id, name) VALUES (@id, @tenant_id, @name)`,
    ),
    insertUser: prepare<Omit<UserRow, 'client_name'>>(
      `INSERT OR IGNORE INTO users (id, tenant_id, email, name, user_type, client_id, role, permissions)
       VALUES (@id, @tenant_id, @email, @name, @user_type, @client_id, @role, @permissions)`,
    ),
    userById: prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users u LEFT JOIN clients c ON c.id = u.client_id WHERE u.id = ?`),
    usersOfTenant: prepare<[string], UserRow>(
      `SELECT ${USER_COLUMNS} FROM users u LEFT JOIN clients c ON c.id = u.client_id WHERE u.tenant_id = ? ORDER BY u.rowid`,
    ),
    insertApiKey: prepare<ApiKeyRow & { now: string }>(
      `INSERT OR IGNORE INTO api_keys (key, user_id, tenant_id, description, created_at) VALUES (@key, @user_id, @tenant_id, @description, @now)`,
    ),
    apiKey: prepare<[string], ApiKeyRow>(`SELECT key, user_id, tenant_id, description FROM api_keys WHERE key = ?`),
    apiKeysOfTenant: prepare<[string], ApiKeyRow>(`SELECT key, user_id, tenant_id, description FROM api_keys WHERE tenant_id = ? ORDER BY created_at, rowid`),
    deleteApiKey: prepare<[string]>(`DELETE FROM api_keys WHERE key = ?`),

    insertSession: prepare<{ token: string; user_id: string; now: string }>(
      `INSERT INTO emulator_sessions (token, user_id, created_at) VALUES (@token, @user_id, @now)`,
    ),
    sessionUser: prepare<[string], { user_id: string }>(`SELECT user_id FROM emulator_sessions WHERE token = ?`),
    deleteSession: prepare<[string]>(`DELETE FROM emulator_sessions WHERE token = ?`),
    devTokenUser: prepare<[string], { user_id: string }>(`SELECT user_id FROM dev_tokens WHERE token = ?`),
    devTokenOf: prepare<[string], DevTokenRow>(`SELECT token, user_id FROM dev_tokens WHERE user_id = ?`),
    /** Frees the token and the user's slot, so `insertDevToken` can (re)assign it. */
    releaseDevToken: prepare<{ token: string; user_id: string }>(`DELETE FROM dev_tokens WHERE token = @token OR user_id = @user_id`),
    insertDevToken: prepare<{ token: string; user_id: string; now: string }>(
      `INSERT INTO dev_tokens (token, user_id, created_at) VALUES (@token, @user_id, @now)`,
    ),

    insertExecutionLog: prepare<{ id: string; tenant_id: string; registry_id: string; version_id: string | null; request_id: string | null; now: string }>(
      `INSERT INTO extension_execution_log (id, tenant_id, registry_id, version_id, request_id, started_at, status)
       VALUES (@id, @tenant_id, @registry_id, @version_id, @request_id, @now, 'started')`,
    ),
    /** A row started and finished before its batch was committed: one insert instead of an insert and an update. */
    insertFinishedExecutionLog: prepare<{ id: string; tenant_id: string; registry_id: string; version_id: string | null; request_id: string | null; now: string; status: ExecutionLogRow['status']; metrics: string; error: string | null; finished_at: string }>(
      `INSERT INTO extension_execution_log (id, tenant_id, registry_id, version_id, request_id, started_at, status, metrics, error, finished_at)
       VALUES (@id, @tenant_id, @registry_id, @version_id, @request_id, @now, @status, @metrics, @error, @finished_at)`,
    ),
    finishExecutionLog: prepare<{ id: string; status: ExecutionLogRow['status']; metrics: string; error: string | null; now: string }>(
      `UPDATE extension_execution_log SET status = @status, metrics = @metrics, error = @error, finished_at = @now WHERE id = @id AND status = 'started'`,
    ),
    addQuotaUsage: prepare<QuotaUsageRow>(
      `INSERT INTO extension_quota_usage (tenant_id, registry_id, window_start, cpu_ms, mem_mb_ms, invocations, egress_bytes)
       VALUES (@tenant_id, @registry_id, @window_start, @cpu_ms, @mem_mb_ms, @invocations, @egress_bytes)
       ON CONFLICT (tenant_id, registry_id, window_start) DO UPDATE SET cpu_ms = cpu_ms + excluded.cpu_ms,
         mem_mb_ms = mem_mb_ms + excluded.mem_mb_ms, invocations = invocations + excluded.invocations, egress_bytes = egress_bytes + excluded.egress_bytes`,
    ),
    quotaUsageOf: prepare<{ tenant_id: string; registry_id: string }, QuotaUsageRow>(
      `SELECT * FROM extension_quota_usage WHERE tenant_id = @tenant_id AND registry_id = @registry_id ORDER BY window_start`,
    ),
    executionLogOf: prepare<{ tenant_id: string; registry_id: string | null; limit: number }, ExecutionLogRow>(
      `SELECT * FROM extension_execution_log WHERE tenant_id = @tenant_id AND (@registry_id IS NULL OR registry_id = @registry_id)
       ORDER BY started_at DESC, rowid DESC LIMIT @limit`,
    ),
  };
}
