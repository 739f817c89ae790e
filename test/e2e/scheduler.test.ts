// scheduler through a real guest and the public harness: the test guest's /probe route creates
// schedules inside the component; the virtual clock fires them through the Runner onto /echo.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type TestEmulator } from '../../harness/index.ts';
import { TEST_GUEST_DIR } from '../../harness/runner-fixture.ts';

const START = new Date('2025-01-01T00:00:00.000Z');
const ENDPOINTS = [
  { method: 'POST', path: '/probe', handler: 'dist/main.wasm' },
  { method: 'POST', path: '/echo', handler: 'dist/main.wasm' },
  { method: 'GET', path: '/items/:id', handler: 'dist/main.wasm' },
];

/** The committed test guest with api.endpoints (and a version) of our choosing. */
function guestWith(version: string, endpoints: unknown[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sched-guest-'));
  cpSync(TEST_GUEST_DIR, dir, { recursive: true });
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ name: 'test-guest', publisher: 'alga-emulator', version, runtime: 'wasm-js@1', capabilities: ['cap:scheduler.manage'], api: { endpoints } }));
  return dir;
}

describe('scheduler end to end', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  const dirs: string[] = [];
  beforeAll(async () => {
    emu = await createEmulator({ clock: 'virtual', env: { EXT_GATEWAY_RATE_LIMIT: 'off' } });
    emu.clock.set(START);
    dirs.push(guestWith('1.0.0', ENDPOINTS), guestWith('2.0.0', ENDPOINTS.filter((e) => e.path !== '/echo')));
    ext = await emu.install(dirs[0] as string);
  }, 120_000);
  afterAll(async () => {
    await emu.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const probe = async (fn: string, args: unknown[]) => {
    const res = await emu.invoke(ext, { method: 'POST', path: '/probe', json: { iface: 'scheduler', fn, args } });
    expect(res.status).toBe(200);
    return res.json() as { ok?: unknown; err?: string };
  };

  it('should create a schedule from the guest and fire it every hour the virtual clock passes, with the scheduled envelope', async () => {
    const snap = await emu.snapshot();
    const created = await probe('createSchedule', [{ endpoint: 'POST /echo', cron: '0 * * * *', name: 'hourly', payload: '{"full":true}' }]);
    const scheduleId = (created.ok as { scheduleId: string }).scheduleId;
    expect(created).toEqual({ ok: { success: true, scheduleId: expect.stringMatching(/^[0-9a-f-]{36}$/), error: null, fieldErrors: null } });
    expect(await probe('getEndpoints', [])).toEqual({
      ok: [
        { id: expect.any(String), method: 'POST', path: '/echo', handler: 'dist/main.wasm', schedulable: true },
        { id: expect.any(String), method: 'GET', path: '/items/:id', handler: 'dist/main.wasm', schedulable: false },
        { id: expect.any(String), method: 'POST', path: '/probe', handler: 'dist/main.wasm', schedulable: true },
      ],
    });

    expect(await emu.clock.advance(2 * 60 * 60_000 + 60_000)).toBe(Date.parse('2025-01-01T02:01:00.000Z'));
    const [schedule] = emu.schedules(ext);
    expect(schedule).toMatchObject({ id: scheduleId, name: 'hourly', lastRunAt: '2025-01-01T02:00:00.000Z', lastRunStatus: 'success', lastError: null, nextRunAt: '2025-01-01T03:00:00.000Z' });
    const runs = emu.registry.executionLog({ tenantId: ext.tenantId, registryId: ext.registryId }).filter((r) => r.metrics?.trigger === 'schedule');
    expect(runs.map((r) => [r.startedAt, r.status, r.metrics?.method, r.metrics?.path, r.metrics?.http_status])).toEqual([
      ['2025-01-01T02:00:00.000Z', 'ok', 'POST', '/echo', 200],
      ['2025-01-01T01:00:00.000Z', 'ok', 'POST', '/echo', 200],
    ]);
    expect(emu.logs({ requestId: runs[0]?.requestId ?? '' }).map((e) => e.message)).toContain('scheduler: schedule "hourly" (0 * * * * UTC) ran POST /echo: success');

    const run = await emu.runSchedule(scheduleId);
    expect(run.request).toEqual({
      context: {
        request_id: run.requestId,
        tenant_id: ext.tenantId,
        extension_id: ext.registryId,
        install_id: ext.installId,
        version_id: ext.versionId,
        content_hash: ext.contentHash,
        config: {},
        trigger: 'schedule',
        schedule_id: scheduleId,
      },
      http: { method: 'POST', path: '/echo', query: {}, headers: { 'x-alga-tenant': ext.tenantId, 'x-alga-extension': ext.registryId }, body_b64: Buffer.from('{"full":true}').toString('base64') },
      limits: { timeout_ms: 30_000 },
      providers: expect.arrayContaining(['cap:scheduler.manage']),
    });
    const echoed = JSON.parse(run.response?.body ?? '{}') as { request: { context: Record<string, unknown>; http: Record<string, unknown> } };
    expect([run.status, run.ranAt, run.response?.status]).toEqual(['success', '2025-01-01T02:01:00.000Z', 200]);
    expect(echoed.request.http).toMatchObject({ method: 'POST', url: '/echo', body: { $bytes: '{"full":true}' } });
    expect(echoed.request.context).toMatchObject({ requestId: run.requestId, installId: ext.installId });

    await emu.restore(snap);
    expect(emu.schedules(ext)).toEqual([]);
  }, 120_000);

  it('should answer production’s field errors and skip runs while the install is disabled', async () => {
    const snap = await emu.snapshot();
    expect(await probe('createSchedule', [{ endpoint: '/echo', cron: '* * * * *' }])).toEqual({
      ok: { success: false, scheduleId: null, error: 'ValidationFailed', fieldErrors: JSON.stringify({ cron: 'Cron too frequent (minimum interval is 5 minutes)' }) },
    });
    expect(await probe('getSchedule', ['nope'])).toEqual({ err: 'validation-failed' });
    const { ok } = await probe('createSchedule', [{ endpoint: '/echo', cron: '*/30 * * * *', name: 'half-hourly' }]);
    const scheduleId = (ok as { scheduleId: string }).scheduleId;
    emu.registry.setEnabled(ext.tenantId, ext.registryId, false);
    await emu.clock.advance(60 * 60_000);
    expect(emu.schedules(ext)[0]).toMatchObject({ lastRunAt: null, nextRunAt: '2025-01-01T01:30:00.000Z' });
    emu.registry.setEnabled(ext.tenantId, ext.registryId, true);
    await emu.clock.advance(30 * 60_000);
    expect(emu.schedules(ext)[0]).toMatchObject({ lastRunAt: '2025-01-01T01:30:00.000Z', lastRunStatus: 'success' });

    await emu.install(dirs[1] as string, { tenant: 'second' }); // publishes 2.0.0 without /echo
    const err = await emu.registry.update(ext.tenantId, ext.registryId, '2.0.0').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SCHEDULE_ENDPOINTS_MISSING', status: 409, missing: [{ scheduleId, name: 'half-hourly', method: 'POST', path: '/echo' }] });
    await emu.registry.update(ext.tenantId, ext.registryId, '2.0.0', true);
    expect(emu.schedules(ext)[0]).toMatchObject({ id: scheduleId, enabled: false, nextRunAt: null });
    await emu.restore(snap);
  }, 120_000);

  it('should stop firing once uninstalled, and refuse runSchedule for a schedule that is gone', async () => {
    const snap = await emu.snapshot();
    const { ok } = await probe('createSchedule', [{ endpoint: '/echo', cron: '0 * * * *' }]);
    const scheduleId = (ok as { scheduleId: string }).scheduleId;
    emu.registry.uninstall(ext.tenantId, ext.registryId);
    await emu.clock.advance(3 * 60 * 60_000);
    expect(emu.registry.executionLog({ tenantId: ext.tenantId, registryId: ext.registryId }).filter((r) => r.metrics?.trigger === 'schedule')).toEqual([]);
    await expect(emu.runSchedule(scheduleId)).rejects.toMatchObject({ code: 'SCHEDULE_NOT_FOUND', status: 404 });
    await emu.restore(snap);
  }, 120_000);
});
