// The whole issue-3 loop on a running emulator: publish through the API, install, Runner serves
// the UI and runs the handler against the registry, with signatures re-checked at load.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packEntries, packExtension } from '../../emulator/bundles/pack.ts';
import { bundleStoreKey } from '../../emulator/bundles/store.ts';
import { startEmulator, type RunningEmulator } from '../../emulator/host/start-emulator.ts';
import type { InstallView } from '../../emulator/registry/registry.ts';
import { ROOT } from '../../harness/runner-fixture.ts';

const UI_MANIFEST = { name: 'ui-only', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1', capabilities: [], ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: 'UI only' } } } };
const text = (s: string) => new TextEncoder().encode(s);

let emu: RunningEmulator | undefined;
let dataDir = '';
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<RunningEmulator> {
  dataDir = await mkdtemp(join(tmpdir(), 'lifecycle-'));
  emu = await startEmulator({ env, settings: { dataDir, port: 0, runnerPort: 0, apiKey: 'k' } });
  return emu;
}

/** Publishes through the HTTP API exactly as the official CLI does, then installs. */
async function publishViaApi(e: RunningEmulator, bytes: Uint8Array, manifestJson: string): Promise<Response[]> {
  const hex = (await import('../../emulator/bundles/hash.ts')).computeContentHash(bytes).slice(7);
  const headers = { 'x-api-key': 'k', 'x-tenant-id': e.seed.defaultTenantId, 'x-alga-admin': 'true' };
  const up = await fetch(`${e.urls.main}/api/ext-bundles/upload-proxy?filename=bundle.tar.zst&size=${bytes.length}&declaredHash=${hex}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: Buffer.from(bytes),
  });
  if (up.status !== 200) return [up];
  const key = ((await up.json()) as { upload: { key: string } }).upload.key;
  const fin = await fetch(`${e.urls.main}/api/ext-bundles/finalize`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ key, declaredHash: hex, size: bytes.length, manifestJson }),
  });
  if (fin.status !== 200) return [up, fin];
  const registryId = ((await fin.json()) as { extension: { id: string } }).extension.id;
  const inst = await fetch(`${e.urls.main}/api/v1/extensions/install`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ registryId, version: JSON.parse(manifestJson).version }),
  });
  return [up, fin, inst];
}

async function publishUi(e: RunningEmulator): Promise<InstallView> {
  const packed = await packEntries([
    { path: 'manifest.json', data: text(JSON.stringify(UI_MANIFEST)) },
    { path: 'ui/index.html', data: text('<!doctype html><script src="app.js"></script>') },
    { path: 'ui/app.js', data: text('console.log(1)') },
  ]);
  const statuses = (await publishViaApi(e, packed.bytes, JSON.stringify(UI_MANIFEST))).map((r) => r.status);
  expect(statuses).toEqual([200, 200, 202]);
  return e.registry.installOf(e.seed.defaultTenantId, 'acme.ui-only')!;
}

async function publishHelloHost(e: RunningEmulator): Promise<InstallView> {
  const packed = await packExtension(join(ROOT, 'sample-extensions/hello-host'));
  const result = await e.registry.publishBytes(packed.bytes);
  await e.registry.install(e.seed.defaultTenantId, result.extension.id, result.version.version);
  return e.registry.installOf(e.seed.defaultTenantId, result.extension.id)!;
}

async function execute(e: RunningEmulator, install: InstallView, method: string, path: string): Promise<{ status: number; body_b64: string | null; error: string | null }> {
  const envelope = e.registry.secretEnvelope(install.installId);
  const res = await fetch(`${e.urls.runner}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-alga-tenant': install.tenantId, 'x-alga-extension': install.registryId },
    body: JSON.stringify({
      context: { tenant_id: install.tenantId, extension_id: install.registryId, install_id: install.installId, content_hash: install.contentHash },
      http: { method, path },
      providers: e.registry.configOf(install.installId).providers,
      ...(envelope ? { secret_envelope: envelope } : {}),
    }),
  });
  return (await res.json()) as { status: number; body_b64: string | null; error: string | null };
}

