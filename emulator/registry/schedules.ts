/**
 * Schedules of an install as production's scheduler host API keeps them (Nine-Minds/alga-psa
 * ee/server/src/lib/extensions/schedulerHostApi.ts, called by the Runner through
 * ee/server/src/app/api/internal/ext-scheduler/install/[installId]/route.ts), plus what the
 * emulator's cron timer needs: the next firing of each enabled schedule (`next_run_ms`) and the
 * last-run record. Schedules live in the registry so install, uninstall and update act on them
 * in the same transaction as the install row.
 */
import { EmulatorError } from '../errors.ts';
import { nextRunAfter } from '../scheduler/next-run.ts';
import { RUN_NOW_WINDOW_MS, runNowAllowedAt, runNowLimited } from '../scheduler/run-now-limit.ts';
import {
  MAX_SCHEDULES_PER_INSTALL,
  ScheduleFieldError,
  isSchedulable,
  parseEndpointSelector,
  validateCron,
  validateName,
  validatePayloadText,
  validateTimezone,
} from '../scheduler/validation.ts';
import type { RegistryContext } from './context.ts';
import type { EndpointRow, InstallRow, ScheduleDetailRow } from './statements.ts';

/** A schedule as the host API answers it (production's `ScheduleInfo`; payload as JSON text). */
export interface ScheduleInfo {
  id: string;
  endpointPath: string;
  endpointMethod: string;
  name: string | null;
  cron: string;
  timezone: string;
  enabled: boolean;
  payload: string | null;
  lastRunAt: string | null;
  lastRunStatus: string | null;
  lastError: string | null;
  createdAt: string | null;
}

/** A schedule as the harness and CLI show it: the host API's view plus install and next firing. */
export interface ScheduleView extends ScheduleInfo {
  installId: string;
  tenantId: string;
  /** When the cron timer fires it next (ISO), null while disabled. */
  nextRunAt: string | null;
}

export interface EndpointInfo {
  id: string;
  method: string;
  path: string;
  handler: string;
  schedulable: boolean;
}

export interface ScheduleInput {
  endpoint?: string;
  cron?: string;
  timezone?: string;
  enabled?: boolean;
  name?: string;
  /** JSON text of an object or array. */
  payload?: string;
}

/** `success: false` answers carry production's message and, for one bad field, `fieldErrors`. */
export interface ScheduleWriteResult {
  success: boolean;
  scheduleId?: string;
  error?: string;
  fieldErrors?: Record<string, string>;
}

const NOT_SCHEDULABLE = 'Endpoint not found or not schedulable';
const NAME_TAKEN = 'Schedule name already in use for this extension';

/** Production's internal route answers 404 for an install it cannot find (the Runner maps it to `not-found`). */
export class InstallGoneError extends EmulatorError {
  constructor(installId: string) {
    super('NOT_INSTALLED', `Failed to reach the schedules of install ${installId}: the install does not exist (uninstalled?). Fix: call from a current install.`);
  }
}

export class ScheduleStore {
  readonly #ctx: RegistryContext;
  constructor(ctx: RegistryContext) {
    this.#ctx = ctx;
  }

  list(installId: string): ScheduleInfo[] {
    this.#install(installId);
    return this.#ctx.sql.scheduleDetailsOf.all(installId).map(info);
  }

  /** Null for an unknown id (production answers null also for a non-UUID id here). */
  get(installId: string, scheduleId: string): ScheduleInfo | null {
    this.#install(installId);
    const row = this.#ctx.sql.scheduleOf.get(scheduleId.trim(), installId);
    return row ? info(row) : null;
  }

