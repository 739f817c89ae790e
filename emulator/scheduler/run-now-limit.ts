/**
 * Production's limit on "run now": at most 5 manual runs per tenant in the last minute, counted
 * over the tenant's `extension_schedule_run_now` jobs created at or after now − 60 s (Nine-Minds/alga-psa
 * ee/server/src/lib/actions/extensionScheduleActions.ts, `runExtensionScheduleNow`). Production
 * answers `{ success: false, message: 'Run-now rate limit exceeded (try again later)' }`; the
 * emulator throws RUN_NOW_RATE_LIMITED with the same words and the time the next run is allowed.
 */
import { EmulatorError } from '../errors.ts';

export const RUN_NOW_LIMIT = 5;
export const RUN_NOW_WINDOW_MS = 60_000;
/** Production's message, kept word for word at the start of the emulator's. */
export const RUN_NOW_LIMIT_MESSAGE = 'Run-now rate limit exceeded (try again later)';

/**
 * The earliest time (epoch ms) another run-now is allowed, given the tenant's run-now times in
 * the window (oldest first), or null when one is allowed at `nowMs`. A request made at `t` counts
 * while `t >= now − 60000`, so it stops counting at `t + 60001`.
 */
export function runNowAllowedAt(recent: readonly number[], nowMs: number): number | null {
  const inWindow = recent.filter((t) => t >= nowMs - RUN_NOW_WINDOW_MS).sort((a, b) => a - b);
  if (inWindow.length < RUN_NOW_LIMIT) return null;
  return (inWindow[inWindow.length - RUN_NOW_LIMIT] as number) + RUN_NOW_WINDOW_MS + 1;
}

export function runNowLimited(scheduleId: string, tenantId: string, nowMs: number, allowedAtMs: number): EmulatorError {
  const waitS = Math.ceil((allowedAtMs - nowMs) / 1000);
  return new EmulatorError(
    'RUN_NOW_RATE_LIMITED',
    `Failed to run schedule ${scheduleId} now: ${RUN_NOW_LIMIT_MESSAGE}. Tenant ${tenantId} already ran schedules manually ${RUN_NOW_LIMIT} times in the last ${RUN_NOW_WINDOW_MS / 1000} s (production's fixed limit). ` +
      `It can run again at ${new Date(allowedAtMs).toISOString()} (in ${waitS} s). Fix: wait, or advance the virtual clock (emu.clock.advance('${waitS}s')); cron firings are not limited.`,
  );
}
