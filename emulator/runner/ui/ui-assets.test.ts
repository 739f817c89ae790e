import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExtractedBundle } from '../../bundles/extract.ts';
import { EmulatorError } from '../../errors.ts';
import type { InstallDirectory } from './install-directory.ts';
import { UiAssetServer, type UiAssetOptions, type UiReport, type UiRequest } from './ui-assets.ts';
import { IMMUTABLE_CACHE } from './ui-response.ts';

const HEX = 'cd'.repeat(32);
const HASH = `sha256:${HEX}`;
const EXT = 'ext-1';
const INDEX = '<!doctype html><p>app</p>';
const APP_JS = 'console.log("app")';
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const etagOf = (s: string) => `"sha256-${createHash('sha256').update(s).digest('hex')}"`;

let root: string;
let bundle: ExtractedBundle;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ui-assets-'));
  bundle = { contentHash: HASH, bundleRoot: path.join(root, 'bundle'), uiRoot: path.join(root, 'ui') };
  await mkdir(path.join(bundle.uiRoot, 'nested'), { recursive: true });
  await writeFile(path.join(bundle.uiRoot, 'index.html'), INDEX);
  await writeFile(path.join(bundle.uiRoot, 'app.js'), APP_JS);
  await writeFile(path.join(bundle.uiRoot, 'nested', 'x.json'), '{"x":1}');
  await writeFile(path.join(bundle.uiRoot, 'LICENSE'), 'MIT');
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** A directory that knows installs as "tenant|ext|hash" and hosts → tenants. */
function fakeDirectory(installs: string[] = [`t1|${EXT}|${HASH}`], hosts: Record<string, string> = {}) {
  return {
    hasActiveBundle: vi.fn(async (tenant: string, ext: string, hash: string) => installs.includes(`${tenant}|${ext}|${hash}`)),
    lookupByHost: vi.fn(async (host: string) =>
      hosts[host] ? { tenant_id: hosts[host], extension_id: EXT, content_hash: HASH } : null,
    ),
  } satisfies InstallDirectory;
}

function server(overrides: Partial<UiAssetOptions> = {}) {
  const reports: UiReport[] = [];
  const options: UiAssetOptions = {
    strict: true,
    maxFileBytes: 1024,
    csp: 'CSP',
    directory: fakeDirectory(),
    load: vi.fn(async () => bundle),
    cached: vi.fn(async () => null),
    report: (r) => reports.push(r),
    ...overrides,
  };
  return { ui: new UiAssetServer(options), options, reports };
}

function request(overrides: Partial<UiRequest> = {}): UiRequest {
  return {
    method: 'GET',
    extensionId: EXT,
    contentHash: HASH,
    path: 'app.js',
    tenant: 't1',
    tenantHeader: undefined,
    host: undefined,
    ifNoneMatch: undefined,
    ...overrides,
  };
}

const decoded = (body: Uint8Array | null) => (body === null ? null : new TextDecoder().decode(body));

describe('UiAssetServer: step 1, content hash', () => {
  it.each(['abc', HEX, `sha256:${HEX.slice(2)}`, `SHA256:${HEX}`])('answers 400 invalid content hash for %j before anything else', async (hash) => {
    const { ui, options } = server();
    const res = await ui.serve(request({ contentHash: hash, path: '../bad' }));
    expect(res).toEqual({
      status: 400,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '20' },
      body: text('invalid content hash'),
    });
    expect(options.load).not.toHaveBeenCalled();
  });

  it('accepts upper-case hex and passes the lowercased hash on', async () => {
    const { ui, options } = server();
    expect((await ui.serve(request({ contentHash: `sha256:${HEX.toUpperCase()}` }))).status).toBe(200);
    expect(options.load).toHaveBeenCalledWith('t1', EXT, HASH);
  });
});

