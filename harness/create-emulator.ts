import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorError, startEmulator, type InstallView, type Registry, type RunningEmulator } from '../emulator/index.ts';
import type { EmulatorUser, ScheduleRun, ScheduleView } from '../emulator/internals.ts';
import { devTokenOf, resolveCaller, resolveTenant, type Caller, type TenantRef, type Tenants } from './identities.ts';
import { publishAndInstall, sourceBytes, type ExtensionSource, type InstallOptions, type InstallResult } from './install.ts';
import { sendExecute, sendInvoke, type ExecuteResult, type ExtensionRef, type InvokeRequest, type InvokeResult } from './invoke.ts';
import { OutcomeIndex } from './outcome-index.ts';
import { LedgerRecorder, type CapabilityLedger } from './ledger.ts';
import { leastPrivilege, type LeastPrivilegeReport } from './least-privilege.ts';
import { HttpMockRouter, type HttpMock, type HttpMockOptions } from './http-mock.ts';
import { selectLogs, type LogEvent, type LogFilter } from './logs.ts';
import { createTestClock, type ClockMode, type TestClock } from './test-clock.ts';
import { HarnessFaults, type TestFaults } from './faults.ts';
import type { ExecuteInput } from './runner-fixture.ts';
import { SnapshotBook, type Snapshot } from './snapshot-api.ts';
import { startRecording, type Recording } from './recording.ts';
import { formatActivity, type ActivityMark } from './failure-report.ts';
import { configView, secretsView, storageView, type ConfigView, type SecretsView, type StorageView } from './state.ts';
import type { AddUserOptions, TestEmulator } from './test-emulator.ts';
import { psaView, type PsaView } from './psa.ts';
import { HARNESS_WARM_TRANSPILER } from './test-env.ts';
import { extensionMetrics, type ExtensionMetrics, type UiProxyRoutes } from './metrics.ts';

export type { AddUserOptions, TestEmulator } from './test-emulator.ts';

export interface CreateEmulatorOptions {
  /**
   * Environment the platform reads its settings from (`EXT_EGRESS_ALLOWLIST`,
   * `EXT_GATEWAY_ENDPOINT_MODE`, `SIGNING_MODE`, …). Default `{}`: your shell's variables never
   * leak into a test. Ports and the data folder are always the harness's own;
   * `RUNNER_PRELOAD_COMPONENTS` is `0` and `RUNNER_WARM_TRANSPILER` `off` unless set here.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Serve the shell page on the main port (builds it when stale, a few seconds); default false. */
  shell?: boolean;
  /** How long start-up may take before EMULATOR_START_TIMEOUT; default 60000. */
  startupTimeoutMs?: number;
  /**
   * Cache of extracted bundles and transpiled components, keyed by content hash and safe to share
   * between emulators and processes. Default `EXT_CACHE_ROOT` from `env`, else
   * `<os tmpdir>/alga-emulator-harness-cache`, so a component is transpiled once per machine.
   */
  cacheDir?: string;
  /** Platform warnings (dev signing of unsigned bundles, …); default dropped. */
  warn?: (message: string) => void;
  /**
   * Outbound HTTP of the guests (`http.fetch`, after the egress allowlist): answered by msw
   * handlers of this emulator; an unhandled request is a `transport` error for the guest and fails
   * `emu.http.assertAllHandled()` and `close()` unless `onUnhandled: 'bypass'`.
   */
  http?: HttpMockOptions;
  /**
   * `'virtual'`: time stands still (at the real time of start-up) until the test moves it with
   * `emu.clock.advance(ms)` / `set(date)`: timestamps, rate-limit refills and log `ts` follow it.
   * Default `'system'`: real time, as the platform has without a harness.
   * @example const emu = await createEmulator({ clock: 'virtual' }); emu.clock.advance(1000);
   */
  clock?: ClockMode;
}


/**
 * The cache of extracted bundles and transpiled components the harness shares between emulators,
 * replays and processes (keyed by content hash), so a component is transpiled once per machine.
 */
export function harnessCacheDir(): string {
  return join(tmpdir(), 'alga-emulator-harness-cache');
}

const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;
/** After a start-up timeout, how long to wait for the half-started platform to close before answering. */
const CLEANUP_GRACE_MS = 10_000;

/**
 * Runner settings a test emulator defaults differently from a server (`env` overrides them): test
 * emulators are many and short-lived, so none preloads components it may never call or keeps a
 * warm transpile child.
 */
