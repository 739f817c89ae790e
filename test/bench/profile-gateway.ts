// Where the Gateway path's time goes (`npx tsx test/bench/profile-gateway.ts`). Starts the
// emulator in its own process, publishes hello-host, profiles the main thread while the KV counter
// runs at concurrency 8, and prints self time per source file and per function (PROFILE_LINES=<re>
// adds line ticks of matching functions). Numbers for an engineer's note, not pass/fail.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELLO_HOST_DIR, ROOT } from '../../harness/runner-fixture.ts';
import { SERVER_NODE_FLAGS, SERVER_PROCESS_ENV } from '../../emulator/cli/server-env.ts';
import { freePort, publishViaApi } from './publish-client.ts';
import { listeningUrl } from './runner-process.ts';

const CALLS = Number(process.env.PROFILE_CALLS ?? 3000);
const CONCURRENCY = Number(process.env.PROFILE_CONCURRENCY ?? 8);
const EMULATOR = fileURLToPath(new URL('./profiled-emulator.ts', import.meta.url));

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[]; positionTicks?: { line: number; ticks: number }[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const work = await mkdtemp(join(tmpdir(), 'profile-'));
try {
  const runnerPort = await freePort();
  // PROFILE_NODE_FLAGS: Node options for the emulator process (e.g. --max-semi-space-size=32);
  // unset, the servers' own (server-env.ts).
  const nodeFlags = process.env.PROFILE_NODE_FLAGS === undefined ? SERVER_NODE_FLAGS : process.env.PROFILE_NODE_FLAGS.split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', EMULATOR], {
    env: { ...SERVER_PROCESS_ENV, ...process.env, PROFILE_OUT: join(work, 'main.cpuprofile'), EMULATOR_DATA_DIR: join(work, 'data'), RUNNER_PORT: String(runnerPort), ALGA_API_KEY: 'profile-key-0123456789', EMULATOR_DEV_TOKEN: 'profile-dev-token-0123', EXT_GATEWAY_RATE_LIMIT: 'off' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await listeningUrl(child, 'emulator listening');
  const bytes = new Uint8Array(execFileSync('sh', ['-c', `tar -C "${HELLO_HOST_DIR}" -cf - manifest.json dist/main.wasm | zstd -3 -q -c`], { maxBuffer: 64 * 1024 * 1024 }));
  const manifest = execFileSync('sh', ['-c', 'zstd -d -q -c | tar -xOf - manifest.json'], { input: bytes }).toString();
  await publishViaApi(url, 'profile-key-0123456789', bytes, manifest);
  const call = async () => {
    const res = await fetch(`${url}/api/ext/alga-emulator.hello-host/counter`, { method: 'POST', headers: { authorization: 'Bearer profile-dev-token-0123' } });
    if (res.status !== 200) throw new Error(`gateway answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  for (let i = 0; i < 100; i++) await call();
  // PROFILE_WARM_CALLS: calls at the profiled concurrency before the window, so the profile shows
  // the steady state (the first ~1000 concurrent calls also pay for compiling their new paths).
  let warm = 0;
  const warmCalls = Number(process.env.PROFILE_WARM_CALLS ?? 0);
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (warm++ < warmCalls) await call(); }));
  child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 200));
  let next = 0;
  const threadsBefore = await threadCpu(child.pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next++ < CALLS) await call(); }));
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  const threadsAfter = await threadCpu(child.pid);
  console.log(`${CALLS} calls at concurrency ${CONCURRENCY}: ${(CALLS / seconds).toFixed(0)} req/s`);
  console.log(`CPU per call: bench client ${((client.user + client.system) / 1000 / CALLS).toFixed(3)} ms`);
  for (const [tid, after] of threadsAfter) {
    const used = after.ms - (threadsBefore.get(tid)?.ms ?? 0);
    if (used / CALLS >= 0.01) console.log(`  emulator thread ${tid} (${after.name}): ${(used / CALLS).toFixed(3)} ms`);
  }
  await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });

  const profileText = await readFile(join(work, 'main.cpuprofile'), 'utf8');
  // PROFILE_KEEP=<file>: keeps the raw profile (Chrome DevTools opens it) for a closer look.
  if (process.env.PROFILE_KEEP) await writeFile(process.env.PROFILE_KEEP, profileText);
  summarize('main thread, measured window only', JSON.parse(profileText) as CpuProfile);
} finally {
  await rm(work, { recursive: true, force: true });
}

function summarize(name: string, p: CpuProfile): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFile = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const file = label(f.url) || `(${f.functionName || 'program'})`;
    byFile.set(file, (byFile.get(file) ?? 0) + us);
    const fn = `${f.functionName || '(anonymous)'} ${label(f.url)}:${f.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`\n== ${name}: ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [k, us] of top(byFile, 25)) console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  console.log('  -- functions');
  for (const [k, us] of top(byFn, 30)) console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  const callers = process.env.PROFILE_CALLERS;
  if (callers) {
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const chains = new Map<string, number>();
    for (const [id, us] of self) {
      const n = byId.get(id);
      if (!n || !new RegExp(callers).test(n.callFrame.functionName)) continue;
      const chain: string[] = [];
      for (let up = parent.get(id); up !== undefined && chain.length < 6; up = parent.get(up)) {
        const f = byId.get(up)?.callFrame;
        if (f) chain.push(`${f.functionName || '(anon)'}@${label(f.url).split('/').pop()}`);
      }
      const k = `${n.callFrame.functionName} <- ${chain.join(' <- ')}`;
      chains.set(k, (chains.get(k) ?? 0) + us);
    }
    console.log('  -- callers');
    for (const [k, us] of top(chains, 12)) console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  }
  const lines = process.env.PROFILE_LINES;
  if (!lines) return;
  const ticks = new Map<string, number>();
  for (const n of p.nodes) {
    if (!new RegExp(lines).test(n.callFrame.functionName)) continue;
    for (const t of n.positionTicks ?? []) {
      const k = `${n.callFrame.functionName} ${label(n.callFrame.url)}:${t.line}`;
      ticks.set(k, (ticks.get(k) ?? 0) + t.ticks);
    }
  }
  console.log('  -- lines (ticks)');
  for (const [k, t] of top(ticks, 20)) console.log(`  ${String(t).padStart(7)}  ${k}`);
}

/** CPU time (user + system, ms) of each thread of `pid`, from /proc (Linux). */
async function threadCpu(pid: number | undefined): Promise<Map<string, { name: string; ms: number }>> {
  const out = new Map<string, { name: string; ms: number }>();
  const tick = 1000 / 100; // USER_HZ
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    try {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = (await readFile(`/proc/${pid}/task/${tid}/comm`, 'utf8')).trim();
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { name, ms: (Number(fields[11]) + Number(fields[12])) * tick });
    } catch {
      // the thread ended
    }
  }
  return out;
}

function label(url: string): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (path.includes('/node_modules/')) return `npm:${path.split('/node_modules/').pop()?.split('/').slice(0, 2).join('/')}`;
  return path.startsWith(ROOT) ? relative(ROOT, path) : path;
}