describe('UiAssetServer: step 3, tenant', () => {
  it('answers 404 empty in strict mode without any tenant, saying why', async () => {
    const { ui, options, reports } = server();
    expect(await ui.serve(request({ tenant: undefined, path: '../bad' }))).toEqual({ status: 404, headers: {}, body: null });
    expect(options.load).not.toHaveBeenCalled();
    expect(reports).toEqual([
      { level: 'debug', message: 'ext-ui 404: no tenant: send ?tenant= or x-tenant-id, or serve from an install host', extensionId: EXT, contentHash: HASH },
    ]);
  });

  it('prefers ?tenant= over x-tenant-id', async () => {
    const directory = fakeDirectory();
    const { ui } = server({ directory });
    await ui.serve(request({ tenant: 't1', tenantHeader: 't2' }));
    expect(directory.hasActiveBundle).toHaveBeenCalledWith('t1', EXT, HASH);
  });

  it('uses x-tenant-id when there is no ?tenant= (or an empty one)', async () => {
    const directory = fakeDirectory();
    const { ui } = server({ directory });
    expect((await ui.serve(request({ tenant: '', tenantHeader: 't1' }))).status).toBe(200);
    expect(directory.hasActiveBundle).toHaveBeenCalledWith('t1', EXT, HASH);
  });

  it('remembers the tenant of a served request for the same extension and hash only', async () => {
    const { ui } = server();
    expect((await ui.serve(request({ tenant: undefined }))).status).toBe(404);
    expect((await ui.serve(request({ tenant: 't1' }))).status).toBe(200);
    expect((await ui.serve(request({ tenant: undefined, path: 'nested/x.json' }))).status).toBe(200);
    expect((await ui.serve(request({ tenant: undefined, extensionId: 'ext-2' }))).status).toBe(404);
  });

  it('does not remember a tenant whose request was refused', async () => {
    const directory = fakeDirectory([`t1|${EXT}|${HASH}`]);
    const { ui } = server({ directory });
    expect((await ui.serve(request({ tenant: 'intruder' }))).status).toBe(404);
    directory.hasActiveBundle.mockClear();
    expect((await ui.serve(request({ tenant: undefined }))).status).toBe(404);
    expect(directory.hasActiveBundle).not.toHaveBeenCalled();
  });

  it('prefers a remembered tenant over the Host lookup', async () => {
    const directory = fakeDirectory([`t1|${EXT}|${HASH}`], { 'ui.example.test': 't9' });
    const { ui } = server({ directory });
    await ui.serve(request({ tenant: 't1' }));
    await ui.serve(request({ tenant: undefined, host: 'ui.example.test' }));
    expect(directory.lookupByHost).not.toHaveBeenCalled();
  });

  it.each([
    ['ui.example.test:8443', 'ui.example.test'],
    ['UI.Example.Test', 'ui.example.test'],
    ['[::1]:8080', '[::1]'],
  ])('looks the tenant up by Host %j (as %j) when nothing else names it', async (host, looked) => {
    const directory = fakeDirectory([`t1|${EXT}|${HASH}`], { [looked]: 't1' });
    const { ui } = server({ directory });
    expect((await ui.serve(request({ tenant: undefined, host }))).status).toBe(200);
    expect(directory.lookupByHost).toHaveBeenCalledWith(looked);
  });

  it('treats a failing Host lookup as no tenant (404) and reports it', async () => {
    const directory = fakeDirectory();
    directory.lookupByHost.mockRejectedValueOnce(new Error('registry down'));
    const { ui, reports } = server({ directory });
    expect((await ui.serve(request({ tenant: undefined, host: 'h.test' }))).status).toBe(404);
    expect(reports[0]).toMatchObject({ level: 'warn', message: 'ext-ui: install lookup for host h.test failed: registry down' });
  });
});

