// The Runner's fast path on a real emulator: new handler source (bundled by esbuild) answers the
// hello-host install's calls through the Gateway, on the same workers, host capabilities, grants
// and envelope as its component, in a sandbox with the componentize-js runtime's globals only.
// What the component itself answers to the same probes was read from a real component built the
// same way (see fast-path-globals.js); the scaffold e2e (dev-loop-fast-path.test.ts) compares the
// two on one source.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packExtension } from '../../emulator/bundles/pack.ts';
import { importShape } from '../../emulator/capabilities/index.ts';
import { startEmulator, type RunningEmulator } from '../../emulator/host/start-emulator.ts';
import type { InstallView } from '../../emulator/registry/registry.ts';
import type { FastPathServed } from '../../emulator/runner/fast-path.ts';
import { BUILTIN_GLOBALS, PLATFORM_GLOBALS, SPIDERMONKEY_ONLY } from '../../emulator/runner/engine/fast-path-globals.js';
import { bundleFastPath } from '../../emulator/toolchain/build-component.ts';
import { HELLO_HOST_DIR } from '../../harness/runner-fixture.ts';

/** A handler on hello-host's routes that reports what it sees. */
export const PROBE_HANDLER = `
import * as storage from 'alga:extension/storage';
import { getContext } from 'alga:extension/context';
const encoder = new TextEncoder();
let calls = 0;
const json = (status, value) => ({ status, headers: [{ name: 'content-type', value: 'application/json' }], body: encoder.encode(JSON.stringify(value)) });
const shape = (e) => ({ tag: Object.prototype.toString.call(e), isError: e instanceof Error, keys: Object.keys(e), message: e.message, payload: e.payload, ctor: e.constructor.name, str: String(e) });
export async function handler(request) {
  calls++;
  const path = new URL(request.http.url, 'http://extension.local').pathname;
  if (path === '/counter') {
    let missing;
    try { storage.get('fast', 'count'); } catch (e) { missing = shape(e); }
    await Promise.resolve();
    storage.put({ namespace: 'fast', key: 'count', value: encoder.encode('1'), revision: undefined });
    return json(200, { calls, missing, tenant: getContext().tenantId, bodyIsBytes: request.http.body instanceof Uint8Array });
  }
  if (path === '/context') {
    const names = ['process', 'require', 'Buffer', 'global', 'setImmediate', 'module', 'exports', '__algaImports', '__algaGuest'];
    return json(200, { own: Object.getOwnPropertyNames(globalThis).sort(), node: Object.fromEntries(names.map((n) => [n, typeof globalThis[n]])), self: self === globalThis });
  }
  if (path === '/user') return json(200, { length: Buffer.from('x').length });
  if (path === '/fetch') {
    try { setTimeout(() => {}, 1); } catch {}
    return json(200, { caught: true });
  }
  return json(404, { path });
}
`;

/** How a componentize-js component built with every feature disabled fails on any uncaught error. */
const COMPONENT_TRAP = 'execute_failed: wasm trap: wasm trap: wasm `unreachable` instruction executed';

