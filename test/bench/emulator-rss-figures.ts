// Bench figure (s) alone: the emulator in its own process (as `npm run bench` starts it, with the
// servers' environment and Node options), hello-host published and called through the Gateway as
// (j)/(k) do, then psa-invoices and schedule-board published and called 20 times each. Prints the
// process's VmRSS/VmHWM after each step and the Gateway's throughput at concurrency 8; several
// runs show the spread (the figure moves with GC timing and machine load).
// Alone: `npx tsx test/bench/emulator-rss-figures.ts` (BENCH_RSS_RUNS, default 3;
// BENCH_SEQUENTIAL, default 2000; BENCH_CONCURRENT, default 1000).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../harness/runner-fixture.ts';
import { freePort, publishViaApi } from './publish-client.ts';
import { startEmulatorProcess } from './runner-process.ts';

const RUNS = Number(process.env.BENCH_RSS_RUNS ?? 3);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 2000);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 1000);
const API_KEY = 'bench-key';
const SAMPLES: [name: string, path: string][] = [['psa-invoices', '/clients'], ['schedule-board', '/endpoints']];

/** A sample's bundle as the official CLI packs it (`tar | zstd`), with its manifest. */
function packSample(name: string): { bytes: Uint8Array; manifest: string } {
  const dir = join(ROOT, 'sample-extensions', name);
  const bytes = new Uint8Array(execFileSync('sh', ['-c', `tar -C "${dir}" -cf - manifest.json dist/main.wasm | zstd -3 -q -c`], { maxBuffer: 64 * 1024 * 1024 }));
  return { bytes, manifest: execFileSync('sh', ['-c', 'zstd -d -q -c | tar -xOf - manifest.json'], { input: bytes }).toString() };
}

/** VmRSS and VmHWM of a process, in MB. */
async function residentMb(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: Math.round(kb('VmRSS') / 1024), hwm: Math.round(kb('VmHWM') / 1024) };
}

/** One run on a fresh data folder: the steps' resident sets, the peak and the throughput. */
async function oneRun(): Promise<{ peakMb: number; rps: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-rss-'));
  const emu = await startEmulatorProcess(dir, await freePort(), API_KEY);
  const step = async (label: string) => {
    const { rss, hwm } = await residentMb(emu.pid);
    console.log(`  ${label.padEnd(26)} VmRSS ${rss} MB, VmHWM ${hwm} MB`);
  };
  const call = async (name: string, path: string, method = 'GET') => {
    const res = await fetch(`${emu.url}/api/ext/alga-emulator.${name}${path}`, { method, headers: { authorization: 'Bearer bench-dev-token' } });
    if (res.status !== 200) throw new Error(`${name} ${path} answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  try {
    const hello = packSample('hello-host');
    await publishViaApi(emu.url, API_KEY, hello.bytes, hello.manifest);
    await step('hello-host published');
    for (let i = 0; i < 50 + SEQUENTIAL; i++) await call('hello-host', '/counter', 'POST');
    await step(`hello-host ${50 + SEQUENTIAL} calls`);
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: 8 }, async () => { while (next++ < CONCURRENT) await call('hello-host', '/counter', 'POST'); }));
    const rps = CONCURRENT / ((performance.now() - started) / 1000);
    await step(`concurrency 8: ${rps.toFixed(0)} req/s`);
    for (const [name, path] of SAMPLES) {
      const sample = packSample(name);
      await publishViaApi(emu.url, API_KEY, sample.bytes, sample.manifest);
      for (let i = 0; i < 20; i++) await call(name, path);
      await step(`${name} 20 calls`);
    }
    return { peakMb: emu.peakRssMb(), rps };
  } finally {
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const runs: { peakMb: number; rps: number }[] = [];
for (let i = 0; i < RUNS; i++) {
  console.log(`run ${i + 1}/${RUNS}`);
  runs.push(await oneRun());
}
const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
console.log(`(s) peak RSS ${range(runs.map((r) => r.peakMb))} MB (${runs.map((r) => r.peakMb.toFixed(0)).join(', ')}); ` +
  `Gateway at concurrency 8 ${range(runs.map((r) => r.rps))} req/s`);
