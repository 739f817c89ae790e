/**
 * What the Runner's scheduler functions do once admitted, as production's Runner
 * (ee/runner/src/engine/host_api.rs, `scheduler_request` + `map_scheduler_status`) and the
 * internal route it calls (ee/server/src/app/api/internal/ext-scheduler/install/[installId]/route.ts)
 * do together: rate limit (10 writes a minute per install → 429), install lookup (→ 404), schema
 * checks (non-UUID ids → 400), then the host API. A non-2xx answer becomes the WIT error
 * (`validation-failed`, `not-found`, `quota-exceeded`) or, for the record-returning writes,
 * `error: "ValidationFailed" | "NotFound" | "QuotaExceeded"`.
 */
import type * as Types from '../../wit/generated/host/interfaces/alga-extension-types.js';
import type { Clock } from '../../clock.ts';
import { WitError } from '../../contracts/invocation.ts';
import { InstallGoneError, type ScheduleInfo, type ScheduleInput, type ScheduleStore, type ScheduleWriteResult } from '../../registry/schedules.ts';
import { PAYLOAD_NOT_JSON, ScheduleFieldError, isScheduleUuid, validatePayloadText } from '../../scheduler/validation.ts';

/** Production's in-memory limit of the internal route: writes per install per window. */
export const WRITE_LIMIT = 10;
export const WRITE_WINDOW_MS = 60_000;

/** A failed call as the Runner sees the route's HTTP status. */
type Failure = 'ValidationFailed' | 'NotFound' | 'QuotaExceeded';
const WIT_CASE: Record<Failure, Types.SchedulerError> = { ValidationFailed: 'validation-failed', NotFound: 'not-found', QuotaExceeded: 'quota-exceeded' };

class RouteFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure);
  }
}

/** Fixed windows per install, on the emulator's clock (production: `Date.now`, per server process). */
export class WriteLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  readonly #clock: Clock;
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  take(installId: string): boolean {
    const now = this.#clock.now();
    const entry = this.#windows.get(installId);
    if (!entry || now - entry.start > WRITE_WINDOW_MS) {
      this.#windows.set(installId, { start: now, count: 1 });
      return true;
    }
    if (entry.count >= WRITE_LIMIT) return false;
    entry.count += 1;
    return true;
  }
}

/** The scheduler's dependencies: the registry's schedules (none when the Runner runs alone) and the write limiter. */
export interface SchedulerDeps {
  store: ScheduleStore | undefined;
  limiter: WriteLimiter;
}

export class SchedulerHostApi {
  readonly #deps: SchedulerDeps;
  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  listSchedules(installId: string): Types.ScheduleInfo[] {
    return this.#read(() => this.#store().list(installId).map(toWit));
  }

  getSchedule(installId: string, scheduleId: string): Types.ScheduleInfo | undefined {
    return this.#read(() => {
      const schedule = this.#store().get(installId, requireUuid(scheduleId));
      return schedule ? toWit(schedule) : undefined;
    });
  }

  getEndpoints(installId: string): Types.EndpointInfo[] {
    return this.#read(() => this.#store().endpoints(installId));
  }

  createSchedule(installId: string, input: Types.CreateScheduleInput): Types.CreateScheduleResult {
    const payload = payloadProblem(input.payload);
    if (payload) return { success: false, scheduleId: undefined, error: payload.message, fieldErrors: JSON.stringify(payload.fieldErrors) };
    const result = this.#write(installId, () => this.#store().create(installId, fields(input)));
    return { success: result.success, scheduleId: result.scheduleId, error: result.error, fieldErrors: result.fieldErrors };
  }

  updateSchedule(installId: string, scheduleId: string, input: Types.UpdateScheduleInput): Types.UpdateScheduleResult {
    const payload = payloadProblem(input.payload);
    if (payload) return { success: false, error: payload.message, fieldErrors: JSON.stringify(payload.fieldErrors) };
    const result = this.#write(installId, () => this.#store().update(installId, requireUuid(scheduleId), fields(input)));
    return { success: result.success, error: result.error, fieldErrors: result.fieldErrors };
  }

  deleteSchedule(installId: string, scheduleId: string): Types.DeleteScheduleResult {
    const result = this.#write(installId, () => this.#store().delete(installId, requireUuid(scheduleId)));
    return { success: result.success, error: result.error };
  }

  #store(): ScheduleStore {
    const store = this.#deps.store;
    if (!store) throw new WitError('internal', 'scheduler: this Runner was started without the emulator registry, so it has no schedules (production: SCHEDULER_BASE_URL unset). Fix: start it with startEmulator() or createEmulator().');
    return store;
  }

  /** list / get / get-endpoints: a failed route call is the WIT error. */
  #read<T>(run: () => T): T {
    try {
      return run();
    } catch (err) {
      const failure = routeFailure(err);
      if (failure) throw new WitError(WIT_CASE[failure], failure);
      throw err;
    }
  }

  /**
   * create / update / delete: rate limit first, then the route. A refused write (HTTP 400, 404,
   * 429) answers `error: "<Case>"`; the emulator keeps the host API's field errors, which
   * production drops with the 400 body.
   */
  #write(installId: string, run: () => ScheduleWriteResult): { success: boolean; scheduleId?: string; error?: string; fieldErrors?: string } {
    if (!this.#deps.limiter.take(installId)) return { success: false, error: 'QuotaExceeded' };
    try {
      const result = run();
      if (result.success) return { success: true, scheduleId: result.scheduleId };
      return { success: false, error: 'ValidationFailed', fieldErrors: result.fieldErrors ? JSON.stringify(result.fieldErrors) : undefined };
    } catch (err) {
      const failure = routeFailure(err);
      if (failure) return { success: false, error: failure };
      throw err;
    }
  }
}

function routeFailure(err: unknown): Failure | undefined {
  if (err instanceof RouteFailure) return err.failure;
  if (err instanceof InstallGoneError) return 'NotFound';
  return undefined;
}

/** The route's zod schema takes only UUID schedule ids (400 otherwise). */
function requireUuid(id: string): string {
  if (!isScheduleUuid(id)) throw new RouteFailure('ValidationFailed');
  return id;
}

/** Spec 03: the Runner refuses payload text that is not a JSON object or array before calling the host. */
function payloadProblem(payload: string | undefined): ScheduleFieldError | undefined {
  try {
    validatePayloadText(payload);
    return undefined;
  } catch (err) {
    if (err instanceof ScheduleFieldError && err.message === PAYLOAD_NOT_JSON) return err;
    return undefined;
  }
}

function fields(input: Types.UpdateScheduleInput): ScheduleInput {
  return { endpoint: input.endpoint, cron: input.cron, timezone: input.timezone, enabled: input.enabled, name: input.name, payload: input.payload };
}

function toWit(s: ScheduleInfo): Types.ScheduleInfo {
  return {
    id: s.id,
    endpointPath: s.endpointPath,
    endpointMethod: s.endpointMethod,
    name: s.name ?? undefined,
    cron: s.cron,
    timezone: s.timezone,
    enabled: s.enabled,
    payload: s.payload ?? undefined,
    lastRunAt: s.lastRunAt ?? undefined,
    lastRunStatus: s.lastRunStatus ?? undefined,
    lastError: s.lastError ?? undefined,
    createdAt: s.createdAt ?? undefined,
  };
}
