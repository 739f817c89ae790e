import { afterEach, describe, expect, it } from 'vitest';
import { TRANSPILE_CACHE_VERSION } from '../../emulator/runner/engine/component-loader.ts';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { buildComponent, bundleEntry } from '../../emulator/toolchain/build-component.ts';
import { projectGuests } from '../../emulator/toolchain/samples.ts';
import { ROOT, RunnerFixture, TEST_GUEST_DIR, executeBody } from '../../harness/runner-fixture.ts';

const EXT = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const OTHER = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const open: RunnerFixture[] = [];
afterEach(async () => {
  for (const fx of open.splice(0)) await fx.close();
});

async function start(...args: Parameters<typeof RunnerFixture.start>): Promise<RunnerFixture> {
  const fx = await RunnerFixture.start(...args);
  open.push(fx);
  return fx;
}

describe('on-disk transpile cache', () => {
  it('reuses the transpiled component after a restart instead of running jco again', async () => {
    const first = await start();
    const hash = await first.install(TEST_GUEST_DIR, EXT);
    expect((await first.execute(executeBody(EXT, hash, 'GET', '/global'))).json()).toEqual({ global: 1 });
    expect(first.runner.engineStats()).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 1, separateValidations: 0 });
    await first.runner.close();

    // Same data folder, new Runner: the restart finds the transpile on disk.
    const second = await start({ dataDir: first.dataDir, cacheRoot: `${first.dataDir}/cache` });
    expect((await second.execute(executeBody(EXT, hash, 'GET', '/global'))).json()).toEqual({ global: 1 });
    expect(second.runner.engineStats()).toEqual({ transpiled: 0, diskCacheHits: 1, warmTranspiles: 0, skeletonTranspiles: 0, separateValidations: 0 });
  });
});

/** This process's warm jco children (`transpile-child.js --warm`). */
function warmChildren(): number[] {
  const found = spawnSync('pgrep', ['-P', String(process.pid), '-f', 'transpile-child.js --warm'], { encoding: 'utf8' }).stdout;
  return found.split('\n').filter(Boolean).map(Number);
}

describe('warm jco child at start (RUNNER_WARM_TRANSPILER)', () => {
  it('is forked as soon as the preload finds nothing to preload, and the first transpile uses it', async () => {
    const fx = await start({}, {}, { RUNNER_WARM_TRANSPILER: 'on' });
    await fx.runner.preloaded;
    expect(warmChildren()).toHaveLength(1);
    const hash = await fx.install(TEST_GUEST_DIR, EXT);
    expect((await fx.execute(executeBody(EXT, hash, 'GET', '/global'))).json()).toEqual({ global: 1 });
    expect(fx.runner.engineStats()).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 1, skeletonTranspiles: 1, separateValidations: 0 });
    await fx.runner.close();
    expect(warmChildren()).toEqual([]);
  });
});

describe('preload at start (RUNNER_PRELOAD_COMPONENTS)', () => {
  it('compiles the components last loaded from the cache before any call, and the first call still gets a fresh instance', async () => {
    const first = await start();
    const hash = await first.install(TEST_GUEST_DIR, EXT);
    expect((await first.execute(executeBody(EXT, hash, 'GET', '/global'))).json()).toEqual({ global: 1 });
    await first.runner.close();

    const second = await start({ dataDir: first.dataDir, cacheRoot: `${first.dataDir}/cache` });
    expect(second.runner.config.preloadComponents).toBe(3);
    await second.runner.preloaded;
    // Loaded from the disk cache at start, before any request named it.
    expect(second.runner.engineStats()).toEqual({ transpiled: 0, diskCacheHits: 1, warmTranspiles: 0, skeletonTranspiles: 0, separateValidations: 0 });
    // The preloaded instance was never called: the first call sees the module's globals as instantiated.
    expect((await second.execute(executeBody(EXT, hash, 'GET', '/global'))).json()).toEqual({ global: 1 });
    expect((await second.execute(executeBody(EXT, hash, 'GET', '/global'))).json()).toEqual({ global: 1 });
    expect(second.runner.engineStats()).toEqual({ transpiled: 0, diskCacheHits: 1, warmTranspiles: 0, skeletonTranspiles: 0, separateValidations: 0 });
  });

  it('preloads nothing with 0, and nothing from a recent list it cannot read', async () => {
    const first = await start();
    const hash = await first.install(TEST_GUEST_DIR, EXT);
    await first.execute(executeBody(EXT, hash, 'GET', '/global'));
    await first.runner.close();
    const cacheRoot = `${first.dataDir}/cache`;

    const off = await start({ dataDir: first.dataDir, cacheRoot, preloadComponents: 0 });
    await off.runner.preloaded;
    expect(off.runner.engineStats()).toEqual({ transpiled: 0, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 0, separateValidations: 0 });
    await off.runner.close();

    await writeFile(join(cacheRoot, `transpiled/${TRANSPILE_CACHE_VERSION}/recent.json`), '{ not json');
    const unreadable = await start({ dataDir: first.dataDir, cacheRoot });
    await unreadable.runner.preloaded;
    expect(unreadable.runner.engineStats()).toEqual({ transpiled: 0, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 0, separateValidations: 0 });
    expect((await unreadable.execute(executeBody(EXT, hash, 'GET', '/global'))).json()).toEqual({ global: 1 });
  });

  it('keeps the recent list newest first, one entry per component and memory limit', async () => {
    const fx = await start();
    const hash = await fx.install(TEST_GUEST_DIR, EXT);
    await fx.execute(executeBody(EXT, hash, 'GET', '/global', { limits: { memory_mb: 64 } }));
    await fx.execute(executeBody(EXT, hash, 'GET', '/global'));
    await fx.execute(executeBody(EXT, hash, 'GET', '/global', { limits: { memory_mb: 64 } }));
    await expect.poll(async () => JSON.parse(await readFile(join(fx.dataDir, `cache/transpiled/${TRANSPILE_CACHE_VERSION}/recent.json`), 'utf8').catch(() => '[]')) as unknown).toEqual([
      { contentHash: hash, memoryMb: 256 },
      { contentHash: hash, memoryMb: 64 },
    ]);
  });
});