  endpoints(installId: string): EndpointInfo[] {
    const install = this.#install(installId);
    return this.#endpoints(install)
      .map((e) => ({ id: e.id, method: e.method.toUpperCase(), path: e.path, handler: e.handler, schedulable: isSchedulable(e.method, e.path) }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  create(installId: string, input: ScheduleInput): ScheduleWriteResult {
    const install = this.#install(installId);
    return this.#answer(() => {
      const cron = validateCron(input.cron);
      const timezone = validateTimezone(input.timezone);
      const enabled = input.enabled ?? true;
      const payload = validatePayloadText(input.payload);
      const name = validateName(input.name);
      const endpoint = this.#resolveEndpoint(install, input.endpoint ?? '');
      if (!endpoint) return { success: false, error: NOT_SCHEDULABLE, fieldErrors: { endpoint: NOT_SCHEDULABLE } };
      if (this.#ctx.sql.countSchedulesOf.get(installId)!.count >= MAX_SCHEDULES_PER_INSTALL) {
        return { success: false, error: `Too many schedules (max ${MAX_SCHEDULES_PER_INSTALL} per extension install)` };
      }
      const id = this.#ctx.newId();
      const now = this.#ctx.now();
      const nextRunMs = enabled ? nextRun(cron, timezone, Date.parse(now)) : null;
      this.#ctx.db.transaction(() => {
        this.#ctx.sql.insertSchedule.run({ id, install_id: installId, tenant_id: install.tenant_id, endpoint_id: endpoint.id, name, cron, timezone, enabled: enabled ? 1 : 0, payload_json: payload, next_run_ms: nextRunMs, now });
        this.#ctx.sql.touchInstall.run({ id: installId, now });
      })();
      return { success: true, scheduleId: id };
    });
  }

  update(installId: string, scheduleId: string, input: ScheduleInput): ScheduleWriteResult {
    const install = this.#install(installId);
    return this.#answer(() => {
      const cron = input.cron ? validateCron(input.cron) : undefined;
      const timezone = input.timezone ? validateTimezone(input.timezone) : undefined;
      const payload = input.payload === undefined ? undefined : validatePayloadText(input.payload);
      const current = this.#ctx.sql.scheduleOf.get(scheduleId.trim(), installId);
      if (!current) return { success: false, error: 'Schedule not found' };
      let endpointId = current.endpoint_id;
      if (input.endpoint) {
        const endpoint = this.#resolveEndpoint(install, input.endpoint);
        if (!endpoint) return { success: false, error: NOT_SCHEDULABLE, fieldErrors: { endpoint: NOT_SCHEDULABLE } };
        endpointId = endpoint.id;
      }
      const next = {
        cron: cron ?? current.cron,
        timezone: timezone ?? current.timezone,
        enabled: input.enabled ?? current.enabled === 1,
        name: input.name === undefined ? current.name : validateName(input.name),
      };
      const now = this.#ctx.now();
      const reschedule = next.cron !== current.cron || next.timezone !== current.timezone || next.enabled !== (current.enabled === 1) || current.next_run_ms === null;
      const nextRunMs = !next.enabled ? null : reschedule ? nextRun(next.cron, next.timezone, Date.parse(now)) : current.next_run_ms;
      this.#ctx.db.transaction(() => {
        this.#ctx.sql.updateSchedule.run({ id: current.id, endpoint_id: endpointId, name: next.name, cron: next.cron, timezone: next.timezone, enabled: next.enabled ? 1 : 0, payload_json: payload === undefined ? current.payload_json : payload, next_run_ms: nextRunMs, now });
        this.#ctx.sql.touchInstall.run({ id: installId, now });
      })();
      return { success: true };
    });
  }

  delete(installId: string, scheduleId: string): ScheduleWriteResult {
    this.#install(installId);
    const current = this.#ctx.sql.scheduleOf.get(scheduleId.trim(), installId);
    if (!current) return { success: false, error: 'Schedule not found' };
    const now = this.#ctx.now();
    this.#ctx.db.transaction(() => {
      this.#ctx.sql.deleteSchedule.run(current.id, installId);
      this.#ctx.sql.touchInstall.run({ id: installId, now });
    })();
    return { success: true };
  }

  /** Every schedule of an install with its next firing (harness, CLI). */
  views(installId: string): ScheduleView[] {
    return this.#ctx.sql.scheduleDetailsOf.all(installId).map(view);
  }

  /** One schedule by id, any install; SCHEDULE_NOT_FOUND when there is none. */
  view(scheduleId: string): ScheduleView {
    return view(this.detail(scheduleId));
  }

  detail(scheduleId: string): ScheduleDetailRow {
    const row = this.#ctx.sql.scheduleById.get(scheduleId);
    if (row) return row;
    throw new EmulatorError(
      'SCHEDULE_NOT_FOUND',
      `Failed to find schedule ${scheduleId}: no install has it (deleted, uninstalled, or an id from another emulator). Fix: pass an id from emu.schedules(ext) or \`alga-emulator schedules list <ext>\`.`,
    );
  }

  /** The earliest enabled firing at or before `untilMs`, or undefined. */
  nextDue(untilMs: number): ScheduleDetailRow | undefined {
    return this.#ctx.sql.nextDueSchedule.get(untilMs);
  }

  /** The earliest next firing of any enabled schedule (epoch ms), or null. */
  earliestNextRun(): number | null {
    return this.#ctx.sql.earliestNextRun.get()?.next ?? null;
  }

  /** Moves a schedule's next firing past `afterMs` (after it fired or was skipped). */
  advance(row: ScheduleDetailRow, afterMs: number): void {
    this.#ctx.sql.setNextRun.run({ id: row.id, next_run_ms: nextRun(row.cron, row.timezone, afterMs) });
  }

  /**
   * Counts a run-now of `row` at `nowMs` against the tenant's limit (production's 5 a minute),
   * or throws RUN_NOW_RATE_LIMITED saying when it can run again. Kept in the registry so separate
   * CLI processes on one data folder share it.
   */
  claimRunNow(row: ScheduleDetailRow, nowMs: number): void {
    const sql = this.#ctx.sql;
    this.#ctx.db.transaction(() => {
      sql.pruneRunNow.run({ tenant_id: row.tenant_id, before: nowMs - RUN_NOW_WINDOW_MS });
      const recent = sql.runNowSince.all({ tenant_id: row.tenant_id, since: nowMs - RUN_NOW_WINDOW_MS }).map((r) => r.requested_at_ms);
      const allowedAt = runNowAllowedAt(recent, nowMs);
      if (allowedAt !== null) throw runNowLimited(row.id, row.tenant_id, nowMs, allowedAt);
      sql.insertRunNow.run({ tenant_id: row.tenant_id, install_id: row.install_id, schedule_id: row.id, at: nowMs });
    })();
  }

  /** Production's last-run fields (error cut at 4000 characters). */
  recordRun(scheduleId: string, status: 'success' | 'error', error: string | null): void {
    this.#ctx.sql.recordScheduleRun.run({ id: scheduleId, status, error: error === null ? null : error.slice(0, 4000), now: this.#ctx.now() });
  }

  install(installId: string): InstallRow | undefined {
    return this.#ctx.sql.installById.get(installId);
  }

  #install(installId: string): InstallRow {
    const install = this.#ctx.sql.installById.get(installId);
    if (!install) throw new InstallGoneError(installId);
    return install;
  }

  #endpoints(install: InstallRow): EndpointRow[] {
    return this.#ctx.sql.endpointsOf.all(install.version_id);
  }

  #resolveEndpoint(install: InstallRow, selector: string): EndpointRow | undefined {
    const wanted = parseEndpointSelector(selector);
    if (!wanted.path) return undefined;
    const row = this.#endpoints(install).find(
      (e) => (e.path === wanted.path || e.path === wanted.path.slice(1)) && (wanted.method ? e.method.toUpperCase() === wanted.method : ['GET', 'POST'].includes(e.method.toUpperCase())),
    );
    return row && isSchedulable(row.method, row.path) ? row : undefined;
  }

  /** Field errors and the name-uniqueness violation become production's failure answers. */
  #answer(write: () => ScheduleWriteResult): ScheduleWriteResult {
    try {
      return write();
    } catch (err) {
      if (err instanceof ScheduleFieldError) return { success: false, error: err.message, fieldErrors: err.fieldErrors };
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return { success: false, error: NAME_TAKEN, fieldErrors: { name: NAME_TAKEN } };
      throw err;
    }
  }
}

function nextRun(cron: string, timezone: string, afterMs: number): number | null {
  try {
    return nextRunAfter(cron, timezone, afterMs);
  } catch (err) {
    throw new ScheduleFieldError('cron', `Invalid cron expression (${(err as Error).message})`);
  }
}

function info(row: ScheduleDetailRow): ScheduleInfo {
  return {
    id: row.id,
    endpointPath: row.path,
    endpointMethod: row.method,
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled === 1,
    payload: row.payload_json,
    lastRunAt: row.last_run_at,
    lastRunStatus: row.last_run_status,
    lastError: row.last_error,
    createdAt: row.created_at,
  };
}

function view(row: ScheduleDetailRow): ScheduleView {
  return { ...info(row), installId: row.install_id, tenantId: row.tenant_id, nextRunAt: row.next_run_ms === null ? null : new Date(row.next_run_ms).toISOString() };
}
