// The routes on the main port, over HTTP: path and query decoding, CORS, body cap, cookies, HEAD.
import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHostApp } from '../host/app.ts';
import { seededUserId } from '../registry/identity.ts';
import { TENANT } from '../registry/test-support.ts';
import { listen } from '../runner/http/router.ts';
import type { GatewayOptions } from './gateway.ts';
import { gatewayFastPath, plainTarget } from './router.ts';
import { SESSION_COOKIE } from './sessions.ts';
import { envelopeReply, openGatewayFixture, type GatewayFixture } from './test-support.ts';

let f: GatewayFixture;
let server: Server | undefined;
let base = '';
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await f?.close();
});

async function start(options: Partial<GatewayOptions> = {}): Promise<void> {
  f = await openGatewayFixture(options);
  const served = await listen(createHostApp({ registry: f.t.registry, gateway: f.gateway }), 0);
  server = served.server;
  base = served.url;
}

/** Like `start`, keeping the host app's log lines. */
async function startLogged(): Promise<{ lines: Record<string, unknown>[]; served: { server: Server; url: string } }> {
  f = await openGatewayFixture();
  const lines: Record<string, unknown>[] = [];
  const served = await listen(createHostApp({ registry: f.t.registry, gateway: f.gateway, log: (line) => lines.push(line) }), 0);
  server = served.server;
  return { lines, served };
}

const sentHttp = (i = 0) => f.runner.calls[i]?.json.http as { method: string; path: string; query: Record<string, string>; body_b64?: string };

