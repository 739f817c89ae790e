// (q) Decompression-bomb figures for `npm run bench` (issue 12): a ~150 KB archive unpacking to
// 4.5 GiB is published through the API of an emulator in its own process, repeatedly, while a
// Gateway call runs back to back. Reported: the process's RSS growth (target ≤ 50 MB) and the
// concurrent call's p50 / p99 next to the quiet figure (target p99 ≤ 2×). Runs alone with
// `npx tsx test/bench/bomb-figures.ts`.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeContentHash } from '../../emulator/bundles/hash.ts';
import { packExtension } from '../../emulator/bundles/pack.ts';
import { HELLO_HOST_DIR } from '../../harness/runner-fixture.ts';
import { BOMB_MEMBER_BYTES, BOMB_UNPACKED_BYTES, buildZstdBomb } from '../e2e/hostile/crafted-archives.ts';
import { BENCH_EMULATOR_TENANT, freePort, publishViaApi } from './publish-client.ts';
import { startEmulatorProcess } from './runner-process.ts';

const API_KEY = 'bench-key';
const TOKEN = 'bench-dev-token';
const QUIET_CALLS = 1000;
const BOMBS = 10;

const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/** upload-proxy + finalize of the bomb; the finalize status and code (expected 400 BUNDLE_RATIO_TOO_HIGH). */
async function publishBomb(base: string, bytes: Uint8Array): Promise<string> {
  const hex = computeContentHash(bytes).slice('sha256:'.length);
  const headers = { 'x-api-key': API_KEY, 'x-tenant-id': BENCH_EMULATOR_TENANT, 'x-alga-admin': 'true' };
  const up = await fetch(`${base}/api/ext-bundles/upload-proxy?filename=bundle.tar.zst&size=${bytes.length}&declaredHash=${hex}`, {
    method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: Buffer.from(bytes),
  });
  const key = ((await up.json()) as { upload: { key: string } }).upload.key;
  const fin = await fetch(`${base}/api/ext-bundles/finalize`, {
    method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ key, declaredHash: hex, size: bytes.length, manifestJson: '{}' }),
  });
  return `${fin.status} ${((await fin.json()) as { code: string }).code}`;
}

export async function bombFigures(results: Record<string, number>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-bomb-'));
  const bomb = await buildZstdBomb(BOMB_UNPACKED_BYTES, BOMB_MEMBER_BYTES);
  const emu = await startEmulatorProcess(dir, await freePort(), API_KEY);
  try {
    const sample = await packExtension(HELLO_HOST_DIR, { level: 3 });
    await publishViaApi(emu.url, API_KEY, sample.bytes, await readFile(join(HELLO_HOST_DIR, 'manifest.json'), 'utf8'));
    const call = async (): Promise<number> => {
      const t = performance.now();
      const res = await fetch(`${emu.url}/api/ext/alga-emulator.hello-host/counter`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
      if (res.status !== 200) throw new Error(`gateway answered ${res.status}`);
      await res.arrayBuffer();
      return performance.now() - t;
    };
    for (let i = 0; i < 100; i++) await call();
    // Warm the archive reader (its worker start-up) with one bomb before the baseline.
    const first = performance.now();
    const answer = await publishBomb(emu.url, bomb);
    results.q_bomb_finalize_ms = performance.now() - first;
    if (answer !== '400 BUNDLE_RATIO_TOO_HIGH') throw new Error(`the bomb was answered ${answer}`);

    const quiet: number[] = [];
    for (let i = 0; i < QUIET_CALLS; i++) quiet.push(await call());
    const baseline = rssMb(emu.pid);
    let peak = baseline;
    const sampler = setInterval(() => { peak = Math.max(peak, rssMb(emu.pid)); }, 5);
    const during: number[] = [];
    let bombing = true;
    const bombs = (async () => {
      for (let i = 0; i < BOMBS; i++) await publishBomb(emu.url, bomb);
      bombing = false;
    })();
    while (bombing) during.push(await call());
    await bombs;
    clearInterval(sampler);

    const q = sortNum(quiet);
    const d = sortNum(during);
    results.q_bomb_bytes = bomb.length;
    results.q_bomb_rss_growth_mb = peak - baseline;
    results.q_quiet_p50_ms = percentile(q, 50);
    results.q_quiet_p99_ms = percentile(q, 99);
    results.q_during_bomb_p50_ms = percentile(d, 50);
    results.q_during_bomb_p99_ms = percentile(d, 99);
    results.q_during_bomb_calls = d.length;
  } finally {
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The (q) row of the bench table. */
export function bombRow(results: Record<string, number>): [string, string, string, string] {
  const f = (n: number | undefined) => n?.toFixed(2) ?? '';
  return [
    '(q) 4.5 GiB bomb: RSS growth; Gateway p50 / p99 quiet → during',
    `+${results.q_bomb_rss_growth_mb?.toFixed(0)} MB; ${f(results.q_quiet_p50_ms)} / ${f(results.q_quiet_p99_ms)} → ${f(results.q_during_bomb_p50_ms)} / ${f(results.q_during_bomb_p99_ms)} ms`,
    `${((results.q_during_bomb_p99_ms ?? NaN) / (results.q_quiet_p99_ms ?? NaN)).toFixed(2)}× p99`,
    'RSS +≤ 50 MB, p99 ≤ 2× quiet',
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results: Record<string, number> = {};
  await bombFigures(results);
  console.log(JSON.stringify(results, null, 2));
  console.log(bombRow(results).join('  '));
}
