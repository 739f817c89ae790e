// `POST /api/emulator/schedules/:id/run` on a running emulator's main port: production's "run
// now" fired from outside the process, through that emulator's scheduler, under its virtual clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type TestEmulator } from '../../harness/index.ts';

const START = Date.parse('2025-03-01T09:00:00.000Z');

describe('POST /api/emulator/schedules/:id/run', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  let scheduleId: string;
  const keyOf = (tenantId: string, description: string): string => emu.registry.identity.apiKeys(tenantId).find((k) => k.description === description)?.key ?? '';
  const run = (id: string, headers: Record<string, string>): Promise<Response> => fetch(`${emu.urls.main}/api/emulator/schedules/${id}/run`, { method: 'POST', headers });

  beforeAll(async () => {
    emu = await createEmulator({ clock: 'virtual' });
    emu.clock.set(START);
    ext = await emu.install('schedule-board');
    // Once a year: no cron firing falls inside the test.
    scheduleId = emu.registry.createSchedule(ext.installId, { name: 'yearly', cron: '0 0 1 1 *', method: 'POST', path: '/tick', payload: { from: 'api' } });
  }, 120_000);
  afterAll(async () => {
    await emu?.close();
  });

  it('should refuse a caller without a known API key with 401 UNAUTHORIZED, and a key without extension:write with 403 RBAC_FORBIDDEN', async () => {
    const missing = await run(scheduleId, {});
    expect([missing.status, await missing.json()]).toEqual([
      401,
      { code: 'UNAUTHORIZED', error: 'missing API key: send x-api-key with the dev key printed at start-up (or set ALGA_API_KEY before starting the emulator).' },
    ]);
    const unknown = await run(scheduleId, { 'x-api-key': 'alga_dev_not-a-key' });
    expect([unknown.status, ((await unknown.json()) as { code: string }).code]).toEqual([401, 'UNAUTHORIZED']);
    const tech = await run(scheduleId, { 'x-api-key': keyOf(emu.tenants.default, 'MSP user key (no extension permissions)') });
    expect([tech.status, await tech.json()]).toEqual([403, { code: 'RBAC_FORBIDDEN', error: 'Forbidden' }]);
    expect(emu.schedules(ext)[0]?.lastRunAt).toBeNull();
  });

  it('should answer 404 SCHEDULE_NOT_FOUND for an unknown id, and for another tenant’s schedule', async () => {
    const unknownId = '7a1c3f3e-0000-4000-8000-000000000000';
    const unknown = await run(unknownId, { 'x-api-key': keyOf(emu.tenants.default, 'dev API key') });
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      {
        code: 'SCHEDULE_NOT_FOUND',
        error: `Failed to find schedule ${unknownId}: no install has it (deleted, uninstalled, or an id from another emulator). Fix: pass an id from emu.schedules(ext) or \`alga-emulator schedules list <ext>\`.`,
      },
    ]);
    const other = await run(scheduleId, { 'x-api-key': keyOf(emu.tenants.second, 'second tenant admin key') });
    expect([other.status, await other.json()]).toEqual([
      404,
      {
        code: 'SCHEDULE_NOT_FOUND',
        error: `Failed to find schedule ${scheduleId} in tenant ${emu.tenants.second}: none of the tenant's installs has it. Fix: pass an id from \`alga-emulator schedules list <ext>\`, with an API key of the schedule's tenant.`,
      },
    ]);
  });

  it('should fire the schedule through the emulator’s scheduler as emu.runSchedule does, and refuse the sixth in a minute with 429 RUN_NOW_RATE_LIMITED', async () => {
    const admin = { 'x-api-key': keyOf(emu.tenants.default, 'dev API key') };
    const res = await run(scheduleId, admin);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { requestId: string; request: { context: Record<string, unknown>; http: Record<string, unknown> } };
    expect(body).toMatchObject({ scheduleId, installId: ext.installId, ranAt: '2025-03-01T09:00:00.000Z', status: 'success', error: null, response: { status: 200 } });
    expect(body.request.context).toMatchObject({ request_id: body.requestId, trigger: 'schedule', schedule_id: scheduleId, install_id: ext.installId });
    expect(body.request.http).toEqual({ method: 'POST', path: '/tick', query: {}, headers: { 'x-alga-tenant': emu.tenants.default, 'x-alga-extension': ext.registryId }, body_b64: Buffer.from('{"from":"api"}').toString('base64') });
    // The run is this emulator's: its schedule row, execution log and debug stream.
    expect(emu.schedules(ext)[0]).toMatchObject({ lastRunAt: '2025-03-01T09:00:00.000Z', lastRunStatus: 'success', lastError: null });
    expect(emu.logs({ requestId: body.requestId }).map((e) => e.message)).toContain('scheduler: schedule "yearly" (0 0 1 1 * UTC) ran POST /tick: success');

    emu.clock.advance(1_000);
    for (let i = 0; i < 2; i += 1) expect((await run(scheduleId, admin)).status).toBe(200);
    // emu.runSchedule counts against the same limit: the route and the harness share one scheduler.
    for (let i = 0; i < 2; i += 1) expect((await emu.runSchedule(scheduleId)).status).toBe('success');
    const limited = await run(scheduleId, admin);
    expect([limited.status, await limited.json()]).toEqual([
      429,
      {
        code: 'RUN_NOW_RATE_LIMITED',
        error: `Failed to run schedule ${scheduleId} now: Run-now rate limit exceeded (try again later). Tenant ${emu.tenants.default} already ran schedules manually 5 times in the last 60 s (production's fixed limit). It can run again at 2025-03-01T09:01:00.001Z (in 60 s). Fix: wait, or advance the virtual clock (emu.clock.advance('60s')); cron firings are not limited.`,
      },
    ]);
    // The first run-now (09:00:00.000) stops counting 60 001 ms after it.
    emu.clock.advance(59_000);
    expect((await run(scheduleId, admin)).status).toBe(429);
    emu.clock.advance(1);
    expect((await run(scheduleId, admin)).status).toBe(200);
  }, 60_000);
});
