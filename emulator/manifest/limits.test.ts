import { describe, expect, it } from 'vitest';
import { EmulatorError, errorResponse } from '../errors.ts';
import { MANIFEST_LIMITS, ManifestTooLargeError, parseManifestText, validateManifest, type ManifestIssue } from './manifest.ts';

const base = { name: 'hello', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1' };
const ui = (over: Record<string, unknown> = {}) => ({ type: 'iframe', entry: 'ui/index.html', ...over });
const ep = (i: number, over: Record<string, unknown> = {}) => ({ method: 'GET', path: `/r${i}`, handler: 'dist/main.wasm', ...over });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function issuesOf(value: unknown, limits = MANIFEST_LIMITS): ManifestIssue[] {
  const result = validateManifest(value, limits);
  return result.ok ? [] : result.issues;
}

describe('MANIFEST_LIMITS', () => {
  it('should hold the documented defaults', () => {
    expect(MANIFEST_LIMITS).toEqual({
      manifestBytes: 524_288,
      identifierChars: 255,
      pathChars: 1024,
      labelChars: 128,
      keyChars: 128,
      endpoints: 1000,
      capabilities: 64,
      assets: 256,
      precompiled: 16,
      hooks: 16,
      reportedIssues: 100,
    });
  });
});

describe('validateManifest: name, publisher, version and runtime lengths (production: varchar(255))', () => {
  const version256 = `1.0.0-${'a'.repeat(250)}`;
  it.each([
    ['name', 'n'.repeat(256)],
    ['publisher', 'p'.repeat(256)],
    ['version', version256],
    ['runtime', `wasm-js@${'1'.repeat(248)}`],
  ])('should refuse a %s of 256 characters', (field, value) => {
    expect(issuesOf({ ...base, [field]: value })).toEqual([{ path: `$.${field}`, message: 'has 256 characters; the limit is 255' }]);
  });

  it('should accept each at exactly 255 characters', () => {
    const at = { name: 'n'.repeat(255), publisher: 'p'.repeat(255), version: version256.slice(0, 255), runtime: `wasm-js@${'1'.repeat(247)}` };
    expect(validateManifest(at).ok).toBe(true);
  });

  it('should count characters (code points) as Postgres does, not UTF-16 units', () => {
    expect(validateManifest({ ...base, name: '😀'.repeat(255) }).ok).toBe(true);
    expect(issuesOf({ ...base, name: '😀'.repeat(256) })).toEqual([{ path: '$.name', message: 'has 256 characters; the limit is 255' }]);
  });
});

describe('validateManifest: ui limits', () => {
  it('should refuse an entry over 1024 characters', () => {
    expect(issuesOf({ ...base, ui: ui({ entry: `ui/${'x'.repeat(1022)}` }) })).toEqual([{ path: '$.ui.entry', message: 'has 1025 characters; the limit is 1024' }]);
  });

  it('should refuse menu labels over 128 characters, naming each', () => {
    const hooks = { appMenu: { label: 'a'.repeat(129) }, clientPortalMenu: { label: 'b'.repeat(20 * 1024 * 1024) } };
    expect(issuesOf({ ...base, ui: ui({ hooks }) })).toEqual([
      { path: '$.ui.hooks.appMenu.label', message: 'has 129 characters; the limit is 128' },
      { path: '$.ui.hooks.clientPortalMenu.label', message: 'has 20971520 characters; the limit is 128' },
    ]);
  });

  it('should accept labels of exactly 128 characters', () => {
    expect(validateManifest({ ...base, ui: ui({ hooks: { appMenu: { label: 'a'.repeat(128) } } }) }).ok).toBe(true);
  });

  it('should refuse more than 16 hooks without reading them', () => {
    const hooks = Object.fromEntries(range(17).map((i) => [`hook${i}`, { label: 'x' }]));
    expect(issuesOf({ ...base, ui: ui({ hooks }) })).toEqual([{ path: '$.ui.hooks', message: 'has 17 hooks; the limit is 16' }]);
  });

  it('should cut a long unknown hook name in its warning path and message', () => {
    const name = `h${'x'.repeat(99)}`;
    const result = validateManifest({ ...base, ui: ui({ hooks: { [name]: {} } }) });
    const cut = `${name.slice(0, 60)}…`;
    expect(result.ok && result.warnings).toEqual([
      { path: `$.ui.hooks[${JSON.stringify(cut)}]`, message: `Unknown hook '${cut}' is ignored; the platform reads only appMenu, clientPortalMenu` },
    ]);
  });
});

describe('validateManifest: api limits', () => {
  it('should accept exactly 1000 endpoints', () => {
    const result = validateManifest({ ...base, api: { endpoints: range(1000).map((i) => ep(i)) } });
    expect(result.ok && result.manifest.api?.endpoints).toHaveLength(1000);
  });

  it('should refuse 1001 endpoints with one issue and check none of them', () => {
    const endpoints = [...range(1000).map((i) => ep(i)), { method: 'TRACE' }];
    expect(issuesOf({ ...base, api: { endpoints } })).toEqual([{ path: '$.api.endpoints', message: 'has 1001 endpoints; the limit is 1000' }]);
  });

  it('should refuse 100,000 endpoints the same way', () => {
    const endpoints = range(100_000).map((i) => ep(i));
    expect(issuesOf({ ...base, api: { endpoints } })).toEqual([{ path: '$.api.endpoints', message: 'has 100000 endpoints; the limit is 1000' }]);
  });

  it('should refuse a path and a handler over 1024 characters', () => {
    const endpoints = [ep(0, { path: `/${'p'.repeat(1024)}`, handler: `dist/${'h'.repeat(1020)}` })];
    expect(issuesOf({ ...base, api: { endpoints } })).toEqual([
      { path: '$.api.endpoints[0].path', message: 'has 1025 characters; the limit is 1024' },
      { path: '$.api.endpoints[0].handler', message: 'has 1025 characters; the limit is 1024' },
    ]);
  });

  it('should report only the length of an over-long path, not the other rules it breaks', () => {
    const endpoints = [ep(0, { path: 'no slash '.repeat(200) })];
    expect(issuesOf({ ...base, api: { endpoints } })).toEqual([{ path: '$.api.endpoints[0].path', message: 'has 1800 characters; the limit is 1024' }]);
  });
});

describe('validateManifest: capabilities, assets and precompiled limits', () => {
  it('should refuse more than 64 capabilities', () => {
    expect(issuesOf({ ...base, capabilities: range(65).map(() => 'cap:log.emit') })).toEqual([
      { path: '$.capabilities', message: 'has 65 entries; the limit is 64' },
    ]);
  });

  it('should refuse a capability string over 128 characters instead of echoing it as unknown', () => {
    expect(issuesOf({ ...base, capabilities: ['cap:log.emit', `cap:${'x'.repeat(125)}`] })).toEqual([
      { path: '$.capabilities[1]', message: 'has 129 characters; the limit is 128' },
    ]);
  });

  it('should refuse more than 256 assets and an asset over 1024 characters', () => {
    expect(issuesOf({ ...base, assets: range(257).map((i) => `ui/${i}.js`) })).toEqual([{ path: '$.assets', message: 'has 257 entries; the limit is 256' }]);
    expect(issuesOf({ ...base, assets: ['ui/**', 'a'.repeat(1025)] })).toEqual([{ path: '$.assets[1]', message: 'has 1025 characters; the limit is 1024' }]);
  });

  it('should refuse more than 16 precompiled targets', () => {
    const precompiled = Object.fromEntries(range(17).map((i) => [`t${i}`, `artifacts/${i}.cwasm`]));
    expect(issuesOf({ ...base, precompiled })).toEqual([{ path: '$.precompiled', message: 'has 17 entries; the limit is 16' }]);
  });

  it('should refuse a precompiled key over 128 characters and a value over 1024', () => {
    const key = 'k'.repeat(129);
    const precompiled = { [key]: 'a.cwasm', linux: 'v'.repeat(1025) };
    expect(issuesOf({ ...base, precompiled })).toEqual([
      { path: `$.precompiled[${JSON.stringify(`${'k'.repeat(60)}…`)}]`, message: 'key has 129 characters; the limit is 128' },
      { path: '$.precompiled.linux', message: 'has 1025 characters; the limit is 1024' },
    ]);
  });
});

describe('validateManifest: bounded issue lists', () => {
  it('should list the first 100 issues and summarise the rest in one line', () => {
    const value = { ...base, ...Object.fromEntries(range(150).map((i) => [`extra${i}`, 1])) };
    const issues = issuesOf(value);
    expect(issues).toHaveLength(101);
    expect(issues[99]).toEqual({ path: '$.extra99', message: "Unknown top-level field 'extra99'" });
    expect(issues[100]).toEqual({ path: '$', message: 'and 50 more issues; only the first 100 are listed' });
  });

  it('should cap warnings the same way', () => {
    const result = validateManifest({ ...base, capabilities: ['cap:log.emit', 'cap:log.emit', 'cap:log.emit', 'cap:log.emit'] }, { ...MANIFEST_LIMITS, reportedIssues: 2 });
    expect(result.ok && result.warnings).toEqual([
      { path: '$.capabilities[1]', message: "Duplicate capability 'cap:log.emit' is listed once" },
      { path: '$.capabilities[2]', message: "Duplicate capability 'cap:log.emit' is listed once" },
      { path: '$', message: 'and 1 more warning; only the first 2 are listed' },
    ]);
  });

  it('should cut a long unknown top-level key in its path and message', () => {
    const key = 'k'.repeat(5000);
    const cut = `${'k'.repeat(60)}…`;
    expect(issuesOf({ ...base, [key]: 1 })).toEqual([{ path: `$[${JSON.stringify(cut)}]`, message: `Unknown top-level field '${cut}'` }]);
  });

  it('should apply limits passed by the caller', () => {
    expect(issuesOf({ ...base, api: { endpoints: [ep(0), ep(1), ep(2)] } }, { ...MANIFEST_LIMITS, endpoints: 2 })).toEqual([
      { path: '$.api.endpoints', message: 'has 3 endpoints; the limit is 2' },
    ]);
  });
});

describe('parseManifestText: size of the text', () => {
  const padTo = (bytes: number) => {
    const text = JSON.stringify(base);
    return `${text}${' '.repeat(bytes - Buffer.byteLength(text))}`;
  };

  it('should accept text of exactly 512 KiB', () => {
    expect(parseManifestText(padTo(524_288)).ok).toBe(true);
  });

  it('should refuse text over 512 KiB with MANIFEST_TOO_LARGE (413) before parsing it', () => {
    let thrown: unknown;
    try {
      parseManifestText(`${padTo(524_289)}not json at all`);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ManifestTooLargeError);
    expect(thrown).toBeInstanceOf(EmulatorError);
    expect(errorResponse(thrown)).toEqual({
      status: 413,
      body: {
        code: 'MANIFEST_TOO_LARGE',
        error:
          'manifest.json was refused: it has 524304 bytes and the limit is 524288 bytes (512 KiB). ' +
          'Fix: shorten labels and paths, or declare fewer endpoints (":param" segments let one entry serve many routes).',
        details: { issues: [{ path: '$', message: 'has 524304 bytes; the limit is 524288 bytes' }] },
      },
    });
  });

  it('should count UTF-8 bytes, not characters', () => {
    const label = 'é'.repeat(100); // 200 bytes, 100 characters
    const text = JSON.stringify({ ...base, ui: ui({ hooks: { appMenu: { label } } }) });
    const limits = { ...MANIFEST_LIMITS, manifestBytes: Buffer.byteLength(text) - 1 };
    expect(() => parseManifestText(text, limits)).toThrow(ManifestTooLargeError);
    expect(parseManifestText(text, { ...limits, manifestBytes: Buffer.byteLength(text) }).ok).toBe(true);
  });
});
