import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { computeContentHash } from '../../emulator/bundles/hash.ts';
import { packEntries } from '../../emulator/bundles/pack.ts';
import { RunnerFixture, TENANT, TEST_GUEST_DIR, executeBody, probe } from '../../harness/runner-fixture.ts';

const EXT = '11111111-1111-4111-8111-111111111111';
let fx: RunnerFixture;
let hash: string;

beforeAll(async () => {
  fx = await RunnerFixture.start();
  hash = await fx.install(TEST_GUEST_DIR, EXT);
});
afterAll(() => fx.close());

describe('POST /v1/execute processing order', () => {
  it('answers 400 missing_routing_headers when x-alga-tenant is absent or empty', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/echo'), { 'x-alga-tenant': '' });
    expect(res.httpStatus).toBe(200);
    expect(res.envelope).toEqual({ status: 400, headers: {}, body_b64: null, error: 'missing_routing_headers' });
  });

  it('answers 400 missing_routing_headers when x-alga-extension is empty', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/echo'), { 'x-alga-extension': '' });
    expect(res.envelope.error).toBe('missing_routing_headers');
  });

  it('chooses the bundle by routing headers, not by the JSON body', async () => {
    const body = executeBody('someone-else', hash, 'GET', '/global');
    const res = await fx.execute(body, { 'x-alga-extension': EXT });
    expect(res.envelope.status).toBe(200);
  });

  it('answers 502 bundle_fetch_failed when the store has no such bundle', async () => {
    const missing = 'sha256:' + 'a'.repeat(64);
    const res = await fx.execute(executeBody(EXT, missing, 'GET', '/echo'));
    expect(res.envelope).toEqual({
      status: 502, headers: {}, body_b64: null,
      error: `bundle_fetch_failed: bundle not found in store at tenants/${TENANT}/extensions/${EXT}/sha256/${'a'.repeat(64)}/bundle.tar.zst`,
    });
  });

  it('answers 502 archive hash mismatch when the stored bytes hash differently', async () => {
    const claimed = 'sha256:' + 'b'.repeat(64);
    const bytes = new TextEncoder().encode('not the bundle you are looking for');
    await fx.putBundle(bytes, claimed, EXT);
    const res = await fx.execute(executeBody(EXT, claimed, 'GET', '/echo'));
    expect(res.envelope.status).toBe(502);
    expect(res.envelope.error).toBe(`bundle_fetch_failed: archive hash mismatch: expected ${claimed}, got ${computeContentHash(bytes)}`);
  });

  it('answers 502 bundle_fetch_failed for a non-zstd file with the right hash', async () => {
    const bytes = new TextEncoder().encode('plain text, correctly hashed');
    const right = computeContentHash(bytes);
    await fx.putBundle(bytes, right, EXT);
    const res = await fx.execute(executeBody(EXT, right, 'GET', '/echo'));
    expect(res.envelope.status).toBe(502);
    expect(res.envelope.error).toMatch(/^bundle_fetch_failed: bundle is not a valid zstd archive/);
  });

  it('answers 502 bundle_fetch_failed for a UI-only bundle (no dist/main.wasm)', async () => {
    const packed = await packEntries([
      { path: 'manifest.json', data: new TextEncoder().encode('{}') },
      { path: 'ui/index.html', data: new TextEncoder().encode('<p>ui</p>') },
    ], { level: 1 });
    await fx.putBundle(packed.bytes, packed.contentHash, EXT);
    const res = await fx.execute(executeBody(EXT, packed.contentHash, 'GET', '/echo'));
    expect(res.envelope.error).toBe(`bundle_fetch_failed: dist/main.wasm not found in bundle ${packed.contentHash}`);
  });

  it('accepts a bare, upper-case hex content hash', async () => {
    const bare = hash.slice('sha256:'.length).toUpperCase();
    const res = await fx.execute(executeBody(EXT, bare, 'GET', '/global'));
    expect(res.envelope.status).toBe(200);
  });

  it('checks the bundle before capabilities: a missing bundle wins over unknown capabilities', async () => {
    const res = await fx.execute(executeBody(EXT, 'sha256:' + 'c'.repeat(64), 'GET', '/echo', { providers: ['cap:nope'] }));
    expect(res.envelope.status).toBe(502);
  });

  it('answers 400 unknown_capabilities listing every unknown string, trimmed and lowercased', async () => {
    const providers = [' CAP:Storage.KV ', 'cap:teleport', '', 'Cap:Mind.Read'];
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/echo', { providers }));
    expect(res.envelope).toEqual({ status: 400, headers: {}, body_b64: null, error: 'unknown_capabilities: cap:teleport, cap:mind.read' });
  });

  it('answers 500 secret_decrypt_failed for an envelope that is not base64 JSON', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/echo', {
      secret_envelope: { ciphertext_b64: Buffer.from('not json').toString('base64'), algorithm: 'inline/base64' },
    }));
    expect(res.envelope).toEqual({ status: 500, headers: {}, body_b64: null, error: 'secret_decrypt_failed' });
  });

  it('answers 500 execute_failed: invalid body base64 for a bad body_b64', async () => {
    const body = executeBody(EXT, hash, 'POST', '/echo');
    body.http.body_b64 = '%%%not-base64';
    const res = await fx.execute(body);
    expect(res.envelope.status).toBe(500);
    expect(res.envelope.error).toMatch(/^execute_failed: invalid body base64: /);
  });

  it('passes the guest method verbatim, url = path + form-encoded query, headers as a list, body bytes', async () => {
    const body = executeBody(EXT, hash, 'PATCH', '/echo', { context: { tenant_id: TENANT, extension_id: EXT, content_hash: hash, request_id: 'req-9', install_id: 'inst-9', version_id: 'ver-9' } });
    body.http = { method: 'PATCH', path: '/echo', query: { foo: 'bar baz' }, headers: { 'x-one': '1' }, body_b64: Buffer.from('hi').toString('base64') };
    const res = await fx.execute(body);
    expect(res.json()).toEqual({
      request: {
        context: { requestId: 'req-9', tenantId: TENANT, extensionId: EXT, installId: 'inst-9', versionId: 'ver-9' },
        http: { method: 'PATCH', url: '/echo?foo=bar+baz', headers: [{ name: 'x-one', value: '1' }], body: { $bytes: 'hi' } },
      },
    });
  });

  it('gives the guest no body for a null body_b64 and empty bytes for ""', async () => {
    const none = await fx.execute({ ...executeBody(EXT, hash, 'POST', '/echo'), http: { method: 'POST', path: '/echo', body_b64: null } });
    expect((none.json() as { request: { http: { body: unknown } } }).request.http.body).toBeNull();
    const empty = await fx.execute({ ...executeBody(EXT, hash, 'POST', '/echo'), http: { method: 'POST', path: '/echo', body_b64: '' } });
    expect((empty.json() as { request: { http: { body: unknown } } }).request.http.body).toEqual({ $bytes: '' });
  });

  it('maps guest headers to a map: last duplicate wins, names kept, disallowed headers dropped', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/headers'));
    expect(res.envelope).toEqual({
      status: 201,
      headers: { 'Content-Type': 'text/plain', 'x-ext-trace': 'second', ETag: '"v1"' },
      body_b64: Buffer.from('headers').toString('base64'),
      error: null,
    });
    const dropped = fx.runner.debugEvents.recent({ extension_id: EXT }).filter((e) => e.message.includes('"set-cookie" dropped'));
    expect(dropped).toHaveLength(1);
  });

  it('encodes a none body as null and an empty body as ""', async () => {
    expect((await fx.execute(executeBody(EXT, hash, 'GET', '/no-body'))).envelope).toEqual({ status: 204, headers: {}, body_b64: null, error: null });
    expect((await fx.execute(executeBody(EXT, hash, 'GET', '/empty-body'))).envelope).toEqual({ status: 204, headers: {}, body_b64: '', error: null });
  });

  it('keeps guest 4xx/5xx as successes (error null)', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/nowhere'));
    expect(res.envelope.status).toBe(404);
    expect(res.envelope.error).toBeNull();
  });
});

