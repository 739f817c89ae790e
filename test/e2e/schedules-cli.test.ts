// `alga-emulator schedules run <id>` as a shell runs it: the bin as a child process against a data
// folder with the schedule-board sample installed. With an emulator running on the folder the CLI
// finds it (running-emulator.json) and fires the run through its main port, so the run shows on
// that emulator's debug stream (read here over SSE as the shell's developer panel reads it) and
// counts against production's run-now limit (5 per tenant in 60 s) with the emulator's own runs.
// Once the emulator stops, the CLI says it fires at the Runner directly.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugEvent } from '../../emulator/contracts/debug-event.ts';
import { startEmulator, type RunningEmulator } from '../../emulator/host/start-emulator.ts';
import { ROOT } from '../../harness/runner-fixture.ts';

const BIN = join(ROOT, 'emulator/cli/bin/alga-emulator.js');
const SAMPLE = join(ROOT, 'sample-extensions/schedule-board');
const TENANT = '00000000-0000-4000-8000-000000000001';
const exec = promisify(execFile);
const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

/** An SSE reader of the debug stream: `next(match)` resolves with the first matching event, replayed or new. */
async function debugStream(url: string, token: string): Promise<{ next(match: (e: DebugEvent) => boolean): Promise<DebugEvent>; close(): void }> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  return {
    next: async (match) => {
      for (;;) {
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          const event = data ? (JSON.parse(data.slice('data: '.length)) as DebugEvent) : undefined;
          if (event && match(event)) return event;
        }
        const chunk = await reader.read();
        if (chunk.done) throw new Error('the debug stream ended before the event came');
        buffered += decoder.decode(chunk.value, { stream: true });
      }
    },
    close: () => controller.abort(),
  };
}

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
    // The shell serves the debug stream the developer panel reads.
    emu = await startEmulator({ env, settings: { dataDir, port: 0, runnerPort: 0 }, shell: true, log: () => undefined });
    env.RUNNER_PORT = new URL(emu.urls.runner).port;
  }, 180_000);
  afterAll(async () => {
    await emu?.close(); // idempotent: the test closes it already
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should fire the schedule through the running emulator, show it on its debug stream, record the run, and refuse the sixth run-now in a minute', async () => {
    const install = emu.registry.installs(TENANT).find((i) => i.slug === 'alga-emulator.schedule-board');
    // Once a year: the emulator's own cron timer does not fire it during the test.
    const id = emu.registry.createSchedule(install?.installId ?? '', { name: 'yearly', cron: '0 0 1 1 *', method: 'POST', path: '/tick', payload: { from: 'cli' } });
    const token = emu.sessions.devTokens(TENANT).find((u) => u.role === 'msp-admin')?.token ?? '';
    const stream = await debugStream(`${emu.urls.main}/api/ext-debug/stream?extensionId=${install?.registryId}`, token);
    const announced = stream.next((e) => e.message.startsWith(`scheduler: schedule "yearly"`));

    const run = await cli(['schedules', 'run', id]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([expect.stringMatching(new RegExp(`^ran schedule ${id} at ${ISO}: success$`)), '  the extension answered 200', '']);
    expect(run.stderr).toBe(`running schedule ${id} through the emulator running on this data folder (${emu.urls.main}, pid ${process.pid}): the run shows on its debug stream\n`);
    const event = await announced;
    stream.close();
    const logged = () => emu.registry.executionLog({ tenantId: TENANT, registryId: install?.registryId ?? '' }).filter((r) => r.metrics?.schedule_id === id);
    expect(event).toMatchObject({ level: 'info', stream: 'log', tenant_id: TENANT, extension_id: install?.registryId, install_id: install?.installId, request_id: logged()[0]?.requestId, message: 'scheduler: schedule "yearly" (0 0 1 1 * UTC) ran POST /tick: success' });
    const ranAt = /at (\S+): success/.exec(run.stdout)?.[1];
    const recorded = emu.registry.scheduleStore.view(id);
    expect(recorded).toMatchObject({ lastRunAt: expect.stringMatching(new RegExp(`^${ISO}$`)), lastRunStatus: 'success', lastError: null });
    // Recorded when the run finished.
    expect(Date.parse(recorded.lastRunAt ?? '')).toBeGreaterThanOrEqual(Date.parse(ranAt ?? ''));
    expect(logged().map((r) => [r.status, r.metrics?.trigger, r.metrics?.method, r.metrics?.path, r.metrics?.http_status])).toEqual([['ok', 'schedule', 'POST', '/tick', 200]]);

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
    expect(logged()).toHaveLength(5);

    // Stopped: the emulator removed its running-emulator.json, so the CLI says it goes to the Runner itself (the limit is in the data folder).
    await emu.close();
    const direct = await cli(['schedules', 'run', id]);
    expect(direct.code).toBe(1);
    expect(direct.stderr.split('\n').slice(0, 1)).toEqual([`no emulator is running on ${dataDir}: running schedule ${id} at the Runner at http://127.0.0.1:${env.RUNNER_PORT} directly; the run shows on no debug stream`]);
    expect(direct.stderr.split('\n')[1]).toMatch(/^error RUN_NOW_RATE_LIMITED: /);
  }, 120_000);
});
