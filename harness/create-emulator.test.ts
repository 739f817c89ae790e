// createEmulator without running a component: start-up, installs of UI-only extensions, Gateway
// refusals, the Runner's answer for a bundle without a handler, isolation and close.
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packExtension } from '../emulator/index.ts';
import { seededUserId } from '../emulator/internals.ts';
import { createEmulator, type InstallResult, type TestEmulator } from './index.ts';
import { ROOT } from './runner-fixture.ts';

const UI_ONLY = join(ROOT, 'test/fixtures/extensions/ui-only-handwritten');
const HEX = /^sha256:[0-9a-f]{64}$/;
const temps: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'harness-unit-'));
  temps.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('createEmulator: installs', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await createEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  it('should publish and install a UI-only folder for the default tenant and return its ids', async () => {
    const ext = await emu.install(UI_ONLY);
    const view = emu.registry.installOf(emu.tenants.default, ext.registryId);
    expect(ext).toEqual({
      registryId: emu.registry.extension('alga-emulator-tests.ui-only-handwritten').id,
      installId: view?.installId,
      versionId: view?.versionId,
      version: '1.0.0',
      contentHash: view?.contentHash,
      slug: 'alga-emulator-tests.ui-only-handwritten',
      tenantId: '00000000-0000-4000-8000-000000000001',
    });
    expect(ext.contentHash).toMatch(HEX);
    expect(emu.registry.installOf(emu.tenants.second, ext.registryId)).toBeNull();
  });

  it('should install the same bundle from bytes, from a .tar.zst file and by sample name', async () => {
    const packed = await packExtension(join(ROOT, 'sample-extensions/hello-iframe'), { level: 3 });
    const fromBytes = await emu.install(packed.bytes);
    expect([fromBytes.slug, fromBytes.contentHash]).toEqual(['alga-emulator.hello-iframe', packed.contentHash]);
    const file = join(await tempDir(), 'bundle.tar.zst');
    await writeFile(file, packed.bytes);
    expect((await emu.install(file)).contentHash).toBe(packed.contentHash);
    const bySample = await emu.install('hello-iframe');
    expect([bySample.registryId, bySample.versionId]).toEqual([fromBytes.registryId, fromBytes.versionId]);
    expect(bySample.contentHash).not.toBe(packed.contentHash); // packed again by the harness, at its own level
  });

  it('should make a changed folder the active bundle of the same version, like the dev loop', async () => {
    const dir = join(await tempDir(), 'ext');
    await cp(UI_ONLY, dir, { recursive: true });
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ name: 'changing', publisher: 'acme', version: '2.0.0', runtime: 'wasm-js@1', capabilities: [], ui: { type: 'iframe', entry: 'index.html' } }));
    const first = await emu.install(dir);
    await writeFile(join(dir, 'ui', 'index.html'), '<!doctype html><p>changed</p>');
    const second = await emu.install(dir);
    expect([second.registryId, second.versionId, second.version]).toEqual([first.registryId, first.versionId, '2.0.0']);
    expect(second.contentHash).not.toBe(first.contentHash);
    expect(emu.registry.installOf(emu.tenants.default, 'acme.changing')?.contentHash).toBe(second.contentHash);
    expect(emu.registry.versions(first.registryId).map((v) => v.version)).toEqual(['2.0.0']);
  });

  it('should apply tenant, config and grants at install', async () => {
    const ext = await emu.install(UI_ONLY, { tenant: 'second', config: { region: 'eu' }, grants: ['cap:http.fetch'] });
    expect(ext.tenantId).toBe('00000000-0000-4000-8000-000000000002');
    const config = emu.registry.getConfig(emu.tenants.second, ext.registryId);
    expect([config.config, config.providers.includes('cap:http.fetch')]).toEqual([{ region: 'eu' }, true]);
    await expect(emu.install(UI_ONLY, { grants: ['cap:teleport'] })).rejects.toMatchObject({ code: 'CAPABILITY_UNKNOWN' });
  });

  it('should say what is wrong with a source that cannot be installed', async () => {
    await expect(emu.install('no-such-sample')).rejects.toMatchObject({
      code: 'INSTALL_SOURCE_NOT_FOUND',
      message: `Failed to install "no-such-sample": no folder or file at ${join(process.cwd(), 'no-such-sample')}, and no sample of that name in ${join(ROOT, 'sample-extensions')}/. Check the path.`,
    });
    const dir = await tempDir();
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ name: 'unbuilt', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1', capabilities: [], api: { endpoints: [{ method: 'GET', path: '/x', handler: 'dist/main.wasm' }] } }));
    await expect(emu.install(dir)).rejects.toMatchObject({
      code: 'COMPONENT_NOT_BUILT',
      message: `Failed to install ${dir}: manifest.json declares api.endpoints but dist/main.wasm is missing. Build the component first (samples: npm run build:samples).`,
    });
    await expect(emu.install(join(dir, 'manifest.json'))).rejects.toMatchObject({ code: 'INSTALL_SOURCE_INVALID' });
    await expect(emu.install(UI_ONLY, { tenant: 'nope' })).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
  });
});

