// Fairness figures for `npm run bench` (issue 12, item 7): how long another extension's call takes
// while one extension's runaway calls hold every worker. A Runner in its own process with
// RUNNER_WORKERS=2 (the two-core case of the issue); extension B calls the test guest's /global
// sequentially, first on a quiet Runner, then while extension A keeps two looping calls running
// (each re-sent as soon as its timeout ends it), then the same without the spare worker.
// Alone: `npx tsx test/bench/fairness-figures.ts`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileBundleStore, bundleStoreKey } from '../../emulator/bundles/store.ts';
import { packExtension } from '../../emulator/bundles/pack.ts';
import { TEST_GUEST_DIR } from '../../harness/runner-fixture.ts';
import { startRunnerProcess, type RunnerProcess } from './runner-process.ts';

const TENANT = 'bench-tenant';
const A = 'a7000000-0000-4000-8000-00000000000a';
const B = 'b7000000-0000-4000-8000-00000000000b';
const CALLS = Number(process.env.BENCH_FAIRNESS_CALLS ?? 300);
/** Each runaway call's limits.timeout_ms; the loops re-send, so two are running almost always. */
const RUNAWAY_MS = 5000;
/** Without a spare worker each of B's calls waits for a runaway's timeout: a few samples say enough. */
const NO_SPARE_CALLS = 3;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function execute(runner: RunnerProcess, ext: string, hash: string, path: string, timeoutMs?: number): Promise<{ status: number; error: string | null }> {
  const res = await fetch(`${runner.url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-alga-tenant': TENANT, 'x-alga-extension': ext },
    body: JSON.stringify({
      context: { tenant_id: TENANT, extension_id: ext, install_id: `install-${ext.slice(0, 1)}`, content_hash: hash },
      http: { method: 'GET', path },
      ...(timeoutMs && { limits: { timeout_ms: timeoutMs } }),
    }),
  });
  return (await res.json()) as { status: number; error: string | null };
}

/** B's sequential /global latencies (ms); every call must answer 200. */
async function otherExtension(runner: RunnerProcess, hash: string, calls: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    const envelope = await execute(runner, B, hash, '/global');
    samples.push(performance.now() - t);
    if (envelope.status !== 200) throw new Error(`extension B answered ${JSON.stringify(envelope)}`);
  }
  return samples;
}

/** Runs `measure` while two looping calls of extension A run, re-sent as each times out. */
async function duringRunaways<T>(runner: RunnerProcess, hash: string, measure: () => Promise<T>): Promise<T> {
  let stop = false;
  const loops = [0, 1].map(async () => {
    while (!stop) {
      const envelope = await execute(runner, A, hash, '/spin', RUNAWAY_MS);
      if (!envelope.error?.includes('interrupt')) throw new Error(`runaway call answered ${JSON.stringify(envelope)}`);
    }
  });
  await new Promise((r) => setTimeout(r, 300)); // both loops reach the workers
  try {
    return await measure();
  } finally {
    stop = true;
    await Promise.all(loops);
  }
}

async function withRunner<T>(dataDir: string, env: Record<string, string>, hash: string, use: (runner: RunnerProcess) => Promise<T>): Promise<T> {
  const runner = await startRunnerProcess(dataDir, { RUNNER_WORKERS: '2', ...env });
  try {
    for (const ext of [A, B]) for (let i = 0; i < 20; i++) await execute(runner, ext, hash, '/global');
    return await use(runner);
  } finally {
    await runner.stop();
  }
}

/** Adds `fairness_*` figures to `results` and prints them. */
export async function fairnessFigures(results: Record<string, number>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-fairness-'));
  try {
    const packed = await packExtension(TEST_GUEST_DIR, { level: 1 });
    const store = new FileBundleStore(join(dataDir, 'bundles'));
    for (const ext of [A, B]) await store.put(bundleStoreKey(TENANT, ext, packed.contentHash), packed.bytes);
    const hash = packed.contentHash;

    await withRunner(dataDir, {}, hash, async (runner) => {
      const quiet = await otherExtension(runner, hash, CALLS);
      const busy = await duringRunaways(runner, hash, () => otherExtension(runner, hash, CALLS));
      results.fairness_quiet_p50_ms = percentile(quiet, 50);
      results.fairness_quiet_p99_ms = percentile(quiet, 99);
      results.fairness_runaway_p50_ms = percentile(busy, 50);
      results.fairness_runaway_p99_ms = percentile(busy, 99);
      results.fairness_runaway_first_ms = busy[0] ?? NaN;
    });
    await withRunner(dataDir, { RUNNER_SPARE_WORKERS: '0' }, hash, async (runner) => {
      const starved = await duringRunaways(runner, hash, () => otherExtension(runner, hash, NO_SPARE_CALLS));
      results.fairness_runaway_no_spare_p50_ms = percentile(starved, 50);
    });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  const ms = (key: string) => `${results[key]?.toFixed(2)} ms`;
  console.log(`\nother extension's call, RUNNER_WORKERS=2, ${CALLS} sequential calls each`);
  console.log(`  quiet Runner                                   p50 ${ms('fairness_quiet_p50_ms')}  p99 ${ms('fairness_quiet_p99_ms')}`);
  console.log(`  two runaway calls of another extension         p50 ${ms('fairness_runaway_p50_ms')}  p99 ${ms('fairness_runaway_p99_ms')}  first ${ms('fairness_runaway_first_ms')}`);
  console.log(`  same, RUNNER_SPARE_WORKERS=0 (${NO_SPARE_CALLS} calls)           p50 ${ms('fairness_runaway_no_spare_p50_ms')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await fairnessFigures({});
}
