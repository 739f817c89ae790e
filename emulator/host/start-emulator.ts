import type { Server } from 'node:http';
import { join } from 'node:path';
import { createBundleStore, type BundleStore } from '../bundles/store.ts';
import { VirtualClock, systemClock, type Clock } from '../clock.ts';
import { schedulerDeps } from '../capabilities/scheduler/index.ts';
import { ScheduleTimer } from '../scheduler/schedule-timer.ts';
import { EmulatorError, type LogLine } from '../errors.ts';
import { emulatorPathRedactor } from '../redact-paths.ts';
import { Gateway } from '../gateway/gateway.ts';
import { inProcessRunnerTransport } from './in-process-runner.ts';
import { Sessions } from '../gateway/sessions.ts';
import type { SeedResult } from '../registry/identity.ts';
import { Registry, type InstallView } from '../registry/registry.ts';
import { loadRunnerConfig, type RunnerConfig } from '../runner/config.ts';
import { createRunnerApp, listen } from '../runner/http/router.ts';
import { DebugEventHub } from '../debug/debug-event-hub.ts';
import { Runner, type RunnerDeps } from '../runner/runner.ts';
import { loadSigningPolicy, type SigningPolicy } from '../signing/index.ts';
import { allParityNotes } from '../parity-notes.ts';
import { ensureShellBuilt } from '../shell/build.ts';
import { ShellEvents } from '../shell/server/shell-events.ts';
import { createShellServer, type ShellServer } from '../shell/server/shell-router.ts';
import { EmulatorMetrics } from '../metrics/emulator-metrics.ts';
import { createHostApp } from './app.ts';
import { httpUrl, resolveSigninPolicy, runnerBindHost, type SigninPolicy } from './bind-policy.ts';
import { loadEmulatorSettings, type EmulatorSettings } from './settings.ts';
import { ExtensionDevLoop, type DevLoopEvent, type WatchOptions } from './dev-loop.ts';
import { FastPathVerdicts, publishedBundleBytes } from './fast-path-verdict.ts';
import { PlatformSavepoints } from './platform-savepoints.ts';
import { writeRunningFile } from './running-file.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface EmulatorDataOptions {
  /** Environment to read settings from; default `process.env`. */
  env?: Env;
  /** Settings that win over the environment (tests: a temp data folder, port 0). */
  settings?: Partial<EmulatorSettings>;
  /** Warnings (dev signing, placeholder signatures); default prints nothing. */
  warn?: (message: string) => void;
  /**
   * Wall-clock time of every time-based part: registry timestamps (installs, publishes, config
   * versions, execution log), storage `updated_at`, the Gateway's rate-limit refill, debug-event
   * `ts`, the shell's token expiry. Default the system clock; tests pass a `VirtualClock`.
   * Guest timeouts and measured durations always run on real time.
   * @example const clock = new VirtualClock(); await startEmulator({ clock }); clock.advance(60_000);
   */
  clock?: Clock;
}

/** The emulator's data folder opened: registry (seeded), bundle store, signing policy. */
export interface EmulatorData {
  settings: EmulatorSettings;
  runnerConfig: RunnerConfig;
  signing: SigningPolicy;
  store: BundleStore;
  registry: Registry;
  seed: SeedResult;
  close(): Promise<void>;
}

/**
 * Opens the data folder without starting servers: what the `alga-emulator` CLI and the harness
 * use to publish, install and configure. Safe while an emulator runs on the same folder (SQLite
 * WAL; the Runner re-reads installs per request).
 *
 * @example const data = await openEmulatorData({ settings: { dataDir: '.emulator' } }); data.registry.installs(data.seed.defaultTenantId)
 */
export async function openEmulatorData(options: EmulatorDataOptions = {}): Promise<EmulatorData> {
  const env = options.env ?? process.env;
  const settings = loadEmulatorSettings(env, options.settings);
  const runnerConfig = loadRunnerConfig(env, { dataDir: settings.dataDir, port: settings.runnerPort });
  const store = createBundleStore(runnerConfig.bundleStoreBase, join(settings.dataDir, 'bundles'));
  const signing = loadSigningPolicy({ ...env, SIGNING_MODE: settings.signingMode }, settings.dataDir);
  const clock = options.clock ?? systemClock;
  const registry = await Registry.open({ dataDir: settings.dataDir, store, signing, warn: options.warn, now: () => new Date(clock.now()), stagingTtlMs: settings.stagingTtlMs, archiveLimits: runnerConfig.archiveLimits });
  const { orphanArchives, stagedUploads, tempFiles } = registry.repaired;
  if (orphanArchives.length + stagedUploads.length + tempFiles.length > 0) {
    options.warn?.(`Removed what interrupted work left in the bundle store: ${orphanArchives.length} unfinished publish(es), ${stagedUploads.length} expired or abandoned upload(s), ${tempFiles.length} temp file(s).`);
  }
  const seed = registry.seed({ defaultTenantId: settings.tenantId, devApiKey: settings.apiKey });
  return { settings, runnerConfig, signing, store, registry, seed, close: async () => registry.close() };
}