describe('idempotency', () => {
  it('replays the stored envelope verbatim for a repeated x-idempotency-key without running the guest', async () => {
    const body = executeBody(EXT, hash, 'POST', '/probe', { providers: ['cap:storage.kv'] });
    Object.assign(body.http, probe('storage', 'put', [{ namespace: 'idem', key: 'k', value: { $bytes: 'v' } }]));
    const first = await fx.execute(body, { 'x-idempotency-key': 'idem-1' });
    const second = await fx.execute(body, { 'x-idempotency-key': 'idem-1' });
    expect(second.envelope).toEqual(first.envelope);
    const third = await fx.execute(body, { 'x-idempotency-key': 'idem-2' });
    expect((first.json() as { ok: { revision: { $bigint: string } } }).ok.revision).toEqual({ $bigint: '1' });
    expect((third.json() as { ok: { revision: { $bigint: string } } }).ok.revision).toEqual({ $bigint: '2' });
  });

  it('scopes keys by tenant and extension', async () => {
    const other = '22222222-2222-4222-8222-222222222222';
    const otherHash = await fx.install(TEST_GUEST_DIR, other);
    const a = await fx.execute(executeBody(EXT, hash, 'GET', '/global'), { 'x-idempotency-key': 'shared' });
    const b = await fx.execute(executeBody(other, otherHash, 'GET', '/nowhere'), { 'x-idempotency-key': 'shared' });
    expect(a.envelope.status).toBe(200);
    expect(b.envelope.status).toBe(404);
  });

  it('does not store failures', async () => {
    const missing = executeBody(EXT, 'sha256:' + 'd'.repeat(64), 'GET', '/global');
    const failed = await fx.execute(missing, { 'x-idempotency-key': 'fail-1' });
    expect(failed.envelope.status).toBe(502);
    const ok = await fx.execute(executeBody(EXT, hash, 'GET', '/global'), { 'x-idempotency-key': 'fail-1' });
    expect(ok.envelope.status).toBe(200);
  });
});