describe('createEmulator: invoke and execute without a component', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  beforeAll(async () => {
    emu = await createEmulator();
    ext = await emu.install(UI_ONLY);
  });
  afterAll(async () => {
    await emu.close();
  });

  it('should refuse callers as the Gateway does, with no envelope and no host calls', async () => {
    const msp = await emu.invoke(ext, { method: 'POST', path: '/x', json: { a: 1 }, as: 'msp-user' });
    expect([msp.status, msp.text, msp.envelope, msp.hostCalls]).toEqual([403, '{"error":"forbidden"}', undefined, []]);
    const client = await emu.invoke(ext.slug, { path: '/x', as: 'client', route: 'ext-proxy' });
    expect([client.status, client.json()]).toEqual([403, { error: 'forbidden' }]);
    const anonymous = await emu.invoke(ext.registryId, { path: '/x', as: 'anonymous', headers: { 'X-Request-Id': 'anon-1' } });
    expect([anonymous.status, anonymous.json(), anonymous.requestId, anonymous.headers['x-request-id']]).toEqual([401, { error: 'unauthenticated' }, 'anon-1', 'anon-1']);
    const elsewhere = await emu.invoke(ext, { path: '/x', tenant: 'second' });
    expect([elsewhere.status, elsewhere.json()]).toEqual([404, { error: 'extension_not_available' }]);
  });

  it('should return the Runner envelope of exactly that call when the Runner ran it', async () => {
    const res = await emu.invoke(ext, { path: '/items', query: { q: ['1', '2'] } });
    const hex = ext.contentHash.slice('sha256:'.length);
    const error = `bundle_fetch_failed: dist/main.wasm not found in bundle sha256:${hex}`;
    expect([res.status, res.text, res.envelope, res.hostCalls]).toEqual([502, '', { status: 502, headers: {}, body_b64: null, error }, []]);
    expect(() => res.json()).toThrow(`Failed to parse the answer to GET /items (status 502) as JSON: Unexpected end of JSON input. The body is ""; read .text or .body instead.`);
  });

  it('should send execute bodies straight to the Runner', async () => {
    const context = { tenant_id: ext.tenantId, extension_id: ext.registryId, content_hash: ext.contentHash, request_id: 'direct-1' };
    const res = await emu.execute({ context, http: { method: 'GET', path: '/x' } });
    const hex = ext.contentHash.slice('sha256:'.length);
    expect([res.status, res.requestId, res.envelope, res.text, res.hostCalls]).toEqual([200, 'direct-1', { status: 502, headers: {}, body_b64: null, error: `bundle_fetch_failed: dist/main.wasm not found in bundle sha256:${hex}` }, '', []]);
    const unrouted = await emu.execute({ context, http: { method: 'GET', path: '/x' } }, { 'x-alga-tenant': '' });
    expect(unrouted.envelope).toEqual({ status: 400, headers: {}, body_b64: null, error: 'missing_routing_headers' });
    const malformed = await emu.execute({ context, http: { method: 7 } } as never);
    expect([malformed.status, malformed.envelope]).toEqual([422, null]);
    expect(malformed.text).toMatch(/^Failed to deserialize the JSON body into the target type: /);
  });

  it('should reject invalid requests before sending them', async () => {
    await expect(emu.invoke(ext, { path: 'x' })).rejects.toThrow('Failed to invoke GET x: path must start with "/", e.g. "/items/42".');
    await expect(emu.invoke(ext, { path: '/x', json: {} })).rejects.toThrow('Failed to invoke GET /x: a GET cannot carry a body. Set method to POST, PUT, PATCH or DELETE.');
    await expect(emu.invoke(ext, { method: 'POST', path: '/x', json: {}, body: 'x' })).rejects.toThrow('Failed to invoke POST /x: give either json or body, not both.');
    await expect(emu.invoke(ext, { path: '/x', as: 'nobody' })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(emu.invoke(ext, { path: '/x', as: seededUserId(emu.tenants.default, 'msp-admin'), tenant: 'second' })).rejects.toMatchObject({ code: 'TENANT_MISMATCH' });
  });

  it('should list the seeded users and give each a working dev token', async () => {
    expect(emu.users().map((u) => [u.role, u.email])).toEqual([
      ['msp-admin', 'admin@emulator.test'],
      ['msp-user', 'tech@emulator.test'],
      ['client-user', 'robin@emulator.test'],
    ]);
    expect(emu.users('second').map((u) => u.email)).toEqual(['admin@second.test', 'tech@second.test', 'robin@second.test']);
    const admin = emu.devToken();
    expect(admin).toBe(emu.devToken(seededUserId(emu.tenants.default, 'msp-admin')));
    expect(emu.devToken('admin', 'second')).not.toBe(admin);
    const viaHeader = await emu.invoke(ext, { method: 'POST', path: '/x', as: 'anonymous', headers: { authorization: `Bearer ${emu.devToken('msp-user')}` } });
    expect([viaHeader.status, viaHeader.json()]).toEqual([403, { error: 'forbidden' }]);
    expect(() => emu.devToken('anonymous')).toThrow("Failed to get a dev token: 'anonymous' has none.");
  });
});