describe('path and query', () => {
  it('should pass the handler path (an empty tail is "/", a trailing slash dropped) and the last query value per key', async () => {
    await start();
    const admin = f.bearer('msp-admin');
    await fetch(`${base}/api/ext/${f.portal.registryId}`, { method: 'POST', headers: admin });
    await fetch(`${base}/api/ext/${f.portal.registryId}/`, { method: 'POST', headers: admin });
    await fetch(`${base}/api/ext/acme.widget/items/a%20b/?x=1&x=2&y=%2F`, { headers: admin });
    expect([sentHttp(0).path, sentHttp(1).path]).toEqual(['/', '/']);
    expect([sentHttp(2).path, sentHttp(2).query]).toEqual(['/items/a b', { x: '2', y: '/' }]);
  });

  it('should answer a malformed %-escape with 400 and a request id', async () => {
    await start();
    const res = await fetch(`${base}/api/ext/%E0%A4%A/items`, { headers: { ...f.bearer('msp-admin'), 'x-request-id': 'bad-1' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-request-id')).toBe('bad-1');
    expect(await res.json()).toEqual({ error: 'bad_request' });
  });
});

describe('unexpected errors', () => {
  it('should answer 500 internal_error without the detail, and log it', async () => {
    const { lines, served } = await startLogged();
    vi.spyOn(f.gateway, 'handle').mockRejectedValue(new Error("SQLITE_IOERR: disk I/O error, open '/srv/emu/registry.sqlite'"));
    const res = await fetch(`${served.url}/api/ext/acme.widget/items`, { headers: f.bearer('msp-admin') });
    expect([res.status, await res.json()]).toEqual([500, { error: 'internal_error' }]);
    expect(lines).toMatchObject([{ level: 'error', msg: 'unexpected error answering GET /api/ext/acme.widget/items; the client got a 500 without it', error: "SQLITE_IOERR: disk I/O error, open '/srv/emu/registry.sqlite'" }]);
  });
});

describe('responses over HTTP', () => {
  it('should write status, filtered headers, body and x-request-id, and answer HEAD without a body', async () => {
    await start();
    f.runner.reply = () => envelopeReply(201, 'hello', { 'content-type': 'text/plain', etag: '"x"' });
    const res = await fetch(`${base}/api/ext/acme.widget/items`, { headers: { ...f.bearer('msp-admin'), 'x-request-id': 'h-1' } });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('hello');
    expect([res.headers.get('content-type'), res.headers.get('x-request-id'), res.headers.get('etag'), res.headers.get('cache-control')]).toEqual(['text/plain', 'h-1', null, null]);
    const head = await fetch(`${base}/api/ext/acme.widget/items`, { method: 'HEAD', headers: f.bearer('msp-admin') });
    expect([head.status, await head.text(), sentHttp(1).method]).toEqual([201, '', 'GET']);
  });

  it('should authenticate ext-proxy calls with the session cookie and forward neither the cookie nor authorization', async () => {
    await start();
    const token = f.sessions.signIn(seededUserId(TENANT, 'msp-admin'));
    const res = await fetch(`${base}/api/ext-proxy/acme.widget/items/4`, { method: 'POST', headers: { cookie: `theme=dark; ${SESSION_COOKIE}=${token}`, 'content-type': 'application/octet-stream' }, body: 'raw' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const call = f.runner.only();
    expect([call.headers.cookie, call.headers.authorization, JSON.stringify(call.json).includes(token)]).toEqual([undefined, undefined, false]);
    expect(sentHttp().body_b64).toBe(Buffer.from('raw').toString('base64'));
    f.sessions.signOut(token);
    const after = await fetch(`${base}/api/ext-proxy/acme.widget/items`, { headers: { cookie: `${SESSION_COOKIE}=${token}` } });
    expect([after.status, await after.json()]).toEqual([401, { error: 'invalid_session' }]);
  });
});

describe('CORS', () => {
  it('should echo Origin with credentials and Vary on /api/ext answers, refusals included', async () => {
    await start();
    const ok = await fetch(`${base}/api/ext/acme.widget/items`, { headers: { ...f.bearer('msp-admin'), origin: 'http://localhost:5173' } });
    const refused = await fetch(`${base}/api/ext/acme.widget/items`, { headers: { origin: 'http://localhost:5173' } });
    for (const res of [ok, refused]) {
      expect([res.headers.get('access-control-allow-origin'), res.headers.get('access-control-allow-credentials'), res.headers.get('vary')]).toEqual(['http://localhost:5173', 'true', 'Origin']);
    }
    expect(refused.status).toBe(401);
  });

  it('should answer the preflight with 204 and the allowed methods and headers (not x-alga-tenant)', async () => {
    await start();
    const res = await fetch(`${base}/api/ext/acme.widget/items`, { method: 'OPTIONS', headers: { origin: 'http://a.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-alga-tenant' } });
    expect(res.status).toBe(204);
    const cors: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (name.startsWith('access-control-')) cors[name] = value;
    });
    expect(cors).toEqual({
      'access-control-allow-origin': 'http://a.test',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
      'access-control-allow-headers': 'content-type,x-request-id,x-idempotency-key',
      'access-control-max-age': '180',
    });
    expect(f.runner.calls).toEqual([]);
  });

  it('should send no CORS headers on /api/ext-proxy', async () => {
    await start();
    const res = await fetch(`${base}/api/ext-proxy/acme.widget/items`, { headers: { ...f.bearer('msp-admin'), origin: 'http://a.test' } });
    expect(res.status).toBe(200);
    expect([res.headers.get('access-control-allow-origin'), res.headers.get('vary')]).toEqual([null, null]);
  });
});

describe('body cap', () => {
  it('should answer 413 payload_too_large for a body of 10 MiB + 1 on both routes, and accept exactly 10 MiB', async () => {
    await start();
    for (const route of ['ext', 'ext-proxy']) {
      const res = await fetch(`${base}/api/${route}/acme.widget/items/1`, { method: 'POST', headers: { ...f.bearer('msp-admin'), 'x-request-id': 'big' }, body: Buffer.alloc(10 * 1024 * 1024 + 1, 97) });
      expect([res.status, await res.json(), res.headers.get('x-request-id')]).toEqual([413, { error: 'payload_too_large' }, 'big']);
    }
    expect(f.runner.calls).toEqual([]);
    const max = await fetch(`${base}/api/ext/acme.widget/items/1`, { method: 'POST', headers: f.bearer('msp-admin'), body: Buffer.alloc(10 * 1024 * 1024, 97) });
    expect(max.status).toBe(200);
    expect(Buffer.from(sentHttp().body_b64 ?? '', 'base64').length).toBe(10 * 1024 * 1024);
  });
});

describe('other routes', () => {
  it('should leave /api/ext-bundles to the publish API', async () => {
    await start();
    const res = await fetch(`${base}/api/ext-bundles/finalize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('without Express for plain URLs (gatewayFastPath)', () => {
  it('should take exactly the plain /api/ext and /api/ext-proxy URLs, with their parameters', () => {
    expect(plainTarget('/api/ext/acme.widget/items/4?x=1&x=2')).toEqual({ route: 'ext', pathname: '/api/ext/acme.widget/items/4', extId: 'acme.widget', segments: ['items', '4'] });
    expect(plainTarget('/api/ext/acme.widget')).toEqual({ route: 'ext', pathname: '/api/ext/acme.widget', extId: 'acme.widget', segments: [] });
    expect(plainTarget('/api/ext/acme.widget/')).toEqual({ route: 'ext', pathname: '/api/ext/acme.widget/', extId: 'acme.widget', segments: [''] });
    expect(plainTarget('/api/ext-proxy/acme.widget/a/b?q')).toEqual({ route: 'ext-proxy', pathname: '/api/ext-proxy/acme.widget/a/b', extId: 'acme.widget', segments: ['a', 'b'] });
    const express = ['/api/ext/', '/api/ext?x=1', '/api/ext//items', '/api/ext/acme.widget//items', '/api/ext/acme.widget/a#b', '/api/ext/a%20b/items', '/api/ext/acme.widget/a%2Fb', '/API/EXT/acme.widget/items', '/api/Ext-Proxy/acme.widget', '/api/extension/a', '/api/ext-bundles/finalize', 'http://127.0.0.1/api/ext/acme.widget/items', '/'];
    expect(express.map((url) => plainTarget(url))).toEqual(express.map(() => undefined));
  });

  it('should answer a plain URL itself and leave any other to the next listener', async () => {
    f = await openGatewayFixture();
    const fast = gatewayFastPath(f.gateway);
    server = createServer((req, res) => {
      if (fast(req, res)) return;
      res.statusCode = 599;
      res.end('not taken');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const taken = await fetch(`${url}/api/ext/acme.widget/items/4?x=1`, { headers: f.bearer('msp-admin') });
    expect([taken.status, await taken.json()]).toEqual([200, { ok: true }]);
    expect([sentHttp(0).path, sentHttp(0).query]).toEqual(['/items/4', { x: '1' }]);
    const left = await fetch(`${url}/api/ext/acme.widget/a%20b`, { headers: f.bearer('msp-admin') });
    expect([left.status, await left.text(), f.runner.calls.length]).toEqual([599, 'not taken', 1]);
  });

  it('should not run Express for a plain URL, and run it for any other', async () => {
    const handle = vi.spyOn(express.application as unknown as { handle: () => void }, 'handle');
    await start();
    await fetch(`${base}/api/ext/acme.widget/items`, { headers: f.bearer('msp-admin') });
    expect(handle).not.toHaveBeenCalled();
    await fetch(`${base}/api/ext/acme.widget/a%20b`, { headers: f.bearer('msp-admin') });
    expect(handle).toHaveBeenCalledTimes(1);
    handle.mockRestore();
  });

  it('should answer as Express does: the same URL in another case goes through Express', async () => {
    await start();
    f.runner.reply = () => envelopeReply(201, 'made', { 'content-type': 'text/plain', 'x-extra': 'kept' });
    const answers = [];
    for (const prefix of ['/api/ext', '/API/EXT']) {
      const res = await fetch(`${base}${prefix}/acme.widget/items/4/?x=1&x=2`, { method: 'POST', headers: { ...f.bearer('msp-admin'), origin: 'http://a.test', 'x-request-id': 'same' }, body: 'b' });
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        if (name !== 'date') headers[name] = value;
      });
      answers.push({ status: res.status, headers, body: await res.text() });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]?.status).toBe(201);
    expect(f.runner.calls.map((c) => c.json.http)).toEqual([0, 1].map(() => ({ method: 'POST', path: '/items/4', query: { x: '2' }, headers: expect.anything(), body_b64: Buffer.from('b').toString('base64') })));
  });

  it('should answer an unexpected error on a plain URL as the Express route does: 500 internal_error, logged', async () => {
    const { lines, served } = await startLogged();
    vi.spyOn(f.gateway, 'handle').mockRejectedValue(new Error('SQLITE_BUSY: database is locked'));
    const answers = [];
    for (const path of ['/api/ext/acme.widget/items', '/API/ext/acme.widget/items']) {
      const res = await fetch(`${served.url}${path}`, { headers: { ...f.bearer('msp-admin'), 'x-request-id': 'e-1' } });
      answers.push([res.status, res.headers.get('content-type'), res.headers.get('x-request-id'), await res.json()]);
    }
    expect(answers).toEqual([0, 1].map(() => [500, 'application/json; charset=utf-8', 'e-1', { error: 'internal_error' }]));
    expect(lines.map((l) => [l.msg, l.error])).toEqual([
      ['unexpected error answering GET /api/ext/acme.widget/items; the client got a 500 without it', 'SQLITE_BUSY: database is locked'],
      ['unexpected error answering GET /API/ext/acme.widget/items; the client got a 500 without it', 'SQLITE_BUSY: database is locked'],
    ]);
  });
});