const HARNESS_RUNNER_DEFAULTS: Readonly<Record<string, string>> = { RUNNER_PRELOAD_COMPONENTS: '0', ...HARNESS_WARM_TRANSPILER };

/**
 * Starts the platform for a test on ephemeral loopback ports with its own temporary data folder
 * (signing `dev`, shell off, an empty environment unless `env` says otherwise). Ready when the
 * promise resolves. Any number can run side by side in one process.
 *
 * @example
 * const emu = await createEmulator();
 * const ext = await emu.install('hello-host', { secrets: { api_token: 't' } });
 * const res = await emu.invoke(ext, { method: 'POST', path: '/counter' });
 * expect([res.status, res.json()]).toEqual([200, { count: 1, revision: '1' }]);
 * await emu.close();
 */
export async function createEmulator(options: CreateEmulatorOptions = {}): Promise<TestEmulator> {
  const timeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new EmulatorError('CONFIG_INVALID', `Failed to create the emulator: startupTimeoutMs must be a number of milliseconds > 0, got ${timeoutMs}. Fix: pass e.g. startupTimeoutMs: 30000, or leave it out for the default.`);
  }
  const outcomes = new OutcomeIndex();
  const ledger = new LedgerRecorder();
  const httpMock = new HttpMockRouter(options.http);
  const clocks = createTestClock(options.clock ?? 'system');
  const env = options.env ?? {};
  // `overdue`: the step that was running when the deadline passed (a start that ends late still fails).
  const state: { step: string; overdue: string | undefined; dataDir: string | undefined } = { step: 'the data folder to be created', overdue: undefined, dataDir: undefined };
  const deadline = performance.now() + timeoutMs;
  const attempt = (async () => {
    state.dataDir = await mkdtemp(join(tmpdir(), 'alga-harness-'));
    return startEmulator({
      env: { ...HARNESS_RUNNER_DEFAULTS, ...env, EXT_CACHE_ROOT: options.cacheDir ?? env.EXT_CACHE_ROOT ?? harnessCacheDir() },
      settings: { dataDir: state.dataDir, port: 0, runnerPort: 0, host: '127.0.0.1' },
      shell: options.shell ?? false,
      warn: options.warn,
      onExecute: (outcome, request) => {
        outcomes.record(outcome, request);
        ledger.observe(outcome, request);
      },
      fetch: httpMock.fetch,
      clock: clocks.clock,
      onProgress: (step) => {
        if (performance.now() > deadline) state.overdue ??= state.step;
        state.step = step;
      },
    });
  })();
  const removeDataDir = async () => {
    if (state.dataDir !== undefined) await rm(state.dataDir, { recursive: true, force: true });
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const first = await Promise.race([attempt.then((platform) => ({ platform }), (error: unknown) => ({ error })), timedOut]);
  clearTimeout(timer);
  if (first === 'timeout' || ('platform' in first && performance.now() > deadline)) {
    const waitingFor = state.overdue ?? state.step;
    const cleanup = attempt.then((platform) => platform.close(), () => undefined).then(removeDataDir);
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([cleanup, new Promise((resolve) => (grace = setTimeout(resolve, CLEANUP_GRACE_MS)))]);
    clearTimeout(grace);
    throw new EmulatorError(
      'EMULATOR_START_TIMEOUT',
      `Failed to start the emulator within ${timeoutMs} ms: still waiting for ${waitingFor}. Raise startupTimeoutMs, or look for what holds it up (a slow disk, a shell build).`,
    );
  }
  if ('error' in first) {
    await removeDataDir();
    throw first.error;
  }
  clocks.attach(first.platform.scheduler);
  return new HarnessEmulator(first.platform, state.dataDir as string, outcomes, httpMock, ledger, clocks.test);
}

/** The `TestEmulator` over one running platform; all its state is per instance. */
class HarnessEmulator implements TestEmulator {
  readonly urls: { main: string; runner: string };
  readonly registry: Registry;
  readonly tenants: Tenants;
  readonly dataDir: string;
  readonly clock: TestClock;
  readonly faults: TestFaults;
  readonly #platform: RunningEmulator;
  readonly #outcomes: OutcomeIndex;
  readonly #ledger: LedgerRecorder;
  readonly #http: HttpMockRouter;
  readonly #inflight = new Set<Promise<void>>();
  readonly #snapshots: SnapshotBook;
  #closing: Promise<void> | undefined;

