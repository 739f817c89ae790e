import { NOT_IMPLEMENTED, grantAndInstall, notImplementedRead } from '../not-implemented.ts';
import type { CapabilityDefinition, InvocationScope } from '../types.ts';

const GRANT = 'cap:scheduler.manage';

/** A read function answers `denied` without the grant or an install id. */
const checkRead = notImplementedRead(GRANT, 'denied');

/** The `{success:false, error}` record a write function answers. */
function writeResult(scope: InvocationScope, extra: Record<string, undefined>) {
  const error = !scope.grants.has(GRANT)
    ? `Permission denied: ${GRANT} not granted`
    : !scope.installId
      ? 'Install ID missing'
      : NOT_IMPLEMENTED;
  return { success: false, ...extra, error };
}

/** `alga:extension/scheduler`: denial shapes per spec 03; schedules are not implemented yet. */
export const schedulerCapability: CapabilityDefinition = {
  name: 'scheduler',
  witInterface: 'alga:extension/scheduler',
  capability: GRANT,
  functions: {
    listSchedules: { returnsResult: true },
    getSchedule: { returnsResult: true },
    createSchedule: { returnsResult: false },
    updateSchedule: { returnsResult: false },
    deleteSchedule: { returnsResult: false },
    getEndpoints: { returnsResult: true },
  },
  summary: 'list / get / create / update / delete schedules, get-endpoints (not implemented yet).',
  parityNotes: [`scheduler: granted calls answer internal / success:false "${NOT_IMPLEMENTED}".`],
  create: () => ({
    listSchedules: checkRead,
    getSchedule: checkRead,
    getEndpoints: checkRead,
    createSchedule: (scope) => writeResult(scope, { scheduleId: undefined, fieldErrors: undefined }),
    updateSchedule: (scope) => writeResult(scope, { fieldErrors: undefined }),
    deleteSchedule: (scope) => writeResult(scope, {}),
  }),
  admits: grantAndInstall(GRANT),
};
