import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packEntries } from '../../emulator/bundles/pack.ts';
import { FOREIGN_IMPORT_DIR, LAYOUT_MISMATCH_DIR, RunnerFixture, TEST_GUEST_DIR, executeBody } from '../../harness/runner-fixture.ts';

const EXT = '44444444-4444-4444-8444-444444444444';
const OTHER = '55555555-5555-4555-8555-555555555555';
let fx: RunnerFixture;
let hash: string;
let otherHash: string;

beforeAll(async () => {
  fx = await RunnerFixture.start({ workers: 2, perExtensionConcurrency: 1 });
  hash = await fx.install(TEST_GUEST_DIR, EXT);
  otherHash = await fx.install(TEST_GUEST_DIR, OTHER);
});
afterAll(() => fx.close());

async function readFixtureWasm(dir: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(dir, 'dist/main.wasm')));
}

/** Packs a bundle whose dist/main.wasm is `wasm` and returns its hash. */
async function installWasm(ext: string, wasm: Uint8Array): Promise<string> {
  const packed = await packEntries([
    { path: 'manifest.json', data: new TextEncoder().encode('{}') },
    { path: 'dist/main.wasm', data: wasm },
  ], { level: 1 });
  await fx.putBundle(packed.bytes, packed.contentHash, ext);
  return packed.contentHash;
}

describe('fresh instance per invocation', () => {
  it('answers the same guest global on every call', async () => {
    const seen: unknown[] = [];
    for (let i = 0; i < 6; i++) seen.push((await fx.execute(executeBody(EXT, hash, 'GET', '/global'))).json());
    expect(seen).toEqual(Array(6).fill({ global: 1 }));
  });
});

describe('limits.timeout_ms', () => {
  it('interrupts a looping guest with execute_failed … interrupt and keeps serving', async () => {
    const started = performance.now();
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/spin', { limits: { timeout_ms: 300 } }));
    const elapsed = performance.now() - started;
    expect(res.envelope).toEqual({
      status: 500, headers: {}, body_b64: null,
      error: 'execute_failed: wasm trap: interrupt (limits.timeout_ms 300 exceeded)',
    });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    const next = await fx.execute(executeBody(EXT, hash, 'GET', '/global'));
    expect(next.json()).toEqual({ global: 1 });
  });

  it('serves another extension while one guest spins', async () => {
    const spinning = fx.execute(executeBody(EXT, hash, 'GET', '/spin', { limits: { timeout_ms: 1500 } }));
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    const other = await fx.execute(executeBody(OTHER, otherHash, 'GET', '/global'));
    expect(other.json()).toEqual({ global: 1 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await spinning).envelope.error).toMatch(/interrupt/);
  });

  it('runs one extension\'s calls one at a time when its limit is 1, although two workers are free', async () => {
    await fx.execute(executeBody(EXT, hash, 'GET', '/global')); // load the component first
    const started = performance.now();
    // The second call's own timeout outlasts its wait behind the first (a queued call that waits
    // past its timeout answers without running: test/e2e/hostile/starvation.test.ts).
    const calls = await Promise.all([300, 600].map((ms) => fx.execute(executeBody(EXT, hash, 'GET', '/spin', { limits: { timeout_ms: ms } }))));
    const elapsed = performance.now() - started;
    expect(calls.map((c) => c.envelope.error)).toEqual([300, 600].map((ms) => `execute_failed: wasm trap: interrupt (limits.timeout_ms ${ms} exceeded)`));
    // In parallel both would end after ~600 ms; queued behind each other they take 300 + 600.
    expect(elapsed).toBeGreaterThanOrEqual(890);
  });
});

describe('limits.memory_mb', () => {
  it('traps a guest that grows past its cap with execute_failed and keeps serving', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/grow', { limits: { memory_mb: 64, timeout_ms: 20000 } }));
    expect(res.envelope.status).toBe(500);
    expect(res.envelope.error).toMatch(/^execute_failed: /);
    const next = await fx.execute(executeBody(EXT, hash, 'GET', '/global'));
    expect(next.json()).toEqual({ global: 1 });
  });

  it('refuses a cap below the component\'s initial memory', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/global', { limits: { memory_mb: 1 } }));
    expect(res.envelope.error).toMatch(/^execute_failed: cannot prepare core module .*limits\.memory_mb allows 1024 KiB/);
  });
});

