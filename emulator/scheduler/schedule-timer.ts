/**
 * The cron timer: fires due schedules the way production's `extension-scheduled-invocation` job
 * does (Nine-Minds/alga-psa ee/server/src/lib/jobs/handlers/extensionScheduledInvocationHandler.ts):
 * skip a disabled schedule or install, POST an execute body to the Runner's `/v1/execute` with no
 * user, `trigger: "schedule"`, the schedule id, the payload as body for non-GET and
 * `x-idempotency-key` = request id, then record `last_run_at/status/error`. The emulator also
 * writes an execution-log row and a debug-stream line per run.
 *
 * With the system clock a real timer fires runs when due; with a virtual clock nothing fires on
 * its own: `runDue(until, setTime)` steps the clock to each due firing in order and runs it.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { DebugEvent } from '../contracts/debug-event.ts';
import { callRunner, type RunnerReply, type RunnerTransport } from '../gateway/runner-client.ts';
import type { ExecutionStatus, Registry } from '../registry/registry.ts';
import type { ScheduleStore } from '../registry/schedules.ts';
import type { ScheduleDetailRow } from '../registry/statements.ts';

/** The `/v1/execute` body of a scheduled run, as production's job sends it. */
export interface ScheduledExecuteBody {
  context: {
    request_id: string;
    tenant_id: string;
    extension_id: string;
    install_id: string;
    version_id: string;
    content_hash: string;
    config: Record<string, string>;
    trigger: 'schedule';
    schedule_id: string;
  };
  http: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body_b64?: string };
  limits: { timeout_ms: number };
  providers?: string[];
  secret_envelope?: unknown;
}

/** One firing of a schedule. */
export interface ScheduleRun {
  scheduleId: string;
  installId: string;
  /** Emulator-clock time of the firing (ISO). */
  ranAt: string;
  /** `skipped`: the schedule or its install is disabled (production leaves the last-run fields alone then). */
  status: 'success' | 'error' | 'skipped';
  /** Production's `last_error`, or why the run was skipped. */
  error: string | null;
  /** The request id (and idempotency key) sent; null when skipped. */
  requestId: string | null;
  /** What was POSTed to `/v1/execute` (secret envelope left out); null when skipped. */
  request: ScheduledExecuteBody | null;
  /** The extension's status and body text from the Runner's envelope, when it answered one. */
  response: { status: number; body: string } | null;
}

export interface ScheduleTimerOptions {
  registry: Registry;
  runnerBaseUrl: string;
  /** How `/v1/execute` is reached; default HTTP to `runnerBaseUrl`. */
  runner?: RunnerTransport;
  clock: Clock;
  /** `EXT_GATEWAY_TIMEOUT_MS`, production's limit of a scheduled call too. */
  timeoutMs: number;
  debugEvents: { publish(event: DebugEvent): void };
  /** Monotonic ms for `duration_ms`; default `performance.now`. */
  stopwatch?: () => number;
}

/** Longest wait of the real timer between looks at the table (new schedules are seen within it). */
const POLL_MS = 1000;

