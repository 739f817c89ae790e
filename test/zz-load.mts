import { createWriteStream } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELLO_HOST_DIR } from '../harness/runner-fixture.ts';
import { freePort, publishViaApi } from './bench/publish-client.ts';
import { SERVER_PROCESS_ENV, SERVER_NODE_FLAGS } from '../emulator/cli/server-env.ts';
const work = await mkdtemp(join(tmpdir(), 'load-'));
const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...(process.env.EXTRA_FLAGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', 'test/bench/emulator-process.ts'], { env: { ...process.env, ...SERVER_PROCESS_ENV, EMULATOR_DATA_DIR: join(work, 'data'), RUNNER_PORT: String(await freePort()), ALGA_API_KEY: 'k-0123456789abcdef', EMULATOR_DEV_TOKEN: 'bench-dev-token', EXT_GATEWAY_RATE_LIMIT: 'off' }, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => { let out = ''; child.stdout.on('data', (c) => { out += c; const m = /"url":"([^"]+)"/.exec(out); if (m) resolve(m[1]); if (out.length > 1e6) out = out.slice(-1000); });
const traceOut = createWriteStream('/tmp/trace.txt'); child.stdout.on('data', (c) => traceOut.write(c)); });
const bytes = new Uint8Array(execFileSync('sh', ['-c', `tar -C "${HELLO_HOST_DIR}" -cf - manifest.json dist/main.wasm | zstd -3 -q -c`], { maxBuffer: 64 << 20 }));
const manifest = execFileSync('sh', ['-c', 'zstd -d -q -c | tar -xOf - manifest.json'], { input: bytes }).toString();
await publishViaApi(url, 'k-0123456789abcdef', bytes, manifest);
const call = async () => { const r = await fetch(`${url}/api/ext/alga-emulator.hello-host/counter`, { method: 'POST', headers: { authorization: 'Bearer bench-dev-token' } }); await r.text(); };
for (let i = 0; i < 200; i++) await call();
console.log('PID', child.pid);
await new Promise((r) => setTimeout(r, Number(process.env.PAUSE ?? 3000)));
import { readdirSync, readFileSync } from 'node:fs';
const cpu = () => { const m = new Map<string, number>(); for (const tid of readdirSync(`/proc/${child.pid}/task`)) { try { const st = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8'); const f = st.slice(st.lastIndexOf(')') + 2).split(' '); m.set(tid + ':' + readFileSync(`/proc/${child.pid}/task/${tid}/comm`, 'utf8').trim(), (Number(f[11]) + Number(f[12])) * 10); } catch {} } return m; };
const c0 = cpu(); const self0 = process.cpuUsage();
const t = performance.now(); const N = Number(process.env.N ?? 1000);

const C = Number(process.env.CONC ?? 1);
if (C === 1) { for (let i = 0; i < N; i++) await call(); console.log('seq ms/call', ((performance.now() - t) / N).toFixed(3)); }
else { let next = 0; await Promise.all(Array.from({ length: C }, async () => { while (next++ < 500) await call(); })); next = 0; const t2 = performance.now(); await Promise.all(Array.from({ length: C }, async () => { while (next++ < N) await call(); })); console.log('conc req/s', (N / ((performance.now() - t2) / 1000)).toFixed(0)); }
const c1 = cpu(); const NN = Number(process.env.N ?? 1000) + (C === 1 ? 0 : 500); let line = `client ${((process.cpuUsage(self0).user + process.cpuUsage(self0).system) / 1000 / NN).toFixed(2)}`; let tot = 0;
for (const [k, v] of c1) { const d = (v - (c0.get(k) ?? 0)) / NN; tot += d; if (d > 0.05) line += ` ${k.split(':')[1]} ${d.toFixed(2)}`; } console.log('cpu ms/call', line, 'total', tot.toFixed(2));
child.kill('SIGTERM');
