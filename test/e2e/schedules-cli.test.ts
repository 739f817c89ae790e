// `alga-emulator schedules run <id>` as a shell runs it: the bin as a child process against a data
// folder with the schedule-board sample installed, POSTing to the Runner of an emulator started on
// the same data folder. The run is recorded in the registry both processes share, and so is
// production's run-now limit (5 per tenant in 60 s).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator/host/start-emulator.ts';
import { ROOT } from '../../harness/runner-fixture.ts';

const BIN = join(ROOT, 'emulator/cli/bin/alga-emulator.js');
const SAMPLE = join(ROOT, 'sample-extensions/schedule-board');
const TENANT = '00000000-0000-4000-8000-000000000001';
const exec = promisify(execFile);
const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

describe('alga-emulator schedules run (live)', () => {
  let dataDir: string;
  let emu: RunningEmulator;
  let env: NodeJS.ProcessEnv;
  /** Runs the bin; a non-zero exit resolves too, with its code. */
  const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    exec(process.execPath, [BIN, ...args], { cwd: ROOT, env, timeout: 60_000 }).then(
      (done) => ({ code: 0, ...done }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'schedules-cli-'));
    env = { ...process.env, EMULATOR_DATA_DIR: dataDir, ALGA_TENANT_ID: '', SIGNING_MODE: '', SIGNING_TRUST_BUNDLE: '', RUNNER_BASE_URL: '' };
    const published = await cli(['publish', SAMPLE]);
    expect(published.stdout.split('\n')).toContain(`installed alga-emulator.schedule-board 0.1.0 for tenant ${TENANT}`);
    emu = await startEmulator({ env, settings: { dataDir, port: 0, runnerPort: 0 }, shell: false, log: () => undefined });
    env.RUNNER_PORT = new URL(emu.urls.runner).port;
  }, 180_000);
  afterAll(async () => {
    await emu?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should fire the schedule through the running emulator’s Runner, record the run, and refuse the sixth run-now in a minute', async () => {
    const install = emu.registry.installs(TENANT).find((i) => i.slug === 'alga-emulator.schedule-board');
    // Once a year: the emulator's own cron timer does not fire it during the test.
    const id = emu.registry.createSchedule(install?.installId ?? '', { name: 'yearly', cron: '0 0 1 1 *', method: 'POST', path: '/tick', payload: { from: 'cli' } });

    const run = await cli(['schedules', 'run', id]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([expect.stringMatching(new RegExp(`^ran schedule ${id} at ${ISO}: success$`)), '  the extension answered 200', '']);
    const ranAt = /at (\S+): success/.exec(run.stdout)?.[1];
    const recorded = emu.registry.scheduleStore.view(id);
    expect(recorded).toMatchObject({ lastRunAt: expect.stringMatching(new RegExp(`^${ISO}$`)), lastRunStatus: 'success', lastError: null });
    // Recorded when the run finished.
    expect(Date.parse(recorded.lastRunAt ?? '')).toBeGreaterThanOrEqual(Date.parse(ranAt ?? ''));
    const logged = emu.registry.executionLog({ tenantId: TENANT, registryId: install?.registryId ?? '' }).filter((r) => r.metrics?.schedule_id === id);
    expect(logged.map((r) => [r.status, r.metrics?.trigger, r.metrics?.method, r.metrics?.path, r.metrics?.http_status])).toEqual([['ok', 'schedule', 'POST', '/tick', 200]]);

    const list = await cli(['schedules', 'list', 'alga-emulator.schedule-board']);
    expect(list.stdout.split('\n')[1]).toBe(`  ${id}  yearly  POST /tick  "0 0 1 1 *" UTC  next ${emu.registry.scheduleStore.view(id).nextRunAt}  last ${recorded.lastRunAt} success`);

    // Four more from the running emulator make five in the tenant's minute; the CLI's next one is refused.
    for (let i = 0; i < 4; i += 1) expect((await emu.scheduler.runNow(id)).status).toBe('success');
    const refused = await cli(['schedules', 'run', id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `error RUN_NOW_RATE_LIMITED: Failed to run schedule ${id} now: Run-now rate limit exceeded \\(try again later\\)\\. Tenant ${TENANT} already ran schedules manually 5 times in the last 60 s \\(production's fixed limit\\)\\. It can run again at ${ISO} \\(in \\d+ s\\)\\.`,
      ),
    );
    const again = Date.parse(/run again at (\S+) /.exec(refused.stderr)?.[1] ?? '');
    expect(again).toBe(Date.parse(ranAt ?? '') + 60_001);
    expect(emu.registry.executionLog({ tenantId: TENANT, registryId: install?.registryId ?? '' }).filter((r) => r.metrics?.schedule_id === id)).toHaveLength(5);
  }, 120_000);
});
