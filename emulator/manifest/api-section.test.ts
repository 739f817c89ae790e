import { describe, expect, it } from 'vitest';
import { validateManifest, type ManifestIssue } from './manifest.ts';

const base = { name: 'hello', version: '1.0.0', runtime: 'wasm-js@1' };

function withEndpoints(endpoints: unknown): unknown {
  return { ...base, api: { endpoints } };
}

function issuesOf(value: unknown): ManifestIssue[] {
  const result = validateManifest(value);
  return result.ok ? [] : result.issues;
}

const ep = (over: Record<string, unknown>) => ({ method: 'GET', path: '/x', handler: 'dist/main.wasm', ...over });

describe('validateManifest: api', () => {
  it('should normalise methods of any case to upper case and drop extra endpoint keys', () => {
    const result = validateManifest(withEndpoints([ep({ method: 'pOsT', schedulable: true }), ep({ method: 'head' })]));
    expect(result.ok && result.manifest.api).toEqual({
      endpoints: [
        { method: 'POST', path: '/x', handler: 'dist/main.wasm' },
        { method: 'HEAD', path: '/x', handler: 'dist/main.wasm' },
      ],
    });
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'])('should accept the method %s', (method) => {
    expect(validateManifest(withEndpoints([ep({ method })])).ok).toBe(true);
  });

  it('should accept an empty endpoint list', () => {
    const result = validateManifest(withEndpoints([]));
    expect(result.ok && result.manifest.api).toEqual({ endpoints: [] });
  });

  it.each([
    [null, 'null'],
    ['GET', '"GET"'],
  ])('should reject api %j', (api, shown) => {
    expect(issuesOf({ ...base, api })).toEqual([{ path: '$.api', message: `must be an object {endpoints: [...]}, got ${shown}` }]);
  });

  it('should require endpoints when api is present', () => {
    expect(issuesOf({ ...base, api: {} })).toEqual([{ path: '$.api.endpoints', message: 'is required (an array of {method, path, handler})' }]);
  });

  it('should reject endpoints that are not an array', () => {
    expect(issuesOf(withEndpoints({}))).toEqual([
      { path: '$.api.endpoints', message: 'must be an array of {method, path, handler}, got an object' },
    ]);
  });

  it('should reject an endpoint that is not an object', () => {
    expect(issuesOf(withEndpoints(['GET /x']))).toEqual([
      { path: '$.api.endpoints[0]', message: 'must be an object {method, path, handler}, got "GET /x"' },
    ]);
  });

  it('should reject an unknown or missing method', () => {
    expect(issuesOf(withEndpoints([ep({ method: 'TRACE' }), ep({ method: undefined, path: '/y' })]))).toEqual([
      { path: '$.api.endpoints[0].method', message: 'must be one of GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD (any case), got "TRACE"' },
      { path: '$.api.endpoints[1].method', message: 'must be one of GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD (any case), got undefined' },
    ]);
  });

  it.each(['/', '/a/b', '/secret/:key', '/a/:id/b/:_x2', '/with-dash.and_dots'])('should accept the path %s', (path) => {
    expect(validateManifest(withEndpoints([ep({ path })])).ok).toBe(true);
  });

  it.each([
    ['', 'must be a string starting with "/", got ""'],
    [5, 'must be a string starting with "/", got 5'],
    ['x', 'must start with "/", got "x"'],
    ['/a b', 'must not contain whitespace, got "/a b"'],
    ['/a\tb', 'must not contain whitespace, got "/a\\tb"'],
    ['/a/../b', 'must not contain "..", got "/a/../b"'],
    ['/a/:', 'has an invalid parameter segment ":"; write ":name" with letters, digits and "_", not starting with a digit'],
    ['/a/:1d', 'has an invalid parameter segment ":1d"; write ":name" with letters, digits and "_", not starting with a digit'],
    ['/a/:id-x', 'has an invalid parameter segment ":id-x"; write ":name" with letters, digits and "_", not starting with a digit'],
  ])('should reject the path %j', (path, message) => {
    expect(issuesOf(withEndpoints([ep({ path })]))).toEqual([{ path: '$.api.endpoints[0].path', message }]);
  });

  it('should report every rule one path breaks', () => {
    expect(issuesOf(withEndpoints([ep({ path: 'a b/../:' })]))).toEqual([
      { path: '$.api.endpoints[0].path', message: 'must start with "/", got "a b/../:"' },
      { path: '$.api.endpoints[0].path', message: 'must not contain whitespace, got "a b/../:"' },
      { path: '$.api.endpoints[0].path', message: 'must not contain "..", got "a b/../:"' },
      {
        path: '$.api.endpoints[0].path',
        message: 'has an invalid parameter segment ":"; write ":name" with letters, digits and "_", not starting with a digit',
      },
    ]);
  });

  it('should reject an empty handler and one containing ".."', () => {
    expect(issuesOf(withEndpoints([ep({ handler: '' }), ep({ path: '/y', handler: '../main.wasm' })]))).toEqual([
      { path: '$.api.endpoints[0].handler', message: 'must be a non-empty string, got ""' },
      { path: '$.api.endpoints[1].handler', message: 'must not contain "..", got "../main.wasm"' },
    ]);
  });

  it('should reject a duplicate method and path, comparing methods case-insensitively', () => {
    expect(issuesOf(withEndpoints([ep({}), ep({ method: 'POST' }), ep({ method: 'get' })]))).toEqual([
      { path: '$.api.endpoints[2]', message: 'Duplicate endpoint GET /x; it is already declared at $.api.endpoints[0]' },
    ]);
  });
});
