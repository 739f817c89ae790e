import { EmulatorError } from '../emulator/index.ts';
import type { DebugEvent, DebugEventHub } from '../emulator/internals.ts';

/** One debug event of the Runner: a guest's log line or stdout/stderr, or a Runner diagnostic. */
export type LogEvent = DebugEvent;

/** Levels from least to most severe. */
export const LOG_LEVELS: readonly LogEvent['level'][] = ['trace', 'debug', 'info', 'warn', 'error'];

/** Which events `emu.logs(filter)` returns; every given field must match. */
export interface LogFilter {
  /** The call's request id, e.g. `res.requestId` of `emu.invoke`. */
  requestId?: string;
  /** The extension's registry id (`ext.registryId`). */
  extensionId?: string;
  /** The tenant id (`emu.tenants.second`). */
  tenantId?: string;
  /** The least severe level to include: `'warn'` gives `warn` and `error`. */
  level?: LogEvent['level'];
  /** Only events at or after this time (a Date or epoch milliseconds). */
  since?: Date | number;
}

/**
 * The recent debug events of one Runner's hub that match `filter`, oldest first. The hub keeps the
 * most recent 2000 events.
 *
 * @example
 * const res = await emu.invoke(ext, { path: '/fetch', query: { url } });
 * emu.logs({ requestId: res.requestId, level: 'warn' }).map((e) => e.message) // ['fetch … failed: transport']
 */
export function selectLogs(hub: DebugEventHub, filter: LogFilter = {}): LogEvent[] {
  const minimum = filter.level === undefined ? 0 : LOG_LEVELS.indexOf(filter.level);
  if (minimum < 0) {
    throw new EmulatorError('LOG_FILTER_INVALID', `Failed to read logs: level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(filter.level)}.`);
  }
  const since = filter.since instanceof Date ? filter.since.getTime() : filter.since;
  if (since !== undefined && !Number.isFinite(since)) {
    throw new EmulatorError('LOG_FILTER_INVALID', `Failed to read logs: since must be a Date or epoch milliseconds, got ${String(filter.since)}.`);
  }
  return hub
    .recent({ request_id: filter.requestId, extension_id: filter.extensionId, tenant_id: filter.tenantId })
    .filter((event) => LOG_LEVELS.indexOf(event.level) >= minimum && (since === undefined || Number(event.ts) >= since))
    .map((event) => ({ ...event }));
}
