import type * as SchedulerWit from '../../wit/generated/host/interfaces/alga-extension-scheduler.js';
import { defineCapability, requireGrantAndInstall, type Denial } from '../capability.ts';
import { NOT_IMPLEMENTED, notImplemented } from '../not-implemented.ts';

const GRANT = 'cap:scheduler.manage';

/** The `error` text of a refused write, as production words it. */
function deniedText(denial: Denial): string {
  return denial.reason === 'grant' ? `Permission denied: ${denial.detail}` : 'Install ID missing';
}

/** `alga:extension/scheduler`: denial shapes per spec 03; schedules are not implemented yet. */
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
  summary: 'list / get / create / update / delete schedules, get-endpoints (not implemented yet).',
  parityNotes: [`scheduler: granted calls answer internal / success:false "${NOT_IMPLEMENTED}".`],
  guard: () => requireGrantAndInstall(GRANT, 'denied'),
  create: () => ({
    listSchedules: notImplemented,
    getSchedule: notImplemented,
    getEndpoints: notImplemented,
    createSchedule: () => ({ success: false, scheduleId: undefined, error: NOT_IMPLEMENTED, fieldErrors: undefined }),
    updateSchedule: () => ({ success: false, error: NOT_IMPLEMENTED, fieldErrors: undefined }),
    deleteSchedule: () => ({ success: false, error: NOT_IMPLEMENTED }),
  }),
});
