// (u) The author loop for `npm run bench` (issue 11) on a scaffolded project watched by the
// emulator: save src/handler.ts → the Gateway answers with the new code (the fast path), and
// save → the component built from that save answers (componentize in the background). Each
// save changes the greeting; the figure is from the write to the first GET /hello with it. The
// component figure is for the last save, whose build may wait for one an earlier save started.
// Runs alone with `npx tsx test/bench/author-loop-figures.ts`.
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DevLoopEvent } from '../../emulator/host/dev-loop.ts';
import { startEmulator } from '../../emulator/host/start-emulator.ts';
import { createExtensionProject } from '../../emulator/scaffold/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SAVES = 10;
/** Time between saves: an author reads the answer before saving again. */
const PAUSE_MS = 1000;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export async function authorLoopFigures(results: Record<string, number>): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'bench-author-loop-'));
  const { dir } = await createExtensionProject({ dir: join(work, 'acme-bench'), ui: false });
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const emu = await startEmulator({ env: { EXT_GATEWAY_RATE_LIMIT: 'off' }, settings: { dataDir: join(work, 'data'), port: 0, runnerPort: 0, apiKey: 'k' }, shell: false });
  try {
    const events: DevLoopEvent[] = [];
    await emu.watch(dir, (event) => events.push(event));
    const token = emu.sessions.devTokens(emu.seed.defaultTenantId).find((d) => d.role === 'msp-admin')?.token ?? '';
    const hello = async () => (await fetch(`${emu.urls.main}/api/ext/local-dev.acme-bench/hello`, { headers: { authorization: `Bearer ${token}` } })).text();
    await hello();
    const file = join(dir, 'src/handler.ts');
    const original = await readFile(file, 'utf8');
    const samples: number[] = [];
    let lastSaved = 0;
    for (let i = 0; i < SAVES; i++) {
      const marker = `Save ${i} from`;
      lastSaved = performance.now();
      await writeFile(file, original.replace('Hello from', marker));
      while (!(await hello()).includes(marker)) {
        if (performance.now() - lastSaved > 30_000) throw new Error(`save ${i}: no new answer after 30 s; dev loop events: ${JSON.stringify(events.slice(-3))}`);
      }
      samples.push(performance.now() - lastSaved);
      await new Promise((r) => setTimeout(r, PAUSE_MS));
    }
    const lastSource = [...events].reverse().find((e) => e.type === 'fast-path') as Extract<DevLoopEvent, { type: 'fast-path' }> | undefined;
    while (!events.some((e) => e.type === 'reload' && lastSource !== undefined && e.builtFrom === lastSource.sourceHash)) {
      if (performance.now() - lastSaved > 600_000) throw new Error('the component of the last save did not take over within 10 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    results.u_component_after_save_s = (performance.now() - lastSaved) / 1000;
    const sorted = samples.sort((a, b) => a - b);
    results.u_fast_path_p50_ms = percentile(sorted, 50);
    results.u_fast_path_p99_ms = percentile(sorted, 99);
    console.log(`author loop: save → new answer (fast path) p50 ${results.u_fast_path_p50_ms.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms over ${SAVES} saves; last save → its component answering ${results.u_component_after_save_s.toFixed(1)} s`);
  } finally {
    await emu.close();
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results: Record<string, number> = {};
  await authorLoopFigures(results);
  console.log(JSON.stringify(results));
}
