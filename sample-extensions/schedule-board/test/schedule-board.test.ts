// schedule-board through the real Gateway on the virtual clock, written only with the public
// harness: the handler creates, lists and deletes schedules of its own install; emu.clock.advance
// fires them onto POST /tick, which counts its runs in storage.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InstallResult } from '../../../harness/index.ts';
import { useEmulator } from '../../../harness/vitest.ts';
import '../../../harness/matchers.ts';

const SAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url));
const START = new Date('2025-01-01T00:00:00.000Z');
const HOUR = 60 * 60_000;

describe('schedule-board', () => {
  let ext: InstallResult;
  const emu = useEmulator({
    clock: 'virtual',
    env: { EXT_GATEWAY_RATE_LIMIT: 'off' },
    setup: async (e) => {
      e.clock.set(START);
      ext = await e.install(SAMPLE_DIR);
    },
  });

  const create = (json: Record<string, unknown>) => emu.invoke(ext, { method: 'POST', path: '/schedules', json });
  const list = async () => (await emu.invoke(ext, { path: '/schedules' })).json() as { schedules: Record<string, unknown>[] };
  const ticks = async () => (await emu.invoke(ext, { path: '/ticks' })).json();

  it('GET /endpoints shows the endpoints and which ones a schedule may call', async () => {
    const res = await emu.invoke(ext, { path: '/endpoints' });
    expect([res.status, res.json()]).toEqual([
      200,
      {
        endpoints: [
          { method: 'GET', path: '/endpoints', schedulable: true },
          { method: 'GET', path: '/schedules', schedulable: true },
          { method: 'POST', path: '/schedules', schedulable: true },
          { method: 'DELETE', path: '/schedules/:id', schedulable: false },
          { method: 'POST', path: '/tick', schedulable: true },
          { method: 'GET', path: '/ticks', schedulable: true },
        ],
      },
    ]);
    expect(res).toHaveCalledCapability('scheduler.getEndpoints');
  });

  it('creates an hourly schedule on POST /tick that the virtual clock fires once an hour', async () => {
    const created = await create({ name: 'hourly tick', cron: '0 * * * *', payload: { board: 'demo' } });
    expect([created.status, created.json()]).toEqual([201, { scheduleId: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
    const { scheduleId } = created.json() as { scheduleId: string };
    expect(await ticks()).toEqual({ runs: 0, lastPayload: null });

    expect(await emu.clock.advance(3 * HOUR + 60_000)).toBe(Date.parse('2025-01-01T03:01:00.000Z'));
    expect(await ticks()).toEqual({ runs: 3, lastPayload: { board: 'demo' } });
    expect(await list()).toEqual({
      schedules: [
        {
          id: scheduleId,
          name: 'hourly tick',
          endpoint: 'POST /tick',
          cron: '0 * * * *',
          timezone: 'UTC',
          enabled: true,
          payload: '{"board":"demo"}',
          lastRunAt: '2025-01-01T03:00:00.000Z',
          lastRunStatus: 'success',
          lastError: null,
        },
      ],
    });
    expect(emu.schedules(ext)).toMatchObject([{ id: scheduleId, lastRunAt: '2025-01-01T03:00:00.000Z', nextRunAt: '2025-01-01T04:00:00.000Z' }]);
    expect(emu.ledger).toStayWithinGrants();
  });

  it('deletes a schedule, which then never fires', async () => {
    const { scheduleId } = (await create({ cron: '*/5 * * * *' })).json() as { scheduleId: string };
    expect((await list()).schedules.map((s) => [s.id, s.name, s.cron])).toEqual([[scheduleId, null, '*/5 * * * *']]);

    const deleted = await emu.invoke(ext, { method: 'DELETE', path: `/schedules/${scheduleId}` });
    expect([deleted.status, deleted.json()]).toEqual([200, { deleted: scheduleId }]);
    expect(await list()).toEqual({ schedules: [] });
    await emu.clock.advance(HOUR);
    expect(await ticks()).toEqual({ runs: 0, lastPayload: null });
    expect(emu.schedules(ext)).toEqual([]);
  });

  it('answers 400 with the field error of a cron that runs too often, and creates nothing', async () => {
    const res = await create({ name: 'every minute', cron: '* * * * *' });
    expect([res.status, res.json()]).toEqual([400, { error: 'ValidationFailed', fieldErrors: { cron: 'Cron too frequent (minimum interval is 5 minutes)' } }]);
    expect(await list()).toEqual({ schedules: [] });
  });

  it('refuses a schedule on an endpoint with a path parameter', async () => {
    const res = await create({ cron: '0 * * * *', endpoint: 'DELETE /schedules/:id' });
    expect([res.status, res.json()]).toEqual([400, { error: 'ValidationFailed', fieldErrors: { endpoint: 'Endpoint not found or not schedulable' } }]);
  });
});