describe('UiAssetServer: step 4, strict install check', () => {
  it('answers 404 empty when the directory does not confirm the install, before extracting', async () => {
    const { ui, options, reports } = server({ directory: fakeDirectory([]) });
    expect(await ui.serve(request({ path: '../bad' }))).toEqual({ status: 404, headers: {}, body: null });
    expect(options.load).not.toHaveBeenCalled();
    expect(reports).toEqual([
      { level: 'debug', message: `ext-ui 404: tenant t1 has no enabled install of ${EXT} with bundle ${HASH}`, extensionId: EXT, contentHash: HASH },
    ]);
  });

  it('answers 404 when the directory fails', async () => {
    const directory = fakeDirectory();
    directory.hasActiveBundle.mockRejectedValueOnce(new Error('db locked'));
    const { ui, reports } = server({ directory });
    expect((await ui.serve(request())).status).toBe(404);
    expect(reports[0]).toMatchObject({ level: 'warn', message: 'ext-ui 404: install check failed: db locked' });
  });

  it('answers 404 without a directory and says how to serve anyway', async () => {
    const { ui, options, reports } = server({ directory: undefined });
    expect((await ui.serve(request())).status).toBe(404);
    expect(options.load).not.toHaveBeenCalled();
    expect(reports).toEqual([
      {
        level: 'warn',
        message:
          'ext-ui 404: strict validation cannot confirm installs because this Runner has no install directory. ' +
          'Run it inside the emulator, or set EXT_STATIC_STRICT_VALIDATION=false.',
        extensionId: EXT,
        contentHash: HASH,
      },
    ]);
  });
});

describe('UiAssetServer: non-strict mode', () => {
  it('skips the install check and loads for the given tenant', async () => {
    const directory = fakeDirectory([]);
    const { ui, options } = server({ strict: false, directory });
    expect((await ui.serve(request({ tenant: 'anyone' }))).status).toBe(200);
    expect(directory.hasActiveBundle).not.toHaveBeenCalled();
    expect(options.load).toHaveBeenCalledWith('anyone', EXT, HASH);
  });

  it('serves an already extracted hash without a tenant, from the cache only', async () => {
    const cached = vi.fn(async () => bundle);
    const { ui, options } = server({ strict: false, directory: undefined, cached });
    expect((await ui.serve(request({ tenant: undefined }))).status).toBe(200);
    expect(cached).toHaveBeenCalledWith(HASH);
    expect(options.load).not.toHaveBeenCalled();
  });

  it('answers 404 without a tenant when the hash was never extracted', async () => {
    const { ui, reports } = server({ strict: false, directory: undefined });
    expect(await ui.serve(request({ tenant: undefined }))).toEqual({ status: 404, headers: {}, body: null });
    expect(reports[0]?.message).toBe(
      'ext-ui 404: no tenant and the bundle is not extracted yet (non-strict mode serves only cached bundles without a tenant); this Runner has no install directory',
    );
  });
});

describe('UiAssetServer: step 5, extraction', () => {
  it('answers 502 archive_hash_mismatch for a hash mismatch, before judging the path', async () => {
    const load = vi.fn(async () => Promise.reject(new EmulatorError('ARCHIVE_HASH_MISMATCH', `archive hash mismatch: expected ${HASH}, got sha256:00`)));
    const { ui, reports } = server({ load });
    expect(await ui.serve(request({ path: '../bad' }))).toEqual({
      status: 502,
      headers: { 'Content-Type': 'application/json', 'Content-Length': '32' },
      body: text('{"code":"archive_hash_mismatch"}'),
    });
    expect(reports).toEqual([
      {
        level: 'error',
        message: `ext-ui archive_hash_mismatch: ARCHIVE_HASH_MISMATCH: archive hash mismatch: expected ${HASH}, got sha256:00`,
        extensionId: EXT,
        contentHash: HASH,
        tenant: 't1',
      },
    ]);
  });

  it.each([
    ['a missing bundle', new EmulatorError('BUNDLE_NOT_FOUND', 'bundle not found in store at k'), 'BUNDLE_NOT_FOUND: bundle not found in store at k'],
    ['a refused signature', new EmulatorError('SIGNATURE_INVALID', 'SIGNATURE_INVALID: signature does not match'), 'SIGNATURE_INVALID: signature does not match'],
    ['a bad archive', new EmulatorError('BUNDLE_NOT_ZSTD', 'bundle is not a valid zstd archive'), 'BUNDLE_NOT_ZSTD: bundle is not a valid zstd archive'],
    ['an unexpected error', new Error('EIO'), 'EXTRACT_FAILED: EIO'],
  ])('answers 500 extract_failed for %s, naming the cause in the report', async (_name, err, detail) => {
    const { ui, reports } = server({ load: vi.fn(async () => Promise.reject(err)) });
    expect(await ui.serve(request({ method: 'HEAD' }))).toEqual({
      status: 500,
      headers: { 'Content-Type': 'application/json', 'Content-Length': '25' },
      body: null,
    });
    expect(reports.map((r) => r.message)).toEqual([`ext-ui extract_failed: ${detail}`]);
  });
});

