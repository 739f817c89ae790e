import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { SettingRow } from '../capabilities/capability.ts';
import { CAPABILITY_SETTING_ROWS, parseCapabilitySettings, type CapabilitySettingValues } from '../capabilities/index.ts';
import { ARCHIVE_LIMIT_SETTINGS, parseArchiveLimits, type ArchiveLimits } from '../bundles/limits.ts';
import { EmulatorError } from '../errors.ts';
import { NEXT_CALL_SPIN_MS } from './engine/reply-wait.js';
import { MAIN_SPIN_AFTER_CALLS, MAIN_SPIN_MS } from './engine/worker-pool.ts';

/** Resolved Runner settings. Environment names are production's wherever it has one. */
export interface RunnerConfig {
  port: number;
  dataDir: string;
  bundleStoreBase: string;
  cacheRoot: string;
  cacheMaxBytes: string | null;
  /** `EXT_BUNDLE_MAX_*`: what reading one archive may cost; the registry's finalize reads the same variables. */
  archiveLimits: ArchiveLimits;
  /** `EXT_STATIC_STRICT_VALIDATION`: /ext-ui needs a tenant and a confirmed install. */
  staticStrictValidation: boolean;
  /** `EXT_STATIC_MAX_FILE_BYTES`: largest UI file /ext-ui serves (413 above). */
  staticMaxFileBytes: number;
  /** `EXT_UI_CONTENT_SECURITY_POLICY`: replaces the whole default CSP of HTML pages. */
  uiContentSecurityPolicy: string | undefined;
  /** `EXT_UI_FRAME_ANCESTORS`: appended to the default CSP as `frame-ancestors <value>`. */
  uiFrameAncestors: string | undefined;
  /** Each capability's own settings, parsed by the capability (`settings` in its folder). */
  capabilities: CapabilitySettingValues;
  debugMaxEventBytes: number;
  workers: number;
  perExtensionConcurrency: number;
  /** `RUNNER_SPARE_WORKERS`: extra threads for installs starved by busy workers (worker-pool.ts). */
  spareWorkers: number;
  /** `RUNNER_WORKER_NICE`: how far below the main thread's scheduling priority guest workers run (worker-slot.ts). */
  workerNice: number;
  /** `RUNNER_NEXT_CALL_SPIN_MS`: how long a worker checks for its next call after one that ran alone (reply-wait.js). */
  nextCallSpinMs: number;
  /** `RUNNER_MAIN_SPIN_MS`: how long the main thread takes a warm lone call's messages itself (worker-pool.ts). */
  mainSpinMs: number;
  /** `RUNNER_WARM_TRANSPILER`: keep a jco child warm for the next transpile (warm-transpiler.ts). */
  warmTranspiler: boolean;
  defaultTimeoutMs: number;
  /** `RUNNER_PRELOAD_COMPONENTS`: recently loaded components compiled and instantiated at start. */
  preloadComponents: number;
  defaultMemoryMb: number;
  idempotencyCapacity: number;
}

/**
 * The Runner's own settings (variable, default, meaning), documented in emulator/README.md;
 * `loadRunnerConfig` reads each. The capabilities' settings follow them in RUNNER_SETTINGS.
 */
const OWN_SETTINGS: readonly SettingRow[] = [
  ['PORT', '8080', 'port `npm run runner` listens on'],
  ['EMULATOR_DATA_DIR', '.emulator', 'data folder (bundle store, caches, storage database)'],
  ['BUNDLE_STORE_BASE', '<data>/bundles', 'bundle store: a folder path or file:// URL'],
  ['EXT_CACHE_ROOT', '<data>/cache', 'extracted bundles and transpiled components, keyed by content hash'],
  ['EXT_CACHE_MAX_BYTES', 'unset', 'reported by /healthz (eviction is not implemented)'],
  ...ARCHIVE_LIMIT_SETTINGS,
  ['EXT_STATIC_STRICT_VALIDATION', 'unset (strict)', '/ext-ui: unset, empty, 1, true or yes = a tenant and a confirmed install are required; anything else relaxes it'],
  ['EXT_STATIC_MAX_FILE_BYTES', '10485760', '/ext-ui: largest UI file served (10 MiB); larger files answer 413'],
  ['EXT_UI_CONTENT_SECURITY_POLICY', 'unset', '/ext-ui: replaces the whole default Content-Security-Policy of HTML pages'],
  ['EXT_UI_FRAME_ANCESTORS', 'unset', '/ext-ui: appended to the default CSP as frame-ancestors <value>'],
  ['RUNNER_DEBUG_MAX_EVENT_BYTES', '8192', 'longest debug-event message before it is cut'],
  ['RUNNER_WORKERS', 'min(4, cores)', 'guest worker threads = concurrent executions'],
  ['RUNNER_MAX_CONCURRENCY_PER_EXTENSION', 'RUNNER_WORKERS', 'concurrent executions of one extension; the rest queue'],
  ['RUNNER_SPARE_WORKERS', '1', 'extra worker threads started while every worker is busy and another install (tenant × extension) waits with nothing running, so one runaway extension cannot starve the others; 0 = none'],
  ['RUNNER_WORKER_NICE', '10', 'Linux: guest worker threads run this much below the main thread\'s scheduling priority (nice value, at most 19), so a woken worker does not take the CPU from the thread every call waits on; 0 = the same priority'],
  ['RUNNER_NEXT_CALL_SPIN_MS', String(NEXT_CALL_SPIN_MS), 'after a call that ran alone, its guest worker checks for the next call for this many ms before it sleeps in its event loop, from which the kernel must wake it (sequential calls 6-11 % faster, level at concurrency 8). The worker runs below the main thread\'s priority, so the check gives way to any thread that wants the CPU; 0 = sleep at once'],
  ['RUNNER_MAIN_SPIN_MS', String(MAIN_SPIN_MS), `while a call runs alone and its component has answered ${MAIN_SPIN_AFTER_CALLS} calls, the main thread checks for its host calls and its result for up to this many ms instead of sleeping in its event loop, from which the kernel must wake it for each; meanwhile it serves nothing else, so another request waits at most this long; 0 = never`],
  ['RUNNER_WARM_TRANSPILER', 'on (harness: off)', 'on = keep one jco child started and warmed ahead of need (forked at start-up when there is nothing to preload, else 1 s after start-up, and 1 s after each transpile), so the first execute of a never-seen bundle transpiles sooner (measured on a 12 MB component: ~1.8 s instead of ~3 s; the idle child holds ~185 MB). The child runs at the lowest priority (nice 19), so its warm-up does not slow the calls served meanwhile; off = start a cold child per transpile. The test harness (createEmulator, RunnerFixture) sets off unless its env sets this variable: test emulators are many and short-lived'],
  ['RUNNER_DEFAULT_TIMEOUT_MS', '30000', 'timeout when a request has no limits.timeout_ms'],
  ['RUNNER_PRELOAD_COMPONENTS', '3 (harness: 0)', 'at start, compile and instantiate (without calling) this many of the components last loaded from EXT_CACHE_ROOT, so the first call after a restart does not wait for them; 0 = none'],
  ['HOST', '127.0.0.1', 'address the servers bind to'],
];