export class ScheduleTimer {
  readonly #registry: Registry;
  readonly #store: ScheduleStore;
  readonly #options: ScheduleTimerOptions;
  readonly #stopwatch: () => number;
  #chain: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ScheduleTimerOptions) {
    this.#options = options;
    this.#registry = options.registry;
    this.#store = options.registry.scheduleStore;
    this.#stopwatch = options.stopwatch ?? (() => performance.now());
  }

  /** Starts the real timer (system clock). */
  start(): void {
    if (this.#closed || this.#timer) return;
    const tick = (): void => {
      const next = this.#store.earliestNextRun();
      const delay = next === null ? POLL_MS : Math.min(POLL_MS, Math.max(0, next - this.#options.clock.now()));
      this.#timer = setTimeout(() => {
        void this.runDue(this.#options.clock.now()).finally(() => {
          if (!this.#closed) tick();
        });
      }, delay);
      this.#timer.unref();
    };
    tick();
  }

  /**
   * Fires every enabled schedule due at or before `untilMs`, earliest first (ties: oldest
   * schedule), one at a time. `setTime` (virtual clock) moves the clock to each firing before it
   * runs and to `untilMs` at the end, so run times are exact cron times.
   */
  runDue(untilMs: number, setTime?: (ms: number) => void): Promise<ScheduleRun[]> {
    return this.#serial(async () => {
      const runs: ScheduleRun[] = [];
      for (let row = this.#store.nextDue(untilMs); row && !this.#closed; row = this.#store.nextDue(untilMs)) {
        const due = row.next_run_ms ?? untilMs;
        if (setTime && due > this.#options.clock.now()) setTime(due);
        this.#store.advance(row, Math.max(due, this.#options.clock.now()));
        runs.push(await this.#fire(row));
      }
      if (setTime && untilMs > this.#options.clock.now()) setTime(untilMs);
      return runs;
    });
  }

  /** Whether an enabled schedule is due at or before `untilMs`. */
  hasDue(untilMs: number): boolean {
    return this.#store.nextDue(untilMs) !== undefined;
  }

  /**
   * Fires one schedule now, due or not (production's "run now"); SCHEDULE_NOT_FOUND for an unknown
   * id, RUN_NOW_RATE_LIMITED past production's 5 run-nows per tenant a minute (emulator clock).
   * A run-now of a disabled install is skipped without counting (production refuses it first).
   */
  runNow(scheduleId: string): Promise<ScheduleRun> {
    return this.#serial(async () => {
      const row = this.#store.detail(scheduleId);
      const install = this.#registry.installs(row.tenant_id).find((i) => i.installId === row.install_id);
      const nowMs = this.#options.clock.now();
      if (install?.enabled) this.#store.claimRunNow(row, nowMs);
      return this.#fire(row, nowMs);
    });
  }

  /** Resolves when no run is in flight. */
  idle(): Promise<void> {
    return this.#chain.then(() => undefined);
  }

  /** Stops the timer and waits for the run in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.idle();
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(work);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #fire(row: ScheduleDetailRow, nowMs = this.#options.clock.now()): Promise<ScheduleRun> {
    const ranAt = new Date(nowMs).toISOString();
    const base = { scheduleId: row.id, installId: row.install_id, ranAt };
    const skipped = (error: string): ScheduleRun => ({ ...base, status: 'skipped', error, requestId: null, request: null, response: null });
    if (row.enabled !== 1) return skipped('schedule disabled; skipping');
    const install = this.#registry.installs(row.tenant_id).find((i) => i.installId === row.install_id);
    if (!install) return skipped('install not found; skipping');
    if (!install.enabled) return skipped('install disabled; skipping');

    const requestId = randomUUID();
    const failed = (error: string): ScheduleRun => {
      this.#store.recordRun(row.id, 'error', error);
      this.#announce(row, install.registryId, requestId, 'error', error);
      return { ...base, status: 'error', error, requestId, request: null, response: null };
    };
    const config = this.#registry.storedConfigOf(install.installId);
    if (!config) return failed('Install config not found');
    if (!install.contentHash) return failed('Install content hash missing');
    if (row.endpoint_version_id !== install.versionId) return failed('Schedule endpoint does not belong to installed version');

    const method = row.method.toUpperCase();
    const request: ScheduledExecuteBody = {
      context: {
        request_id: requestId,
        tenant_id: install.tenantId,
        extension_id: install.registryId,
        install_id: install.installId,
        version_id: install.versionId,
        content_hash: install.contentHash,
        config: stringMap(config.config),
        trigger: 'schedule',
        schedule_id: row.id,
      },
      http: {
        method,
        path: row.path,
        query: {},
        headers: { 'x-alga-tenant': install.tenantId, 'x-alga-extension': install.registryId },
        ...(method !== 'GET' && row.payload_json !== null ? { body_b64: Buffer.from(row.payload_json, 'utf8').toString('base64') } : {}),
      },
      limits: { timeout_ms: this.#options.timeoutMs },
      ...(config.providers.length > 0 ? { providers: config.providers } : {}),
    };
    const secretEnvelope = this.#registry.secretEnvelope(install.installId);
    const headers = {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'x-idempotency-key': requestId,
      'x-alga-tenant': install.tenantId,
      'x-alga-extension': install.registryId,
    };
    const logId = this.#registry.startExecution({ tenantId: install.tenantId, registryId: install.registryId, versionId: install.versionId, requestId });
    const started = this.#stopwatch();
    const reply = await (this.#options.runner ?? ((h, e, t) => callRunner(this.#options.runnerBaseUrl, h, e, t)))(headers, secretEnvelope ? { ...request, secret_envelope: secretEnvelope } : request, this.#options.timeoutMs);
    const outcome = judge(reply);
    this.#registry.finishExecution(logId, {
      status: outcome.log,
      metrics: { trigger: 'schedule', schedule_id: row.id, method, path: row.path, http_status: reply.kind === 'envelope' ? reply.status : null, duration_ms: Math.max(0, Math.round(this.#stopwatch() - started)) },
      error: outcome.error,
    });
    this.#store.recordRun(row.id, outcome.error === null ? 'success' : 'error', outcome.error);
    this.#announce(row, install.registryId, requestId, outcome.error === null ? 'success' : 'error', outcome.error);
    const response = reply.kind === 'envelope' ? { status: reply.status, body: reply.body.toString('utf8') } : null;
    return { ...base, status: outcome.error === null ? 'success' : 'error', error: outcome.error, requestId, request, response };
  }

  #announce(row: ScheduleDetailRow, registryId: string, requestId: string, status: 'success' | 'error', error: string | null): void {
    const label = row.name ? `"${row.name}"` : row.id;
    this.#options.debugEvents.publish({
      ts: String(this.#options.clock.now()),
      level: status === 'success' ? 'info' : 'error',
      stream: 'log',
      tenant_id: row.tenant_id,
      extension_id: registryId,
      install_id: row.install_id,
      request_id: requestId,
      message: `scheduler: schedule ${label} (${row.cron} ${row.timezone}) ran ${row.method} ${row.path}: ${status}${error ? ` (${error})` : ''}`,
      truncated: false,
    });
  }
}

/** Production's reading of the Runner's answer: an envelope status ≥ 400 or no envelope is an error. */
function judge(reply: RunnerReply): { error: string | null; log: ExecutionStatus } {
  if (reply.kind === 'timeout') return { error: 'This operation was aborted', log: 'timeout' };
  if (reply.kind === 'bad_gateway') return { error: reply.reason, log: 'error' };
  if (reply.status >= 400) return { error: `Runner returned status ${reply.status}`, log: reply.error === null ? 'upstream_error' : 'error' };
  return { error: null, log: 'ok' };
}

function stringMap(config: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) out[key] = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}