describe('guest failures', () => {
  it('reports a thrown guest error as execute_failed', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/throw'));
    expect(res.envelope.status).toBe(500);
    expect(res.envelope.error).toMatch(/^execute_failed: /);
  });

  it('reports a response without headers as execute_failed (lowering traps)', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/no-headers'));
    expect(res.envelope.status).toBe(500);
    expect(res.envelope.error).toMatch(/^execute_failed: /);
  });

  it('publishes execute failures to the debug stream at level error', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/throw', { context: { tenant_id: 'tenant-1', extension_id: EXT, content_hash: hash, request_id: 'req-throw' } }));
    const events = fx.runner.debugEvents.recent({ request_id: 'req-throw' });
    expect(events.map((e) => [e.level, e.message])).toContainEqual(['error', res.envelope.error]);
  });
});

describe('guests production refuses to link', () => {
  it('refuses a core module', async () => {
    const h = await installWasm('66666666-6666-4666-8666-666666666661', Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    const res = await fx.execute(executeBody('66666666-6666-4666-8666-666666666661', h, 'GET', '/'));
    expect(res.envelope.error).toBe(
      'execute_failed: dist/main.wasm is a core WebAssembly module, not a component of world alga:extension/runner; build it with componentize-js or `wasm-tools component new`',
    );
  });

  it('refuses bytes that are not WebAssembly (e.g. a precompiled artifact)', async () => {
    const h = await installWasm('66666666-6666-4666-8666-666666666662', new TextEncoder().encode('\x7fELF precompiled'));
    const res = await fx.execute(executeBody('66666666-6666-4666-8666-666666666662', h, 'GET', '/'));
    expect(res.envelope.error).toBe('execute_failed: dist/main.wasm is not a WebAssembly binary (precompiled artifacts are not accepted; ship the component)');
  });

  it('refuses a component without the handler export', async () => {
    const h = await installWasm('66666666-6666-4666-8666-666666666663', await parse('(component)'));
    const res = await fx.execute(executeBody('66666666-6666-4666-8666-666666666663', h, 'GET', '/'));
    expect(res.envelope.error).toBe('execute_failed: component does not export the function "handler" of world alga:extension/runner');
  });

  it('refuses a component importing an interface outside the world', async () => {
    const ext = '66666666-6666-4666-8666-666666666664';
    const h = await installWasm(ext, await readFixtureWasm(FOREIGN_IMPORT_DIR));
    const res = await fx.execute(executeBody(ext, h, 'GET', '/global'));
    expect(res.envelope.error).toBe(
      'execute_failed: component failed to link: component imports "alga:extension/telepathy", which is not part of world alga:extension/runner',
    );
  });

  it('refuses a component built against a different record layout', async () => {
    const ext = '66666666-6666-4666-8666-666666666665';
    const h = await installWasm(ext, await readFixtureWasm(LAYOUT_MISMATCH_DIR));
    const res = await fx.execute(executeBody(ext, h, 'GET', '/global'));
    expect(res.envelope.status).toBe(500);
    expect(res.envelope.error).toMatch(
      /^execute_failed: component failed to link: alga:extension\/types: interface ContextData differs from the host's \(guest: interface ContextData \{ tenantId: string, requestId\?: string,/,
    );
  });
});

describe('engine initialisation', () => {
  it('answers 500 engine_init_failed when the world cannot be loaded', async () => {
    const broken = join(fx.dataDir, 'broken.wit');
    await writeFile(broken, 'package alga:extension; world runner { import nope; }');
    const other = await RunnerFixture.start({}, { witPath: broken });
    try {
      const res = await other.execute(executeBody(EXT, hash, 'GET', '/global'));
      expect(res.envelope.status).toBe(500);
      expect(res.envelope.error).toMatch(/^engine_init_failed: /);
    } finally {
      await other.close();
    }
  });
});
