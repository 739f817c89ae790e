// emu.faults with hello-host through createEmulator: WIT errors and latency for the next N host
// calls, after the grant checks. Routes used: POST /counter (storage.get + put, throws on any
// error but `missing`/`conflict`), POST /counter/stale (one storage.put, answers `{ error }` 409),
// GET /fetch?url= (http.fetch, answers `{ error }` 502).
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callName, createEmulator, type HostCallRecord, type InstallResult, type TestEmulator } from '../../harness/index.ts';

const HEALTH = 'https://status.example.com/health';
const BLOCKED = 'https://blocked.example.com/x';

/** Each call as [name, outcome, WIT error, injected]. */
const ledger = (calls: HostCallRecord[]) => calls.map((c) => [callName(c), c.outcome, c.error, c.injected]);

describe('emu.faults + hello-host', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  const seen: string[] = [];
  beforeAll(async () => {
    emu = await createEmulator({
      env: { EXT_EGRESS_ALLOWLIST: 'status.example.com' },
      http: { handlers: [http.get(HEALTH, ({ request }) => { seen.push(request.url); return HttpResponse.json({ up: true }); })] },
    });
    ext = await emu.install('hello-host');
  });
  afterEach(() => {
    emu.faults.clear();
    seen.length = 0;
  });
  afterAll(async () => {
    await emu.close();
  });

  it('should fail storage.put with internal for the next 2 calls, then let the counter work', async () => {
    const fault = emu.faults.inject({ capability: 'storage.put', error: 'internal', times: 2, message: 'disk full' });
    expect(fault.remaining).toBe(2);
    const first = await emu.invoke(ext, { method: 'POST', path: '/counter' });
    expect([first.status, first.envelope?.error]).toEqual([500, 'execute_failed: wasm trap: wasm trap: wasm `unreachable` instruction executed']);
    expect(ledger(first.hostCalls)).toEqual([
      ['logging.logInfo', 'ok', undefined, undefined],
      ['storage.get', 'err', 'missing', undefined],
      ['storage.put', 'err', 'internal', true],
    ]);
    expect(emu.logs({ requestId: first.requestId, level: 'debug' }).filter((e) => e.level === 'debug').map((e) => e.message)).toEqual([
      'fault injected: storage.put answered internal (disk full)',
    ]);
    expect(fault.remaining).toBe(1);
    const second = await emu.invoke(ext, { method: 'POST', path: '/counter' });
    expect(second.status).toBe(500);
    const third = await emu.invoke(ext, { method: 'POST', path: '/counter' });
    expect([third.status, third.json()]).toEqual([200, { count: 1, revision: '1' }]);
    expect(ledger(third.hostCalls)).toEqual([
      ['logging.logInfo', 'ok', undefined, undefined],
      ['storage.get', 'err', 'missing', undefined],
      ['storage.put', 'ok', undefined, undefined],
    ]);
    expect([fault.remaining, fault.used, emu.faults.pending()]).toEqual([0, 2, []]);
    expect(emu.ledger.forRequest(first.requestId).filter((c) => c.injected).map(callName)).toEqual(['storage.put']);
  });

  it('should hand the guest the injected WIT error case itself', async () => {
    emu.faults.inject({ capability: 'storage.put', error: 'denied' });
    const res = await emu.invoke(ext, { method: 'POST', path: '/counter/stale' });
    expect([res.status, res.json()]).toEqual([409, { error: 'denied' }]);
    expect(ledger(res.hostCalls).at(-1)).toEqual(['storage.put', 'err', 'denied', true]);
  });

  it('should answer http.fetch with transport without reaching the mocked server', async () => {
    emu.faults.inject({ capability: 'http.fetch', error: 'transport' });
    const res = await emu.invoke(ext, { path: '/fetch', query: { url: HEALTH } });
    expect([res.status, res.json()]).toEqual([502, { error: 'transport' }]);
    expect(ledger(res.hostCalls)).toEqual([
      ['logging.logInfo', 'ok', undefined, undefined],
      ['http.fetch', 'err', 'transport', true],
      ['logging.logWarn', 'ok', undefined, undefined],
    ]);
    expect(seen).toEqual([]);
    const next = await emu.invoke(ext, { path: '/fetch', query: { url: HEALTH } });
    expect([next.status, next.json(), seen]).toEqual([200, { status: 200, body: '{"up":true}' }, [HEALTH]]);
  });

  it('should delay a call by at least the latency and then run it for real', async () => {
    emu.faults.inject({ capability: 'http.fetch', latencyMs: 300 });
    const started = performance.now();
    const res = await emu.invoke(ext, { path: '/fetch', query: { url: HEALTH } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect([res.status, res.json(), seen]).toEqual([200, { status: 200, body: '{"up":true}' }, [HEALTH]]);
    const fetched = res.hostCalls.find((c) => callName(c) === 'http.fetch');
    expect([fetched?.outcome, fetched?.injected]).toEqual(['ok', true]);
    expect(fetched?.durationMs).toBeGreaterThanOrEqual(300);
  });

  it('should keep an ungranted http.fetch not-allowed and leave the fault for a granted call', async () => {
    const fault = emu.faults.inject({ capability: 'http.fetch', error: 'transport' });
    const context = { tenant_id: ext.tenantId, extension_id: ext.registryId, install_id: ext.installId, content_hash: ext.contentHash };
    const ungranted = await emu.execute({ context, http: { method: 'GET', path: '/fetch', query: { url: HEALTH } }, providers: ['cap:log.emit'] });
    expect(ungranted.json()).toEqual({ error: 'not-allowed' });
    expect(ledger(ungranted.hostCalls).find(([name]) => name === 'http.fetch')).toEqual(['http.fetch', 'err', 'not-allowed', undefined]);
    const offList = await emu.invoke(ext, { path: '/fetch', query: { url: BLOCKED } });
    expect([offList.status, offList.json()]).toEqual([502, { error: 'not-allowed' }]);
    expect([fault.remaining, emu.faults.pending().map((h) => h.rule.capability)]).toEqual([1, ['http.fetch']]);
    const granted = await emu.invoke(ext, { path: '/fetch', query: { url: HEALTH } });
    expect([granted.json(), fault.remaining]).toEqual([{ error: 'transport' }, 0]);
  });

  it('should keep an ungranted storage.put denied and leave the fault for a granted call', async () => {
    const fault = emu.faults.inject({ capability: 'storage', error: 'internal' });
    const context = { tenant_id: ext.tenantId, extension_id: ext.registryId, install_id: ext.installId, content_hash: ext.contentHash };
    const ungranted = await emu.execute({ context, http: { method: 'POST', path: '/counter/stale' }, providers: [] });
    expect(ungranted.json()).toEqual({ error: 'denied' });
    expect(ledger(ungranted.hostCalls).at(-1)).toEqual(['storage.put', 'err', 'denied', undefined]);
    expect(fault.remaining).toBe(1);
    const granted = await emu.invoke(ext, { method: 'POST', path: '/counter/stale' });
    expect([granted.json(), fault.remaining]).toEqual([{ error: 'internal' }, 0]);
  });

  it('should apply a rule scoped to another tenant or extension to nothing here', async () => {
    const other = emu.faults.inject({ capability: 'storage.put', error: 'internal', tenantId: emu.tenants.second });
    const mine = emu.faults.inject({ capability: 'storage.put', error: 'conflict', extensionId: ext.registryId, tenantId: ext.tenantId });
    const res = await emu.invoke(ext, { method: 'POST', path: '/counter/stale' });
    expect(res.json()).toEqual({ error: 'conflict' });
    expect([other.remaining, mine.remaining]).toEqual([1, 0]);
  });

  it('should clear every planned fault', async () => {
    emu.faults.inject({ capability: 'http.fetch', error: 'transport', times: Number.POSITIVE_INFINITY });
    emu.faults.clear();
    expect(emu.faults.pending()).toEqual([]);
    expect((await emu.invoke(ext, { path: '/fetch', query: { url: HEALTH } })).status).toBe(200);
  });

  it('should refuse an error case the function does not have, listing the valid ones', () => {
    expect(() => emu.faults.inject({ capability: 'storage.put', error: 'transport' })).toThrow(
      'Failed to inject a fault: "transport" is not a case of storage-error, the error type of storage.put. Use one of: missing, conflict, denied, internal.',
    );
    expect(() => emu.faults.inject({ capability: 'storage.put', error: 'transport' })).toThrow(expect.objectContaining({ code: 'FAULT_INVALID', status: 400 }));
  });
});