describe('UI hosting against the registry', () => {
  it('serves an installed UI to its tenant only, and stops when the install is disabled or removed', async () => {
    const e = await start();
    const install = await publishUi(e);
    const url = (tenant: string, file = 'index.html') => `${e.urls.runner}/ext-ui/${install.registryId}/${install.contentHash}/${file}?tenant=${tenant}`;
    const ok = await fetch(url(install.tenantId));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'");
    expect(await ok.text()).toBe('<!doctype html><script src="app.js"></script>');
    expect((await fetch(url(e.seed.secondTenantId))).status).toBe(404);
    e.registry.setEnabled(install.tenantId, install.registryId, false);
    expect((await fetch(url(install.tenantId))).status).toBe(404);
    e.registry.setEnabled(install.tenantId, install.registryId, true);
    expect((await fetch(url(install.tenantId, 'app.js'))).headers.get('content-type')).toBe('text/javascript');
    e.registry.uninstall(install.tenantId, install.registryId);
    expect((await fetch(url(install.tenantId))).status).toBe(404);
  }, 60_000);

  it('refuses to serve an archive replaced on disk after install (the signature no longer verifies)', async () => {
    const e = await start();
    const install = await publishUi(e);
    const url = `${e.urls.runner}/ext-ui/${install.registryId}/${install.contentHash}/index.html?tenant=${install.tenantId}`;
    expect((await fetch(url)).status).toBe(200);
    const evil = await packEntries([{ path: 'ui/index.html', data: text('<p>swapped</p>') }]);
    await writeFile(join(dataDir, 'bundles', bundleStoreKey(install.tenantId, install.registryId, install.contentHash!)), evil.bytes);
    const refused = await fetch(url);
    expect(refused.status).toBe(500);
    expect(await refused.json()).toEqual({ code: 'extract_failed' });
  }, 60_000);
});

describe('handlers against the registry', () => {
  it('opens the sealed secrets the registry sends and never leaks them into debug events', async () => {
    const e = await start();
    const install = await publishHelloHost(e);
    e.registry.setSecrets(install.tenantId, install.registryId, { api_token: 'tok-sealed-123' });
    const envelope = await execute(e, install, 'GET', '/secret/api_token');
    expect(envelope.error).toBeNull();
    expect(JSON.parse(Buffer.from(envelope.body_b64!, 'base64').toString())).toEqual({ key: 'api_token', value: 'tok-sealed-123', keys: ['api_token'] });
    expect(JSON.stringify(e.runner.debugEvents.recent())).not.toContain('tok-sealed-123');
  }, 120_000);

  it('refuses to run an archive replaced on disk after install with SIGNATURE_INVALID', async () => {
    const e = await start();
    const install = await publishHelloHost(e);
    expect((await execute(e, install, 'POST', '/counter')).status).toBe(200);
    const evil = await packEntries([{ path: 'dist/main.wasm', data: new Uint8Array([0, 0x61, 0x73, 0x6d]) }]);
    await writeFile(join(dataDir, 'bundles', bundleStoreKey(install.tenantId, install.registryId, install.contentHash!)), evil.bytes);
    const refused = await execute(e, install, 'POST', '/counter');
    expect(refused.status).toBe(502);
    expect(refused.error).toMatch(/^bundle_fetch_failed: SIGNATURE_INVALID: /);
  }, 120_000);
});

describe('strict signing on a running emulator', () => {
  it('refuses an unsigned upload at finalize with 400 SIGNATURE_MISSING', async () => {
    const e = await start({ SIGNING_MODE: 'strict' });
    const packed = await packEntries([{ path: 'manifest.json', data: text(JSON.stringify(UI_MANIFEST)) }, { path: 'ui/index.html', data: text('x') }]);
    const [up, fin] = await publishViaApi(e, packed.bytes, JSON.stringify(UI_MANIFEST));
    expect(up?.status).toBe(200);
    expect(fin?.status).toBe(400);
    expect(await fin?.json()).toMatchObject({ code: 'SIGNATURE_MISSING' });
    expect(e.registry.extensions()).toEqual([]);
  }, 60_000);
});

describe('starting and restarting', () => {
  it('keeps installs, config and secrets in the data folder across a restart', async () => {
    const e = await start();
    const install = await publishUi(e);
    e.registry.setConfig(install.tenantId, install.registryId, { values: { region: 'eu' } });
    e.registry.setSecrets(install.tenantId, install.registryId, { token: 't-1' });
    await e.close();
    emu = await startEmulator({ env: {}, settings: { dataDir, port: 0, runnerPort: 0, apiKey: 'k' } });
    expect(emu.registry.installOf(install.tenantId, install.registryId)).toMatchObject({ installId: install.installId, contentHash: install.contentHash });
    expect(emu.registry.getConfig(install.tenantId, install.registryId).config).toEqual({ region: 'eu' });
    expect(emu.registry.listSecrets(install.tenantId, install.registryId).names).toEqual(['token']);
  }, 60_000);

  it('refuses a second emulator on a busy port with PORT_IN_USE and the variable to change', async () => {
    const e = await start();
    const busy = Number(new URL(e.urls.main).port);
    const other = await mkdtemp(join(tmpdir(), 'lifecycle-second-'));
    try {
      await expect(startEmulator({ env: {}, settings: { dataDir: other, port: busy, runnerPort: 0 }, shell: false })).rejects.toMatchObject({
        code: 'PORT_IN_USE',
        message: `Failed to start the emulator: port ${busy} is already in use (another emulator?). Stop it or set PORT to a free port.`,
      });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  }, 60_000);
});
