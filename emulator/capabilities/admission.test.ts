// Injected faults wait behind `createAdmission`: it must refuse exactly the calls the capabilities
// themselves refuse before doing any work, or a fault would hide a production denial.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock.ts';
import { parseEgressAllowlist } from './http/egress.ts';
import { CAPABILITIES, DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES, OpenCapabilities, type CapabilityDeps } from './index.ts';
import { fakeScope } from './test-support.ts';
import { UiProxyBackend } from './ui-proxy/local-backend.ts';

const deps = {
  // Any storage method reached means the call got past its checks.
  storage: { kv: new Proxy({}, { get: () => () => { throw new Error('real work'); } }) } as CapabilityDeps<'storage'>,
  http: { fetch: () => Promise.reject(new Error('no network in this test')), egress: parseEgressAllowlist('api.example.com'), timeoutMs: 1000 } satisfies CapabilityDeps<'http'>,
  'ui-proxy': { baseUrl: undefined, timeoutMs: 1000, backend: new UiProxyBackend(), fetch: () => Promise.reject(new Error('no network in this test')) } satisfies CapabilityDeps<'ui-proxy'>,
};
const open = new OpenCapabilities({ dataDir: '/nonexistent', clock: systemClock, fetch: globalThis.fetch }, {}, deps);
const admits = open.admission;
const ALLOWED = [{ method: 'GET', url: 'https://api.example.com/x', headers: [], body: undefined }];
const calls = CAPABILITIES.flatMap((c) => Object.keys(c.functions).map((fn) => ({ c, fn })));

describe('createAdmission', () => {
  it.each(calls.filter(({ c }) => !(DEFAULT_CAPABILITIES as readonly string[]).includes(c.capability)).map(({ c, fn }) => [`${c.name}.${fn}`, c.witInterface, fn]))(
    'should refuse %s without its grant',
    (_name, iface, fn) => {
      expect(admits(iface, fn, fakeScope(), ALLOWED)).toBe(false);
    },
  );

  it.each(calls.map(({ c, fn }) => [`${c.name}.${fn}`, c.witInterface, fn]))('should admit %s with every grant, an install id and an allowed host', (_name, iface, fn) => {
    expect(admits(iface, fn, fakeScope({ grants: new Set(KNOWN_CAPABILITIES) }), ALLOWED)).toBe(true);
  });

  it('should refuse storage, scheduler, clients, services and invoicing calls without an install id', () => {
    const scope = fakeScope({ grants: new Set(KNOWN_CAPABILITIES), installId: undefined });
    const refused = calls.filter(({ c, fn }) => !admits(c.witInterface, fn, scope, ALLOWED)).map(({ c }) => c.name);
    expect([...new Set(refused)]).toEqual(['storage', 'scheduler', 'invoicing', 'clients', 'services']);
  });

  it('should refuse http.fetch to a host off the allowlist, an invalid URL or method, and admit an allowed one', () => {
    const scope = fakeScope({ grants: new Set(['cap:http.fetch']) });
    const fetchTo = (url: string, method = 'GET') => admits('alga:extension/http', 'fetch', scope, [{ method, url, headers: [] }]);
    expect([fetchTo('https://api.example.com/x'), fetchTo('https://sub.api.example.com/'), fetchTo('https://blocked.example.com/'), fetchTo('ftp://api.example.com/'), fetchTo('not a url'), fetchTo('https://api.example.com/', 'GE T')]).toEqual([
      true, true, false, false, false, false,
    ]);
  });

  it.each(calls.filter(({ c }) => !(DEFAULT_CAPABILITIES as readonly string[]).includes(c.capability)).map(({ c, fn }) => [`${c.name}.${fn}`, c, fn] as const))(
    'should match what %s itself does without its grant: a denial, never real work',
    async (_name, c, fn) => {
      const run = open.hostTable.get(c.witInterface)?.[fn];
      let outcome: unknown;
      try {
        outcome = await run?.(fakeScope(), ALLOWED);
      } catch (err) {
        outcome = (err as { payload?: unknown }).payload;
      }
      const denial = typeof outcome === 'string' ? ['denied', 'not-allowed'].includes(outcome) : Array.isArray(outcome) ? outcome.length === 0 : (outcome as { success?: boolean }).success === false;
      expect(denial).toBe(true);
    },
  );

  it('should refuse an interface no capability has', () => {
    expect(admits('alga:extension/nothing', 'get', fakeScope({ grants: new Set(KNOWN_CAPABILITIES) }), [])).toBe(false);
  });
});