let emu: RunningEmulator | undefined;
let dir = '';
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(): Promise<{ e: RunningEmulator; install: InstallView; call: (method: string, path: string) => Promise<{ status: number; body: unknown }>; served: FastPathServed[] }> {
  dir = await mkdtemp(join(tmpdir(), 'fast-path-e2e-'));
  const e = await startEmulator({ settings: { dataDir: join(dir, 'data'), port: 0, runnerPort: 0, apiKey: 'k' } });
  emu = e;
  const packed = await packExtension(HELLO_HOST_DIR);
  const published = await e.registry.publishBytes(packed.bytes);
  await e.registry.install(e.seed.defaultTenantId, published.extension.id, published.version.version);
  const install = e.registry.installOf(e.seed.defaultTenantId, published.extension.id) as InstallView;
  const token = e.sessions.devTokens(e.seed.defaultTenantId).find((d) => d.role === 'msp-admin')?.token ?? '';
  const call = async (method: string, path: string) => {
    const res = await fetch(`${e.urls.main}/api/ext/${install.registryId}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const served: FastPathServed[] = [];
  e.runner.fastPaths.onServed((record) => served.push(record));
  return { e, install, call, served };
}

async function serveProbe(e: RunningEmulator, install: InstallView): Promise<string> {
  await writeFile(join(dir, 'handler.js'), PROBE_HANDLER);
  const interfaces = Object.fromEntries(Object.entries(importShape()).map(([iface, fns]) => [iface, Object.keys(fns)]));
  const { sourceHash } = await e.runner.fastPaths.set(install.registryId, install.contentHash!, await bundleFastPath(join(dir, 'handler.js'), interfaces));
  return sourceHash;
}

describe('fast path through the Gateway', () => {
  it('answers with the new source, host calls through the same capabilities and ledger, fresh state per call, until cleared', async () => {
    const { e, install, call, served } = await start();
    expect(await call('POST', '/counter')).toEqual({ status: 200, body: { count: 1, revision: '1' } });
    const sourceHash = await serveProbe(e, install);
    const expected = {
      calls: 1,
      // exactly what a real componentize-js component gets for storage.get's `missing`
      missing: { tag: '[object Error]', isError: false, keys: [], message: 'missing', payload: 'missing', ctor: 'ComponentError', str: 'Error: missing' },
      tenant: install.tenantId,
      bodyIsBytes: true, // rebuilt in the sandbox's realm, as a component's are its own
    };
    expect(await call('POST', '/counter')).toEqual({ status: 200, body: expected });
    // the module's state starts afresh (calls: 1); storage kept what the first call put
    expect(await call('POST', '/counter')).toEqual({ status: 200, body: { ...expected, missing: undefined } });
    expect(served).toHaveLength(2);
    const [first] = served;
    expect([first!.registryId, first!.baseContentHash, first!.sourceHash, first!.tenantId, first!.envelope.status, first!.request.http.method]).toEqual([install.registryId, install.contentHash, sourceHash, install.tenantId, 200, 'POST']);
    expect(first!.hostCalls.map((c) => [c.interface, c.function, c.outcome, c.error])).toEqual([
      ['alga:extension/storage', 'get', 'err', 'missing'],
      ['alga:extension/storage', 'put', 'ok', undefined],
      ['alga:extension/context', 'getContext', 'ok', undefined],
    ]);
    const logs = e.runner.debugEvents.recent({}).filter((ev) => ev.message.startsWith('fast path:'));
    expect(logs.map((ev) => [ev.level, ev.message])).toEqual([
      ['debug', `fast path: answered by source ${sourceHash} (not yet verified: its component is still building)`],
      ['debug', `fast path: answered by source ${sourceHash} (not yet verified: its component is still building)`],
    ]);
    e.runner.fastPaths.clear(install.registryId);
    expect(await call('POST', '/counter')).toEqual({ status: 200, body: { count: 2, revision: '2' } });
    expect(served).toHaveLength(2);
  }, 120_000);

  it("gives the guest the component runtime's globals and nothing of Node", async () => {
    const { e, install, call } = await start();
    await serveProbe(e, install);
    const platform = Object.keys(PLATFORM_GLOBALS);
    const own = [...BUILTIN_GLOBALS.filter((n) => !SPIDERMONKEY_ONLY.includes(n)), ...platform].sort();
    expect(await call('GET', '/context')).toEqual({
      status: 200,
      body: {
        own,
        node: { process: 'undefined', require: 'undefined', Buffer: 'undefined', global: 'undefined', setImmediate: 'undefined', module: 'undefined', exports: 'undefined', __algaImports: 'undefined', __algaGuest: 'undefined' },
        self: true,
      },
    });
  }, 120_000);

  it('fails a handler that uses Buffer or a timer exactly as the component traps, and says why in the log', async () => {
    const { e, install, call, served } = await start();
    const sourceHash = await serveProbe(e, install);
    const buffer = await call('GET', '/user');
    const timer = await call('GET', '/fetch');
    expect([buffer.status, timer.status]).toEqual([500, 500]);
    expect(served.map((s) => s.envelope.error)).toEqual([COMPONENT_TRAP, COMPONENT_TRAP]);
    const warnings = e.runner.debugEvents.recent({}).filter((ev) => ev.level === 'warn').map((ev) => ev.message);
    expect(warnings).toEqual([
      'fast path: the handler threw ReferenceError: Buffer is not defined',
      'fast path: setTimeout() was called: the component is built without clocks, wasi:http and events, so it traps',
    ]);
    expect(served.map((s) => s.sourceHash)).toEqual([sourceHash, sourceHash]);
  }, 120_000);
});