export interface RunningEmulator extends EmulatorData {
  runner: Runner;
  /** Shell sign-ins and dev bearer tokens (`sessions.devTokens(tenantId)`). */
  sessions: Sessions;
  /** `/api/ext` and `/api/ext-proxy` on the main port; `gateway.handle()` calls it without HTTP. */
  gateway: Gateway;
  /** Base URLs: `main` (publish API, PORT) and `runner` (RUNNER_PORT). */
  urls: { main: string; runner: string };
  /** Live messages to open shell pages: `publish({ type: 'reload', registryId, contentHash })`. */
  shellEvents: ShellEvents;
  /**
   * Builds, publishes and installs an extension folder for the default tenant and keeps it in
   * step with the folder (`npm run emulate -- --ext`): a saved source is rebuilt, each publish
   * reloads open iframes; a broken build keeps the previous bundle and shows the error in the
   * shell. `onEvent` also hears each one; `options.build` is `--build "<command>"`.
   * @example await emu.watch('./my-extension', (e) => console.log(e.type))
   */
  watch(folder: string, onEvent?: (event: DevLoopEvent) => void, options?: WatchOptions): Promise<InstallView | undefined>;
  /** Per-install executes, host calls, egress and storage use; `GET /api/emulator/metrics` serves them as Prometheus text. */
  metrics: EmulatorMetrics;
  /** Marks and rolls back registry, storage and their in-memory neighbours in place (harness snapshots). */
  savepoints: PlatformSavepoints;
  /**
   * The cron timer: fires due schedules through the Runner. It runs by itself on the system
   * clock; under a `VirtualClock` only `scheduler.runDue(until, setTime)` fires (the harness's `clock.advance`).
   * @example await emu.scheduler.runNow(scheduleId)
   */
  scheduler: ScheduleTimer;
  /**
   * Whether the shell's API asks for a sign-in secret, and which: required when `HOST` is not a
   * loopback address (the secret is `EMULATOR_SIGNIN_SECRET` or generated at this start).
   * @example if (emu.signin.required) console.log(`open ${emu.urls.main}/?signin_secret=${emu.signin.secret}`)
   */
  signin: SigninPolicy;
}

export interface StartOptions extends EmulatorDataOptions {
  /**
   * Runner log lines (debug events and structured records), and the detail of unexpected errors
   * (which clients see only as 500 INTERNAL). Without it, unexpected errors go to stderr as JSON lines.
   */
  log?: (line: Record<string, unknown>) => void;
  /** Text of the main port's root page when the shell is off. */
  describe?: () => string;
  /** Build (when stale) and serve the shell page on the main port; default true. */
  shell?: boolean;
  /** Hears every `/v1/execute` outcome of the Runner (the harness indexes them by request id). */
  onExecute?: RunnerDeps['onExecute'];
  /** Outbound fetch for the guests' `http.fetch` (after the egress allowlist); default the global fetch per call. */
  fetch?: RunnerDeps['fetch'];
  /** Hears each start-up step as it begins, phrased as what start-up waits for ("the Runner to listen"). */
  onProgress?: (step: string) => void;
}

/**
 * Starts the platform on `HOST` (default loopback; on any other address the shell's API asks for
 * a sign-in secret and the Runner stays on loopback): the Runner (verifying signatures at load, serving `/ext-ui`
 * against the registry, opening sealed secrets) and the main port with the publish API.
 * `close()` stops both servers, the Runner's workers and the registry; it is idempotent.
 */
