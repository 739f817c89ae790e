import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugEvent } from '../../contracts/debug-event.ts';
import { forwardedHeaders, runnerUiPath } from './runner-proxy.ts';
import { OTHER_TENANT, TENANT, openShellFixture, readSse, sseData, type ShellFixture } from './test-support.ts';

let f: ShellFixture;
beforeEach(async () => {
  f = await openShellFixture();
});
afterEach(async () => {
  await f.close();
});

describe('/runner/* → the Runner\'s /ext-ui/*', () => {
  it('should map only /runner/ext-ui/ URLs, keeping path and query as received', () => {
    expect(runnerUiPath('/runner/ext-ui/e/sha256%3Aab/index.html?path=%2F&tenant=t')).toBe('/ext-ui/e/sha256%3Aab/index.html?path=%2F&tenant=t');
    expect(runnerUiPath('/runner/ext-ui/e/h/..x/a..b/.hidden?q=/../..')).toBe('/ext-ui/e/h/..x/a..b/.hidden?q=/../..');
    expect(runnerUiPath('/runner/v1/execute')).toBe(null);
    expect(runnerUiPath('/runnerx/ext-ui/a')).toBe(null);
  });

  it('should refuse a path with a dot segment however it is encoded', () => {
    const probes = [
      '/runner/ext-ui/../healthz', '/runner/ext-ui/%2e%2e/healthz', '/runner/ext-ui/%2E%2E/healthz', '/runner/ext-ui/.%2e/healthz',
      '/runner/ext-ui/%2e./healthz', '/runner/ext-ui/..\\healthz', '/runner/ext-ui/..%5chealthz', '/runner/ext-ui/..%5Cv1/execute',
      '/runner/ext-ui/../v1/execute', '/runner/ext-ui/%252e%252e/healthz', '/runner/ext-ui/e/h/../../../healthz', '/runner/ext-ui/e%2f..%2f..%2fhealthz',
      '/runner/ext-ui/./e/h/index.html', '/runner/ext-ui/.%09./healthz', '/runner/ext-ui/e/h/..',
    ];
    expect(probes.filter((p) => runnerUiPath(p) !== null)).toEqual([]);
  });

  it('should forward only the seven allowed request headers', () => {
    expect(forwardedHeaders({ accept: 'text/html', cookie: 'a=1', 'x-tenant-id': 't', 'if-none-match': '"x"', range: 'bytes=0-1', 'user-agent': 'ua', 'accept-language': 'en', 'accept-encoding': 'gzip', 'if-modified-since': 'd', authorization: 'Bearer x' }))
      .toEqual({ accept: 'text/html', 'accept-encoding': 'gzip', 'accept-language': 'en', 'if-modified-since': 'd', 'if-none-match': '"x"', range: 'bytes=0-1', 'user-agent': 'ua' });
  });

  it('should proxy a page with its status, headers and body, and drop cookies and tenant headers', async () => {
    const path = `/ext-ui/${f.msp.registryId}/${encodeURIComponent(f.msp.contentHash as string)}/index.html?path=%2F&tenant=${TENANT}&extensionId=${f.msp.registryId}`;
    const res = await fetch(`${f.url}/runner${path}`, { headers: { cookie: f.cookie('msp-admin'), 'x-tenant-id': OTHER_TENANT, 'if-none-match': '"old"', 'accept-language': 'de' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"sha256-abc"');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe(`<p>${path}</p>`);
    const seen = f.runner.received[0];
    expect(seen?.url).toBe(path);
    expect(seen?.method).toBe('GET');
    expect(Object.keys(seen?.headers ?? {}).sort()).toEqual(['accept', 'accept-encoding', 'accept-language', 'connection', 'host', 'if-none-match', 'user-agent']);
  });

  it('should pass a Runner 404 through and answer HEAD', async () => {
    expect((await fetch(`${f.url}/runner/ext-ui/e/h/missing.js`)).status).toBe(404);
    const head = await fetch(`${f.url}/runner/ext-ui/e/h/index.html`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(f.runner.received.at(-1)?.method).toBe('HEAD');
  });

  it('should refuse other /runner paths and other methods', async () => {
    const other = await fetch(`${f.url}/runner/v1/execute`);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: REFUSED, code: 'RUNNER_PROXY_PATH_REFUSED' });
    const post = await fetch(`${f.url}/runner/ext-ui/e/h/index.html`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(f.runner.received).toEqual([]);
  });

  it('should answer 404 RUNNER_PROXY_PATH_REFUSED to dot segments sent verbatim, and forward nothing', async () => {
    for (const path of ['/runner/ext-ui/../healthz', '/runner/ext-ui/%2E%2E/v1/execute', '/runner/ext-ui/..\\healthz', '/runner/ext-ui/e/h/%2e%2e/%2e%2e/%2e%2e/healthz']) {
      expect(await rawGet(f.url, path), path).toEqual({ status: 404, body: { error: REFUSED, code: 'RUNNER_PROXY_PATH_REFUSED' } });
    }
    expect(f.runner.received).toEqual([]);
  });

  it('should forward a checked path byte for byte, without normalising it', async () => {
    await rawGet(f.url, '/runner/ext-ui/e/h/a//b/%2E%2Ehidden.js?x=/../y');
    expect(f.runner.received.map((r) => r.url)).toEqual(['/ext-ui/e/h/a//b/%2E%2Ehidden.js?x=/../y']);
  });

  it('should answer 502 bad_gateway when the Runner is down', async () => {
    await f.runner.close();
    const res = await fetch(`${f.url}/runner/ext-ui/e/h/index.html`);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('bad_gateway');
    expect(body.message).toMatch(new RegExp(`^Failed to reach the Runner at ${f.runner.url} for /ext-ui/e/h/index.html: .+\\. Is it running\\? \\(RUNNER_BASE_URL\\)$`));
  });
});

const REFUSED =
  'only /runner/ext-ui/{extensionId}/{contentHash}/{file} is proxied to the Runner, and this path is not under it once decoded and normalised. Fix: load extension UIs from RUNNER_PUBLIC_BASE/ext-ui/… without . or .. segments.';

/** GET with the path exactly as given (node:http sends it unnormalised, unlike fetch). */
function rawGet(base: string, path: string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: (res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const event = (over: Partial<DebugEvent>): Omit<DebugEvent, 'truncated'> => ({ ts: '1700000000000', level: 'info', stream: 'log', tenant_id: TENANT, message: 'hello', ...over });

describe('GET /api/ext-debug/stream', () => {
  const open = (query: string, headers: Record<string, string> = {}) => fetch(`${f.url}/api/ext-debug/stream${query}`, { headers });

  it('should require extensionId, a session, the session tenant and extension:read, as production does', async () => {
    const cases: [string, Record<string, string>, number, unknown][] = [
      ['', { cookie: f.cookie('msp-admin') }, 400, { error: 'extensionId is required' }],
      [`?extensionId=${f.msp.registryId}`, {}, 401, { error: 'Unauthorized' }],
      [`?extensionId=${f.msp.registryId}`, { cookie: 'alga_emulator_session=stale' }, 401, { error: 'Unauthorized' }],
      [`?extensionId=${f.msp.registryId}&tenantId=${OTHER_TENANT}`, { cookie: f.cookie('msp-admin') }, 401, { error: 'Unauthorized' }],
      [`?extensionId=${f.msp.registryId}`, { cookie: f.cookie('client-user') }, 403, { error: 'Forbidden' }],
      [`?extensionId=${f.msp.registryId}`, { cookie: f.cookie('msp-user') }, 403, { error: 'Forbidden' }],
    ];
    for (const [query, headers, status, body] of cases) {
      const res = await open(query, headers);
      expect([query, res.status]).toEqual([query, status]);
      expect(await res.json()).toEqual(body);
    }
  });

  it('should replay the matching recent events, then stream new ones, with filters applied', async () => {
    const ext = f.msp.registryId;
    f.hub.publish(event({ extension_id: ext, request_id: 'r1', message: 'before' }));
    f.hub.publish(event({ extension_id: f.portal.registryId, message: 'other extension' }));
    f.hub.publish(event({ extension_id: ext, tenant_id: OTHER_TENANT, message: 'other tenant' }));
    f.hub.publish(event({ extension_id: ext, request_id: 'r2', message: 'other request' }));
    const res = await open(`?extensionId=${ext}&tenantId=${TENANT}&requestId=r1`, { cookie: f.cookie('msp-admin') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    setTimeout(() => {
      f.hub.publish(event({ extension_id: ext, request_id: 'r2', message: 'live, other request' }));
      f.hub.publish(event({ extension_id: ext, request_id: 'r1', level: 'error', message: 'live' }));
    }, 80);
    const text = await readSse(res, (t) => t.includes('"live"'));
    expect(sseData(text)).toEqual([
      { ts: '1700000000000', level: 'info', stream: 'log', tenant_id: TENANT, extension_id: ext, request_id: 'r1', message: 'before', truncated: false },
      { ts: '1700000000000', level: 'error', stream: 'log', tenant_id: TENANT, extension_id: ext, request_id: 'r1', message: 'live', truncated: false },
    ]);
  });

  it('should accept the slug in place of the registry id, and the bearer token', async () => {
    f.hub.publish(event({ extension_id: f.msp.registryId, install_id: f.msp.installId, message: 'by slug' }));
    const bearer = f.sessions.devTokens(TENANT).find((d) => d.role === 'msp-admin')?.token ?? '';
    const res = await open(`?extensionId=acme.back-office&installId=${f.msp.installId}`, { authorization: `Bearer ${bearer}` });
    const text = await readSse(res, (t) => t.includes('by slug'));
    expect(sseData(text)).toHaveLength(1);
  });

  it('should forget a stream when the client leaves, and end open streams on close()', async () => {
    const res = await open(`?extensionId=${f.msp.registryId}`, { cookie: f.cookie('msp-admin') });
    await readSse(res, (t) => t.includes('connected'));
    await until(() => f.shell.openStreams() === 0);
    expect(f.shell.openStreams()).toBe(0);
    const second = await open(`?extensionId=${f.msp.registryId}`, { cookie: f.cookie('msp-admin') });
    const started = Date.now();
    const reading = readSse(second, () => false, 5000);
    await until(() => f.shell.openStreams() === 1);
    f.shell.close();
    expect(await reading).toMatch(/^: connected\n\n(: heartbeat\n\n)*$/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(f.shell.openStreams()).toBe(0);
  });
});

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
