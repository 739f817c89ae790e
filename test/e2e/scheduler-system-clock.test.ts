// The cron timer on a clock that runs at real speed (not the virtual clock): the emulator's own
// setTimeout loop and croner's next run fire a due schedule by themselves, through the Runner, into
// hello-host. Cron's minimum interval is five minutes, so the clock is the system clock plus a
// fixed offset that puts the next five-minute boundary 1.5 s ahead; nothing advances it by hand
// while the test waits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERY_FIVE_MINUTES, FIVE_MINUTES, LEAD_MS, createFiveMinuteSchedule, nextFiring, startScheduledHelloHost, type ScheduledHelloHost } from '../bench/schedule-figures.ts';

/** Generous for a loaded 2-core machine; the timer itself polls at most every 1 s. */
const FIRE_BOUND_MS = 2000;

describe('scheduler on a real-time clock', () => {
  let h: ScheduledHelloHost;
  beforeAll(async () => {
    h = await startScheduledHelloHost();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('should fire a due schedule by its own timer within the bound after the cron boundary, recording the scheduled run', async () => {
    const scheduleId = createFiveMinuteSchedule(h, 'five');
    const due = Date.parse(h.emu.registry.scheduleStore.view(scheduleId).nextRunAt as string);
    expect(due % FIVE_MINUTES).toBe(0);

    const realStart = performance.now();
    const { entered } = await nextFiring(h, scheduleId);
    const realWait = performance.now() - realStart;
    // The run waited for the boundary in real time (not fired early), and fired soon after it.
    expect(realWait).toBeGreaterThanOrEqual(LEAD_MS - 50);
    expect(Number(entered.ts) - due).toBeGreaterThanOrEqual(0);
    expect(Number(entered.ts) - due).toBeLessThan(FIRE_BOUND_MS);

    const view = h.emu.registry.scheduleStore.view(scheduleId);
    expect(view).toMatchObject({ id: scheduleId, name: 'five', enabled: true, lastRunStatus: 'success', lastError: null, nextRunAt: new Date(due + FIVE_MINUTES).toISOString() });
    const ranAt = Date.parse(view.lastRunAt as string);
    expect(ranAt - due).toBeGreaterThanOrEqual(0);
    expect(ranAt - due).toBeLessThan(FIRE_BOUND_MS);

    const runs = h.emu.registry.executionLog({ tenantId: h.install.tenantId, registryId: h.install.registryId }).filter((r) => r.metrics?.trigger === 'schedule');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'ok', requestId: entered.request_id, metrics: { trigger: 'schedule', schedule_id: scheduleId, method: 'POST', path: '/counter', http_status: 200 } });
    expect(h.emu.runner.debugEvents.recent({ request_id: entered.request_id }).map((e) => e.message)).toEqual([
      'POST /counter',
      `scheduler: schedule "five" (${EVERY_FIVE_MINUTES} UTC) ran POST /counter: success`,
    ]);
  }, 30_000);
});
