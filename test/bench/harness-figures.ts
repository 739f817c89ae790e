// Harness figures for `npm run bench`: (l) createEmulator start-up, (m) snapshot and restore,
// (n) a 100-test author suite with per-test isolation, wall-clock in its own Vitest process, with
// the package installed as an author has it; (n2) the same suite on the checkout's sources.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createEmulator } from '../../harness/index.ts';
import { ROOT } from '../../harness/runner-fixture.ts';
import { installedSuite } from './installed-suite.ts';

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

  // (n) the whole suite as an author runs it: `vitest run`, start-up and 100 isolated tests, with
  // the package installed in the project's node_modules. (n2) the same suite importing this
  // checkout's TypeScript sources, which Vitest transforms on every run (a checkout's own tests).
  const installed = await installedSuite(SUITE);
  try {
    results.n_suite100_wall_ms = await timedSuite(installed.dir);
  } finally {
    await installed.remove();
  }
  results.n2_suite100_sources_wall_ms = await timedSuite(SUITE);
}

/** Wall-clock of `vitest run` in `root`, which must pass its 100 tests. */
async function timedSuite(root: string): Promise<number> {
  const t = performance.now();
  const run = await promisify(execFile)(`${ROOT}/node_modules/.bin/vitest`, ['run', '--root', root, '--reporter', 'dot', '--no-color'], { cwd: root, timeout: 300_000, env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t;
  if (!/Tests\s+100 passed/.test(run.stdout)) throw new Error(`the 100-test suite in ${root} did not pass:\n${run.stdout}`);
  return ms;
}
