import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUNNING_FILE } from '../../host/running-file.ts';
import { TEST_GUEST_DIR } from '../../../harness/runner-fixture.ts';
import { cliFixture, DEFAULT_TENANT, writeTree, type CliFixture } from './test-support.ts';

/** A loopback URL nothing listens on (a port bound, then released). */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The test guest published with a schedulable POST /tick, and a yearly schedule on it. */
async function withSchedule(fx: CliFixture): Promise<string> {
  const dir = join(fx.cwd, 'guest');
  await writeTree(dir, { 'manifest.json': JSON.stringify({ name: 'ticker', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1', capabilities: [], api: { endpoints: [{ method: 'POST', path: '/tick', handler: 'dist/main.wasm' }] } }) });
  cpSync(join(TEST_GUEST_DIR, 'dist'), join(dir, 'dist'), { recursive: true });
  expect((await fx.run(['publish', 'guest'])).code).toBe(0);
  const data = await fx.open();
  const install = data.registry.installOf(DEFAULT_TENANT, 'acme.ticker');
  return data.registry.createSchedule(install?.installId ?? '', { name: 'yearly', cron: '0 0 1 1 *', method: 'POST', path: '/tick' });
}

describe('alga-emulator schedules', () => {
  it('should list an install without schedules, and refuse to run an unknown schedule with SCHEDULE_NOT_FOUND', async () => {
    const fx = await cliFixture();
    expect((await fx.run(['publish', 'ext'])).code).toBe(0);
    const list = await fx.run(['schedules', 'list', 'cli-ui']);
    expect([list.code, list.out]).toEqual([0, [`schedules of acme.cli-ui for tenant ${DEFAULT_TENANT}`, '  (none)']]);
    const run = await fx.run(['schedules', 'run', '7a1c3f3e-0000-4000-8000-000000000000']);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toContain('Failed to find schedule 7a1c3f3e-0000-4000-8000-000000000000: no install has it');
  });

  it('should run at the Runner directly, saying so, when the running-emulator file names a process that is gone', async () => {
    const fx = await cliFixture();
    const id = await withSchedule(fx);
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    const runner = await closedUrl();
    writeFileSync(join(fx.dataDir, RUNNING_FILE), JSON.stringify({ url: await closedUrl(), runnerUrl: runner, pid: gone, startedAt: '2025-01-01T00:00:00.000Z', instance: 'x' }));
    const run = await fx.run(['schedules', 'run', id], { RUNNER_BASE_URL: runner });
    expect(run.code).toBe(0);
    expect(run.err).toEqual([`no emulator is running on ${fx.dataDir}: running schedule ${id} at the Runner at ${runner} directly; the run shows on no debug stream`]);
    expect(run.out).toEqual([expect.stringMatching(new RegExp(`^ran schedule ${id} at \\S+: error \\(runner unreachable: fetch failed\\)$`)), `  is the emulator running? (${runner}; start it with \`npm run emulate\` on this data folder)`]);
  }, 60_000);

  it('should fall back to the Runner, saying why, when the running emulator refuses the connection', async () => {
    const fx = await cliFixture();
    const id = await withSchedule(fx);
    const [main, runner] = [await closedUrl(), await closedUrl()];
    writeFileSync(join(fx.dataDir, RUNNING_FILE), JSON.stringify({ url: main, runnerUrl: runner, pid: process.pid, startedAt: '2025-01-01T00:00:00.000Z', instance: 'x' }));
    const run = await fx.run(['schedules', 'run', id, '--json'], { RUNNER_BASE_URL: runner });
    expect(run.code).toBe(0);
    expect(run.err).toEqual([
      `running schedule ${id} through the emulator running on this data folder (${main}, pid ${process.pid}): the run shows on its debug stream`,
      `the emulator in ${RUNNING_FILE} (pid ${process.pid}) refused the connection: running schedule ${id} at the Runner at ${runner} directly; the run shows on no debug stream`,
    ]);
    expect(JSON.parse(run.out.join('\n'))).toMatchObject({ scheduleId: id, status: 'error', error: 'runner unreachable: fetch failed', via: { kind: 'direct', runnerUrl: runner, reason: `the emulator in ${RUNNING_FILE} (pid ${process.pid}) refused the connection` } });
  }, 60_000);

  it('should fail with RUNNING_EMULATOR_UNREACHABLE, and not fall back, when the running emulator takes the run but answers no run', async () => {
    const fx = await cliFixture();
    const id = await withSchedule(fx);
    // One server hangs up mid-request (the run may have started: no second run), one answers 500 without a body.
    const hangUp = createServer((req) => req.socket.destroy());
    const blank = createServer((_req, res) => res.writeHead(500).end());
    const urls: string[] = [];
    for (const server of [hangUp, blank]) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    try {
      const runWith = async (url: string) => {
        writeFileSync(join(fx.dataDir, RUNNING_FILE), JSON.stringify({ url, runnerUrl: url, pid: process.pid, startedAt: '2025-01-01T00:00:00.000Z', instance: 'x' }));
        return fx.run(['schedules', 'run', id], { RUNNER_BASE_URL: await closedUrl() });
      };
      const hung = await runWith(urls[0] as string);
      expect([hung.code, hung.out, hung.err.slice(1)]).toEqual([
        1,
        [],
        [`error RUNNING_EMULATOR_UNREACHABLE: Failed to run schedule ${id} through the emulator at ${urls[0]} (pid ${process.pid}): fetch failed. Fix: check that emulator (its terminal shows why), or stop it and run again to use its Runner directly.`],
      ]);
      const empty = await runWith(urls[1] as string);
      expect([empty.code, empty.err.slice(1)]).toEqual([
        1,
        [`error RUNNING_EMULATOR_UNREACHABLE: Failed to run schedule ${id} through the emulator at ${urls[1]}: it answered HTTP 500 without an error body. Fix: check that emulator's terminal.`],
      ]);
      const data = await fx.open();
      expect(data.registry.scheduleStore.view(id).lastRunAt).toBeNull();
    } finally {
      for (const server of [hangUp, blank]) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);
});