  constructor(platform: RunningEmulator, dataDir: string, outcomes: OutcomeIndex, http: HttpMockRouter, ledger: LedgerRecorder, clock: TestClock) {
    this.clock = clock;
    this.faults = new HarnessFaults(platform.runner.faults);
    this.#ledger = ledger;
    // Gateway calls run with the install's stored providers (what the Gateway sends).
    ledger.grantSource = (tenantId, extensionId) => platform.registry.getConfig(tenantId, extensionId).providers;
    this.#platform = platform;
    this.#outcomes = outcomes;
    this.#http = http;
    this.urls = { ...platform.urls };
    this.registry = platform.registry;
    this.tenants = { default: platform.seed.defaultTenantId, second: platform.seed.secondTenantId };
    this.dataDir = dataDir;
    // Virtual time goes back too, so every test that restores starts at the same instant.
    const time = { capture: () => (clock.mode === 'virtual' ? ((at: number) => () => void clock.set(at))(clock.now()) : () => undefined) };
    this.#snapshots = new SnapshotBook(platform.savepoints, [ledger, http, platform.runner.faults, time, platform.runner.uiProxy, platform.metrics.executions]);
  }

  users(tenant?: TenantRef): EmulatorUser[] {
    return this.registry.identity.users(resolveTenant(this.registry, this.tenants, tenant));
  }