describe('createEmulator: lifecycle', () => {
  const open: TestEmulator[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((e) => e.close()));
  });
  const start = async (options?: Parameters<typeof createEmulator>[0]) => {
    const emu = await createEmulator(options);
    open.push(emu);
    return emu;
  };

  it('should run two emulators side by side with separate ports, data and installs', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(new Set([a.urls.main, a.urls.runner, b.urls.main, b.urls.runner]).size).toBe(4);
    expect(a.dataDir).not.toBe(b.dataDir);
    const ext = await a.install(UI_ONLY);
    expect(b.registry.extensions()).toEqual([]);
    const res = await b.invoke(ext.slug, { path: '/x' });
    expect([res.status, res.json()]).toEqual([404, { error: 'extension_not_available' }]);
  });

  it('should not read settings from the process environment, only from env', async () => {
    const saved = process.env.EXT_GATEWAY_ENDPOINT_MODE;
    process.env.EXT_GATEWAY_ENDPOINT_MODE = 'strict';
    try {
      const lenient = await start();
      const ext = await lenient.install(UI_ONLY);
      expect((await lenient.invoke(ext, { path: '/undeclared' })).status).toBe(502);
    } finally {
      if (saved === undefined) delete process.env.EXT_GATEWAY_ENDPOINT_MODE;
      else process.env.EXT_GATEWAY_ENDPOINT_MODE = saved;
    }
    const env = { EXT_GATEWAY_ENDPOINT_MODE: 'strict' };
    const strict = await start({ env });
    const ext = await strict.install(UI_ONLY);
    const res = await strict.invoke(ext, { path: '/undeclared' });
    expect([res.status, res.json()]).toEqual([404, { error: 'endpoint_not_found' }]);
    expect(env).toEqual({ EXT_GATEWAY_ENDPOINT_MODE: 'strict' });
  });

  it('should close once, wait for an in-flight call, refuse later calls and remove its data folder', async () => {
    const emu = await start();
    const ext = await emu.install(UI_ONLY);
    const order: string[] = [];
    const call = emu.invoke(ext, { path: '/x' }).then((res) => {
      order.push(`invoke ${res.status}`);
      return res;
    });
    const first = emu.close().then(() => order.push('closed'));
    const second = emu.close();
    await Promise.all([call, first, second]);
    expect(order).toEqual(['invoke 502', 'closed']);
    expect(existsSync(emu.dataDir)).toBe(false);
    await expect(emu.invoke(ext, { path: '/x' })).rejects.toThrow('Failed to invoke: this emulator is closed (close() was called). Create another with createEmulator().');
    await expect(emu.close()).resolves.toBeUndefined();
  });

  it('should give up start-up after startupTimeoutMs and say what it was waiting for', async () => {
    // A private TMPDIR shows that the half-started emulator's data folder is gone when the promise rejects.
    const root = await tempDir();
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = root;
    const failed = await createEmulator({ startupTimeoutMs: 1 })
      .then(async (leaked) => leaked.close(), (err: unknown) => err)
      .finally(() => {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      });
    expect(await readdir(root)).toEqual([]);
    expect(failed).toMatchObject({ name: 'EmulatorError', code: 'EMULATOR_START_TIMEOUT' });
    expect((failed as Error).message).toMatch(
      /^Failed to start the emulator within 1 ms: still waiting for (the data folder to be created|the registry to open|the Runner to listen|the main port to listen)\. Raise startupTimeoutMs, or look for what holds it up \(a slow disk, a shell build\)\.$/,
    );
    await expect(createEmulator({ startupTimeoutMs: 0 })).rejects.toThrow('Failed to create the emulator: startupTimeoutMs must be a number of milliseconds > 0, got 0. Fix: pass e.g. startupTimeoutMs: 30000, or leave it out for the default.');
  });
});