describe('UiAssetServer: steps 6–10, the file', () => {
  it('answers 400 invalid path after the bundle is ensured', async () => {
    const { ui, options } = server();
    expect(await ui.serve(request({ path: '%2e%2e/secret.json' }))).toEqual({
      status: 400,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '12' },
      body: text('invalid path'),
    });
    expect(options.load).toHaveBeenCalledTimes(1);
  });

  it('serves a file with every header', async () => {
    const { ui } = server();
    expect(await ui.serve(request())).toEqual({
      status: 200,
      headers: {
        'Content-Type': 'text/javascript',
        'Content-Length': String(APP_JS.length),
        ETag: etagOf(APP_JS),
        'Cache-Control': IMMUTABLE_CACHE,
        'X-Content-Type-Options': 'nosniff',
      },
      body: text(APP_JS),
    });
  });

  it.each([
    ['a missing .js', 'missing.js'],
    ['a folder', 'nested'],
    ['a folder with a trailing slash', 'nested/'],
    ['a client route', 'settings/profile'],
    ['a file under a file', 'app.js/x.js'],
  ])('falls back to index.html with 200 for %s', async (_name, p) => {
    const { ui } = server();
    const res = await ui.serve(request({ path: p }));
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'Content-Type': 'text/html', ETag: etagOf(INDEX), 'Content-Security-Policy': 'CSP' });
    expect(decoded(res.body)).toBe(INDEX);
  });

  it('answers 404 empty when the fallback has no index.html', async () => {
    await rm(path.join(bundle.uiRoot, 'index.html'));
    const { ui } = server();
    expect(await ui.serve(request({ path: 'missing.js' }))).toEqual({ status: 404, headers: {}, body: null });
    expect((await ui.serve(request({ path: 'app.js' }))).status).toBe(200);
  });

  it('serves an existing file without an extension as application/octet-stream, without CSP', async () => {
    const { ui } = server();
    const res = await ui.serve(request({ path: 'LICENSE' }));
    expect(res.headers['Content-Type']).toBe('application/octet-stream');
    expect(res.headers['Content-Security-Policy']).toBeUndefined();
  });

  it('answers 413 asset too large above EXT_STATIC_MAX_FILE_BYTES (the fallback page included) and serves a file of exactly the cap', async () => {
    const { ui } = server({ maxFileBytes: APP_JS.length });
    expect((await ui.serve(request())).status).toBe(200);
    expect(await ui.serve(request({ path: 'missing.js', ifNoneMatch: '*' }))).toEqual({
      status: 413,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '15' },
      body: text('asset too large'),
    });
  });

  it('answers 304 for a matching strong ETag, a list containing it, or *, and 200 for a weak one', async () => {
    const { ui } = server();
    const etag = etagOf(APP_JS);
    for (const inm of [etag, `"x", ${etag}`, '*']) {
      expect(await ui.serve(request({ ifNoneMatch: inm }))).toEqual({
        status: 304,
        headers: { ETag: etag, 'Cache-Control': IMMUTABLE_CACHE },
        body: null,
      });
    }
    expect((await ui.serve(request({ ifNoneMatch: `W/${etag}` }))).status).toBe(200);
  });

  it('keeps the CSP on a 304 of an HTML page', async () => {
    const { ui } = server();
    const res = await ui.serve(request({ path: 'index.html', ifNoneMatch: etagOf(INDEX) }));
    expect(res).toEqual({
      status: 304,
      headers: { ETag: etagOf(INDEX), 'Cache-Control': IMMUTABLE_CACHE, 'Content-Security-Policy': 'CSP' },
      body: null,
    });
  });

  it('answers HEAD like GET without a body', async () => {
    const { ui } = server();
    const get = await ui.serve(request({ path: 'index.html' }));
    const head = await ui.serve(request({ path: 'index.html', method: 'HEAD' }));
    expect(head).toEqual({ ...get, body: null });
  });
});
