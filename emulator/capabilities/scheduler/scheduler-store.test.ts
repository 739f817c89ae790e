// The scheduler's six functions through `guardedFunctions`, over a real registry's schedules.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBundleStore } from '../../bundles/store.ts';
import { VirtualClock } from '../../clock.ts';
import { Registry } from '../../registry/registry.ts';
import { TENANT, bundleOf, manifest } from '../../registry/test-support.ts';
import { TrustStore, ensureDevKey } from '../../signing/index.ts';
import { guardedFunctions } from '../capability.ts';
import { fakeScope, thrown } from '../test-support.ts';
import { schedulerCapability, schedulerDeps } from './index.ts';

const START = Date.UTC(2025, 0, 1, 0, 0, 0);
const ENDPOINTS = [
  { method: 'POST', path: '/sync', handler: 'dist/main.wasm' },
  { method: 'GET', path: '/report', handler: 'dist/main.wasm' },
  { method: 'GET', path: '/items/:id', handler: 'dist/main.wasm' },
  { method: 'DELETE', path: '/cache', handler: 'dist/main.wasm' },
];

let dataDir: string;
let registry: Registry;
let clock: VirtualClock;
let installId: string;
let host: Readonly<Record<string, (scope: ReturnType<typeof fakeScope>, args: unknown[]) => unknown>>;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'scheduler-cap-'));
  clock = new VirtualClock(START);
  const devKey = ensureDevKey(dataDir);
  registry = await Registry.open({ dataDir, store: new MemoryBundleStore(), signing: { mode: 'dev', devKey, trust: TrustStore.fromPems([devKey.publicKeyPem]) }, now: () => new Date(clock.now()) });
  registry.seed({ defaultTenantId: TENANT, devApiKey: 'k' });
  const published = await registry.publishBytes((await bundleOf(manifest({ capabilities: ['cap:scheduler.manage'], api: { endpoints: ENDPOINTS } }))).bytes);
  installId = (await registry.install(TENANT, published.extension.id, '1.0.0')).installId;
  host = guardedFunctions(schedulerCapability, schedulerDeps(registry.scheduleStore, clock));
});
afterEach(() => {
  registry.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const scope = () => fakeScope({ grants: new Set(['cap:scheduler.manage']), installId, tenantId: TENANT });
const call = (fn: string, ...args: unknown[]) => host[fn]!(scope(), args);
const input = (over: Record<string, unknown> = {}) => ({ endpoint: '/sync', cron: '0 * * * *', timezone: undefined, enabled: undefined, name: 'hourly', payload: '{"full":true}', ...over });

describe('scheduler over the registry', () => {
  it('should create a schedule and list it with production’s ScheduleInfo fields', () => {
    const created = call('createSchedule', input({ timezone: 'Europe/Berlin' })) as { scheduleId: string };
    expect(created).toEqual({ success: true, scheduleId: expect.stringMatching(/^[0-9a-f-]{36}$/), error: undefined, fieldErrors: undefined });
    const info = {
      id: created.scheduleId,
      endpointPath: '/sync',
      endpointMethod: 'POST',
      name: 'hourly',
      cron: '0 * * * *',
      timezone: 'Europe/Berlin',
      enabled: true,
      payload: '{"full":true}',
      lastRunAt: undefined,
      lastRunStatus: undefined,
      lastError: undefined,
      createdAt: '2025-01-01T00:00:00.000Z',
    };
    expect(call('listSchedules')).toEqual([info]);
    expect(call('getSchedule', created.scheduleId)).toEqual(info);
    expect(registry.scheduleStore.views(installId)[0]?.nextRunAt).toBe('2025-01-01T01:00:00.000Z');
  });

  it('should list the version’s endpoints by path with schedulable as production computes it', () => {
    expect((call('getEndpoints') as { method: string; path: string; schedulable: boolean; handler: string }[]).map(({ method, path: p, schedulable, handler }) => ({ method, path: p, schedulable, handler }))).toEqual([
      { method: 'DELETE', path: '/cache', schedulable: false, handler: 'dist/main.wasm' },
      { method: 'GET', path: '/items/:id', schedulable: false, handler: 'dist/main.wasm' },
      { method: 'GET', path: '/report', schedulable: true, handler: 'dist/main.wasm' },
      { method: 'POST', path: '/sync', schedulable: true, handler: 'dist/main.wasm' },
    ]);
  });

  it.each([
    [{ cron: '* * * * *' }, { cron: 'Cron too frequent (minimum interval is 5 minutes)' }],
    [{ cron: '0 9 1 * 1' }, { cron: 'Cron cannot set both day-of-month and day-of-week' }],
    [{ timezone: 'Nowhere/City' }, { timezone: 'Invalid timezone' }],
    [{ endpoint: '/items/:id' }, { endpoint: 'Endpoint not found or not schedulable' }],
    [{ endpoint: 'DELETE /cache' }, { endpoint: 'Endpoint not found or not schedulable' }],
    [{ endpoint: '/missing' }, { endpoint: 'Endpoint not found or not schedulable' }],
    [{ name: 'n'.repeat(129) }, { name: 'Name too long' }],
  ])('should answer ValidationFailed with field errors for %j', (over, fieldErrors) => {
    expect(call('createSchedule', input(over))).toEqual({ success: false, scheduleId: undefined, error: 'ValidationFailed', fieldErrors: JSON.stringify(fieldErrors) });
  });

  it('should refuse payload text that is not a JSON object or array before anything else (spec 03)', () => {
    const error = 'Payload must be valid JSON object or array';
    expect(call('createSchedule', input({ payload: '42' }))).toEqual({ success: false, scheduleId: undefined, error, fieldErrors: JSON.stringify({ payload: error }) });
  });

  it('should keep names unique per install and cap an install at 50 schedules', () => {
    expect(call('createSchedule', input())).toMatchObject({ success: true });
    const taken = { name: 'Schedule name already in use for this extension' };
    expect(call('createSchedule', input())).toEqual({ success: false, scheduleId: undefined, error: 'ValidationFailed', fieldErrors: JSON.stringify(taken) });
    for (let i = 1; i < 50; i += 1) {
      expect(registry.scheduleStore.create(installId, { endpoint: '/report', cron: '0 3 * * *', name: `s${i}` })).toMatchObject({ success: true });
    }
    expect(registry.scheduleStore.create(installId, { endpoint: '/report', cron: '0 3 * * *', name: 'one-too-many' })).toEqual({ success: false, error: 'Too many schedules (max 50 per extension install)' });
  });

  it('should update, disable (no next run), re-enable and delete; unknown ids answer as production', () => {
    const { scheduleId } = call('createSchedule', input()) as { scheduleId: string };
    clock.advance(10 * 60_000);
    expect(call('updateSchedule', scheduleId, { cron: '30 6 * * 1-5', enabled: false, endpoint: 'GET /report', name: undefined, timezone: undefined, payload: undefined })).toEqual({ success: true, error: undefined, fieldErrors: undefined });
    expect(registry.scheduleStore.views(installId)[0]).toMatchObject({ cron: '30 6 * * 1-5', enabled: false, endpointMethod: 'GET', endpointPath: '/report', name: 'hourly', nextRunAt: null });
    expect(call('updateSchedule', scheduleId, { enabled: true })).toMatchObject({ success: true });
    expect(registry.scheduleStore.views(installId)[0]?.nextRunAt).toBe('2025-01-01T06:30:00.000Z');
    const unknown = '7a1c3f3e-0000-4000-8000-000000000000';
    expect(call('getSchedule', unknown)).toBeUndefined();
    expect(thrown(() => call('getSchedule', 'not-a-uuid')).payload).toBe('validation-failed');
    expect(call('updateSchedule', unknown, { cron: '0 1 * * *' })).toEqual({ success: false, error: 'ValidationFailed', fieldErrors: undefined });
    expect(call('deleteSchedule', unknown)).toEqual({ success: false, error: 'ValidationFailed' });
    expect(call('deleteSchedule', scheduleId)).toEqual({ success: true, error: undefined });
    expect(call('listSchedules')).toEqual([]);
  });

  it('should answer QuotaExceeded after 10 writes a minute per install, and take writes again a minute later', () => {
    for (let i = 0; i < 10; i += 1) call('deleteSchedule', '7a1c3f3e-0000-4000-8000-000000000000');
    expect(call('createSchedule', input())).toEqual({ success: false, scheduleId: undefined, error: 'QuotaExceeded', fieldErrors: undefined });
    expect(call('listSchedules')).toEqual([]);
    clock.advance(60_001);
    expect(call('createSchedule', input())).toMatchObject({ success: true });
  });

  it('should answer not-found / "NotFound" for an install that is gone', () => {
    const gone = fakeScope({ grants: new Set(['cap:scheduler.manage']), installId: '00000000-0000-4000-8000-00000000dead', tenantId: TENANT });
    expect(thrown(() => host.listSchedules!(gone, [])).payload).toBe('not-found');
    expect(host.createSchedule!(gone, [input()])).toEqual({ success: false, scheduleId: undefined, error: 'NotFound', fieldErrors: undefined });
  });
});
