// Hostile manifests published through the real publish API of a started emulator: over-long
// labels and names, too many endpoints, a manifest too large to parse. Each is refused with its
// exact code and issues, nothing is registered, and another tenant's Gateway call still answers.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeContentHash } from '../../../emulator/bundles/hash.ts';
import { packEntries, packExtension } from '../../../emulator/bundles/pack.ts';
import { startEmulator, type RunningEmulator } from '../../../emulator/host/start-emulator.ts';
import { HELLO_HOST_DIR } from '../../../harness/runner-fixture.ts';

const text = (s: string) => new TextEncoder().encode(s);
const base = { name: 'hostile', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1', capabilities: [] as string[] };
const ui = (label: string) => ({ type: 'iframe', entry: 'index.html', hooks: { appMenu: { label } } });
const endpoints = (n: number) => Array.from({ length: n }, (_, i) => ({ method: 'GET', path: `/r/${i}`, handler: 'dist/main.wasm' }));

let emu: RunningEmulator;
let dataDir = '';
let otherToken = '';
let otherCalls = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hostile-manifest-'));
  emu = await startEmulator({ settings: { dataDir, port: 0, runnerPort: 0, apiKey: 'k' } });
  const published = await emu.registry.publishBytes((await packExtension(HELLO_HOST_DIR)).bytes);
  await emu.registry.install(emu.seed.secondTenantId, published.extension.id, published.version.version);
  otherToken = emu.sessions.devTokens(emu.seed.secondTenantId).find((d) => d.role === 'msp-admin')?.token ?? '';
}, 120_000);

afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/**
 * Uploads an archive whose manifest.json is `manifestText`, then finalizes it, sending the same
 * text as manifestJson unless `inBodyToo` is false. Returns the finalize answer.
 */
async function publish(manifestText: string, inBodyToo = true): Promise<{ status: number; body: unknown }> {
  const { bytes } = await packEntries([
    { path: 'manifest.json', data: text(manifestText) },
    { path: 'ui/index.html', data: text('<!doctype html><p>hostile</p>') },
  ]);
  const hex = computeContentHash(bytes).slice('sha256:'.length);
  const headers = { 'x-api-key': 'k', 'x-tenant-id': emu.seed.defaultTenantId, 'x-alga-admin': 'true' };
  const up = await fetch(`${emu.urls.main}/api/ext-bundles/upload-proxy?filename=bundle.tar.zst&size=${bytes.length}&declaredHash=${hex}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: Buffer.from(bytes),
  });
  expect(up.status).toBe(200);
  const key = ((await up.json()) as { upload: { key: string } }).upload.key;
  const fin = await fetch(`${emu.urls.main}/api/ext-bundles/finalize`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ key, declaredHash: hex, size: bytes.length, ...(inBodyToo ? { manifestJson: manifestText } : {}) }),
  });
  return { status: fin.status, body: await fin.json() };
}

/** The other tenant's call to hello-host through the Gateway: 200 and its counter moves on. */
async function expectOtherTenantServed(): Promise<void> {
  const res = await fetch(`${emu.urls.main}/api/ext/alga-emulator.hello-host/counter`, { method: 'POST', headers: { authorization: `Bearer ${otherToken}` } });
  otherCalls += 1;
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ count: otherCalls, revision: String(otherCalls) });
}

function invalid(issues: { path: string; message: string }[]): unknown {
  const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return { code: 'INVALID_MANIFEST', error: `invalid manifest.json: ${list}. Fix these fields and publish again.`, details: { issues } };
}

function tooLarge(bytes: number): unknown {
  return {
    code: 'MANIFEST_TOO_LARGE',
    error:
      `manifest.json was refused: it has ${bytes} bytes and the limit is 524288 bytes (512 KiB). ` +
      'Fix: shorten labels and paths, or declare fewer endpoints (":param" segments let one entry serve many routes).',
    details: { issues: [{ path: '$', message: `has ${bytes} bytes; the limit is 524288 bytes` }] },
  };
}

describe('publish API: manifests over the limits', () => {
  it('refuses 1001 endpoints with one issue naming the limit', async () => {
    const result = await publish(JSON.stringify({ ...base, api: { endpoints: endpoints(1001) } }));
    expect(result).toEqual({ status: 400, body: invalid([{ path: '$.api.endpoints', message: 'has 1001 endpoints; the limit is 1000' }]) });
    await expectOtherTenantServed();
  });

  it('refuses the 100,000-endpoint manifest read from the archive as too large, before parsing it', async () => {
    const manifestText = JSON.stringify({ ...base, api: { endpoints: endpoints(100_000) } });
    const result = await publish(manifestText, false);
    expect(result).toEqual({ status: 413, body: tooLarge(Buffer.byteLength(manifestText)) });
    await expectOtherTenantServed();
  });

  it('refuses a 20 MiB menu label as too large', async () => {
    // Random hex: a label of one repeated character would be refused earlier, by the archive's
    // compression-ratio limit (BUNDLE_RATIO_TOO_HIGH), before its manifest is read.
    const manifestText = JSON.stringify({ ...base, ui: ui(randomBytes(10 * 1024 * 1024).toString('hex')) });
    const result = await publish(manifestText, false);
    expect(result).toEqual({ status: 413, body: tooLarge(20 * 1024 * 1024 + Buffer.byteLength(JSON.stringify({ ...base, ui: ui('') }))) });
    await expectOtherTenantServed();
  }, 60_000);

  it('refuses a manifestJson over 512 KiB sent in the finalize body', async () => {
    const manifestText = `${JSON.stringify(base)}${' '.repeat(600 * 1024)}`;
    const result = await publish(manifestText);
    expect(result).toEqual({ status: 413, body: tooLarge(Buffer.byteLength(manifestText)) });
    await expectOtherTenantServed();
  });

  it('refuses a 129-character label and a 256-character name, listing both', async () => {
    const result = await publish(JSON.stringify({ ...base, name: 'n'.repeat(256), ui: ui('l'.repeat(129)) }));
    expect(result).toEqual({
      status: 400,
      body: invalid([
        { path: '$.name', message: 'has 256 characters; the limit is 255' },
        { path: '$.ui.hooks.appMenu.label', message: 'has 129 characters; the limit is 128' },
      ]),
    });
    await expectOtherTenantServed();
  });

  it('registered nothing for any refused manifest, and accepts one at the limits', async () => {
    expect(emu.registry.extensions().map((e) => `${e.publisher}.${e.name}`)).toEqual(['alga-emulator.hello-host']);
    const result = await publish(JSON.stringify({ ...base, ui: ui('l'.repeat(128)), api: { endpoints: endpoints(1000) } }));
    expect(result.status).toBe(200);
    expect(emu.registry.versions(emu.registry.extension('acme.hostile').id).map((v) => v.version)).toEqual(['1.0.0']);
    await expectOtherTenantServed();
  });
});
