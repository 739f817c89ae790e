import { describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import { type InvocationScope } from '../../contracts/invocation.ts';
import { schedulerCapability, schedulerDeps } from './index.ts';
import { fakeScope, thrown } from '../test-support.ts';

const makeScope = (overrides: Partial<InvocationScope> = {}): InvocationScope =>
  fakeScope({ grants: new Set(['cap:scheduler.manage']), ...overrides });


const host = guardedFunctions(schedulerCapability, schedulerDeps(undefined, { now: () => 0 }));

function call(name: string, scope: InvocationScope, args: unknown[] = []): unknown {
  const fn = host[name];
  if (!fn) throw new Error(`scheduler has no ${name}`);
  return fn(scope, args);
}

const NO_GRANT = { grants: new Set<string>(['cap:context.read']) };
const CREATE_INPUT = { endpoint: '/jobs/run', cron: '0 * * * *', timezone: undefined, enabled: undefined, name: undefined, payload: undefined };

describe('schedulerCapability denials', () => {
  it.each([
    ['listSchedules', []],
    ['getSchedule', ['sched-1']],
    ['getEndpoints', []],
  ])('answers denied from %s without cap:scheduler.manage', (name, args) => {
    expect(thrown(() => call(name, makeScope(NO_GRANT), args)).payload).toBe('denied');
  });

  it.each([
    ['listSchedules', []],
    ['getSchedule', ['sched-1']],
    ['getEndpoints', []],
  ])('answers denied from %s with the grant but no install id', (name, args) => {
    expect(thrown(() => call(name, makeScope({ installId: undefined }), args)).payload).toBe('denied');
  });

  it('answers the permission-denied result from createSchedule without the grant', () => {
    const result = call('createSchedule', makeScope(NO_GRANT), [CREATE_INPUT]);
    expect(result).toEqual({
      success: false,
      scheduleId: undefined,
      fieldErrors: undefined,
      error: 'Permission denied: cap:scheduler.manage not granted',
    });
    expect(Object.keys(result as object).sort()).toEqual(['error', 'fieldErrors', 'scheduleId', 'success']);
  });

  it('answers "Install ID missing" from createSchedule with the grant but no install id', () => {
    expect(call('createSchedule', makeScope({ installId: undefined }), [CREATE_INPUT])).toEqual({
      success: false,
      scheduleId: undefined,
      fieldErrors: undefined,
      error: 'Install ID missing',
    });
  });

  it('answers the permission-denied result from updateSchedule and deleteSchedule without the grant', () => {
    const error = 'Permission denied: cap:scheduler.manage not granted';
    const update = call('updateSchedule', makeScope(NO_GRANT), ['sched-1', {}]);
    expect(update).toEqual({ success: false, fieldErrors: undefined, error });
    expect(Object.keys(update as object).sort()).toEqual(['error', 'fieldErrors', 'success']);
    const remove = call('deleteSchedule', makeScope(NO_GRANT), ['sched-1']);
    expect(remove).toEqual({ success: false, error });
    expect(Object.keys(remove as object).sort()).toEqual(['error', 'success']);
  });

  it('answers "Install ID missing" from updateSchedule and deleteSchedule without an install id', () => {
    const scope = makeScope({ installId: '' });
    expect(call('updateSchedule', scope, ['sched-1', {}])).toEqual({ success: false, fieldErrors: undefined, error: 'Install ID missing' });
    expect(call('deleteSchedule', scope, ['sched-1'])).toEqual({ success: false, error: 'Install ID missing' });
  });

  it('answers internal when the Runner has no registry behind it', () => {
    const err = thrown(() => call('listSchedules', makeScope()));
    expect(err.payload).toBe('internal');
  });
});
