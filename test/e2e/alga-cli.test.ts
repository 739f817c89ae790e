// The official `alga` CLI (@alga-psa/cli) publishing, installing and uninstalling a sample against
// a running emulator, unchanged: it packs with the system `tar | zstd -19` and calls the publish API.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator/host/start-emulator.ts';
import { ROOT } from '../../harness/runner-fixture.ts';

const ALGA = join(ROOT, 'node_modules/@alga-psa/cli/dist/cli.js');

function alga(args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ALGA, ...args], { env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** The bundle the first publish packed; the CLI reads manifest.json from the bundle's folder. */
async function builtBundle(): Promise<string> {
  await cp(join(work, 'hello-host/manifest.json'), join(work, 'hello-host/dist/manifest.json'));
  return join(work, 'hello-host/dist/bundle.tar.zst');
}

let emu: RunningEmulator;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'alga-cli-'));
  emu = await startEmulator({ env: {}, settings: { dataDir: join(work, 'data'), port: 0, runnerPort: 0, apiKey: 'alga-cli-test-key' } });
  // The CLI writes dist/bundle.tar.zst into the project it packs, so it gets a copy of the sample.
  await cp(join(ROOT, 'sample-extensions/hello-host/manifest.json'), join(work, 'hello-host/manifest.json'));
  await cp(join(ROOT, 'sample-extensions/hello-host/dist/main.wasm'), join(work, 'hello-host/dist/main.wasm'));
}, 60_000);

afterAll(async () => {
  await emu?.close();
  await rm(work, { recursive: true, force: true });
});

describe('official alga CLI against the emulator', () => {
  it('publishes and installs a sample folder, which then runs on the Runner, and uninstalls it', async () => {
    const tenant = emu.seed.defaultTenantId;
    const published = await alga(['extension', 'publish', join(work, 'hello-host'), '--base-url', emu.urls.main, '--api-key', 'alga-cli-test-key', '--tenant', tenant]);
    expect(published.output).toContain('[extension publish] success!');
    expect(published.code).toBe(0);

    const install = emu.registry.installOf(tenant, 'alga-emulator.hello-host');
    expect(install).toMatchObject({ version: '0.1.0', enabled: true, status: 'enabled' });
    expect(published.output).toContain(`Installing extension for tenant...`);
    expect(published.output).toContain(install!.installId);

    // The dev-signed bundle passes the Runner's load-time signature check and runs.
    const res = await fetch(`${emu.urls.runner}/v1/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-alga-tenant': tenant, 'x-alga-extension': install!.registryId },
      body: JSON.stringify({
        context: { tenant_id: tenant, extension_id: install!.registryId, install_id: install!.installId, content_hash: install!.contentHash },
        http: { method: 'POST', path: '/counter' },
        providers: install!.grantedCaps,
      }),
    });
    const envelope = (await res.json()) as { status: number; body_b64: string; error: string | null };
    expect(envelope.error).toBeNull();
    expect(envelope.status).toBe(200);
    expect(JSON.parse(Buffer.from(envelope.body_b64, 'base64').toString())).toEqual({ count: 1, revision: '1' });

    const removed = await alga(['extension', 'uninstall', install!.registryId, '--base-url', emu.urls.main, '--api-key', 'alga-cli-test-key', '--tenant', tenant]);
    expect(removed.output).toContain('[extension uninstall] success');
    expect(removed.code).toBe(0);
    expect(emu.registry.installs(tenant)).toEqual([]);
  }, 120_000);

  it('fails to publish a built bundle with an unknown API key (401)', async () => {
    const result = await alga(['extension', 'publish', await builtBundle(), '--base-url', emu.urls.main, '--api-key', 'wrong', '--tenant', emu.seed.defaultTenantId]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('Upload failed (401)');
    expect(result.output).toContain('"code":"UNAUTHORIZED"');
  }, 120_000);

  it('reports a second publish of a version with the EXTENSION_VERSION_ALREADY_EXISTS body', async () => {
    // The first test published 0.1.0 from the folder; the bundle it packed is the same version.
    const again = await alga(['extension', 'publish', await builtBundle(), '--base-url', emu.urls.main, '--api-key', 'alga-cli-test-key', '--tenant', emu.seed.defaultTenantId]);
    expect(again.code).toBe(1);
    expect(again.output).toContain('Finalize failed (409)');
    expect(again.output).toContain('"code":"EXTENSION_VERSION_ALREADY_EXISTS"');
  }, 120_000);
});
