// (r) Record and replay for `npm run bench` (issue 11): 100 real calls of hello-host recorded from
// a Runner (storage counter, context, an http.fetch the egress allowlist denies), then
// `replay(cassette, hello-host)` against the real component, offline: cold (a fresh cache folder:
// extraction-free folder source, jco transpile, worker start) and warm (the transpile cached, as
// in CI with a kept cache folder or in the dev loop with the emulator's), at concurrency 1 and 2.
// Also the cost of recording: execute p50 with and without a recording listening.
// Runs alone with `npx tsx test/bench/replay-figures.ts`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordRunner, replay, type Cassette } from '../../emulator/replay/index.ts';
import { HELLO_HOST_DIR, RunnerFixture, executeBody } from '../../harness/runner-fixture.ts';

const EXT = '88888888-8888-4888-8888-888888888881';
const CALLS = 100;
const OVERHEAD_CALLS = 200;

const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (ms: number) => Math.round(ms * 100) / 100;

/** The i-th call of the recorded mix: half storage counter, a quarter context, a quarter denied fetch. */
function mixedCall(hash: string, i: number) {
  const kind = i % 4;
  const context = { tenant_id: 'tenant-1', extension_id: EXT, install_id: 'install-1', content_hash: hash, request_id: `bench-${i}` };
  if (kind === 2) return { ...executeBody(EXT, hash, 'GET', '/context'), context };
  if (kind === 3) return { ...executeBody(EXT, hash, 'GET', '/fetch', { providers: ['cap:http.fetch'] }), context, http: { method: 'GET', path: '/fetch', query: { url: 'https://api.example.com/x' } } };
  return { ...executeBody(EXT, hash, 'POST', '/counter', { providers: ['cap:storage.kv'] }), context };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Records CALLS real calls, and measures execute p50 with and without a recording listening. */
async function recordCalls(results: Record<string, number>): Promise<Cassette> {
  const fx = await RunnerFixture.start();
  try {
    const hash = await fx.install(HELLO_HOST_DIR, EXT);
    for (let i = 0; i < 20; i++) await fx.execute(mixedCall(hash, i));
    const plain: number[] = [];
    const recorded: number[] = [];
    const overhead = recordRunner(fx.runner, { extensionId: 'someone-else' }); // listening, never matching
    for (let i = 0; i < OVERHEAD_CALLS; i++) plain.push(await timed(() => fx.execute(mixedCall(hash, 0))));
    overhead.stop();
    const busy = recordRunner(fx.runner, { extensionId: EXT });
    for (let i = 0; i < OVERHEAD_CALLS; i++) recorded.push(await timed(() => fx.execute(mixedCall(hash, 0))));
    busy.stop();
    results.record_execute_p50_ms = round(percentile(sortNum(plain), 50));
    results.record_execute_recorded_p50_ms = round(percentile(sortNum(recorded), 50));
    const recording = recordRunner(fx.runner, { extensionId: EXT });
    for (let i = 0; i < CALLS; i++) await fx.execute(mixedCall(hash, i));
    recording.stop();
    return recording.recorder.cassette();
  } finally {
    await fx.close();
  }
}

export async function replayFigures(results: Record<string, number>): Promise<void> {
  const cassette = await recordCalls(results);
  if (cassette.calls.length !== CALLS) throw new Error(`recorded ${cassette.calls.length} calls, expected ${CALLS}`);
  const cacheDir = await mkdtemp(join(tmpdir(), 'replay-bench-'));
  try {
    const run = async (name: string, concurrency: number) => {
      let ok = false;
      results[name] = round(await timed(async () => {
        ok = (await replay(cassette, HELLO_HOST_DIR, { cacheDir, concurrency })).ok;
      }));
      if (!ok) throw new Error(`${name}: the replay of the same build found differences`);
    };
    await run('replay_100_cold_ms', 1);
    await run('replay_100_warm_ms', 1);
    await run('replay_100_warm_concurrency2_ms', 2);
    const one: Cassette = { ...cassette, calls: cassette.calls.slice(0, 1) };
    results.replay_1_warm_ms = round(await timed(() => replay(one, HELLO_HOST_DIR, { cacheDir })));
    results.replay_per_call_ms = round(((results.replay_100_warm_ms ?? NaN) - results.replay_1_warm_ms) / (CALLS - 1));
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
  console.log(`\nReplay of ${CALLS} recorded hello-host calls against the real component (offline, host calls from the cassette, every call the same):`);
  console.log(`  cold ${results.replay_100_cold_ms} ms (fresh cache: transpile + worker), warm ${results.replay_100_warm_ms} ms, warm at concurrency 2 ${results.replay_100_warm_concurrency2_ms} ms`);
  console.log(`  one call warm ${results.replay_1_warm_ms} ms (set-up), so ${results.replay_per_call_ms} ms per further call`);
  console.log(`  recording cost: execute p50 ${results.record_execute_p50_ms} ms without, ${results.record_execute_recorded_p50_ms} ms recorded (${OVERHEAD_CALLS} POST /counter each)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results: Record<string, number> = {};
  await replayFigures(results);
  console.log(JSON.stringify(results));
}