describe('default timeout', () => {
  it('applies RUNNER_DEFAULT_TIMEOUT_MS when the request has no limits', async () => {
    const fx = await start({}, {}, { RUNNER_DEFAULT_TIMEOUT_MS: '400' });
    const hash = await fx.install(TEST_GUEST_DIR, EXT);
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/spin'));
    expect(res.envelope.error).toBe('execute_failed: wasm trap: interrupt (limits.timeout_ms 400 exceeded)');
  });
});

describe('global concurrency bound', () => {
  it('queues a second extension behind a busy single worker instead of failing it, without spare workers', async () => {
    // RUNNER_SPARE_WORKERS=0: no extra thread for the starved extension (test/e2e/hostile/starvation.test.ts covers the spare).
    const fx = await start({ workers: 1, spareWorkers: 0 });
    const hash = await fx.install(TEST_GUEST_DIR, EXT);
    const otherHash = await fx.install(TEST_GUEST_DIR, OTHER);
    await fx.execute(executeBody(OTHER, otherHash, 'GET', '/global'));
    // Both archives are read and verified before the race, so the spin reaches the worker first.
    await fx.execute(executeBody(EXT, hash, 'GET', '/global'));
    const spinning = fx.execute(executeBody(EXT, hash, 'GET', '/spin', { limits: { timeout_ms: 600 } }));
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    const queued = await fx.execute(executeBody(OTHER, otherHash, 'GET', '/global'));
    expect(queued.json()).toEqual({ global: 1 });
    // It could only run once the spinning guest's worker was terminated and replaced.
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect((await spinning).envelope.error).toMatch(/interrupt/);
  });
});

describe('structured log lines', () => {
  it('writes one JSON-able line per guest log call with tenant, extension and request id', async () => {
    const lines: Record<string, unknown>[] = [];
    const fx = await start({}, { log: (line) => lines.push(line) });
    const hash = await fx.install(TEST_GUEST_DIR, EXT);
    const body = executeBody(EXT, hash, 'POST', '/probe', { context: { tenant_id: 'tenant-1', extension_id: EXT, content_hash: hash, request_id: 'req-log', install_id: 'install-1' } });
    Object.assign(body.http, { method: 'POST', path: '/probe', body_b64: Buffer.from(JSON.stringify({ iface: 'logging', fn: 'logError', args: ['boom'] })).toString('base64') });
    await fx.execute(body);
    expect(lines).toContainEqual(expect.objectContaining({
      source: 'runner', level: 'error', stream: 'log', message: 'boom',
      tenant_id: 'tenant-1', extension_id: EXT, request_id: 'req-log', install_id: 'install-1',
    }));
  });
});

describe('sample build cache', () => {
  it('bundles a guest the same from any working directory, so the cache key does not depend on it', async () => {
    const entry = join(ROOT, 'sample-extensions/hello-host/src/index.ts');
    const here = await bundleEntry(entry);
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      expect(await bundleEntry(entry)).toBe(here);
    } finally {
      process.chdir(cwd);
    }
  });

  it('skips componentize-js when the sample sources have not changed', async () => {
    const guests = await projectGuests(ROOT);
    const sample = guests.find((g) => g.name === 'sample-extensions/hello-host');
    if (!sample) throw new Error('hello-host is not a project guest');
    const result = await buildComponent(sample.build);
    expect(result.cached).toBe(true);
  });
});
