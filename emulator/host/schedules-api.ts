// `POST /api/emulator/schedules/:id/run`: production's "run now" on a running emulator, so a run
// fired from outside its process (`alga-emulator schedules run`) goes through that emulator's
// scheduler: the same run-now limit, job envelope, last run, execution log and debug-stream line
// as `emu.runSchedule`. Production's `runExtensionScheduleNow` (Nine-Minds/alga-psa
// ee/server/src/lib/actions/extensionScheduleActions.ts) asks for an MSP user with
// `extension:write` of the schedule's tenant; here that user is named by an API key, as on the
// publish API: a header (never sent by a browser on its own, so no cross-site request can fire a
// run), random, and printed only at start-up.
import express, { type NextFunction, type Request, type Response } from 'express';
import { EmulatorError, errorResponse, type LogLine } from '../errors.ts';
import type { Registry } from '../registry/registry.ts';
import type { ScheduleRun, ScheduleTimer } from '../scheduler/schedule-timer.ts';
import { authorizeApiKey } from './api-key-auth.ts';

/** The route's path; `:id` is the schedule id. */
export const RUN_SCHEDULE_ROUTE = '/api/emulator/schedules/:id/run';

/** The run-now path of one schedule. */
export function runSchedulePath(scheduleId: string): string {
  return RUN_SCHEDULE_ROUTE.replace(':id', encodeURIComponent(scheduleId));
}

/**
 * Fires a schedule of the caller's tenant now through `scheduler` (the running emulator's). A
 * client-portal user is refused as production refuses one; a schedule of another tenant is
 * SCHEDULE_NOT_FOUND, as production's lookup is scoped to the caller's tenant.
 */
export async function runScheduleFor(registry: Registry, scheduler: Pick<ScheduleTimer, 'runNow'>, header: (name: string) => string | undefined, scheduleId: string): Promise<ScheduleRun> {
  const caller = authorizeApiKey(registry, header);
  if (caller.user.userType === 'client') throw new EmulatorError('RBAC_FORBIDDEN', 'Forbidden');
  const row = registry.scheduleStore.detail(scheduleId);
  if (row.tenant_id !== caller.tenantId) {
    throw new EmulatorError(
      'SCHEDULE_NOT_FOUND',
      `Failed to find schedule ${scheduleId} in tenant ${caller.tenantId}: none of the tenant's installs has it. Fix: pass an id from \`alga-emulator schedules list <ext>\`, with an API key of the schedule's tenant.`,
    );
  }
  return scheduler.runNow(scheduleId);
}

export function schedulesApiRouter(registry: Registry, scheduler: Pick<ScheduleTimer, 'runNow'>, options: { log?: LogLine } = {}): express.Router {
  const router = express.Router();
  router.post(RUN_SCHEDULE_ROUTE, async (req, res) => {
    const header = (name: string): string | undefined => req.get(name)?.trim() || undefined;
    res.status(200).json(await runScheduleFor(registry, scheduler, header, String(req.params.id)));
  });
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = errorResponse(err, { log: options.log, where: `${req.method} ${req.path}` });
    res.status(status).json(body);
  });
  return router;
}
