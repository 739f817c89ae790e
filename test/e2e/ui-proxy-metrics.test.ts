// ui-proxy and metrics through the public harness: the test guest's /probe route calls the host
// function inside the real component, reached through the Gateway.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type Snapshot, type TestEmulator } from '../../harness/index.ts';
import { TEST_GUEST_DIR } from '../../harness/runner-fixture.ts';

const GRANTS = ['cap:ui.proxy', 'cap:storage.kv', 'cap:http.fetch'];

describe('ui-proxy and metrics through the Gateway', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  let clean: Snapshot;
  beforeAll(async () => {
    emu = await createEmulator({ env: { EXT_GATEWAY_RATE_LIMIT: 'off' } });
    ext = await emu.install(TEST_GUEST_DIR, { grants: GRANTS, secrets: { api_key: 'alga-key' } });
    clean = await emu.snapshot();
  });
  beforeEach(() => emu.restore(clean));
  afterAll(async () => {
    await emu.close();
  });

  const probe = async (iface: string, fn: string, args: unknown[]) => {
    const res = await emu.invoke(ext, { method: 'POST', path: '/probe', json: { iface, fn, args } });
    expect(res.status).toBe(200);
    return { body: res.json(), requestId: res.requestId };
  };

  it('should answer call-route from a route registered in the test, with the request production would send', async () => {
    const seen: unknown[] = [];
    emu.uiProxy.route('/api/tickets/:id', async (request, { params }) => {
      seen.push([request.method, request.url, request.headers.get('x-alga-tenant'), request.headers.get('x-alga-extension'), request.headers.get('x-ext-install-id'), request.headers.get('x-api-key'), request.headers.get('x-request-id'), await request.text()]);
      return { id: params.id, title: 'Printer on fire' };
    });
    const { body, requestId } = await probe('ui-proxy', 'callRoute', ['/api/tickets/T-7?full=1', { $bytes: '{"note":"x"}' }]);
    expect(body).toEqual({ ok: { $bytes: '{"id":"T-7","title":"Printer on fire"}' } });
    expect(seen).toEqual([['POST', 'http://ui-proxy.local/api/tickets/T-7?full=1', emu.tenants.default, ext.registryId, ext.installId, 'alga-key', requestId, '{"note":"x"}']]);
  });

  it('should answer route-not-found for an unregistered route, say how to register it, and forget routes on restore', async () => {
    emu.uiProxy.route('/api/tickets', () => []);
    expect((await probe('ui-proxy', 'callRoute', ['/api/tickets', null])).body).toEqual({ ok: { $bytes: '[]' } });
    await emu.restore(clean);
    expect(emu.uiProxy.routes()).toEqual([]);
    const { body, requestId } = await probe('ui-proxy', 'callRoute', ['/api/tickets', null]);
    expect(body).toEqual({ err: 'route-not-found' });
    expect(emu.logs({ requestId, level: 'warn' }).map((e) => e.message).filter((m) => m.startsWith('ui-proxy'))).toEqual([
      `ui-proxy.call-route /api/tickets: no local route answers it (UI_PROXY_BASE_URL is unset, so the emulator's local backend does). Fix: register it in a test with emu.uiProxy.route('/api/tickets', (request) => Response.json(...)), add "/api/tickets" to the UI_PROXY_ROUTES_FILE JSON file, or set UI_PROXY_BASE_URL to a real host app.`,
    ]);
  });

  it('should roll up a known sequence of calls per install, in emu.metrics and as Prometheus text', async () => {
    emu.uiProxy.route('/api/forbidden', () => new Response(null, { status: 403 }));
    await probe('storage', 'put', [{ namespace: 'ns', key: 'a', value: { $bytes: 'hello' } }]);
    await probe('storage', 'put', [{ namespace: 'ns', key: 'b', value: { $bytes: 'hi' } }]);
    await probe('storage', 'delete', ['ns', 'a']);
    expect((await probe('ui-proxy', 'callRoute', ['/api/forbidden', null])).body).toEqual({ err: 'denied' });
    expect((await probe('http', 'fetch', [{ method: 'GET', url: 'https://blocked.example/x', headers: [], body: null }])).body).toEqual({ err: 'not-allowed' });

    const m = emu.metrics(ext);
    expect({ ...m, durationMsTotal: 0, durationMsMax: 0, memoryBytesMax: 0, quotaUsage: m.quotaUsage.map((q) => q.invocations) }).toEqual({
      tenantId: emu.tenants.default,
      extensionId: ext.registryId,
      installId: ext.installId,
      invocations: { ok: 5 },
      durationMsTotal: 0,
      durationMsMax: 0,
      memoryBytesMax: 0,
      memoryLimitBytes: 256 * 1024 * 1024,
      hostCalls: { 'alga:extension/storage': { ok: 3 }, 'alga:extension/ui-proxy': { err: 1 }, 'alga:extension/http': { err: 1 } },
      egressRequests: 0,
      egressBytes: 0,
      storage: { namespaces: 1, keys: 1, bytes: 6, limits: { namespaces: 32, keysPerNamespace: 5120, bytes: 268435456 } },
      quotaUsage: [5],
    });
    expect(m.durationMsTotal).toBeGreaterThanOrEqual(m.durationMsMax);
    expect(m.memoryBytesMax % 65536).toBe(0);
    expect(m.memoryBytesMax).toBeGreaterThan(0);

    const res = await fetch(`${emu.urls.main}/api/emulator/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const labels = `tenant="${emu.tenants.default}",extension="${ext.registryId}",install="${ext.installId}"`;
    const lines = text.split('\n').filter((l) => !l.startsWith('#') && l !== '');
    expect(lines.filter((l) => !/duration|memory_high_water/.test(l))).toEqual([
      `alga_ext_invocations_total{${labels},outcome="ok"} 5`,
      `alga_ext_guest_memory_limit_bytes{${labels}} 268435456`,
      `alga_ext_host_calls_total{${labels},interface="alga:extension/storage",outcome="ok"} 3`,
      `alga_ext_host_calls_total{${labels},interface="alga:extension/ui-proxy",outcome="err"} 1`,
      `alga_ext_host_calls_total{${labels},interface="alga:extension/http",outcome="err"} 1`,
      `alga_ext_egress_requests_total{${labels}} 0`,
      `alga_ext_egress_bytes_total{${labels}} 0`,
      `alga_ext_storage_namespaces{tenant="${emu.tenants.default}",install="${ext.installId}"} 1`,
      `alga_ext_storage_keys{tenant="${emu.tenants.default}",install="${ext.installId}"} 1`,
      `alga_ext_storage_bytes{tenant="${emu.tenants.default}",install="${ext.installId}"} 6`,
    ]);
    expect(lines.filter((l) => /duration|memory_high_water/.test(l)).map((l) => l.replace(/ [0-9.e+-]+$/, ' N'))).toEqual([
      `alga_ext_invocation_duration_seconds_total{${labels}} N`,
      `alga_ext_invocation_duration_seconds_max{${labels}} N`,
      `alga_ext_guest_memory_high_water_bytes{${labels}} N`,
    ]);
    expect(text).toContain('# TYPE alga_ext_invocations_total counter\n');
    expect(text).toContain('# TYPE alga_ext_storage_bytes gauge\n');

    await emu.restore(clean);
    expect([emu.metrics(ext).invocations, emu.metrics(ext).storage.keys, emu.metrics(ext).quotaUsage]).toEqual([{}, 0, []]);
  });
});

describe('ui-proxy forwarding to UI_PROXY_BASE_URL, end to end', () => {
  let server: Server;
  let emu: TestEmulator;
  let other: TestEmulator;
  const seen: { url: string | undefined; headers: Record<string, string | string[] | undefined> }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      res.statusCode = req.url?.includes('missing') ? 404 : 200;
      res.end('{"from":"host app"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/host`;
    [emu, other] = await Promise.all([createEmulator({ env: { UI_PROXY_BASE_URL: base, UI_PROXY_TIMEOUT_MS: '2000' } }), createEmulator()]);
  });
  afterAll(async () => {
    await Promise.all([emu.close(), other.close()]);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('should send the guest route to the real server and map its status, while another emulator keeps its own local backend', async () => {
    const ext = await emu.install(TEST_GUEST_DIR, { grants: ['cap:ui.proxy'] });
    const call = async (route: string) => (await emu.invoke(ext, { method: 'POST', path: '/probe', json: { iface: 'ui-proxy', fn: 'callRoute', args: [route, null] } })).json();
    emu.uiProxy.route('/items/7', () => 'local');
    expect(await call('/items/7?x=1')).toEqual({ ok: { $bytes: '{"from":"host app"}' } });
    expect(await call('/api/missing')).toEqual({ err: 'route-not-found' });
    expect(seen.map((s) => [s.url, s.headers['x-alga-extension'], s.headers['x-ext-install-id']])).toEqual([
      [`/host/${ext.registryId}/items/7?x=1`, ext.registryId, ext.installId],
      ['/host/api/missing', ext.registryId, ext.installId],
    ]);
    const otherExt = await other.install(TEST_GUEST_DIR, { grants: ['cap:ui.proxy'] });
    const res = await other.invoke(otherExt, { method: 'POST', path: '/probe', json: { iface: 'ui-proxy', fn: 'callRoute', args: ['/items/7', null] } });
    expect([res.json(), other.uiProxy.routes()]).toEqual([{ err: 'route-not-found' }, []]);
  });
});
