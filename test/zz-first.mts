import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeContentHash } from '/work/main/emulator/bundles/hash.ts';
import { FileBundleStore, bundleStoreKey } from '/work/main/emulator/bundles/store.ts';
import { HELLO_HOST_DIR } from '/work/main/harness/runner-fixture.ts';
import { startRunnerProcess } from '/work/main/test/bench/runner-process.ts';
const TENANT = 'bench-tenant', EXT = '99999999-9999-4999-8999-999999999999';
const dataDir = await mkdtemp(join(tmpdir(), 'first-'));
const bytes = new Uint8Array(execFileSync('sh', ['-c', `tar -C "${HELLO_HOST_DIR}" -cf - manifest.json dist/main.wasm | zstd -3 -q -c`], { maxBuffer: 64 << 20 }));
const hash = computeContentHash(bytes);
await new FileBundleStore(join(dataDir, 'bundles')).put(bundleStoreKey(TENANT, EXT, hash), bytes);
const body = JSON.stringify({ context: { tenant_id: TENANT, extension_id: EXT, install_id: 'bench-install', content_hash: hash }, http: { method: 'POST', path: '/counter' }, providers: ['cap:storage.kv'] });
async function call(url: string) { const t = performance.now(); (await import('node:fs')).appendFileSync('/tmp/tl.log', `client-send ${(performance.timeOrigin + performance.now()).toFixed(1)}\n`);  const r = await fetch(`${url}/v1/execute`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-alga-tenant': TENANT, 'x-alga-extension': EXT }, body }); const e = await r.json(); if (e.status !== 200) throw new Error(JSON.stringify(e));  return (performance.now() - t).toFixed(0); }
const rounds = Number(process.env.ROUNDS ?? 1);
for (let i = 0; i < rounds; i++) {
  const r = await startRunnerProcess(dataDir, process.env.PRE ? { RUNNER_PRELOAD_COMPONENTS: process.env.PRE } : {});
  if (process.env.DELAY) await new Promise((res) => setTimeout(res, Number(process.env.DELAY)));
  console.log(i === 0 ? "cold" : "restart", await call(r.url), "ms; second", await call(r.url), "ms; peak", r.peakRssMb(), "MB");
  await r.stop();
}
