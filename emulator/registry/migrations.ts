/**
 * The registry's schema, as numbered migrations. Table and column names are production's
 * (spec 06) so SQL an author reads in the platform docs reads the same here; Postgres types map
 * to SQLite as uuid/timestamptz → TEXT, jsonb → TEXT holding JSON, boolean → INTEGER 0/1.
 *
 * A data folder records the last migration it ran in `PRAGMA user_version`. Never edit a
 * migration that has shipped: add a new one at the end.
 */
import { READ_STAMP_TABLES_V9, readStampSql, readStampTriggersSql } from './read-cache.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'registry: extensions, versions, bundles, endpoints, installs, config, secrets',
    sql: `
      CREATE TABLE extension_registry (
        id TEXT PRIMARY KEY,
        publisher TEXT NOT NULL,
        name TEXT NOT NULL,
        display_name TEXT,
        description TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (publisher, name)
      );
      CREATE TABLE extension_version (
        id TEXT PRIMARY KEY,
        registry_id TEXT NOT NULL REFERENCES extension_registry(id) ON DELETE CASCADE,
        version TEXT NOT NULL,
        runtime TEXT NOT NULL,
        main_entry TEXT,
        api_endpoints TEXT NOT NULL DEFAULT '[]',
        ui TEXT,
        capabilities TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        UNIQUE (registry_id, version)
      );
      CREATE TABLE extension_bundle (
        id TEXT PRIMARY KEY,
        version_id TEXT NOT NULL REFERENCES extension_version(id) ON DELETE CASCADE,
        content_hash TEXT NOT NULL,
        signature TEXT,
        precompiled TEXT,
        storage_url TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        seq INTEGER NOT NULL,
        UNIQUE (version_id, content_hash)
      );
      CREATE INDEX extension_bundle_hash ON extension_bundle (content_hash);
      CREATE TABLE extension_api_endpoint (
        id TEXT PRIMARY KEY,
        version_id TEXT NOT NULL REFERENCES extension_version(id) ON DELETE CASCADE,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        handler TEXT NOT NULL,
        UNIQUE (version_id, method, path)
      );
      CREATE TABLE tenant_extension_install (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        registry_id TEXT NOT NULL REFERENCES extension_registry(id) ON DELETE CASCADE,
        version_id TEXT NOT NULL REFERENCES extension_version(id),
        granted_caps TEXT NOT NULL DEFAULT '[]',
        config TEXT NOT NULL DEFAULT '{}',
        is_enabled INTEGER NOT NULL DEFAULT 1,
        status TEXT NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled', 'pending')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        runner_domain TEXT UNIQUE,
        runner_status TEXT,
        runner_ref TEXT,
        UNIQUE (tenant_id, registry_id)
      );
      CREATE TABLE tenant_extension_install_config (
        id TEXT PRIMARY KEY,
        install_id TEXT NOT NULL UNIQUE REFERENCES tenant_extension_install(id) ON DELETE CASCADE,
        tenant_id TEXT NOT NULL,
        config TEXT NOT NULL DEFAULT '{}',
        providers TEXT NOT NULL DEFAULT '[]',
        version TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE tenant_extension_install_secrets (
        id TEXT PRIMARY KEY,
        install_id TEXT NOT NULL UNIQUE REFERENCES tenant_extension_install(id) ON DELETE CASCADE,
        tenant_id TEXT NOT NULL,
        ciphertext TEXT NOT NULL,
        algorithm TEXT NOT NULL DEFAULT 'inline/base64',
        transit_key TEXT,
        transit_mount TEXT,
        version TEXT NOT NULL,
        expires_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- Emulator-only: archives being moved to their canonical key. A row left behind by a crash
      -- names an archive that no bundle row owns; opening the registry removes it.
      CREATE TABLE publish_journal (
        canonical_key TEXT PRIMARY KEY,
        staging_key TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'identity: tenants, clients, users with permissions, API keys',
    sql: `
      CREATE TABLE tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE clients (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name TEXT NOT NULL
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        user_type TEXT NOT NULL CHECK (user_type IN ('internal', 'client')),
        client_id TEXT REFERENCES clients(id) ON DELETE SET NULL,
        role TEXT NOT NULL,
        permissions TEXT NOT NULL DEFAULT '[]',
        UNIQUE (tenant_id, email)
      );
      CREATE TABLE api_keys (
        key TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        description TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'operations: schedules, event subscriptions, execution log, quota usage',
    sql: `
      CREATE TABLE tenant_extension_schedule (
        id TEXT PRIMARY KEY,
        install_id TEXT NOT NULL REFERENCES tenant_extension_install(id) ON DELETE CASCADE,
        tenant_id TEXT NOT NULL,
        endpoint_id TEXT NOT NULL REFERENCES extension_api_endpoint(id),
        name TEXT NOT NULL,
        cron TEXT NOT NULL,
        timezone TEXT NOT NULL DEFAULT 'UTC',
        enabled INTEGER NOT NULL DEFAULT 1,
        payload_json TEXT,
        last_run_at TEXT,
        last_run_status TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE extension_event_subscription (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        install_id TEXT NOT NULL REFERENCES tenant_extension_install(id) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        handler TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX extension_event_subscription_topic ON extension_event_subscription (tenant_id, topic);
      CREATE TABLE extension_execution_log (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        registry_id TEXT NOT NULL,
        version_id TEXT,
        request_id TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('started', 'ok', 'error', 'timeout', 'policy_denied', 'upstream_error')),
        metrics TEXT,
        error TEXT
      );
      CREATE INDEX extension_execution_log_tenant ON extension_execution_log (tenant_id, registry_id, started_at);
      CREATE TABLE extension_quota_usage (
        tenant_id TEXT NOT NULL,
        registry_id TEXT NOT NULL,
        window_start TEXT NOT NULL,
        cpu_ms INTEGER NOT NULL DEFAULT 0,
        mem_mb_ms INTEGER NOT NULL DEFAULT 0,
        invocations INTEGER NOT NULL DEFAULT 0,
        egress_bytes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, registry_id, window_start)
      );
    `,
  },
  {
    version: 4,
    name: 'gateway: shell sessions and dev bearer tokens',
    sql: `
      -- Emulator-only (production uses NextAuth): shell sign-ins, kept so a restart keeps them.
      CREATE TABLE emulator_sessions (
        token TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL
      );
      -- Emulator-only: one bearer token per user for curl and tests (EMULATOR_DEV_TOKEN sets the admin's).
      CREATE TABLE dev_tokens (
        token TEXT PRIMARY KEY,
        user_id TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'scheduler: nullable unique schedule names, updated_at, next run',
    sql: `
      -- Production's name is nullable and unique per install (tenant_extension_schedule_install_name_uniq).
      -- next_run_ms is emulator-only: the cron timer's next firing (epoch ms), null while disabled.
      CREATE TABLE tenant_extension_schedule_v5 (
        id TEXT PRIMARY KEY,
        install_id TEXT NOT NULL REFERENCES tenant_extension_install(id) ON DELETE CASCADE,
        tenant_id TEXT NOT NULL,
        endpoint_id TEXT NOT NULL REFERENCES extension_api_endpoint(id),
        name TEXT,
        cron TEXT NOT NULL,
        timezone TEXT NOT NULL DEFAULT 'UTC',
        enabled INTEGER NOT NULL DEFAULT 1,
        payload_json TEXT,
        last_run_at TEXT,
        last_run_status TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT,
        next_run_ms INTEGER
      );
      INSERT INTO tenant_extension_schedule_v5 (id, install_id, tenant_id, endpoint_id, name, cron, timezone, enabled, payload_json, last_run_at, last_run_status, last_error, created_at, updated_at)
        SELECT id, install_id, tenant_id, endpoint_id, name, cron, timezone, enabled, payload_json, last_run_at, last_run_status, last_error, created_at, created_at FROM tenant_extension_schedule;
      DROP TABLE tenant_extension_schedule;
      ALTER TABLE tenant_extension_schedule_v5 RENAME TO tenant_extension_schedule;
      CREATE UNIQUE INDEX tenant_extension_schedule_install_name_uniq ON tenant_extension_schedule (install_id, name);
      CREATE INDEX tenant_extension_schedule_due ON tenant_extension_schedule (enabled, next_run_ms);
    `,
  },
  {
    version: 6,
    name: 'publish: staged uploads that expire, owners of in-flight publishes',
    sql: `
      -- Emulator-only: each upload-proxy upload until finalize removes it. Start-up repair and a
      -- periodic sweep remove uploads older than BUNDLE_STAGING_TTL_MS; finalizing_owner names the
      -- process ('{pid}-{start ticks}') running or last running its finalize, so repair also
      -- removes the upload of a finalize whose process was killed. Times: the registry's clock.
      CREATE TABLE staged_upload (
        staging_key TEXT PRIMARY KEY,
        staged_at_ms INTEGER NOT NULL,
        finalizing_owner TEXT
      );
      CREATE INDEX staged_upload_age ON staged_upload (staged_at_ms);
      -- The process copying the archive: repair leaves a live process's publish alone.
      ALTER TABLE publish_journal ADD COLUMN owner TEXT;
    `,
  },
  {
    version: 7,
    name: 'scheduler: run-now requests for the per-tenant run-now limit',
    sql: `
      -- Production counts its 'extension_schedule_run_now' jobs of the tenant created in the last
      -- minute (ee/server/src/lib/actions/extensionScheduleActions.ts). Kept here so the limit holds
      -- across CLI processes on one data folder. Times: the emulator clock, epoch ms.
      CREATE TABLE schedule_run_now (
        tenant_id TEXT NOT NULL,
        install_id TEXT NOT NULL,
        schedule_id TEXT NOT NULL,
        requested_at_ms INTEGER NOT NULL
      );
      CREATE INDEX schedule_run_now_tenant ON schedule_run_now (tenant_id, requested_at_ms);
    `,
  },
  {
    version: 8,
    name: 'registry: a read stamp that every write to what a Gateway call reads re-draws',
    // Emulator-only: lets the Gateway answer install, config and identity reads from memory
    // until any process changes them (read-cache.ts).
    sql: readStampSql(),
  },
  {
    version: 9,
    name: 'registry: shell sessions re-draw the read stamp too',
    // Emulator-only: the Gateway answers a session cookie's user from memory until a sign-in or
    // sign-out changes the sessions (read-cache.ts).
    sql: readStampTriggersSql(READ_STAMP_TABLES_V9),
  },
];
