import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES, capabilityParityNotes, importShape, resolveGrants } from './registry.ts';
import { DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES } from './types.ts';

const WIT = readFileSync(new URL('../runner/wit/alga-extension.wit', import.meta.url), 'utf8');

interface WitFunction {
  name: string;
  /** The text after `->`, or '' when the function returns nothing. */
  returns: string;
}

/** `interface NAME { … }` blocks of the WIT text: name → functions in declaration order. */
function witInterfaces(text: string): Map<string, WitFunction[]> {
  const out = new Map<string, WitFunction[]>();
  // A block runs to the next top-level `interface` / `world` (bodies contain `use x.{…}` braces).
  const blocks = text.split(/^(?=interface |world )/m).filter((b) => b.startsWith('interface '));
  for (const block of blocks) {
    const name = /^interface ([a-z][a-z0-9-]*) \{/.exec(block)?.[1];
    if (!name) throw new Error(`cannot read interface header: ${block.slice(0, 40)}`);
    const functions = [...block.matchAll(/^\s*([a-z][a-z0-9-]*): func\([^)]*\)\s*(?:->\s*([^;]+))?;/gm)].map((m) => ({
      name: m[1] as string,
      returns: (m[2] ?? '').trim(),
    }));
    out.set(name, functions);
  }
  return out;
}

/** `import x;` lines of `world runner { … }`, in order. */
function worldImports(text: string): string[] {
  const world = /^world runner \{([\s\S]*?)^\}/m.exec(text)?.[1];
  if (world === undefined) throw new Error('world runner not found');
  return [...world.matchAll(/^\s*import ([a-z][a-z0-9-]*);/gm)].map((m) => m[1] as string);
}

/** jco's JavaScript name for a WIT function: kebab-case → camelCase. */
function camelCase(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

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
  const interfaces = witInterfaces(WIT);
  const imports = worldImports(WIT);

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
      expect(witFunctions, `interface ${witInterface} in the WIT file`).toBeDefined();
      expect(Object.keys(capability.functions)).toEqual(witFunctions?.map((f) => camelCase(f.name)));
    },
  );

  it.each(CAPABILITIES.map((c) => [c.witInterface, c] as const))(
    'marks exactly the result-returning functions of %s as returnsResult, and only return-less ones as oneway',
    (witInterface, capability) => {
      const witFunctions = interfaces.get(witInterface.replace('alga:extension/', '')) ?? [];
      expect(witFunctions.length).toBeGreaterThan(0);
      for (const f of witFunctions) {
        const spec = capability.functions[camelCase(f.name)];
        expect(spec?.returnsResult, `${witInterface}#${f.name} returnsResult`).toBe(f.returns.startsWith('result<'));
        if (spec?.oneway) expect(f.returns, `${witInterface}#${f.name} is oneway`).toBe('');
      }
    },
  );

  it('creates a host function for every declared function', () => {
    const deps = { kv: {} as never, fetch: globalThis.fetch, egress: { entries: [], allowAll: false, allows: () => false }, timeoutMs: 1, baseUrl: undefined };
    for (const c of CAPABILITIES) {
      expect(Object.keys(c.create(deps)).sort(), c.witInterface).toEqual(Object.keys(c.functions).sort());
    }
  });

  it('uses every known capability string in some entry, and only known ones', () => {
    const used = new Set(CAPABILITIES.map((c) => c.capability));
    for (const cap of KNOWN_CAPABILITIES) expect(used.has(cap), cap).toBe(true);
    for (const cap of used) expect((KNOWN_CAPABILITIES as readonly string[]).includes(cap), cap).toBe(true);
  });

  it('has known default capabilities', () => {
    for (const cap of DEFAULT_CAPABILITIES) expect(KNOWN_CAPABILITIES).toContain(cap);
  });

  it('exposes the import shape keyed by WIT interface', () => {
    const shape = importShape();
    expect(Object.keys(shape)).toEqual(imports.map((name) => `alga:extension/${name}`));
    expect(shape['alga:extension/secrets']).toEqual({ get: { returnsResult: true }, listKeys: { returnsResult: false } });
  });

  it('collects the parity notes of every entry', () => {
    expect(capabilityParityNotes()).toEqual(CAPABILITIES.flatMap((c) => c.parityNotes));
    expect(capabilityParityNotes().some((n) => n.includes('EXT_EGRESS_ALLOWLIST'))).toBe(true);
  });
});
