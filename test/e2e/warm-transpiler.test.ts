// The warm jco child (RUNNER_WARM_TRANSPILER): same cache files and refusals as a cold child, one
// child per transpile, no process left behind. One 12 MB sample is transpiled twice (warm and
// cold, for the byte comparison); the other cases use a 15 KB dummy component of our world.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { componentEmbed, componentNew } from '@bytecodealliance/jco-transpile/wasm-tools';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../../emulator/bundles/test-support.ts';
import { ComponentLoader, TRANSPILE_CACHE_VERSION } from '../../emulator/runner/engine/component-loader.ts';
import { WARM_START_DELAY_MS, WarmTranspiler } from '../../emulator/runner/engine/warm-transpiler.ts';
import { WIT_PATH } from '../../emulator/wit/world.ts';
import { createEmulator } from '../../harness/index.ts';
import { HELLO_HOST_DIR, RunnerFixture } from '../../harness/runner-fixture.ts';

const temp = tempDirs();
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
  await temp.cleanup();
});

/** A component header followed by bytes that are no component: passes the header check, fails jco. */
const GARBAGE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, ...new TextEncoder().encode('no component')]);
const GARBAGE_REFUSAL =
  'execute_failed: dist/main.wasm is not a valid component: failed to extract interface information from component\n\nCaused by:\n    unexpected end-of-file (at offset 0xa)';

let dummy: Uint8Array;
beforeAll(async () => {
  dummy = await componentNew(await componentEmbed({ dummy: true, witSource: await readFile(WIT_PATH, 'utf8'), world: 'runner' }));
});

async function loaderIn(warm: WarmTranspiler | undefined): Promise<{ loader: ComponentLoader; cacheRoot: string }> {
  const cacheRoot = await temp.make('warm-transpiler-');
  const loader = new ComponentLoader({ cacheRoot, witPath: WIT_PATH, warmTranspiler: warm });
  open.push(loader);
  return { loader, cacheRoot };
}

function load(loader: ComponentLoader, hash: string, bytes: Uint8Array) {
  return loader.load(hash, () => Promise.resolve(bytes), 256);
}

/** Every file under `dir` as [relative path, SHA-256 of its bytes], sorted by path (deep-equal of 12 MB buffers is slow). */
async function filesUnder(dir: string): Promise<[string, string][]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Promise.all(files.sort().map(async (file) => [relative(dir, file), createHash('sha256').update(await readFile(file)).digest('hex')] as [string, string]));
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ESRCH');
    return false;
  }
}