export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  const progress = options.onProgress ?? (() => undefined);
  progress('the registry to open');
  const data = await openEmulatorData(options);
  const { registry, settings } = data;
  let signin: SigninPolicy;
  try {
    signin = resolveSigninPolicy({ host: settings.host, signinSecret: settings.signinSecret, apiKey: settings.apiKey, devToken: settings.devToken });
  } catch (err) {
    await data.close();
    throw err;
  }
  // One hub for the whole platform: the Runner, the Gateway and the shell's stream all use it.
  // The stream is shown to extension users: it never carries this machine's folders.
  const debugEvents = new DebugEventHub({ maxMessageBytes: data.runnerConfig.debugMaxEventBytes, redact: emulatorPathRedactor(data.runnerConfig) });
  const errorLog: LogLine = options.log ?? ((line) => process.stderr.write(`${JSON.stringify(line)}\n`));
  const metrics: EmulatorMetrics = new EmulatorMetrics({ registry, storage: () => runner.storage, clock: options.clock ?? systemClock });
  const runner = new Runner(data.runnerConfig, {
    debugEvents,
    store: data.store,
    transit: registry.sealer,
    installDirectory: registry,
    verifier: { verify: (input) => registry.verifyLoadedBundle(input) },
    log: options.log,
    onExecute: (outcome, request) => {
      options.onExecute?.(outcome, request);
      metrics.observe(outcome, request);
    },
    fetch: options.fetch,
    clock: options.clock,
    capabilityDeps: { scheduler: schedulerDeps(registry.scheduleStore, options.clock ?? systemClock) },
  });
  let scheduler: ScheduleTimer | undefined;
  const stagingSweeps = sweepStagedUploadsEvery(registry, Math.min(Math.max(settings.stagingTtlMs, STAGING_SWEEP_MIN_INTERVAL_MS), STAGING_SWEEP_MAX_INTERVAL_MS), options.warn);
  const servers: Server[] = [];
  let shellServer: ShellServer | undefined;
  let closing: Promise<void> | undefined;
  let devLoop: ExtensionDevLoop | undefined;
  let verdicts: FastPathVerdicts | undefined;
  let runningFile: { remove(): Promise<void> } | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // First: from here on a CLI on this folder no longer sends runs to this emulator.
      await runningFile?.remove();
      devLoop?.close();
      verdicts?.close();
      await verdicts?.idle();
      await stagingSweeps.stop();
      await scheduler?.close();
      shellServer?.close();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      await runner.close();
      metrics.flushQuotaUsage();
      registry.close();
    })();
    return closing;
  };
  try {
    // Start-up repair of the cache: work of extractions and transpiles killed midway (the registry repaired the store when it opened).
    await runner.removeInterruptedWork();
    progress('the Runner to listen');
    const runnerServed = await bind(createRunnerApp(runner, { log: errorLog }), settings.runnerPort, runnerBindHost(settings.host), 'RUNNER_PORT', 'Runner');
    servers.push(runnerServed.server);
    const sessions = new Sessions(registry, { devAdminToken: settings.devToken });
    // The Runner is in this process unless RUNNER_BASE_URL names another: then no loopback hop.
    const runnerTransport = settings.runnerBaseUrl ? undefined : inProcessRunnerTransport(runner, errorLog);
    const gateway = new Gateway({
      registry,
      sessions,
      debugEvents,
      runnerBaseUrl: settings.runnerBaseUrl ?? runnerServed.url,
      runner: runnerTransport,
      endpointMode: settings.endpointMode,
      timeoutMs: settings.gatewayTimeoutMs,
      rateLimit: settings.gatewayRateLimit,
      log: options.log,
      now: () => (options.clock ?? systemClock).now(),
      // Durations stay on real time: under a virtual clock they would read 0 or a test's jump.
      // The Gateway→Runner timeout (EXT_GATEWAY_TIMEOUT_MS) is a real timer for the same reason.
      stopwatch: () => performance.now(),
    });
    scheduler = new ScheduleTimer({ registry, runnerBaseUrl: settings.runnerBaseUrl ?? runnerServed.url, runner: runnerTransport, clock: options.clock ?? systemClock, timeoutMs: settings.gatewayTimeoutMs, debugEvents });
    if (!(options.clock instanceof VirtualClock)) scheduler.start();
    const shellEvents = new ShellEvents();
    if (options.shell !== false) {
      progress('the shell page to build');
      shellServer = createShellServer({
        registry,
        psa: runner.psa,
        sessions,
        debugEvents,
        shellEvents,
        runnerBaseUrl: settings.runnerBaseUrl ?? runnerServed.url,
        runnerPublicBase: settings.runnerPublicBase,
        distDir: await shellDist(options.warn),
        defaultTenantId: data.seed.defaultTenantId,
        dataDir: settings.dataDir,
        signingMode: data.signing.mode,
        parityNotes: allParityNotes,
        now: () => (options.clock ?? systemClock).now(),
        signin,
      });
    }
    progress('the main port to listen');
    const main = await bind(createHostApp({ registry, describe: options.describe, gateway, shell: shellServer?.router, metrics, scheduler, log: errorLog }), settings.port, settings.host, 'PORT', 'emulator');
    servers.push(main.server);
    // Tells `alga-emulator schedules run` on this data folder to fire runs through this emulator.
    runningFile = await writeRunningFile(settings.dataDir, { url: main.url, runnerUrl: runnerServed.url, pid: process.pid, startedAt: new Date((options.clock ?? systemClock).now()).toISOString() });
    const listeners = new Set<(event: DevLoopEvent) => void>();
    // What the dev loop tells the shell and the `watch` listeners (the terminal).
    const notify = (event: DevLoopEvent): void => {
      verdicts?.observe(event);
      if (event.type === 'verdict') shellEvents.publish({ type: 'verdict', registryId: event.registryId, ok: event.ok, message: event.message });
      else if (event.type === 'reload') shellEvents.publish({ type: 'reload', registryId: event.registryId, contentHash: event.contentHash });
      else if (event.type === 'fast-path') shellEvents.publish({ type: 'fast-path', registryId: event.registryId, sourceHash: event.sourceHash });
      else if (event.type === 'build-error' && event.registryId) shellEvents.publish({ type: 'build-error', registryId: event.registryId, message: event.message });
      for (const listener of listeners) listener(event);
    };
    // Production's verdict on the fast path: its calls replayed against the component built from its source.
    verdicts = new FastPathVerdicts({
      record: (filter, listener) => runner.record(filter, listener),
      fastPaths: runner.fastPaths,
      bundleBytes: publishedBundleBytes(registry.store),
      cacheDir: data.runnerConfig.cacheRoot,
      notify,
    });
    const watch = (folder: string, onEvent?: (event: DevLoopEvent) => void, watchOptions?: WatchOptions): Promise<InstallView | undefined> => {
      if (onEvent) listeners.add(onEvent);
      devLoop ??= new ExtensionDevLoop({
        registry,
        tenantId: data.seed.defaultTenantId,
        cacheRoot: data.runnerConfig.cacheRoot,
        fastPaths: runner.fastPaths,
        notify,
      });
      return devLoop.add(folder, watchOptions);
    };
    const savepoints = new PlatformSavepoints({ registry, runner, gateway, metrics });
    return { ...data, runner, metrics, sessions, gateway, shellEvents, watch, savepoints, scheduler, signin, urls: { main: main.url, runner: runnerServed.url }, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Sweeps of expired uploads run every BUNDLE_STAGING_TTL_MS, but at least every minute and at most every second. */
const STAGING_SWEEP_MAX_INTERVAL_MS = 60_000;
const STAGING_SWEEP_MIN_INTERVAL_MS = 1_000;

/**
 * Sweeps expired uploads every `intervalMs` (real time; expiry itself is judged on the registry's
 * clock) until `stop()`, which waits for a sweep in progress. Sweeps never overlap.
 */
function sweepStagedUploadsEvery(registry: Registry, intervalMs: number, warn: ((message: string) => void) | undefined): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = registry
      .sweepStagedUploads()
      .catch((err: unknown) => warn?.(`Failed to sweep expired uploads: ${(err as Error).message}. The next sweep retries.`))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** The built shell page (built now when its sources changed), or null with a warning. */
async function shellDist(warn: ((message: string) => void) | undefined): Promise<string | null> {
  try {
    return (await ensureShellBuilt()).dir;
  } catch (err) {
    warn?.(`${(err as Error).message} The main port answers 503 on the shell's pages until then.`);
    return null;
  }
}

async function bind(app: Parameters<typeof listen>[0], port: number, host: string, variable: string, what: string): Promise<{ server: Server; url: string }> {
  try {
    const served = await listen(app, port, host);
    const address = served.server.address();
    const bound = typeof address === 'object' && address !== null ? address.port : port;
    return { server: served.server, url: httpUrl(host, bound) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new EmulatorError(
        'PORT_IN_USE',
        `Failed to start the ${what}: port ${port} is already in use (another emulator?). Stop it or set ${variable} to a free port.`,
      );
    }
    throw err;
  }
}