describe('framework rejections', () => {
  const post = (body: string, contentType = 'application/json') =>
    fetch(`${fx.url}/v1/execute`, { method: 'POST', headers: { 'content-type': contentType, 'x-alga-tenant': TENANT, 'x-alga-extension': EXT }, body });

  it('answers 415 without an application/json content type', async () => {
    const res = await post('{}', 'text/plain');
    expect(res.status).toBe(415);
    expect(await res.text()).toBe('Expected request with `Content-Type: application/json`');
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await post('{"context":');
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^Failed to parse the request body as JSON: /);
  });

  it('answers 422 for a missing required field', async () => {
    const res = await post(JSON.stringify({ context: { extension_id: EXT, content_hash: hash }, http: { method: 'GET', path: '/' } }));
    expect(res.status).toBe(422);
    expect(await res.text()).toBe('Failed to deserialize the JSON body into the target type: context: missing field `tenant_id`');
  });

  it('answers 422 for an explicit null providers', async () => {
    const res = await post(JSON.stringify({ ...executeBody(EXT, hash, 'GET', '/'), providers: null }));
    expect(res.status).toBe(422);
  });

  it('answers 413 for a body over 2 MiB', async () => {
    const res = await post(JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(413);
  });

  it('ignores unknown fields, endpoint and http.url', async () => {
    const body = { ...executeBody(EXT, hash, 'GET', '/global'), endpoint: 'dist/handlers/x', extra: { a: 1 } };
    (body.http as Record<string, unknown>).url = '/ignored';
    const res = await fx.execute(body);
    expect(res.json()).toEqual({ global: 1 });
  });
});