/** Every setting of the Runner: its own, then each capability's, in registry order. */
export const RUNNER_SETTINGS: readonly SettingRow[] = [...OWN_SETTINGS, ...CAPABILITY_SETTING_ROWS];

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Production has no cap when the variable is unset; the emulator picks 10 MiB so that a bundle
 * cannot make the Runner read a huge file into memory per request (listed in the README).
 */
const DEFAULT_STATIC_MAX_FILE_BYTES = 10 * 1024 * 1024;

export function loadRunnerConfig(env: Env = process.env, overrides: Partial<RunnerConfig> = {}): RunnerConfig {
  const dataDir = resolve(overrides.dataDir || env.EMULATOR_DATA_DIR || '.emulator');
  const workers = int(env, 'RUNNER_WORKERS', Math.max(1, Math.min(4, availableParallelism())), 1);
  const config: RunnerConfig = {
    port: int(env, 'PORT', 8080, 0),
    dataDir,
    bundleStoreBase: env.BUNDLE_STORE_BASE || join(dataDir, 'bundles'),
    cacheRoot: resolve(env.EXT_CACHE_ROOT || join(dataDir, 'cache')),
    cacheMaxBytes: env.EXT_CACHE_MAX_BYTES || null,
    archiveLimits: parseArchiveLimits(env),
    staticStrictValidation: strictFlag(env, 'EXT_STATIC_STRICT_VALIDATION'),
    staticMaxFileBytes: int(env, 'EXT_STATIC_MAX_FILE_BYTES', DEFAULT_STATIC_MAX_FILE_BYTES, 1),
    uiContentSecurityPolicy: env.EXT_UI_CONTENT_SECURITY_POLICY || undefined,
    uiFrameAncestors: env.EXT_UI_FRAME_ANCESTORS || undefined,
    capabilities: parseCapabilitySettings(env),
    debugMaxEventBytes: int(env, 'RUNNER_DEBUG_MAX_EVENT_BYTES', 8192, 1),
    workers,
    perExtensionConcurrency: int(env, 'RUNNER_MAX_CONCURRENCY_PER_EXTENSION', workers, 1),
    spareWorkers: int(env, 'RUNNER_SPARE_WORKERS', 1, 0),
    workerNice: int(env, 'RUNNER_WORKER_NICE', 10, 0),
    nextCallSpinMs: int(env, 'RUNNER_NEXT_CALL_SPIN_MS', NEXT_CALL_SPIN_MS, 0),
    mainSpinMs: int(env, 'RUNNER_MAIN_SPIN_MS', MAIN_SPIN_MS, 0),
    warmTranspiler: onOff(env, 'RUNNER_WARM_TRANSPILER', true),
    defaultTimeoutMs: int(env, 'RUNNER_DEFAULT_TIMEOUT_MS', 30_000, 1),
    preloadComponents: int(env, 'RUNNER_PRELOAD_COMPONENTS', 3, 0),
    defaultMemoryMb: 256,
    idempotencyCapacity: 10_000,
  };
  return { ...config, ...overrides, dataDir, cacheRoot: resolve(overrides.cacheRoot ?? config.cacheRoot) };
}

function int(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new EmulatorError('CONFIG_INVALID', `${name} must be an integer >= ${min}, got "${raw}". Fix or unset it.`);
  }
  return value;
}

/** `on` or `off` (any case); unset or empty = `fallback`. */
function onOff(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value) return fallback;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new EmulatorError('CONFIG_INVALID', `${name} must be on or off, got "${env[name]}". Fix or unset it.`);
}

/**
 * Strict unless explicitly relaxed: unset or empty (empty = unset, like every variable here) and
 * `1|true|yes` keep validation on; any other value turns it off, as production reads it.
 */
function strictFlag(env: Env, name: string): boolean {
  const raw = env[name];
  return raw === undefined || raw === '' || flag(env, name);
}

function flag(env: Env, name: string): boolean {
  return ['1', 'true', 'yes'].includes((env[name] ?? '').toLowerCase());
}
