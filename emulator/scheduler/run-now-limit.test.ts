// Production's run-now limit (5 per tenant in 60 s, ee/server/src/lib/actions/extensionScheduleActions.ts)
// as ScheduleTimer.runNow applies it over a real registry and the virtual clock.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBundleStore } from '../bundles/store.ts';
import { VirtualClock } from '../clock.ts';
import { Registry } from '../registry/registry.ts';
import { TENANT, bundleOf, manifest } from '../registry/test-support.ts';
import { TrustStore, ensureDevKey } from '../signing/index.ts';
import { RUN_NOW_LIMIT_MESSAGE, runNowAllowedAt } from './run-now-limit.ts';
import { ScheduleTimer } from './schedule-timer.ts';

const START = Date.UTC(2025, 0, 1, 0, 0, 0);

describe('runNowAllowedAt', () => {
  it('should allow a run while fewer than 5 run-nows are at or after now − 60 s', () => {
    expect(runNowAllowedAt([], START)).toBeNull();
    expect(runNowAllowedAt([START, START, START, START], START)).toBeNull();
    // The oldest of five is exactly 60 s old: production's `created_at >= since` still counts it.
    expect(runNowAllowedAt([START, START + 10_000, START + 20_000, START + 30_000, START + 40_000], START + 60_000)).toBe(START + 60_001);
    expect(runNowAllowedAt([START, START + 10_000, START + 20_000, START + 30_000, START + 40_000], START + 60_001)).toBeNull();
    // Six in the window: the next run waits for the second oldest to leave.
    expect(runNowAllowedAt([START, START + 1, START + 2, START + 3, START + 4, START + 5], START + 5)).toBe(START + 60_002);
  });
});

describe('ScheduleTimer.runNow limit', () => {
  let dataDir: string;
  let registry: Registry;
  let clock: VirtualClock;
  let installId: string;
  let registryId: string;
  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'run-now-'));
    clock = new VirtualClock(START);
    const devKey = ensureDevKey(dataDir);
    registry = await Registry.open({ dataDir, store: new MemoryBundleStore(), signing: { mode: 'dev', devKey, trust: TrustStore.fromPems([devKey.publicKeyPem]) }, now: () => new Date(clock.now()) });
    registry.seed({ defaultTenantId: TENANT, devApiKey: 'k' });
    const endpoints = [{ method: 'POST', path: '/sync', handler: 'dist/main.wasm' }];
    const published = await registry.publishBytes((await bundleOf(manifest({ capabilities: ['cap:scheduler.manage'], api: { endpoints } }))).bytes);
    registryId = published.extension.id;
    installId = (await registry.install(TENANT, registryId, '1.0.0')).installId;
  });
  afterEach(() => {
    registry.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Port 1 refuses connections: every run ends `error` quickly, and still counts, as production's job does.
  const timer = () => new ScheduleTimer({ registry, runnerBaseUrl: 'http://127.0.0.1:1', clock, timeoutMs: 2000, debugEvents: { publish: () => undefined } });
  const schedule = (name: string) => registry.createSchedule(installId, { name, cron: '0 * * * *', method: 'POST', path: '/sync' });

  it('should refuse the sixth run-now of a tenant within 60 s with 429 RUN_NOW_RATE_LIMITED, saying when it can run again', async () => {
    const [a, b] = [schedule('a'), schedule('b')];
    const t = timer();
    for (const id of [a, a, b, a, b]) {
      expect((await t.runNow(id)).status).toBe('error');
      clock.advance(1000);
    }
    // Any schedule of the tenant counts (production counts the tenant's run-now jobs).
    const refused = await t.runNow(b).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'RUN_NOW_RATE_LIMITED',
      status: 429,
      message:
        `Failed to run schedule ${b} now: ${RUN_NOW_LIMIT_MESSAGE}. Tenant ${TENANT} already ran schedules manually 5 times in the last 60 s (production's fixed limit). ` +
        `It can run again at 2025-01-01T00:01:00.001Z (in 56 s). Fix: wait, or advance the virtual clock (emu.clock.advance('56s')); cron firings are not limited.`,
    });
    expect(registry.scheduleStore.view(b).lastRunAt).toBe('2025-01-01T00:00:04.000Z');

    // A second timer on the same registry (another CLI process on the data folder) sees the same count.
    const other = timer();
    clock.set(START + 60_000);
    await expect(other.runNow(a)).rejects.toMatchObject({ code: 'RUN_NOW_RATE_LIMITED' });
    clock.set(START + 60_001);
    expect((await other.runNow(a)).ranAt).toBe('2025-01-01T00:01:00.001Z');
    // Now five again in the window (00:00:01 … 00:01:00.001): refused until 00:01:01.001.
    await expect(other.runNow(a)).rejects.toMatchObject({ message: expect.stringContaining('It can run again at 2025-01-01T00:01:01.001Z (in 1 s)') });
    await Promise.all([t.close(), other.close()]);
  });

  it('should not count run-nows skipped because the install is disabled', async () => {
    const a = schedule('a');
    registry.setEnabled(TENANT, registryId, false);
    const t = timer();
    for (let i = 0; i < 6; i += 1) expect((await t.runNow(a)).status).toBe('skipped');
    registry.setEnabled(TENANT, registryId, true);
    for (let i = 0; i < 5; i += 1) expect((await t.runNow(a)).status).toBe('error');
    await expect(t.runNow(a)).rejects.toMatchObject({ code: 'RUN_NOW_RATE_LIMITED' });
    await t.close();
  });
});
