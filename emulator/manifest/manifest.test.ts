import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../errors.ts';
import { invalidManifestError, ManifestError, parseManifestText, validateManifest, type ManifestIssue } from './manifest.ts';

const KNOWN = 'cap:context.read, cap:secrets.get, cap:http.fetch, cap:storage.kv, cap:log.emit, cap:ui.proxy, cap:user.read, cap:scheduler.manage, cap:invoice.manual.create, cap:client.read, cap:service.read';

const base = { name: 'hello', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1' };

function issuesOf(value: unknown): ManifestIssue[] {
  const result = validateManifest(value);
  return result.ok ? [] : result.issues;
}

describe('validateManifest: accepted manifests', () => {
  it('should accept the minimal manifest and default the lists and map', () => {
    expect(validateManifest(base)).toEqual({
      ok: true,
      manifest: { name: 'hello', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1', capabilities: [], assets: [], precompiled: {} },
      warnings: [],
    });
  });

  it('should accept a manifest without a publisher and leave it out of the result', () => {
    const result = validateManifest({ name: 'hello', version: '1.0.0', runtime: 'wasm-js@1' });
    expect(result.ok && result.manifest).toEqual({ name: 'hello', version: '1.0.0', runtime: 'wasm-js@1', capabilities: [], assets: [], precompiled: {} });
  });

  it('should accept every allowed top-level field together', () => {
    const full = {
      ...base,
      capabilities: ['cap:http.fetch'],
      ui: { type: 'iframe', entry: 'ui/index.html' },
      api: { endpoints: [{ method: 'get', path: '/x', handler: 'dist/main.wasm' }] },
      assets: ['ui/**/*'],
      precompiled: { 'x86_64-linux-gnu': 'artifacts/main.cwasm' },
    };
    expect(validateManifest(full)).toEqual({
      ok: true,
      manifest: {
        ...base,
        capabilities: ['cap:http.fetch'],
        ui: { type: 'iframe', entry: 'ui/index.html' },
        api: { endpoints: [{ method: 'GET', path: '/x', handler: 'dist/main.wasm' }] },
        assets: ['ui/**/*'],
        precompiled: { 'x86_64-linux-gnu': 'artifacts/main.cwasm' },
      },
      warnings: [],
    });
  });

  it('should not modify the value it validates', () => {
    const input = { ...base, capabilities: [' CAP:HTTP.FETCH '], api: { endpoints: [{ method: 'post', path: '/a', handler: 'h', schedulable: true }] } };
    const copy = structuredClone(input);
    validateManifest(input);
    expect(input).toEqual(copy);
  });
});

describe('validateManifest: top level', () => {
  it.each([null, [], 'manifest', 42])('should report one issue at $ when the manifest is %j', (value) => {
    const shown = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? '"manifest"' : '42';
    expect(issuesOf(value)).toEqual([{ path: '$', message: `must be a JSON object, got ${shown}` }]);
  });

  it('should reject each unknown top-level field, including the ones the official docs mention', () => {
    const value = { ...base, entry: 'dist/main.wasm', events: [], sbom: 'x', description: 'd', displayName: 'D', main: 'm' };
    expect(issuesOf(value)).toEqual(['entry', 'events', 'sbom', 'description', 'displayName', 'main'].map((k) => ({ path: `$.${k}`, message: `Unknown top-level field '${k}'` })));
  });

  it('should quote an unknown field name that is not an identifier in its path', () => {
    expect(issuesOf({ ...base, 'x-extra': 1 })).toEqual([{ path: '$["x-extra"]', message: "Unknown top-level field 'x-extra'" }]);
  });
});

describe('validateManifest: name, publisher, version, runtime', () => {
  it('should require name, version and runtime', () => {
    expect(issuesOf({})).toEqual([
      { path: '$.name', message: 'is required (a non-empty string)' },
      { path: '$.version', message: 'is required (a non-empty string)' },
      { path: '$.runtime', message: 'is required (a non-empty string)' },
    ]);
  });

  it.each([['', '""'], ['   ', '"   "'], [7, '7']])('should reject the name %j', (name, shown) => {
    expect(issuesOf({ ...base, name })).toEqual([{ path: '$.name', message: `must be a non-empty string, got ${shown}` }]);
  });

  it('should reject an empty publisher when one is given', () => {
    expect(issuesOf({ ...base, publisher: '' })).toEqual([{ path: '$.publisher', message: 'must be a non-empty string, got ""' }]);
  });

  it.each(['0.0.1', '1.2.3-beta.1', '1.2.3+build.5', '1.2.3-rc-1+sha.abc', '10.20.*'])('should accept the version %s', (version) => {
    expect(validateManifest({ ...base, version }).ok).toBe(true);
  });

  it.each(['1.2', '1.2.3.4', 'v1.2.3', '1.*.*', '1.2.3-', '1.2.3+', '1.2.3-beta!', '*'])('should reject the version %s', (version) => {
    expect(issuesOf({ ...base, version })).toEqual([
      { path: '$.version', message: `must be a version like "1.2.3" (optionally "-pre" and "+build") or a wildcard like "1.2.*", got "${version}"` },
    ]);
  });

  it.each(['wasm-js@1', 'wasm-js', 'js@2'])('should accept the runtime %s', (runtime) => {
    expect(validateManifest({ ...base, runtime }).ok).toBe(true);
  });

  it('should reject a runtime without "@" or "-"', () => {
    expect(issuesOf({ ...base, runtime: 'wasm' })).toEqual([
      { path: '$.runtime', message: 'must contain "@" or "-" (by convention "wasm-js@1"), got "wasm"' },
    ]);
  });
});

describe('validateManifest: capabilities and assets', () => {
  it('should normalise known capabilities to trimmed lower case', () => {
    const result = validateManifest({ ...base, capabilities: [' CAP:Storage.KV ', 'cap:log.emit'] });
    expect(result.ok && result.manifest.capabilities).toEqual(['cap:storage.kv', 'cap:log.emit']);
  });

  it('should name an unknown capability and list the known ones', () => {
    expect(issuesOf({ ...base, capabilities: ['cap:log.emit', 'cap:teleport', 'http.fetch'] })).toEqual([
      { path: '$.capabilities[1]', message: `Unknown capability 'cap:teleport'; known capabilities: ${KNOWN}` },
      { path: '$.capabilities[2]', message: `Unknown capability 'http.fetch'; known capabilities: ${KNOWN}` },
    ]);
  });

  it('should warn about a duplicate capability and keep it once', () => {
    const result = validateManifest({ ...base, capabilities: ['cap:log.emit', 'CAP:LOG.EMIT'] });
    expect(result).toMatchObject({ ok: true, warnings: [{ path: '$.capabilities[1]', message: "Duplicate capability 'CAP:LOG.EMIT' is listed once" }] });
    expect(result.ok && result.manifest.capabilities).toEqual(['cap:log.emit']);
  });

  it.each(['capabilities', 'assets'])('should reject %s that is not an array', (field) => {
    expect(issuesOf({ ...base, [field]: 'cap:log.emit' })).toEqual([
      { path: `$.${field}`, message: 'must be an array of non-empty strings, got "cap:log.emit"' },
    ]);
  });

  it.each(['capabilities', 'assets'])('should reject empty and non-string elements of %s', (field) => {
    expect(issuesOf({ ...base, [field]: ['', 3] })).toEqual([
      { path: `$.${field}[0]`, message: 'must be a non-empty string, got ""' },
      { path: `$.${field}[1]`, message: 'must be a non-empty string, got 3' },
    ]);
  });
});

describe('validateManifest: precompiled', () => {
  it('should reject a precompiled value that is not an object', () => {
    expect(issuesOf({ ...base, precompiled: ['a'] })).toEqual([
      { path: '$.precompiled', message: 'must be an object mapping non-empty strings to non-empty strings, got an array' },
    ]);
  });

  it('should reject an empty key and empty or non-string targets', () => {
    expect(issuesOf({ ...base, precompiled: { '': 'a', linux: '', mac: 5 } })).toEqual([
      { path: '$.precompiled[""]', message: 'key must be a non-empty string' },
      { path: '$.precompiled.linux', message: 'must be a non-empty string, got ""' },
      { path: '$.precompiled.mac', message: 'must be a non-empty string, got 5' },
    ]);
  });
});

describe('validateManifest: every issue in one pass', () => {
  it('should report problems of every field together, unknown fields first', () => {
    const value = {
      name: '',
      version: '1.0',
      runtime: 'wasm-js@1',
      description: 'x',
      capabilities: ['cap:nope'],
      ui: { type: 'react', entry: '../index.html' },
      api: { endpoints: [{ method: 'FETCH', path: 'no-slash', handler: 'h' }] },
    };
    expect(issuesOf(value)).toEqual([
      { path: '$.description', message: "Unknown top-level field 'description'" },
      { path: '$.name', message: 'must be a non-empty string, got ""' },
      { path: '$.version', message: 'must be a version like "1.2.3" (optionally "-pre" and "+build") or a wildcard like "1.2.*", got "1.0"' },
      { path: '$.capabilities[0]', message: `Unknown capability 'cap:nope'; known capabilities: ${KNOWN}` },
      { path: '$.ui.type', message: 'must be "iframe", got "react"' },
      { path: '$.ui.entry', message: 'must not contain "..", got "../index.html"' },
      { path: '$.api.endpoints[0].method', message: 'must be one of GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD (any case), got "FETCH"' },
      { path: '$.api.endpoints[0].path', message: 'must start with "/", got "no-slash"' },
    ]);
  });
});

describe('parseManifestText', () => {
  it('should validate parsed text', () => {
    expect(parseManifestText(JSON.stringify(base)).ok).toBe(true);
  });

  it('should report invalid JSON as one issue at $', () => {
    const result = parseManifestText('{"name": ');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues).toHaveLength(1);
    expect(!result.ok && result.issues[0]?.path).toBe('$');
    expect(!result.ok && result.issues[0]?.message).toMatch(/^is not valid JSON: /);
  });
});

describe('invalidManifestError', () => {
  it('should be an INVALID_MANIFEST 400 listing every issue and carrying them', () => {
    const issues = [
      { path: '$.name', message: 'is required (a non-empty string)' },
      { path: '$.foo', message: "Unknown top-level field 'foo'" },
    ];
    const err = invalidManifestError(issues);
    expect(err).toBeInstanceOf(EmulatorError);
    expect(err).toBeInstanceOf(ManifestError);
    expect(err.code).toBe('INVALID_MANIFEST');
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      "invalid manifest.json: $.name: is required (a non-empty string); $.foo: Unknown top-level field 'foo'. Fix these fields and publish again.",
    );
    expect(err.issues).toEqual(issues);
  });
});
