// The public shape of a running test emulator (`emu`), as `createEmulator` resolves it.
import type { Registry } from '../emulator/index.ts';
import type { EmulatorUser, NewUser, ScheduleRun, ScheduleView } from '../emulator/internals.ts';
import type { TestClock } from './test-clock.ts';
import type { ActivityMark } from './failure-report.ts';
import type { TestFaults } from './faults.ts';
import type { HttpMock } from './http-mock.ts';
import type { Caller, TenantRef, Tenants } from './identities.ts';
import type { ExtensionSource, InstallOptions, InstallResult } from './install.ts';
import type { ExecuteResult, ExtensionRef, InvokeRequest, InvokeResult } from './invoke.ts';
import type { LeastPrivilegeReport } from './least-privilege.ts';
import type { CapabilityLedger } from './ledger.ts';
import type { LogEvent, LogFilter } from './logs.ts';
import type { PsaView } from './psa.ts';
import type { ExtensionMetrics, UiProxyRoutes } from './metrics.ts';
import type { ExecuteInput } from './runner-fixture.ts';
import type { Recording } from './recording.ts';
import type { Snapshot } from './snapshot-api.ts';
import type { ConfigView, SecretsView, StorageView } from './state.ts';

/** A running emulator for tests: the real Runner, Gateway and publish API on loopback. */
export interface TestEmulator {
  /** Base URLs: `main` (Gateway, publish API, shell) and `runner` (`/v1/execute`). */
  readonly urls: { main: string; runner: string };
  /** The registry (publish, installs, config, secrets, identities, execution log). */
  readonly registry: Registry;
  /** The seeded tenants' ids. */
  readonly tenants: Tenants;
  /** The temporary data folder; removed by `close()`. */
  readonly dataDir: string;
  /** The tenant's users (default tenant): admin, MSP user without extension permissions, client-portal user. */
  users(tenant?: TenantRef): EmulatorUser[];
  /** A user's dev bearer token for the Gateway; default the default tenant's MSP admin. */
  devToken(as?: Caller, tenant?: TenantRef): string;
  /** Publishes a folder, `.tar.zst`, bytes or sample through the registry and installs it. */
  install(source: ExtensionSource, options?: InstallOptions): Promise<InstallResult>;
  /** One call through the real Gateway over HTTP, with the Runner's envelope and host calls. */
  invoke(ext: ExtensionRef, request: InvokeRequest): Promise<InvokeResult>;
  /** One execute body straight at the Runner's `/v1/execute`. */
  execute(body: ExecuteInput, headers?: Readonly<Record<string, string>>): Promise<ExecuteResult>;
  /**
   * Every host call of every invocation of this emulator, with the grants each ran with.
   * @example emu.ledger.forRequest(res.requestId).map((c) => c.function) // ['logInfo', 'get', 'put']
   */
  readonly ledger: CapabilityLedger;
  /**
   * Granted-but-unused capabilities and denied calls so far, for one extension or all.
   * @example emu.leastPrivilege('hello-host').unused // ['cap:secrets.get', 'cap:http.fetch']
   */
  leastPrivilege(ext?: ExtensionRef): LeastPrivilegeReport;
  /**
   * The guests' outbound HTTP, mocked with msw handlers (this emulator's own).
   * @example emu.http.use(http.get('https://api.example.com/x', () => HttpResponse.json({ ok: true })))
   */
  readonly http: HttpMock;
  /**
   * The local ui-proxy backend `call-route` reaches when UI_PROXY_BASE_URL is unset.
   * @example emu.uiProxy.route('/api/tickets', () => Response.json([{ id: 'T-1' }]))
   */
  readonly uiProxy: UiProxyRoutes;
  /**
   * An install's metrics: executes by outcome, duration, guest memory, host calls by interface,
   * egress, storage use against its quotas, and its quota-usage rows.
   * @example emu.metrics(ext).hostCalls['alga:extension/storage'] // { ok: 2 }
   */
  metrics(ext: ExtensionRef, options?: { tenant?: TenantRef }): ExtensionMetrics;
  /**
   * The emulator's wall clock; `advance` and `set` need `createEmulator({ clock: 'virtual' })`.
   * Guest timeouts and measured durations stay on real time.
   * @example emu.clock.advance(60_000); new Date(emu.clock.now()).toISOString()
   */
  readonly clock: TestClock;
  /**
   * Host-call failures on demand: a WIT error or latency for the next N calls of a capability,
   * applied only after the guest's grant checks pass.
   * @example emu.faults.inject({ capability: 'storage.put', error: 'internal', times: 2 })
   */
  readonly faults: TestFaults;
  /**
   * The Runner's debug events (guest log lines, stdout/stderr, diagnostics) matching `filter`.
   * @example emu.logs({ requestId: res.requestId }).map((e) => e.message) // ['GET /fetch']
   */
  logs(filter?: LogFilter): LogEvent[];
  /**
   * Starts recording every call that reaches a guest, of `ext` (its tenant's install, or
   * `options.tenant`'s) or, without `ext`, of every install: the request (no secret envelope),
   * each host call with its arguments and answer in full (secret values `"[redacted]"`) and the
   * answer. `stop(file)` writes the cassette `replay(file, bundle)` runs a build against.
   * @example const rec = emu.record(ext); await emu.invoke(ext, { path: '/x' }); await rec.stop('traffic.cassette.json');
   */
  record(ext?: ExtensionRef, options?: { tenant?: TenantRef }): Recording;
  /**
   * Marks the whole state (registry, storage, ledger, logs, http handlers, …) to come back to
   * with `restore()`. In place, with SQLite savepoints: no file copies. Waits for in-flight calls.
   * See `SNAPSHOT_API_VERSION` for exactly what is restored.
   * @example
   * beforeAll(async () => { ext = await emu.install('hello-host'); snap = await emu.snapshot(); });
   * beforeEach(() => emu.restore(snap));
   */
  snapshot(): Promise<Snapshot>;
  /**
   * Returns to a snapshot (default the latest live one); snapshots taken after it are dropped,
   * it stays valid. Waits for in-flight calls first.
   */
  restore(snapshot?: Snapshot): Promise<void>;
  /**
   * An install's extension storage, to seed before a call and read after it.
   * @example emu.storage(ext).put('counter', 'value', '41'); emu.storage(ext).get('counter', 'value')?.text() // '41'
   */
  storage(ext: ExtensionRef, options?: { tenant?: TenantRef }): StorageView;
  /**
   * The PSA back office the clients, services and invoicing capabilities use, per tenant: seed
   * it (replace or extend) and read clients, services and invoices (with lines and totals).
   * @example emu.psa.seed({ clients: [{ clientId, clientName: 'Acme' }] }, { mode: 'extend' }); emu.psa.invoices()[0]?.total
   */
  readonly psa: PsaView;
  /**
   * An install's config (string map, versioned).
   * @example emu.config(ext).set({ region: 'eu' })
   */
  config(ext: ExtensionRef, options?: { tenant?: TenantRef }): ConfigView;
  /**
   * An install's secrets, write-only: set, clear, list names.
   * @example emu.secrets(ext, { tenant: 'second' }).set({ api_token: 'other' })
   */
  secrets(ext: ExtensionRef, options?: { tenant?: TenantRef }): SecretsView;
  /**
   * An install's schedules (what the guest created with `scheduler.create-schedule`), with last
   * run and next firing.
   * @example emu.schedules(ext).map((s) => [s.name, s.nextRunAt]) // [['nightly', '2025-01-02T03:00:00.000Z']]
   */
  schedules(ext: ExtensionRef, options?: { tenant?: TenantRef }): ScheduleView[];
  /**
   * Fires a schedule now, due or not, as production's "run now": the Runner gets the scheduled
   * execute body; resolves with what was sent and answered. SCHEDULE_NOT_FOUND for an unknown id;
   * RUN_NOW_RATE_LIMITED (429) for a sixth run-now of the tenant within 60 s of the emulator clock
   * (production's limit; `emu.clock.advance` past the time the message names lets it run again).
   * @example const run = await emu.runSchedule(id); run.status // 'success'
   */
  runSchedule(scheduleId: string): Promise<ScheduleRun>;
  /**
   * Adds a user to a tenant; call as it with `invoke(ext, { as: user.id })`.
   * @example const reader = emu.addUser({ email: 'reader@emulator.test', permissions: ['extension:read'] });
   */
  addUser(user: AddUserOptions): EmulatorUser;
  /**
   * A point in this emulator's activity; `report(mark)` describes what happened after it.
   * @example const mark = emu.activityMark(); await emu.invoke(ext, { path: '/x' }); console.log(emu.report(mark));
   */
  activityMark(): ActivityMark;
  /**
   * Invocations (host calls with arguments, results, WIT errors, durations) and log lines since
   * `mark` (default: everything kept), as text: what `useEmulator` prints when a test fails.
   */
  report(mark?: ActivityMark): string;
  /**
   * Waits for in-flight calls, stops everything and removes the data folder; idempotent. Rejects
   * with HTTP_UNHANDLED_REQUEST when guests made outbound requests no handler answered.
   */
  close(): Promise<void>;
}

/** A user for `emu.addUser`: `NewUser` with the tenant as a `TenantRef` (default the default tenant). */
export type AddUserOptions = Omit<NewUser, 'tenantId'> & { tenant?: TenantRef };
