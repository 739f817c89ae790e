// emu.http and emu.logs with hello-host through createEmulator: its `GET /fetch?url=` route calls
// http.fetch and answers `{ status, body }`, or `{ error }` (502) after logging a warning.
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type TestEmulator } from '../../harness/index.ts';

const HEALTH = 'https://status.example.com/health';
const UNMOCKED = 'https://unmocked.example.com/x';
const UNHANDLED_MESSAGE =
  "Unhandled outbound request from an extension: GET https://unmocked.example.com/x. Add a handler with emu.http.use(...) or allow it with { http: { onUnhandled: 'bypass' } }.";
const ALLOWLIST = 'status.example.com,unmocked.example.com,127.0.0.1';

const fetchVia = (emu: TestEmulator, ext: InstallResult, url: string) => emu.invoke(ext, { path: '/fetch', query: { url } });
const httpCalls = (res: { hostCalls: { interface: string; outcome: string; error?: string }[] }) =>
  res.hostCalls.filter((c) => c.interface === 'alga:extension/http').map((c) => [c.outcome, c.error]);

describe('emu.http + emu.logs with hello-host', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  beforeAll(async () => {
    emu = await createEmulator({ env: { EXT_EGRESS_ALLOWLIST: ALLOWLIST }, http: { handlers: [http.get(HEALTH, () => HttpResponse.json({ up: true }))] } });
    ext = await emu.install('hello-host');
  });
  afterEach(() => {
    emu.http.resetHandlers();
  });
  afterAll(async () => {
    await emu.close();
  });

  it('should give the guest the mocked body of an allowed host, and log the call under its request id', async () => {
    const res = await fetchVia(emu, ext, HEALTH);
    expect([res.status, res.json()]).toEqual([200, { status: 200, body: '{"up":true}' }]);
    expect(httpCalls(res)).toEqual([['ok', undefined]]);
    expect(emu.logs({ requestId: res.requestId }).map((e) => [e.level, e.message, e.extension_id, e.tenant_id])).toEqual([['info', 'GET /fetch', ext.registryId, ext.tenantId]]);
    expect(emu.http.unhandled()).toEqual([]);
  });

  it('should let use() override a handler for one test', async () => {
    emu.http.use(http.get(HEALTH, () => HttpResponse.json({ up: false }, { status: 503 })));
    expect((await fetchVia(emu, ext, HEALTH)).json()).toEqual({ status: 503, body: '{"up":false}' });
  });

  it('should answer an unhandled request with transport, record it and fail assertAllHandled() word for word', async () => {
    const res = await fetchVia(emu, ext, UNMOCKED);
    expect([res.status, res.json()]).toEqual([502, { error: 'transport' }]);
    expect(httpCalls(res)).toEqual([['err', 'transport']]);
    expect(emu.http.unhandled().map((r) => [r.method, r.url, r.headers.get('accept')])).toEqual([['GET', UNMOCKED, 'application/json']]);
    expect(() => emu.http.assertAllHandled()).toThrow(UNHANDLED_MESSAGE);
    expect(emu.logs({ requestId: res.requestId }).map((e) => e.message)).toEqual(['GET /fetch', `fetch ${UNMOCKED} failed: transport`]);
    expect(emu.logs({ requestId: res.requestId, level: 'warn' }).map((e) => e.message)).toEqual([`fetch ${UNMOCKED} failed: transport`]);
  });

  it('should refuse a mocked host outside the allowlist with not-allowed before any handler runs', async () => {
    const seen: string[] = [];
    emu.http.use(http.get('https://blocked.example.com/*', ({ request }) => {
      seen.push(request.url);
      return HttpResponse.json({ leaked: true });
    }));
    const res = await fetchVia(emu, ext, 'https://blocked.example.com/data');
    expect([res.status, res.json()]).toEqual([502, { error: 'not-allowed' }]);
    expect(seen).toEqual([]);
    expect(emu.http.unhandled()).toEqual([]);
    expect(emu.logs({ requestId: res.requestId, level: 'warn' }).map((e) => e.message)).toEqual([
      'http.fetch to blocked.example.com denied by the egress allowlist; add it to EXT_EGRESS_ALLOWLIST (comma list, "*" allows all)',
      'fetch https://blocked.example.com/data failed: not-allowed',
    ]);
  });

  it('should keep logs of other calls and extensions out of a filtered read', async () => {
    const before = Date.now();
    const a = await fetchVia(emu, ext, HEALTH);
    const b = await emu.invoke(ext, { path: '/context' });
    expect(emu.logs({ requestId: b.requestId }).map((e) => e.message)).toEqual(['GET /context']);
    expect(emu.logs({ since: before, extensionId: ext.registryId }).map((e) => e.request_id)).toEqual([a.requestId, b.requestId]);
    expect(emu.logs({ extensionId: 'no-such-extension' })).toEqual([]);
  });
});

describe('emu.http: one emulator per set of handlers', () => {
  let real: Server;
  let local: string;
  let other: TestEmulator;
  let otherExt: InstallResult;
  let main: TestEmulator;
  let mainExt: InstallResult;
  beforeAll(async () => {
    real = createServer((req, res) => res.end(`real ${req.url}`));
    await new Promise<void>((resolve) => real.listen(0, '127.0.0.1', resolve));
    local = `http://127.0.0.1:${(real.address() as AddressInfo).port}`;
    [main, other] = await Promise.all([
      createEmulator({ env: { EXT_EGRESS_ALLOWLIST: ALLOWLIST } }),
      createEmulator({ env: { EXT_EGRESS_ALLOWLIST: ALLOWLIST }, http: { onUnhandled: 'bypass' } }),
    ]);
    [mainExt, otherExt] = await Promise.all([main.install('hello-host'), other.install('hello-host')]);
  });
  afterAll(async () => {
    await Promise.all([main.close(), other.close()]);
    await new Promise((resolve) => real.close(resolve));
  });

  it('should answer the same URL from each emulator with its own handlers', async () => {
    main.http.use(http.get(HEALTH, () => HttpResponse.text('main')));
    other.http.use(http.get(HEALTH, () => HttpResponse.text('other')));
    const [a, b] = await Promise.all([fetchVia(main, mainExt, HEALTH), fetchVia(other, otherExt, HEALTH)]);
    expect([a.json(), b.json()]).toEqual([{ status: 200, body: 'main' }, { status: 200, body: 'other' }]);
  });

  it("should send an unhandled request to the network with onUnhandled 'bypass' and fail nothing", async () => {
    const res = await fetchVia(other, otherExt, `${local}/live?q=1`);
    expect(res.json()).toEqual({ status: 200, body: 'real /live?q=1' });
    expect(other.http.unhandled()).toEqual([]);
    expect(other.http.assertAllHandled()).toBeUndefined();
  });
});

describe('emu.close() with unhandled requests left', () => {
  it('should reject with the unhandled-request error after stopping everything', async () => {
    const emu = await createEmulator({ env: { EXT_EGRESS_ALLOWLIST: ALLOWLIST } });
    const ext = await emu.install('hello-host');
    expect((await fetchVia(emu, ext, UNMOCKED)).json()).toEqual({ error: 'transport' });
    await expect(emu.close()).rejects.toThrow(UNHANDLED_MESSAGE);
    expect(existsSync(emu.dataDir)).toBe(false);
    await expect(emu.invoke(ext, { path: '/context' })).rejects.toThrow(/EMULATOR_CLOSED|this emulator is closed/);
  });
});
