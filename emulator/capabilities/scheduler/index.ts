/**
 * `alga:extension/scheduler`: an install's schedules over the emulator registry, fired by the
 * emulator's cron timer (emulator/scheduler/schedule-timer.ts).
 *
 * Matches production (repository Nine-Minds/alga-psa):
 * - ee/runner/src/engine/host_api.rs: grant and install checks, the denial records, the HTTP
 *   status → WIT error mapping, create/update/delete answering `error: "<Case>"` on non-2xx
 * - ee/server/src/app/api/internal/ext-scheduler/install/[installId]/route.ts: 10 writes a
 *   minute per install, 404 for an unknown install, UUID schedule ids
 * - ee/server/src/lib/extensions/schedulerHostApi.ts: the six operations, endpoint resolution by
 *   path, `schedulable`, 50 schedules per install, unique names, messages and field errors
 * - ee/server/src/lib/extensions/schedulerValidation.ts and
 *   ee/server/src/lib/actions/extensionScheduleActions.ts: cron / timezone / payload / name rules
 */
import type * as SchedulerWit from '../../wit/generated/host/interfaces/alga-extension-scheduler.js';
import type { Clock } from '../../clock.ts';
import type { ScheduleStore } from '../../registry/schedules.ts';
import { defineCapability, requireGrantAndInstall, type Denial } from '../capability.ts';
import { SchedulerHostApi, WriteLimiter, type SchedulerDeps } from './host-api.ts';

const GRANT = 'cap:scheduler.manage';

/** The error text of a refused write, as production words it. */
function deniedText(denial: Denial): string {
  return denial.reason === 'grant' ? `Permission denied: ${denial.detail}` : 'Install ID missing';
}

/**
 * The scheduler's dependencies over a registry's schedules; the host passes them to the Runner
 * (`RunnerDeps.capabilityDeps.scheduler`). Without them the functions answer `internal`.
 * @example new Runner(config, { capabilityDeps: { scheduler: schedulerDeps(registry.scheduleStore, clock) } })
 */
export function schedulerDeps(store: ScheduleStore | undefined, clock: Clock): SchedulerDeps {
  return { store, limiter: new WriteLimiter(clock) };
}

export const schedulerCapability = defineCapability<typeof SchedulerWit>()({
  name: 'scheduler',
  witInterface: 'alga:extension/scheduler',
  capability: GRANT,
  grantedByDefault: false,
  functions: {
    listSchedules: { returnsResult: true },
    getSchedule: { returnsResult: true },
    createSchedule: { returnsResult: false, denied: (d) => ({ success: false, scheduleId: undefined, error: deniedText(d), fieldErrors: undefined }) },
    updateSchedule: { returnsResult: false, denied: (d) => ({ success: false, error: deniedText(d), fieldErrors: undefined }) },
    deleteSchedule: { returnsResult: false, denied: (d) => ({ success: false, error: deniedText(d) }) },
    getEndpoints: { returnsResult: true },
  },
  summary: 'list / get / create / update / delete schedules of the install (five-field cron, IANA timezone, JSON payload), get-endpoints with `schedulable`; a cron timer (or the virtual clock) invokes due endpoints through the Runner.',
  parityNotes: [
    'scheduler: a refused create/update keeps `field-errors` (JSON map) beside `error: "ValidationFailed"`; production drops them with the 400 body.',
    'scheduler: payload text that is not a JSON object or array answers `error: "Payload must be valid JSON object or array"` with field-errors (spec 03); production forwards the text as a JSON string, which its host API then refuses.',
    'scheduler: `schedulable` is production\'s rule (GET or POST without path parameters); a manifest\'s `schedulable` key is ignored as production ignores it (spec 03 asks for `schedulable: true`).',
    'scheduler: the 10-writes-a-minute limit runs on the emulator clock and is per Runner (production: per server process, wall clock); snapshots do not restore it.',
    'scheduler: run now (emu.runSchedule, `POST /api/emulator/schedules/:id/run`, `alga-emulator schedules run`) keeps production\'s 5 per tenant in 60 s on the emulator clock but refuses with 429 RUN_NOW_RATE_LIMITED naming when it can run again (production: `{ success: false, message: "Run-now rate limit exceeded (try again later)" }`); production\'s per-minute singleton key that can drop a second run-now of one schedule in the same UTC minute is not modelled.',
  ],
  open: (services): SchedulerDeps => schedulerDeps(undefined, services.clock),
  guard: () => requireGrantAndInstall(GRANT, 'denied'),
  create: (deps) => {
    const api = new SchedulerHostApi(deps);
    const install = (scope: { installId?: string }) => scope.installId ?? '';
    return {
      listSchedules: (scope) => api.listSchedules(install(scope)),
      getSchedule: (scope, [id]) => api.getSchedule(install(scope), id),
      createSchedule: (scope, [input]) => api.createSchedule(install(scope), input),
      updateSchedule: (scope, [id, input]) => api.updateSchedule(install(scope), id, input),
      deleteSchedule: (scope, [id]) => api.deleteSchedule(install(scope), id),
      getEndpoints: (scope) => api.getEndpoints(install(scope)),
    };
  },
});
