import type { Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../clock.ts';
import { listen } from '../runner/http/router.ts';
import { OTHER_TENANT, TENANT, bundleOf, manifest, openTestRegistry, type TestRegistry } from '../registry/test-support.ts';
import { createHostApp } from './app.ts';

let t: TestRegistry;
let server: Server | undefined;
let base = '';
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  t?.close();
});

async function start(options: Parameters<typeof openTestRegistry>[0] = {}): Promise<void> {
  t = await openTestRegistry(options);
  const served = await listen(createHostApp({ registry: t.registry }), 0);
  server = served.server;
  base = served.url;
}

const admin = () => ({ 'x-api-key': t.devApiKey, 'x-tenant-id': TENANT, 'x-alga-admin': 'true' });
const techKey = () => t.registry.identity.apiKeys(TENANT).find((k) => k.description.startsWith('MSP user'))!.key;

async function upload(bytes: Uint8Array, hex: string, headers: Record<string, string> = admin(), size: number | string = bytes.length): Promise<Response> {
  return fetch(`${base}/api/ext-bundles/upload-proxy?filename=bundle.tar.zst&size=${size}&declaredHash=${hex}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...headers },
    body: Buffer.from(bytes),
  });
}

async function post(path: string, body: unknown, headers: Record<string, string> = admin()): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function publish(m = manifest()): Promise<{ id: string; hex: string }> {
  const b = await bundleOf(m);
  const staged = (await (await upload(b.bytes, b.hex)).json()) as { upload: { key: string } };
  const res = await post('/api/ext-bundles/finalize', { key: staged.upload.key, declaredHash: b.hex, size: b.bytes.length, manifestJson: b.manifestJson });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { extension: { id: string } };
  return { id: body.extension.id, hex: b.hex };
}

describe('POST /api/ext-bundles/upload-proxy', () => {
  it('should stage the upload and answer 200 with the staging key', async () => {
    await start();
    const b = await bundleOf();
    const res = await upload(b.bytes, b.hex);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ upload: { key: expect.stringMatching(/^sha256\/_staging\/[0-9a-f-]{36}\/bundle\.tar\.zst$/), strategy: 'staging' }, filename: 'bundle.tar.zst', size: b.bytes.length, declaredHash: b.hex });
  });

  it('should answer 401 UNAUTHORIZED for an unknown or missing API key', async () => {
    await start();
    const b = await bundleOf();
    const res = await upload(b.bytes, b.hex, { 'x-api-key': 'nope', 'x-alga-admin': 'true' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'UNAUTHORIZED', error: expect.stringContaining('unknown API key') });
    expect((await upload(b.bytes, b.hex, { 'x-alga-admin': 'true' })).status).toBe(401);
  });

  it('should answer 403 RBAC_FORBIDDEN without x-alga-admin: true, and for a user without extension permissions', async () => {
    await start();
    const b = await bundleOf();
    const noAdmin = await upload(b.bytes, b.hex, { 'x-api-key': t.devApiKey, 'x-tenant-id': TENANT });
    expect(noAdmin.status).toBe(403);
    expect(await noAdmin.json()).toEqual({ error: 'Forbidden', code: 'RBAC_FORBIDDEN' });
    const tech = await upload(b.bytes, b.hex, { 'x-api-key': techKey(), 'x-alga-admin': 'true' });
    expect(tech.status).toBe(403);
    expect(await tech.json()).toEqual({ error: 'Forbidden', code: 'RBAC_FORBIDDEN' });
  });

  it('should answer 403 TENANT_MISMATCH when x-tenant-id names another tenant than the key', async () => {
    await start();
    const b = await bundleOf();
    const res = await upload(b.bytes, b.hex, { ...admin(), 'x-tenant-id': OTHER_TENANT });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'TENANT_MISMATCH' });
  });

  it('should answer 400 for a bad size, a size that differs from the body, and a bad declaredHash', async () => {
    await start();
    const b = await bundleOf();
    const zero = await upload(b.bytes, b.hex, admin(), 0);
    expect([zero.status, ((await zero.json()) as { code: string }).code]).toEqual([400, 'INVALID_SIZE']);
    const differs = await upload(b.bytes, b.hex, admin(), b.bytes.length - 1);
    expect([differs.status, ((await differs.json()) as { code: string }).code]).toEqual([400, 'SIZE_MISMATCH']);
    const badHash = await upload(b.bytes, b.hex.toUpperCase());
    expect([badHash.status, ((await badHash.json()) as { code: string }).code]).toEqual([400, 'INVALID_DECLARED_HASH']);
  });

  it('should answer 413 BUNDLE_TOO_LARGE for a declared size over 200 MiB without reading the body', async () => {
    await start();
    const res = await upload(new Uint8Array(8), 'a'.repeat(64), admin(), 200 * 1024 * 1024 + 1);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'bundle is 209715201 bytes; the limit is 209715200 bytes (200 MiB). Shrink the bundle (drop source maps, large assets).', code: 'BUNDLE_TOO_LARGE' });
  });

  it('should answer 413 BUNDLE_TOO_LARGE for a declared size or a body over the limit', async () => {
    await start({ maxBundleBytes: 1024 });
    const big = new Uint8Array(4096);
    const declared = await upload(big, 'a'.repeat(64), admin(), 4096);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: 'BUNDLE_TOO_LARGE' });
    const lying = await upload(big, 'a'.repeat(64), admin(), 100);
    expect(lying.status).toBe(413);
    expect(await lying.json()).toMatchObject({ code: 'BUNDLE_TOO_LARGE' });
  });
});

describe('POST /api/ext-bundles/finalize', () => {
  it('should answer 200 with extension, version, content hash and canonical key', async () => {
    await start();
    const b = await bundleOf();
    const staged = (await (await upload(b.bytes, b.hex)).json()) as { upload: { key: string } };
    const res = await post('/api/ext-bundles/finalize', { key: staged.upload.key, declaredHash: b.hex, size: b.bytes.length, manifestJson: b.manifestJson });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      extension: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'widget', publisher: 'acme' },
      version: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), version: '1.0.0' },
      contentHash: b.hex,
      canonicalKey: `sha256/${b.hex}/bundle.tar.zst`,
    });
  });

  it('should answer 413 REQUEST_BODY_TOO_LARGE naming the finalize limit for a 6 MB manifestJson, not the bundle limit', async () => {
    await start();
    const res = await post('/api/ext-bundles/finalize', { key: 'sha256/_staging/x/bundle.tar.zst', manifestJson: 'x'.repeat(6_000_000) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error:
        'the request body of POST /api/ext-bundles/finalize is over its 5 MiB (5242880 bytes) limit. Fix: leave manifestJson out (finalize then reads manifest.json from the uploaded archive) or shrink it; the bundle itself goes to /api/ext-bundles/upload-proxy, which takes up to 200 MiB.',
      code: 'REQUEST_BODY_TOO_LARGE',
    });
  });

  it('should answer 400 REQUEST_BODY_UNREADABLE, not 500, for a body whose gzip is corrupt', async () => {
    await start();
    const res = await fetch(`${base}/api/ext-bundles/finalize`, { method: 'POST', headers: { ...admin(), 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'REQUEST_BODY_UNREADABLE' });
  });

  it('should answer 404 STAGED_BUNDLE_NOT_FOUND, naming expiry and the fix, for an upload older than BUNDLE_STAGING_TTL_MS', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    await start({ now: () => new Date(clock.now()), stagingTtlMs: 1000 });
    const b = await bundleOf();
    const staged = (await (await upload(b.bytes, b.hex)).json()) as { upload: { key: string } };
    clock.advance(1001);
    const body = { key: staged.upload.key, declaredHash: b.hex, size: b.bytes.length, manifestJson: b.manifestJson };
    const res = await post('/api/ext-bundles/finalize', body);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      code: 'STAGED_BUNDLE_NOT_FOUND',
      error:
        `the upload staged under ${staged.upload.key} expired: staged uploads are kept 1000 ms (BUNDLE_STAGING_TTL_MS) and this one was staged 1001 ms ago. ` +
        'Fix: upload the bundle again with /api/ext-bundles/upload-proxy and finalize it sooner, or raise BUNDLE_STAGING_TTL_MS.',
    });
    expect(await t.store.has(staged.upload.key)).toBe(false);
    const again = await post('/api/ext-bundles/finalize', body);
    expect([again.status, ((await again.json()) as { error: string }).error]).toEqual([
      404,
      `nothing is staged under ${staged.upload.key}: it was finalized already, its finalize failed, it expired (uploads are removed 1000 ms after upload, BUNDLE_STAGING_TTL_MS), or it was never uploaded. ` +
        'Fix: upload again with /api/ext-bundles/upload-proxy and finalize the key it returns.',
    ]);
  });

  it('should answer 400 INVALID_KEY for a key outside staging, or one climbing out of it', async () => {
    await start();
    for (const key of ['tenants/x/bundle.tar.zst', 'sha256/_staging/../../keys/x/bundle.tar.zst', 'sha256/_staging/a/../b/bundle.tar.zst', 'sha256/_staging/a/other.bin']) {
      const res = await post('/api/ext-bundles/finalize', { key, declaredHash: 'a'.repeat(64) });
      expect([res.status, await res.json()]).toEqual([400, {
        code: 'INVALID_KEY',
        error: `key must be the staging key upload-proxy returned (sha256/_staging/<id>/bundle.tar.zst), got ${JSON.stringify(key)}. Fix: send upload.key from the upload-proxy answer unchanged.`,
      }]);
    }
  });

  it('should answer 400 HASH_MISMATCH and 400 MANIFEST_NOT_FOUND', async () => {
    await start();
    const b = await bundleOf();
    const staged = (await (await upload(b.bytes, b.hex)).json()) as { upload: { key: string } };
    const mismatch = await post('/api/ext-bundles/finalize', { key: staged.upload.key, declaredHash: 'b'.repeat(64) });
    expect([mismatch.status, ((await mismatch.json()) as { code: string }).code]).toEqual([400, 'HASH_MISMATCH']);
    const { packEntries } = await import('../bundles/pack.ts');
    const bare = await packEntries([{ path: 'ui/index.html', data: new Uint8Array([60]) }]);
    const hex = bare.contentHash.slice(7);
    const staged2 = (await (await upload(bare.bytes, hex)).json()) as { upload: { key: string } };
    const missing = await post('/api/ext-bundles/finalize', { key: staged2.upload.key, declaredHash: hex });
    expect([missing.status, ((await missing.json()) as { code: string }).code]).toEqual([400, 'MANIFEST_NOT_FOUND']);
  });

  it('should answer 400 INVALID_MANIFEST with every issue in details.issues', async () => {
    await start();
    const b = await bundleOf(manifest({ entry: 'x', version: 'one', api: { endpoints: [{ method: 'FETCH', path: 'items', handler: '' }] } }));
    const staged = (await (await upload(b.bytes, b.hex)).json()) as { upload: { key: string } };
    const res = await post('/api/ext-bundles/finalize', { key: staged.upload.key, declaredHash: b.hex, manifestJson: b.manifestJson });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; details: { issues: { path: string }[] } };
    expect(body.code).toBe('INVALID_MANIFEST');
    expect(body.details.issues.map((i) => i.path)).toEqual(['$.entry', '$.version', '$.api.endpoints[0].method', '$.api.endpoints[0].path', '$.api.endpoints[0].handler']);
  });

  it('should answer 409 with the EXTENSION_VERSION_ALREADY_EXISTS shape for a duplicate version', async () => {
    await start();
    await publish();
    const again = await bundleOf(manifest(), [{ path: 'ui/x.js', data: new Uint8Array([1]) }]);
    const staged = (await (await upload(again.bytes, again.hex)).json()) as { upload: { key: string } };
    const res = await post('/api/ext-bundles/finalize', { key: staged.upload.key, declaredHash: again.hex, manifestJson: again.manifestJson });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ success: false, error: { message: expect.stringContaining('acme.widget 1.0.0 is already published'), code: 'EXTENSION_VERSION_ALREADY_EXISTS' } });
  });
});

describe('install, uninstall, update', () => {
  it('install should answer 202 with the enqueued message', async () => {
    await start();
    const { id } = await publish();
    const res = await post('/api/v1/extensions/install', { registryId: id, version: '1.0.0' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ data: { registryId: id, version: '1.0.0', installId: expect.stringMatching(/^[0-9a-f-]{36}$/), success: true, message: 'Extension installation enqueued' } });
  });

  it('install should answer 400 INVALID_BODY for a body that is not an object or lacks registryId', async () => {
    await start();
    const notObject = await post('/api/v1/extensions/install', ['x']);
    expect([notObject.status, await notObject.json()]).toEqual([
      400,
      { error: 'the request body is not a JSON object: this route reads named fields from it. Fix: send a JSON object with content-type application/json.', code: 'INVALID_BODY' },
    ]);
    const noId = await post('/api/v1/extensions/install', { version: '1.0.0' });
    expect([noId.status, await noId.json()]).toEqual([
      400,
      { error: 'registryId is missing from the request body: this route needs it. Fix: send registryId as a non-empty string.', code: 'INVALID_BODY' },
    ]);
  });

  it('install should answer 403 RBAC_FORBIDDEN for a user without extension permissions and 404 for an unknown extension', async () => {
    await start();
    const { id } = await publish();
    const forbidden = await post('/api/v1/extensions/install', { registryId: id, version: '1.0.0' }, { 'x-api-key': techKey(), 'x-tenant-id': TENANT });
    expect(forbidden.status).toBe(403);
    const unknown = await post('/api/v1/extensions/install', { registryId: 'ghost', version: '1.0.0' });
    expect([unknown.status, ((await unknown.json()) as { code: string }).code]).toEqual([404, 'EXTENSION_NOT_FOUND']);
  });

  it('uninstall should answer 200 and a second uninstall 404 NOT_INSTALLED', async () => {
    await start();
    const { id } = await publish();
    await post('/api/v1/extensions/install', { registryId: id, version: '1.0.0' });
    const res = await post('/api/v1/extensions/uninstall', { registryId: id });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { registryId: id, success: true, message: 'Extension uninstalled' } });
    const again = await post('/api/v1/extensions/uninstall', { registryId: id });
    expect([again.status, ((await again.json()) as { code: string }).code]).toEqual([404, 'NOT_INSTALLED']);
  });

  it('update should answer 409 with the missing schedules', async () => {
    await start();
    const { id } = await publish();
    const installed = (await (await post('/api/v1/extensions/install', { registryId: id, version: '1.0.0' })).json()) as { data: { installId: string } };
    t.registry.createSchedule(installed.data.installId, { name: 'push', cron: '0 * * * *', method: 'POST', path: '/items/:id' });
    await publish(manifest({ version: '2.0.0', api: { endpoints: [{ method: 'GET', path: '/items', handler: 'dist/main.wasm' }] } }));
    const res = await post('/api/v1/extensions/update', { registryId: id, version: '2.0.0' });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ success: false, code: 'SCHEDULE_ENDPOINTS_MISSING', message: expect.stringContaining('push (POST /items/:id)'), missing: [expect.objectContaining({ name: 'push', method: 'POST', path: '/items/:id' })] });
    const ok = await post('/api/v1/extensions/update', { registryId: id, version: '2.0.0', disableMissingSchedules: true });
    expect(ok.status).toBe(200);
  });
});

describe('JSON body limits of the other publish routes', () => {
  it('should answer 413 REQUEST_BODY_TOO_LARGE naming the route and its limit', async () => {
    await start();
    for (const path of ['/api/v1/extensions/install', '/api/v1/extensions/uninstall', '/api/v1/extensions/update']) {
      const res = await post(path, { registryId: 'r', version: '1.0.0', pad: 'x'.repeat(5 * 1024 * 1024) });
      expect([res.status, await res.json()]).toEqual([
        413,
        { error: `the request body of POST ${path} is over its 5 MiB (5242880 bytes) limit. Fix: send only the documented fields (registryId, version).`, code: 'REQUEST_BODY_TOO_LARGE' },
      ]);
    }
  });
});

describe('errors of the main port', () => {
  it('should answer an unexpected error with 500 INTERNAL and log its detail', async () => {
    t = await openTestRegistry();
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(t.registry, 'install').mockRejectedValue(new Error("EACCES: permission denied, open '/srv/secret/registry.sqlite'"));
    const served = await listen(createHostApp({ registry: t.registry, log: (line) => lines.push(line) }), 0);
    server = served.server;
    const res = await fetch(`${served.url}/api/v1/extensions/install`, { method: 'POST', headers: { ...admin(), 'content-type': 'application/json' }, body: JSON.stringify({ registryId: 'r', version: '1.0.0' }) });
    expect([res.status, await res.json()]).toEqual([500, { error: 'internal error', code: 'INTERNAL' }]);
    expect(lines).toMatchObject([{ level: 'error', msg: 'unexpected error answering POST /api/v1/extensions/install; the client got a 500 without it', error: "EACCES: permission denied, open '/srv/secret/registry.sqlite'" }]);
  });
});

describe('the main port\'s last error handler', () => {
  it('should answer JSON 500 INTERNAL, never Express\'s HTML stack page, and log the detail', async () => {
    t = await openTestRegistry();
    const lines: Record<string, unknown>[] = [];
    const metrics = { contentType: 'text/plain', prometheus: () => Promise.reject(new Error("ENOSPC: no space left on device, write '/srv/emu/x'")) };
    const served = await listen(createHostApp({ registry: t.registry, metrics, log: (line) => lines.push(line) }), 0);
    server = served.server;
    const res = await fetch(`${served.url}/api/emulator/metrics`);
    expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([500, 'application/json; charset=utf-8', { error: 'internal error', code: 'INTERNAL' }]);
    expect(lines).toMatchObject([{ msg: 'unexpected error answering GET /api/emulator/metrics; the client got a 500 without it', error: "ENOSPC: no space left on device, write '/srv/emu/x'" }]);
  });
});

describe('install lookups for the Runner', () => {
  it('lookup-by-host should find the install by runner domain and 404 otherwise', async () => {
    await start();
    const { id, hex } = await publish();
    const installed = (await (await post('/api/v1/extensions/install', { registryId: id, version: '1.0.0' })).json()) as { data: { installId: string } };
    const res = await fetch(`${base}/api/installs/lookup-by-host?host=${installed.data.installId}.ext.localhost`);
    expect(await res.json()).toEqual({ tenant_id: TENANT, extension_id: id, content_hash: `sha256:${hex}` });
    const missing = await fetch(`${base}/api/installs/lookup-by-host?host=nowhere`);
    expect([missing.status, await missing.json()]).toEqual([
      404,
      { error: 'no install is served at host nowhere: no enabled install has that runner domain. Fix: install the extension first, or pass the runner domain its install reports.', code: 'NOT_FOUND' },
    ]);
  });

  it('validate should say whether the tenant install has the hash', async () => {
    await start();
    const { id, hex } = await publish();
    await post('/api/v1/extensions/install', { registryId: id, version: '1.0.0' });
    const valid = await fetch(`${base}/api/installs/validate?tenant=${TENANT}&extension=${id}&hash=sha256:${hex}`);
    expect(await valid.json()).toEqual({ valid: true });
    const other = await fetch(`${base}/api/installs/validate?tenant=${OTHER_TENANT}&extension=${id}&hash=sha256:${hex}`);
    expect(await other.json()).toEqual({ valid: false });
    expect((await fetch(`${base}/api/installs/validate?tenant=${TENANT}`)).status).toBe(400);
  });
});
