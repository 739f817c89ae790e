import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeContentHash, hashHex } from '../../emulator/bundles/hash.ts';
import { packEntries, type PackResult } from '../../emulator/bundles/pack.ts';
import { bundleStoreKey } from '../../emulator/bundles/store.ts';
import type { InstallDirectory } from '../../emulator/runner/ui/install-directory.ts';
import { RunnerFixture, TENANT } from '../../harness/runner-fixture.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const DEFAULT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";
const FILES = {
  'ui/index.html': '<!doctype html><link rel="stylesheet" href="style.css"><script src="app.js"></script>',
  'ui/app.js': 'document.body.append("hello from the bundle")',
  'ui/style.css': 'body { color: rebeccapurple }',
  'ui/nested/x.json': '{"nested":true}',
};
const enc = (s: string) => new TextEncoder().encode(s);
const etagOf = (s: string) => `"sha256-${createHash('sha256').update(s).digest('hex')}"`;

/** An in-memory InstallDirectory: installs as "tenant|ext|hash", hosts → tenant. */
class FakeDirectory implements InstallDirectory {
  readonly installs = new Set<string>();
  readonly hosts = new Map<string, string>();
  async hasActiveBundle(tenant: string, ext: string, hash: string): Promise<boolean> {
    return this.installs.has(`${tenant}|${ext}|${hash}`);
  }
  async lookupByHost(host: string) {
    const tenant = this.hosts.get(host);
    return tenant === undefined ? null : { tenant_id: tenant, extension_id: 'ignored', content_hash: 'ignored' };
  }
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Raw HTTP (no URL normalisation, free Host header); drops the connection headers Node adds. */
function send(fx: RunnerFixture, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  const { hostname, port } = new URL(fx.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: plain(res.headers), body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

function plain(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (['date', 'connection', 'keep-alive'].includes(name) || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function uiBundle(extra: Record<string, string> = {}, files: Record<string, string> = FILES): Promise<PackResult> {
  const entries = Object.entries({ 'manifest.json': '{"name":"ui"}', ...files, ...extra }).map(([path, data]) => ({ path, data: enc(data) }));
  return packEntries(entries, { level: 1 });
}

const EMPTY_404 = { status: 404, headers: { 'cache-control': IMMUTABLE, 'content-length': '0' }, body: '' };

function fileHeaders(name: keyof typeof FILES, type: string, extra: Record<string, string> = {}) {
  return {
    'cache-control': IMMUTABLE,
    'content-type': type,
    'content-length': String(Buffer.byteLength(FILES[name])),
    etag: etagOf(FILES[name]),
    'x-content-type-options': 'nosniff',
    ...extra,
  };
}

describe('GET /ext-ui in strict mode (the default)', () => {
  const directory = new FakeDirectory();
  let fx: RunnerFixture;
  let bundle: PackResult;
  let extCount = 0;

  /** A fresh extension id installed for `tenant` with the UI bundle, so remembered tenants never leak between tests. */
  async function install(tenant = TENANT, confirmed = true): Promise<string> {
    const ext = `ui-ext-${++extCount}`;
    await fx.putBundle(bundle.bytes, bundle.contentHash, ext, tenant);
    if (confirmed) directory.installs.add(`${tenant}|${ext}|${bundle.contentHash}`);
    return ext;
  }
  const url = (ext: string, tail: string, hash = bundle.contentHash) => `/ext-ui/${ext}/${hash}/${tail}`;

  beforeAll(async () => {
    fx = await RunnerFixture.start({}, { installDirectory: directory });
    bundle = await uiBundle();
  });
  afterAll(() => fx.close());

  it('step 1: answers 400 invalid content hash (text) for a hash that is not sha256: + 64 hex', async () => {
    const ext = await install();
    for (const hash of ['abc', hashHex(bundle.contentHash), `sha256:${'z'.repeat(64)}`]) {
      expect(await send(fx, `${url(ext, 'app.js', hash)}?tenant=${TENANT}`)).toEqual({
        status: 400,
        headers: { 'cache-control': IMMUTABLE, 'content-type': 'text/plain; charset=utf-8', 'content-length': '20' },
        body: 'invalid content hash',
      });
    }
  });

  it('accepts upper-case hex in the hash', async () => {
    const ext = await install();
    const upper = `sha256:${hashHex(bundle.contentHash).toUpperCase()}`;
    expect((await send(fx, `${url(ext, 'app.js', upper)}?tenant=${TENANT}`)).status).toBe(200);
  });

  it('answers 404 empty for an empty tail: /ext-ui/x/h and /ext-ui/x/h/', async () => {
    const ext = await install();
    expect(await send(fx, `/ext-ui/${ext}/${bundle.contentHash}?tenant=${TENANT}`)).toEqual(EMPTY_404);
    expect(await send(fx, `/ext-ui/${ext}/${bundle.contentHash}/?tenant=${TENANT}`)).toEqual(EMPTY_404);
  });

  it('step 3: answers 404 empty in strict mode when no tenant can be found', async () => {
    const ext = await install();
    expect(await send(fx, url(ext, 'app.js'))).toEqual(EMPTY_404);
    expect(await send(fx, url(ext, 'app.js'), { host: 'unknown.example.test' })).toEqual(EMPTY_404);
  });

  it('step 3: takes the tenant from ?tenant= and serves the file with exact headers', async () => {
    const ext = await install();
    expect(await send(fx, `${url(ext, 'app.js')}?tenant=${TENANT}`)).toEqual({
      status: 200,
      headers: fileHeaders('ui/app.js', 'text/javascript'),
      body: FILES['ui/app.js'],
    });
  });

  it('step 3: takes the tenant from x-tenant-id', async () => {
    const ext = await install();
    const res = await send(fx, url(ext, 'style.css'), { 'x-tenant-id': TENANT });
    expect(res).toEqual({ status: 200, headers: fileHeaders('ui/style.css', 'text/css'), body: FILES['ui/style.css'] });
  });

  it('step 3: prefers ?tenant= over x-tenant-id', async () => {
    const ext = await install();
    expect((await send(fx, `${url(ext, 'app.js')}?tenant=${TENANT}`, { 'x-tenant-id': 'someone-else' })).status).toBe(200);
    const other = await install();
    expect((await send(fx, `${url(other, 'app.js')}?tenant=someone-else`, { 'x-tenant-id': TENANT })).status).toBe(404);
  });

  it('step 3: remembers the tenant of a served page for its later requests without one', async () => {
    const ext = await install();
    expect((await send(fx, url(ext, 'nested/x.json'))).status).toBe(404);
    expect((await send(fx, `${url(ext, 'index.html')}?tenant=${TENANT}`)).status).toBe(200);
    expect(await send(fx, url(ext, 'nested/x.json'))).toEqual({
      status: 200,
      headers: fileHeaders('ui/nested/x.json', 'application/json'),
      body: FILES['ui/nested/x.json'],
    });
  });

  it('step 3: looks the tenant up by Host (port stripped) through the install directory', async () => {
    const ext = await install();
    directory.hosts.set('acme-ui.apps.example.test', TENANT);
    expect((await send(fx, url(ext, 'app.js'), { host: 'acme-ui.apps.example.test:8443' })).status).toBe(200);
  });

  it('step 4: answers 404 empty when the directory does not confirm the install, even with the bundle in the store', async () => {
    const ext = await install(TENANT, false);
    expect(await send(fx, `${url(ext, 'app.js')}?tenant=${TENANT}`)).toEqual(EMPTY_404);
  });

  it('serves index.html with the default CSP', async () => {
    const ext = await install();
    expect(await send(fx, `${url(ext, 'index.html')}?tenant=${TENANT}`)).toEqual({
      status: 200,
      headers: fileHeaders('ui/index.html', 'text/html', { 'content-security-policy': DEFAULT_CSP }),
      body: FILES['ui/index.html'],
    });
  });

  it('never picks a file from ?path=, ?extensionId= or ?parentOrigin=', async () => {
    const ext = await install();
    const res = await send(fx, `${url(ext, 'index.html')}?tenant=${TENANT}&path=/app.js&extensionId=x&parentOrigin=https%3A%2F%2Fpsa.example.com`);
    expect(res.body).toBe(FILES['ui/index.html']);
  });

  it.each([
    ['a missing .js', 'missing.js'],
    ['a folder', 'nested'],
    ['a folder with a trailing slash', 'nested/'],
    ['a client-side route', 'tickets/42'],
  ])('step 7: falls back to index.html (200) for %s', async (_name, tail) => {
    const ext = await install();
    expect(await send(fx, `${url(ext, tail)}?tenant=${TENANT}`)).toEqual({
      status: 200,
      headers: fileHeaders('ui/index.html', 'text/html', { 'content-security-policy': DEFAULT_CSP }),
      body: FILES['ui/index.html'],
    });
  });

  it('step 7: answers 404 empty when the bundle has no ui/index.html to fall back to', async () => {
    const noIndex = await uiBundle({}, { 'ui/app.js': FILES['ui/app.js'] });
    await fx.putBundle(noIndex.bytes, noIndex.contentHash, 'no-index');
    directory.installs.add(`${TENANT}|no-index|${noIndex.contentHash}`);
    expect(await send(fx, `/ext-ui/no-index/${noIndex.contentHash}/missing.js?tenant=${TENANT}`)).toEqual(EMPTY_404);
    expect((await send(fx, `/ext-ui/no-index/${noIndex.contentHash}/app.js?tenant=${TENANT}`)).status).toBe(200);
  });

  it('step 6: collapses repeated slashes', async () => {
    const ext = await install();
    expect((await send(fx, `${url(ext, 'nested//x.json')}?tenant=${TENANT}`)).body).toBe(FILES['ui/nested/x.json']);
  });

  it.each([
    '%2e%2e/manifest.json',
    '..%2F..%2Fmanifest.json',
    'nested/../app.js',
    '%2Fetc%2Fpasswd',
    '/app.js',
    '.hidden.js',
    'nested/.env',
    'app.js%00.css',
    'a%5C..%5Capp.js',
    'a%0d%0a.js',
    'app.mjs',
    'main.wasm',
    'favicon.ico',
    'x.gif',
    'notes.txt',
    'app.js.',
  ])('step 6: answers 400 invalid path for %j', async (tail) => {
    const ext = await install();
    expect(await send(fx, `${url(ext, tail)}?tenant=${TENANT}`)).toEqual({
      status: 400,
      headers: { 'cache-control': IMMUTABLE, 'content-type': 'text/plain; charset=utf-8', 'content-length': '12' },
      body: 'invalid path',
    });
  });

  it('step 9: answers 304 with ETag and Cache-Control (plus CSP for HTML) for a matching strong ETag, list or *', async () => {
    const ext = await install();
    const q = `?tenant=${TENANT}`;
    for (const inm of [etagOf(FILES['ui/app.js']), `"other", ${etagOf(FILES['ui/app.js'])}`, '*']) {
      expect(await send(fx, `${url(ext, 'app.js')}${q}`, { 'if-none-match': inm })).toEqual({
        status: 304,
        headers: { 'cache-control': IMMUTABLE, etag: etagOf(FILES['ui/app.js']) },
        body: '',
      });
    }
    expect(await send(fx, `${url(ext, 'index.html')}${q}`, { 'if-none-match': etagOf(FILES['ui/index.html']) })).toEqual({
      status: 304,
      headers: { 'cache-control': IMMUTABLE, etag: etagOf(FILES['ui/index.html']), 'content-security-policy': DEFAULT_CSP },
      body: '',
    });
  });

  it('step 9: answers 200 for a weak validator or another ETag', async () => {
    const ext = await install();
    for (const inm of [`W/${etagOf(FILES['ui/app.js'])}`, '"sha256-0"']) {
      expect((await send(fx, `${url(ext, 'app.js')}?tenant=${TENANT}`, { 'if-none-match': inm })).status).toBe(200);
    }
  });

  it('answers HEAD like GET without a body', async () => {
    const ext = await install();
    const get = await send(fx, `${url(ext, 'index.html')}?tenant=${TENANT}`);
    const head = await send(fx, `${url(ext, 'index.html')}?tenant=${TENANT}`, {}, 'HEAD');
    expect(head).toEqual({ ...get, body: '' });
  });

  it('answers 405 with Allow: GET, HEAD for another method', async () => {
    const ext = await install();
    expect(await send(fx, url(ext, 'app.js'), {}, 'POST')).toEqual({
      status: 405,
      headers: { 'cache-control': IMMUTABLE, allow: 'GET, HEAD', 'content-length': '0' },
      body: '',
    });
  });

  it('step 5: answers 502 archive_hash_mismatch for an archive corrupted in the store folder, extracting nothing', async () => {
    const fresh = await uiBundle({ 'ui/fresh.js': 'corrupted-case' });
    await fx.putBundle(fresh.bytes, fresh.contentHash, 'corrupt');
    directory.installs.add(`${TENANT}|corrupt|${fresh.contentHash}`);
    await writeFile(join(fx.dataDir, 'bundles', bundleStoreKey(TENANT, 'corrupt', fresh.contentHash)), enc('bytes replaced on disk'));
    expect(await send(fx, `/ext-ui/corrupt/${fresh.contentHash}/index.html?tenant=${TENANT}`)).toEqual({
      status: 502,
      headers: { 'cache-control': IMMUTABLE, 'content-type': 'application/json', 'content-length': '32' },
      body: '{"code":"archive_hash_mismatch"}',
    });
    expectNotExtracted(fx, fresh.contentHash);
  });

  it('step 5: answers 500 extract_failed for stored bytes that hash right but are not an archive, leaving nothing behind', async () => {
    const garbage = enc('not zstd, but stored under its own hash');
    const hash = computeContentHash(garbage);
    await fx.putBundle(garbage, hash, 'garbage');
    directory.installs.add(`${TENANT}|garbage|${hash}`);
    expect(await send(fx, `/ext-ui/garbage/${hash}/index.html?tenant=${TENANT}`)).toEqual({
      status: 500,
      headers: { 'cache-control': IMMUTABLE, 'content-type': 'application/json', 'content-length': '25' },
      body: '{"code":"extract_failed"}',
    });
    expectNotExtracted(fx, hash);
    const event = fx.runner.debugEvents.recent({ extension_id: 'garbage' }).at(-1);
    expect(event).toMatchObject({ level: 'error', tenant_id: TENANT, content_hash: hash });
    expect(event?.message).toMatch(/^ext-ui extract_failed: BUNDLE_CORRUPT: bundle is not a valid zstd archive/);
  });

  it('step 5: answers 500 extract_failed when the confirmed install has no archive in the store', async () => {
    const missing = `sha256:${'e'.repeat(64)}`;
    directory.installs.add(`${TENANT}|missing|${missing}`);
    expect((await send(fx, `/ext-ui/missing/${missing}/index.html?tenant=${TENANT}`)).body).toBe('{"code":"extract_failed"}');
  });
});

function expectNotExtracted(fx: RunnerFixture, hash: string): void {
  const hex = hashHex(hash);
  expect(existsSync(join(fx.dataDir, 'cache', 'bundles', hex))).toBe(false);
  expect(existsSync(join(fx.dataDir, 'cache', 'ui', hex))).toBe(false);
}

describe('GET /ext-ui configuration', () => {
  const directory = new FakeDirectory();
  const fixtures: RunnerFixture[] = [];
  let bundle: PackResult;

  async function runner(env: Record<string, string>, withDirectory = true, log?: (line: Record<string, unknown>) => void): Promise<RunnerFixture> {
    const fx = await RunnerFixture.start({}, { installDirectory: withDirectory ? directory : undefined, log }, env);
    fixtures.push(fx);
    await fx.putBundle(bundle.bytes, bundle.contentHash, 'cfg');
    return fx;
  }
  const page = (tail: string, query = `?tenant=${TENANT}`) => `/ext-ui/cfg/${bundle.contentHash}/${tail}${query}`;

  beforeAll(async () => {
    bundle = await uiBundle();
    directory.installs.add(`${TENANT}|cfg|${bundle.contentHash}`);
  });
  afterAll(async () => {
    await Promise.all(fixtures.map((fx) => fx.close()));
  });

  it('step 8: answers 413 asset too large above EXT_STATIC_MAX_FILE_BYTES', async () => {
    const fx = await runner({ EXT_STATIC_MAX_FILE_BYTES: String(Buffer.byteLength(FILES['ui/style.css'])) });
    expect((await send(fx, page('style.css'))).status).toBe(200);
    expect(await send(fx, page('app.js'))).toEqual({
      status: 413,
      headers: { 'cache-control': IMMUTABLE, 'content-type': 'text/plain; charset=utf-8', 'content-length': '15' },
      body: 'asset too large',
    });
  });

  it('appends EXT_UI_FRAME_ANCESTORS to the default CSP', async () => {
    const fx = await runner({ EXT_UI_FRAME_ANCESTORS: "'self' https://psa.example.com" });
    expect((await send(fx, page('index.html'))).headers['content-security-policy']).toBe(
      `${DEFAULT_CSP}; frame-ancestors 'self' https://psa.example.com`,
    );
  });

  it('lets EXT_UI_CONTENT_SECURITY_POLICY replace the whole CSP', async () => {
    const fx = await runner({ EXT_UI_CONTENT_SECURITY_POLICY: "default-src 'none'", EXT_UI_FRAME_ANCESTORS: 'https://ignored.example' });
    expect((await send(fx, page('index.html'))).headers['content-security-policy']).toBe("default-src 'none'");
    expect((await send(fx, page('app.js'))).headers['content-security-policy']).toBeUndefined();
  });

  it('answers 404 in strict mode without an install directory, and logs why', async () => {
    const lines: Record<string, unknown>[] = [];
    const fx = await runner({}, false, (line) => lines.push(line));
    expect(await send(fx, page('index.html'))).toEqual(EMPTY_404);
    expect(lines).toContainEqual(expect.objectContaining({
      source: 'ext-ui',
      level: 'warn',
      extension_id: 'cfg',
      message:
        'ext-ui 404: strict validation cannot confirm installs because this Runner has no install directory. ' +
        'Run it inside the emulator, or set EXT_STATIC_STRICT_VALIDATION=false.',
    }));
  });

  it('EXT_STATIC_STRICT_VALIDATION=false: serves any tenant with the bundle, and a cached hash without a tenant', async () => {
    const fx = await runner({ EXT_STATIC_STRICT_VALIDATION: 'false' }, false);
    expect(await send(fx, page('app.js', ''))).toEqual(EMPTY_404);
    await fx.putBundle(bundle.bytes, bundle.contentHash, 'cfg', 'unlisted-tenant');
    expect((await send(fx, page('app.js', '?tenant=unlisted-tenant'))).status).toBe(200);
    // Another extension id: nothing remembered for it, but the hash is now extracted.
    expect((await send(fx, `/ext-ui/other-ext/${bundle.contentHash}/app.js`)).body).toBe(FILES['ui/app.js']);
  });
});