async function waitUntilGone(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (processExists(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Warm children of this test process (Linux: /proc children lists and command lines). */
async function warmChildren(): Promise<number[]> {
  const tasks = await readdir(`/proc/${process.pid}/task`);
  const pids = (await Promise.all(tasks.map((t) => readFile(`/proc/${process.pid}/task/${t}/children`, 'utf8').catch(() => ''))))
    .flatMap((text) => text.trim().split(/\s+/))
    .filter(Boolean)
    .map(Number);
  const warm: number[] = [];
  for (const pid of pids) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('transpile-child.js\0--warm\0')) warm.push(pid);
  }
  return warm;
}

/** The nice value of each thread of process `pid` (field 19 of /proc/<pid>/task/<tid>/stat). */
async function niceValues(pid: number): Promise<number[]> {
  const tids = await readdir(`/proc/${pid}/task`);
  const stats = await Promise.all(tids.map((tid) => readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => undefined)));
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  return stats.filter((stat) => stat !== undefined).map((stat) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
}

describe('warm transpiler', () => {
  it('writes byte-identical cache files to a cold transpile of a 12 MB sample, then starts a fresh warm child', async () => {
    const wasm = new Uint8Array(await readFile(join(HELLO_HOST_DIR, 'dist/main.wasm')));
    const hash = 'sha256:hello-host';
    const cold = await loaderIn(undefined);
    await load(cold.loader, hash, wasm);
    const warmTranspiler = new WarmTranspiler(WIT_PATH, { startDelayMs: 0 });
    const warm = await loaderIn(warmTranspiler);
    const first = warmTranspiler.pid as number;
    expect(await warmTranspiler.whenReady()).toBe(true);
    await load(warm.loader, hash, wasm);

    expect(cold.loader.stats).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 1, separateValidations: 0 });
    expect(warm.loader.stats).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 1, skeletonTranspiles: 1, separateValidations: 0 });
    // The component's folder (the version folder also holds the loader's recent list), with the loader's mark that its modules were validated.
    const coldFiles = await filesUnder(join(cold.cacheRoot, `transpiled/${TRANSPILE_CACHE_VERSION}/sha256-hello-host`));
    expect(coldFiles.map(([name]) => name)).toEqual([
      'interfaces/alga-extension-clients.d.ts',
      'interfaces/alga-extension-context.d.ts',
      'interfaces/alga-extension-http.d.ts',
      'interfaces/alga-extension-invoicing.d.ts',
      'interfaces/alga-extension-logging.d.ts',
      'interfaces/alga-extension-scheduler.d.ts',
      'interfaces/alga-extension-secrets.d.ts',
      'interfaces/alga-extension-services.d.ts',
      'interfaces/alga-extension-storage.d.ts',
      'interfaces/alga-extension-types.d.ts',
      'interfaces/alga-extension-ui-proxy.d.ts',
      'interfaces/alga-extension-user-v2.d.ts',
      'interfaces/alga-extension-user.d.ts',
      'main.core.wasm',
      'main.core2.wasm',
      'main.core3.wasm',
      'main.js',
      'meta.json',
      'validated',
    ]);
    expect(await filesUnder(join(warm.cacheRoot, `transpiled/${TRANSPILE_CACHE_VERSION}/sha256-hello-host`))).toEqual(coldFiles);
    // jco's glue reads JCO_DEBUG once, at load (glue-rewrite.js), not on each of its debug-log calls.
    const glue = await readFile(join(cold.cacheRoot, `transpiled/${TRANSPILE_CACHE_VERSION}/sha256-hello-host/main.js`), 'utf8');
    expect([glue.split('process?.env').length - 1, glue.startsWith('const __algaJcoDebugAtLoad = Boolean(globalThis?.process?.env?.JCO_DEBUG);\n'), glue.includes('if (!__algaJcoDebugAtLoad) { return; }')]).toEqual([1, true, true]);
    expect(processExists(first)).toBe(false);
    expect(warmTranspiler.pid).not.toBe(first);
  });

  it('refuses a broken component with the same message as a cold child, one fresh warm child per transpile', async () => {
    const cold = await loaderIn(undefined);
    const warmTranspiler = new WarmTranspiler(WIT_PATH, { startDelayMs: 0 });
    const warm = await loaderIn(warmTranspiler);
    const first = warmTranspiler.pid as number;
    await expect(load(cold.loader, 'sha256:garbage', GARBAGE)).rejects.toMatchObject({ code: 'EXECUTE_FAILED', message: GARBAGE_REFUSAL });
    await expect(load(warm.loader, 'sha256:garbage', GARBAGE)).rejects.toMatchObject({ code: 'EXECUTE_FAILED', message: GARBAGE_REFUSAL });
    const second = warmTranspiler.pid as number;
    await load(warm.loader, 'sha256:dummy', dummy);

    expect(warm.loader.stats).toEqual({ transpiled: 2, diskCacheHits: 0, warmTranspiles: 2, skeletonTranspiles: 1, separateValidations: 0 });
    expect([first, second, warmTranspiler.pid].map((pid) => pid !== undefined && processExists(pid))).toEqual([false, false, true]);
    expect(new Set([first, second, warmTranspiler.pid]).size).toBe(3);
  });

  it('runs a cold child when the warm one was killed from outside, then warms a new one', async () => {
    const warmTranspiler = new WarmTranspiler(WIT_PATH, { startDelayMs: 0 });
    const { loader } = await loaderIn(warmTranspiler);
    expect(await warmTranspiler.whenReady()).toBe(true);
    const killed = warmTranspiler.pid as number;
    process.kill(killed, 'SIGKILL');
    await waitUntilGone(killed);

    expect(Object.keys((await load(loader, 'sha256:dummy', dummy)).modules)).toEqual(['main.core.wasm', 'main.core2.wasm', 'main.core3.wasm']);
    expect(loader.stats).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 1, separateValidations: 0 });
    expect(await warmTranspiler.whenReady()).toBe(true);
    expect(warmTranspiler.pid).not.toBe(killed);
  });

  it('forks the warm child only after startDelayMs: a transpile before that runs cold', async () => {
    const warmTranspiler = new WarmTranspiler(WIT_PATH, { startDelayMs: 300 });
    const { loader } = await loaderIn(warmTranspiler);
    expect(warmTranspiler.pid).toBeUndefined();
    await load(loader, 'sha256:dummy', dummy);
    expect(loader.stats).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 1, separateValidations: 0 });
    expect(await warmTranspiler.whenReady()).toBe(true);
  });

  it('forks at once on startNow(), instead of after its start delay, and only one child', async () => {
    const warmTranspiler = new WarmTranspiler(WIT_PATH, { startDelayMs: 60_000 });
    const { loader } = await loaderIn(warmTranspiler);
    expect(warmTranspiler.pid).toBeUndefined();
    warmTranspiler.startNow();
    const pid = warmTranspiler.pid;
    expect(pid).toBeGreaterThan(0);
    warmTranspiler.startNow();
    expect(warmTranspiler.pid).toBe(pid);
    expect(await warmTranspiler.whenReady()).toBe(true);
    await load(loader, 'sha256:dummy', dummy);
    expect(loader.stats).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 1, skeletonTranspiles: 1, separateValidations: 0 });
  });

  it('runs the warm child, every thread of it, at the lowest priority (nice 19), the Runner\'s own threads as they were', async () => {
    const before = await niceValues(process.pid);
    const warmTranspiler = new WarmTranspiler(WIT_PATH, { startDelayMs: 0 });
    await loaderIn(warmTranspiler);
    expect(await warmTranspiler.whenReady()).toBe(true);
    const child = await niceValues(warmTranspiler.pid as number);
    expect(child.length).toBeGreaterThan(4);
    expect(new Set(child)).toEqual(new Set([19]));
    expect(new Set(await niceValues(process.pid))).toEqual(new Set(before));
  });

  it('finishes writing the recent list before close() returns, so nothing writes into the cache after it', async () => {
    const { loader, cacheRoot } = await loaderIn(undefined);
    const loaded = await load(loader, 'sha256:dummy', dummy);
    await loader.close();
    expect(await readdir(join(cacheRoot, `transpiled/${TRANSPILE_CACHE_VERSION}`))).toEqual(['recent.json', 'sha256-dummy']);
    expect(JSON.parse(await readFile(join(cacheRoot, `transpiled/${TRANSPILE_CACHE_VERSION}/recent.json`), 'utf8'))).toEqual([{ contentHash: loaded.contentHash, memoryMb: 256 }]);
  });

  it('kills the warm child on close(), whether it is still warming up or ready', async () => {
    const warming = new WarmTranspiler(WIT_PATH, { startDelayMs: 0 });
    const loader = (await loaderIn(warming)).loader;
    const pid = warming.pid as number;
    await loader.close();
    expect(processExists(pid)).toBe(false);

    const ready = new WarmTranspiler(WIT_PATH, { startDelayMs: 0 });
    const other = (await loaderIn(ready)).loader;
    expect(await ready.whenReady()).toBe(true);
    const readyPid = ready.pid as number;
    await other.close();
    expect([processExists(readyPid), ready.pid]).toEqual([false, undefined]);
  });

  it("is started by a Runner with RUNNER_WARM_TRANSPILER=on and killed by the Runner's close()", async () => {
    const fixture = await RunnerFixture.start({}, {}, { RUNNER_WARM_TRANSPILER: 'on' });
    const deadline = Date.now() + 10_000;
    while ((await warmChildren()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const [pid] = await warmChildren();
    expect(pid).toBeGreaterThan(0);
    await fixture.close();
    expect([processExists(pid as number), await warmChildren()]).toEqual([false, []]);
  });

  it('is not started by the harness unless its env asks for it', async () => {
    const fixture = await RunnerFixture.start();
    open.push(fixture);
    const emu = await createEmulator();
    open.push(emu);
    // Past the delay after which a Runner with the setting on forks its warm child.
    await new Promise((r) => setTimeout(r, WARM_START_DELAY_MS + 500));
    expect([fixture.runner.config.warmTranspiler, await warmChildren()]).toEqual([false, []]);
  });
});
