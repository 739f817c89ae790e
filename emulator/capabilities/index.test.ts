import { describe, expect, it } from 'vitest';
import { shippedWorld } from '../wit/world.ts';
import { guardedFunctions } from './capability.ts';
import { CAPABILITIES, CAPABILITY_SETTING_ROWS, DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES, capabilityParityNotes, importShape, parseCapabilitySettings, resolveGrants } from './index.ts';

const WORLD = shippedWorld();

describe('resolveGrants', () => {
  it('always adds the default capabilities', () => {
    const { grants, unknown } = resolveGrants([]);
    expect([...grants].sort()).toEqual(['cap:context.read', 'cap:log.emit', 'cap:user.read']);
    expect(unknown).toEqual([]);
  });

  it('trims and lowercases each provider', () => {
    const { grants, unknown } = resolveGrants(['  CAP:Storage.KV ', 'cap:http.fetch\t']);
    expect([...grants].sort()).toEqual(['cap:context.read', 'cap:http.fetch', 'cap:log.emit', 'cap:storage.kv', 'cap:user.read']);
    expect(unknown).toEqual([]);
  });

  it('drops empty and blank providers', () => {
    const { grants, unknown } = resolveGrants(['', '   ', 'cap:secrets.get']);
    expect([...grants].sort()).toEqual(['cap:context.read', 'cap:log.emit', 'cap:secrets.get', 'cap:user.read']);
    expect(unknown).toEqual([]);
  });

  it('lists each unknown provider once, normalised, in input order', () => {
    const { grants, unknown } = resolveGrants(['cap:zeta', 'CAP:Alpha', 'cap:storage.kv', ' cap:zeta ', 'cap:alpha', 'cap:storage']);
    expect(unknown).toEqual(['cap:zeta', 'cap:alpha', 'cap:storage']);
    expect(grants.has('cap:storage.kv')).toBe(true);
    expect(grants.has('cap:zeta')).toBe(false);
  });

  it('does not add a default twice when it is also requested', () => {
    const { grants } = resolveGrants(['cap:log.emit', 'CAP:LOG.EMIT']);
    expect(grants.size).toBe(3);
  });

  it('grants every known capability when all are requested', () => {
    const { grants, unknown } = resolveGrants([...KNOWN_CAPABILITIES]);
    expect([...grants].sort()).toEqual([...KNOWN_CAPABILITIES].sort());
    expect(unknown).toEqual([]);
  });
});

describe('CAPABILITIES registry against the WIT world', () => {
  const interfaces = WORLD.interfaces;
  const imports = WORLD.imports;

  it('reads the twelve imports of world runner from the WIT file', () => {
    expect(imports).toEqual([
      'context',
      'secrets',
      'http',
      'storage',
      'logging',
      'ui-proxy',
      'user',
      'user-v2',
      'scheduler',
      'invoicing',
      'clients',
      'services',
    ]);
  });

  it('has exactly one entry per imported interface, and no others', () => {
    for (const name of imports) {
      const entries = CAPABILITIES.filter((c) => c.witInterface === `alga:extension/${name}`);
      expect(entries, `entries for alga:extension/${name}`).toHaveLength(1);
    }
    expect(CAPABILITIES).toHaveLength(imports.length);
  });

  it('lists the capabilities in the world import order', () => {
    expect(CAPABILITIES.map((c) => c.witInterface)).toEqual(imports.map((name) => `alga:extension/${name}`));
  });

  it('names each entry after its interface', () => {
    for (const c of CAPABILITIES) expect(`alga:extension/${c.name}`).toBe(c.witInterface);
  });

  it.each(CAPABILITIES.map((c) => [c.witInterface, c] as const))(
    'declares the camelCase functions of %s in WIT order',
    (witInterface, capability) => {
      const witFunctions = interfaces.get(witInterface.replace('alga:extension/', ''));
      expect(Object.keys(capability.functions)).toEqual(witFunctions?.map((f) => f.jsName));
    },
  );

  it.each(CAPABILITIES.map((c) => [c.witInterface, c] as const))(
    'marks exactly the result-returning functions of %s as returnsResult, and only return-less ones as oneway',
    (witInterface, capability) => {
      const witFunctions = interfaces.get(witInterface.replace('alga:extension/', '')) ?? [];
      expect(witFunctions.map((f) => f.jsName), `functions of ${witInterface} in the WIT file`).toEqual(Object.keys(capability.functions));
      for (const f of witFunctions) {
        const spec = (capability.functions as Record<string, { returnsResult: boolean; oneway?: boolean }>)[f.jsName];
        expect(spec?.returnsResult, `${witInterface}#${f.name} returnsResult`).toBe(f.returns.startsWith('result<'));
        if (spec?.oneway) expect(f.returns, `${witInterface}#${f.name} is oneway`).toBe('');
      }
    },
  );

  it('creates a host function for every declared function', () => {
    for (const c of CAPABILITIES) {
      const functions = guardedFunctions(c as Parameters<typeof guardedFunctions>[0], {} as never, () => undefined);
      expect(Object.keys(functions).sort(), c.witInterface).toEqual(Object.keys(c.functions).sort());
    }
  });

  it('uses every known capability string in some entry, and only known ones', () => {
    const used = new Set(CAPABILITIES.map((c) => c.capability));
    for (const cap of KNOWN_CAPABILITIES) expect(used.has(cap), cap).toBe(true);
    for (const cap of used) expect((KNOWN_CAPABILITIES as readonly string[]).includes(cap), cap).toBe(true);
  });

  it('derives the capability strings and the defaults from the entries', () => {
    expect(KNOWN_CAPABILITIES).toEqual([
      'cap:context.read',
      'cap:secrets.get',
      'cap:http.fetch',
      'cap:storage.kv',
      'cap:log.emit',
      'cap:ui.proxy',
      'cap:user.read',
      'cap:scheduler.manage',
      'cap:invoice.manual.create',
      'cap:client.read',
      'cap:service.read',
    ]);
    expect(DEFAULT_CAPABILITIES).toEqual(['cap:context.read', 'cap:log.emit', 'cap:user.read']);
  });

  it('collects the settings each capability owns and parses them with the capability', () => {
    expect(CAPABILITY_SETTING_ROWS.map(([name]) => name)).toEqual(['EXT_EGRESS_ALLOWLIST', 'EXT_EGRESS_EMPTY_ALLOWS_ALL', 'UI_PROXY_BASE_URL', 'UI_PROXY_TIMEOUT_MS', 'UI_PROXY_ROUTES_FILE']);
    expect(parseCapabilitySettings({ EXT_EGRESS_ALLOWLIST: 'a.test', UI_PROXY_BASE_URL: 'http://127.0.0.1:9/api' })).toEqual({
      http: { allowlist: 'a.test', emptyAllowsAll: false, timeoutMs: 30_000 },
      'ui-proxy': { baseUrl: new URL('http://127.0.0.1:9/api'), timeoutMs: 5000, routesFile: undefined },
    });
  });

  it('exposes the import shape keyed by WIT interface', () => {
    const shape = importShape();
    expect(Object.keys(shape)).toEqual(imports.map((name) => `alga:extension/${name}`));
    expect(shape['alga:extension/secrets']).toEqual({ get: { returnsResult: true }, listKeys: { returnsResult: false } });
  });

  it('collects the parity notes of every entry', () => {
    expect(capabilityParityNotes()).toEqual(CAPABILITIES.flatMap((c) => c.parityNotes));
    expect(capabilityParityNotes()).toHaveLength(17);
  });
});