describe('without Express (executeFastPath)', () => {
  const send = async (path: string, body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${fx.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-alga-tenant': TENANT, 'x-alga-extension': EXT, ...headers }, body });
    const out: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (name !== 'date') out[name] = value;
    });
    return { status: res.status, headers: out, body: await res.text() };
  };

  it('should answer exactly as the Express route: a guest answer, bad JSON, a bad shape, a refused envelope', async () => {
    const cases: [string, Record<string, string>][] = [
      [JSON.stringify(executeBody(EXT, hash, 'POST', '/echo', { body_b64: Buffer.from('hi').toString('base64') })), {}],
      ['{"context":', {}],
      [JSON.stringify({ context: { extension_id: EXT, content_hash: hash }, http: { method: 'GET', path: '/' } }), {}],
      [JSON.stringify(executeBody(EXT, hash, 'GET', '/echo')), { 'x-alga-tenant': '' }],
      [JSON.stringify(executeBody(EXT, hash, 'GET', '/echo')), { 'content-type': 'application/json; charset=utf-8' }],
    ];
    for (const [body, headers] of cases) {
      // `/v1/execute?` is the same route for Express, and not a URL the fast path takes.
      const [fast, viaExpress] = [await send('/v1/execute', body, headers), await send('/v1/execute?', body, headers)];
      expect(fast).toEqual(viaExpress);
    }
    const answers = [];
    for (const [body, headers] of cases) answers.push((await send('/v1/execute', body, headers)).status);
    expect(answers).toEqual([200, 400, 422, 200, 200]);
    expect((await send('/v1/execute', cases[0]![0])).headers).toEqual({ 'cache-control': 'public, max-age=31536000, immutable', 'content-type': 'application/json; charset=utf-8', 'content-length': expect.stringMatching(/^\d+$/), connection: 'keep-alive', 'keep-alive': 'timeout=65' });
  });

  it('should not run Express for a plain execute, and run it for any other', async () => {
    const handle = vi.spyOn(express.application as unknown as { handle: () => void }, 'handle');
    const local = await RunnerFixture.start();
    try {
      const own = await local.install(TEST_GUEST_DIR, EXT);
      const call = (path: string, contentType = 'application/json') =>
        fetch(`${local.url}${path}`, { method: 'POST', headers: { 'content-type': contentType, 'x-alga-tenant': TENANT, 'x-alga-extension': EXT }, body: JSON.stringify(executeBody(EXT, own, 'GET', '/global')) });
      expect((await call('/v1/execute')).status).toBe(200);
      expect((await call('/v1/execute', 'application/JSON; Charset=UTF-8')).status).toBe(200);
      expect(handle).not.toHaveBeenCalled();
      expect((await call('/v1/execute?x=1')).status).toBe(200);
      expect((await call('/v1/execute', 'application/json; charset=utf-8; v=1')).status).toBe(200);
      expect((await call('/v1/execute', 'text/plain')).status).toBe(415);
      expect(handle).toHaveBeenCalledTimes(3);
    } finally {
      handle.mockRestore();
      await local.close();
    }
  });
});

describe('other routes', () => {
  it('GET /healthz reports the cache and the store', async () => {
    const res = await fetch(`${fx.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ cache_writable: true, bundle_store: 'ok', ext_cache_max_bytes: null });
  });

  it('POST /warmup is always 400', async () => {
    const res = await fetch(`${fx.url}/warmup`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('warmup unsupported without tenant + extension context');
  });

  it('adds the immutable Cache-Control to every response, /v1/execute included', async () => {
    const res = await fetch(`${fx.url}/healthz`);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const exec = await fetch(`${fx.url}/v1/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(exec.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers 404 empty for an unknown path and 405 with Allow for a wrong method', async () => {
    const missing = await fetch(`${fx.url}/nope`);
    expect([missing.status, await missing.text()]).toEqual([404, '']);
    const wrong = await fetch(`${fx.url}/v1/execute`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });
});

describe('bundles written by GNU tar | zstd', () => {
  it('runs a component from a bundle packed by tar -cf - | zstd -19', async () => {
    const out = await mkdtemp(join(tmpdir(), 'gnu-bundle-'));
    try {
      const file = join(out, 'bundle.tar.zst');
      execFileSync('sh', ['-c', `tar -C "${TEST_GUEST_DIR}" -cf - manifest.json dist/main.wasm | zstd -19 -q -c > "${file}"`]);
      const bytes = new Uint8Array((await import('node:fs')).readFileSync(file));
      const gnuHash = computeContentHash(bytes);
      const ext = '33333333-3333-4333-8333-333333333333';
      await fx.putBundle(bytes, gnuHash, ext);
      const res = await fx.execute(executeBody(ext, gnuHash, 'GET', '/global'));
      expect(res.envelope).toMatchObject({ status: 200, error: null });
      expect(res.json()).toEqual({ global: 1 });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
