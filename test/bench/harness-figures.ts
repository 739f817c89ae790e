// Harness figures for `npm run bench`: (l) createEmulator start-up, (m) snapshot and restore,
// (n) a 100-test author suite with per-test isolation, wall-clock in its own Vitest process.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createEmulator } from '../../harness/index.ts';
import { ROOT } from '../../harness/runner-fixture.ts';

const SUITE = fileURLToPath(new URL('./suite-100', import.meta.url));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function harnessFigures(results: Record<string, number>): Promise<void> {
  // (l) start to ready, 5 times (the transpile cache is shared, as in an author's runs).
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const emu = await createEmulator();
    starts.push(performance.now() - t);
    await emu.close();
  }
  results.l_harness_start_p50_ms = median(starts);
  results.l_harness_start_max_ms = Math.max(...starts);

  // (m) snapshot, then a test's worth of writes and a restore, 300 times.
  const emu = await createEmulator({ env: { EXT_GATEWAY_RATE_LIMIT: 'off' } });
  try {
    const ext = await emu.install('hello-host');
    await emu.invoke(ext, { method: 'POST', path: '/counter' });
    const snapTimes: number[] = [];
    const restoreTimes: number[] = [];
    for (let i = 0; i < 300; i++) {
      let t = performance.now();
      const snap = await emu.snapshot();
      snapTimes.push(performance.now() - t);
      emu.storage(ext).put('bench', `k${i}`, 'x'.repeat(100));
      emu.config(ext).set({ round: String(i) });
      if (i % 10 === 0) await emu.invoke(ext, { method: 'POST', path: '/counter' });
      t = performance.now();
      await emu.restore(snap);
      restoreTimes.push(performance.now() - t);
    }
    results.m_snapshot_p50_ms = median(snapTimes);
    results.m_restore_p50_ms = median(restoreTimes);
    results.m_restore_p99_ms = [...restoreTimes].sort((a, b) => a - b)[Math.floor(restoreTimes.length * 0.99)] ?? NaN;
  } finally {
    await emu.close();
  }

  // (n) the whole suite as an author runs it: `vitest run`, start-up and 100 isolated tests.
  const t = performance.now();
  const run = await promisify(execFile)(`${ROOT}/node_modules/.bin/vitest`, ['run', '--root', SUITE, '--reporter', 'dot', '--no-color'], { cwd: ROOT, timeout: 300_000, env: { ...process.env, NO_COLOR: '1' } });
  results.n_suite100_wall_ms = performance.now() - t;
  if (!/Tests\s+100 passed/.test(run.stdout)) throw new Error(`the 100-test suite did not pass:\n${run.stdout}`);
}
