// First execute of a never-seen bundle (bench figure (d)) with and without the warm jco child
// (RUNNER_WARM_TRANSPILER), a few times each, interleaved so that load on the shared machine
// hits both alike; plus the idle warm child's resident set. Each run: a fresh data folder with
// hello-host's bundle in the store, a Runner in its own process (`npm run runner`), a pause so the
// warm child has finished its warm-up (as it has when a real first request comes), one execute.
// `immediate` runs send the execute right after start-up (the transpile waits for the warming child).
// Alone: `npx tsx test/bench/warm-transpiler-figures.ts` (BENCH_WARM_RUNS, default 5).
import { execFileSync } from 'node:child_process';
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeContentHash } from '../../emulator/bundles/hash.ts';
import { FileBundleStore, bundleStoreKey } from '../../emulator/bundles/store.ts';
import { HELLO_HOST_DIR } from '../../harness/runner-fixture.ts';
import { startRunnerProcess } from './runner-process.ts';

const TENANT = 'bench-tenant';
const EXT = '99999999-9999-4999-8999-999999999999';
const RUNS = Number(process.env.BENCH_WARM_RUNS ?? 5);
/** Longer than the warm child's start-up (~0.8 s on a busy machine). */
const SETTLE_MS = 3000;

type Mode = 'off' | 'on' | 'on-immediate';

/** Process ids of `pid`'s children whose command line contains `marker` (Linux /proc). */
async function childrenMatching(pid: number, marker: string): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`);
  const children = (await Promise.all(tasks.map((t) => readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => ''))))
    .flatMap((text) => text.trim().split(/\s+/))
    .filter(Boolean)
    .map(Number);
  const found: number[] = [];
  for (const child of children) {
    if ((await readFile(`/proc/${child}/cmdline`, 'utf8').catch(() => '')).includes(marker)) found.push(child);
  }
  return found;
}

async function vmRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/** One run: a Runner that never saw the bundle, its first execute timed from outside. */
async function firstExecute(bytes: Uint8Array, hash: string, mode: Mode): Promise<{ ms: number; status: number; idleRssMb?: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-warm-'));
  try {
    await new FileBundleStore(join(dataDir, 'bundles')).put(bundleStoreKey(TENANT, EXT, hash), bytes);
    const runner = await startRunnerProcess(dataDir, { RUNNER_WARM_TRANSPILER: mode === 'off' ? 'off' : 'on' });
    try {
      if (mode !== 'on-immediate') await new Promise((r) => setTimeout(r, SETTLE_MS));
      const [warmPid] = mode === 'on' ? await childrenMatching(runner.pid, '--warm') : [];
      const idleRssMb = warmPid === undefined ? undefined : await vmRssMb(warmPid);
      const started = performance.now();
      const res = await fetch(`${runner.url}/v1/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-alga-tenant': TENANT, 'x-alga-extension': EXT },
        body: JSON.stringify({
          context: { tenant_id: TENANT, extension_id: EXT, install_id: 'bench-install', content_hash: hash },
          http: { method: 'POST', path: '/counter' },
          providers: ['cap:storage.kv'],
        }),
      });
      const envelope = (await res.json()) as { status: number };
      return { ms: performance.now() - started, status: envelope.status, idleRssMb };
    } finally {
      await runner.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)] ?? NaN;
  return `median ${median.toFixed(0)}, min ${s[0]?.toFixed(0)}, max ${s.at(-1)?.toFixed(0)} (${s.map((x) => x.toFixed(0)).join(' ')})`;
}

const bytes = new Uint8Array(execFileSync('sh', ['-c', `tar -C "${HELLO_HOST_DIR}" -cf - manifest.json dist/main.wasm | zstd -3 -q -c`], { maxBuffer: 64 * 1024 * 1024 }));
const hash = computeContentHash(bytes);
const samples: Record<Mode, number[]> = { off: [], on: [], 'on-immediate': [] };
const rss: number[] = [];
for (let i = 0; i < RUNS; i++) {
  for (const mode of ['off', 'on', 'on-immediate'] as const) {
    const run = await firstExecute(bytes, hash, mode);
    if (run.status !== 200) throw new Error(`first execute answered ${run.status}`);
    samples[mode].push(run.ms);
    if (run.idleRssMb !== undefined) rss.push(run.idleRssMb);
    console.log(`run ${i + 1} ${mode}: ${run.ms.toFixed(0)} ms${run.idleRssMb === undefined ? '' : `, idle warm child VmRSS ${run.idleRssMb.toFixed(0)} MB`}`);
  }
}
console.log(`first execute, RUNNER_WARM_TRANSPILER=off (ms):                 ${summary(samples.off)}`);
console.log(`first execute, on, warm child ready (ms):                       ${summary(samples.on)}`);
console.log(`first execute, on, sent right after start-up (ms):              ${summary(samples['on-immediate'])}`);
console.log(`idle warm child VmRSS (MB):                                     ${summary(rss)}`);