  devToken(as: Caller = 'admin', tenant?: TenantRef): string {
    const user = resolveCaller(this.registry, resolveTenant(this.registry, this.tenants, tenant), as, tenant !== undefined);
    if (!user) throw new EmulatorError('DEV_TOKEN_UNAVAILABLE', "Failed to get a dev token: 'anonymous' has none. Name a role ('admin', 'msp-user', 'client') or a user id.");
    return devTokenOf(this.#platform.sessions, user);
  }

  install(source: ExtensionSource, options: InstallOptions = {}): Promise<InstallResult> {
    return this.#track('install', async () => {
      const tenantId = resolveTenant(this.registry, this.tenants, options.tenant);
      const { bytes } = await sourceBytes(source);
      return publishAndInstall(this.registry, tenantId, bytes, options);
    });
  }

  invoke(ext: ExtensionRef, request: InvokeRequest): Promise<InvokeResult> {
    return this.#track('invoke', async () => {
      const extId = typeof ext === 'string' ? ext : ext.registryId;
      const tenantGiven = request.tenant !== undefined;
      const tenantId = tenantGiven ? resolveTenant(this.registry, this.tenants, request.tenant) : typeof ext === 'string' ? this.tenants.default : (ext.tenantId ?? this.tenants.default);
      const user = resolveCaller(this.registry, tenantId, request.as ?? 'admin', tenantGiven);
      const token = user ? devTokenOf(this.#platform.sessions, user) : undefined;
      return sendInvoke({ mainUrl: this.urls.main, extId, token }, this.#outcomes, request);
    });
  }

  execute(body: ExecuteInput, headers: Readonly<Record<string, string>> = {}): Promise<ExecuteResult> {
    return this.#track('execute', async () => {
      const res = await sendExecute(this.urls.runner, this.#outcomes, body, headers);
      this.#ledger.useProviders(res.requestId, body.providers ?? []);
      return res;
    });
  }

  get ledger(): CapabilityLedger {
    return this.#ledger;
  }

  leastPrivilege(ext?: ExtensionRef): LeastPrivilegeReport {
    const invocations = this.#ledger.invocations();
    if (ext === undefined) return leastPrivilege(invocations);
    const registryId = typeof ext === 'string' ? this.registry.extension(ext).id : ext.registryId;
    const tenantId = typeof ext === 'string' ? undefined : ext.tenantId;
    return leastPrivilege(invocations.filter((i) => i.extensionId === registryId && (tenantId === undefined || i.tenantId === tenantId)));
  }

  get http(): HttpMock {
    return this.#http;
  }

  get uiProxy(): UiProxyRoutes {
    return this.#platform.runner.uiProxy;
  }

  metrics(ext: ExtensionRef, options: { tenant?: TenantRef } = {}): ExtensionMetrics {
    return extensionMetrics(this.#platform, this.#installOf(ext, options.tenant, 'read the metrics of'));
  }

  logs(filter?: LogFilter): LogEvent[] {
    return selectLogs(this.#platform.runner.debugEvents, filter);
  }

  record(ext?: ExtensionRef, options: { tenant?: TenantRef } = {}): Recording {
    if (this.#closing) {
      throw new EmulatorError('EMULATOR_CLOSED', 'Failed to start a recording: this emulator is closed (close() was called). Create another with createEmulator().');
    }
    const install = ext === undefined ? undefined : this.#installOf(ext, options.tenant, 'record the calls of');
    const filter = install ? { tenantId: install.tenantId, extensionId: install.registryId, installId: install.installId } : {};
    const settle = async () => {
      while (this.#inflight.size > 0) await Promise.all([...this.#inflight]);
    };
    return startRecording(this.#platform.runner, filter, this.clock, settle);
  }

  async snapshot(): Promise<Snapshot> {
    await this.#settle('take a snapshot');
    return this.#snapshots.take();
  }

  async restore(snapshot?: Snapshot): Promise<void> {
    await this.#settle('restore a snapshot');
    this.#snapshots.restore(snapshot);
  }

  storage(ext: ExtensionRef, options: { tenant?: TenantRef } = {}): StorageView {
    const install = this.#installOf(ext, options.tenant, 'use the storage of');
    return storageView(this.#platform.runner.storage, { tenantId: install.tenantId, installId: install.installId });
  }

  get psa(): PsaView {
    return psaView(this.#platform.runner.psa, (tenant) => resolveTenant(this.registry, this.tenants, tenant));
  }

  config(ext: ExtensionRef, options: { tenant?: TenantRef } = {}): ConfigView {
    const install = this.#installOf(ext, options.tenant, 'use the config of');
    return configView(this.registry, install.tenantId, install.registryId);
  }

  secrets(ext: ExtensionRef, options: { tenant?: TenantRef } = {}): SecretsView {
    const install = this.#installOf(ext, options.tenant, 'use the secrets of');
    return secretsView(this.registry, install.tenantId, install.registryId);
  }

  schedules(ext: ExtensionRef, options: { tenant?: TenantRef } = {}): ScheduleView[] {
    return this.registry.scheduleStore.views(this.#installOf(ext, options.tenant, 'list the schedules of').installId);
  }

  runSchedule(scheduleId: string): Promise<ScheduleRun> {
    return this.#track('run a schedule', () => this.#platform.scheduler.runNow(scheduleId));
  }

  addUser(user: AddUserOptions): EmulatorUser {
    const { tenant, ...rest } = user;
    return this.registry.identity.addUser({ ...rest, tenantId: resolveTenant(this.registry, this.tenants, tenant) });
  }

  activityMark(): ActivityMark {
    return { ledger: this.#ledger.position(), logs: this.#platform.runner.debugEvents.position() };
  }

  report(mark: ActivityMark = { ledger: 0, logs: 0 }): string {
    return formatActivity(this.#ledger.since(mark.ledger), this.#platform.runner.debugEvents.since(mark.logs));
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      // New calls are refused from here on, so this loop ends.
      while (this.#inflight.size > 0) await Promise.all([...this.#inflight]);
      await this.#platform.close();
      await rm(this.dataDir, { recursive: true, force: true });
      this.#http.assertAllHandled();
    })();
    return this.#closing;
  }

  /** Waits until no call is in flight (refused once closing: the state is about to go). */
  async #settle(what: string): Promise<void> {
    if (this.#closing) {
      throw new EmulatorError('EMULATOR_CLOSED', `Failed to ${what}: this emulator is closed (close() was called). Create another with createEmulator().`);
    }
    while (this.#inflight.size > 0) await Promise.all([...this.#inflight]);
  }

  /** The install an `ExtensionRef` names in a tenant (its own tenant for an InstallResult). */
  #installOf(ext: ExtensionRef, tenant: TenantRef | undefined, what: string): InstallView {
    const tenantId = tenant !== undefined ? resolveTenant(this.registry, this.tenants, tenant) : typeof ext === 'string' ? this.tenants.default : (ext.tenantId ?? this.tenants.default);
    const ref = typeof ext === 'string' ? ext : ext.registryId;
    const install = this.registry.installOf(tenantId, ref);
    if (!install) {
      throw new EmulatorError('INSTALL_NOT_FOUND', `Failed to ${what} ${ref}: it is not installed for tenant ${tenantId}. Install it first: await emu.install(source, { tenant }).`);
    }
    return install;
  }

  /** Runs a call unless closing, and keeps it in the in-flight set until it settles. */
  #track<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (this.#closing) {
      return Promise.reject(new EmulatorError('EMULATOR_CLOSED', `Failed to ${what}: this emulator is closed (close() was called). Create another with createEmulator().`));
    }
    const call = run();
    const settled = call.then(() => undefined, () => undefined);
    this.#inflight.add(settled);
    void settled.then(() => this.#inflight.delete(settled));
    return call;
  }
}
