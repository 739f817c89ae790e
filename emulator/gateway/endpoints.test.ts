import { describe, expect, it } from 'vitest';
import { matchEndpoint, suggestEndpoint } from './endpoints.ts';

const ENDPOINTS = [
  { method: 'GET', path: '/items', handler: 'dist/main.wasm' },
  { method: 'GET', path: '/items/:id', handler: 'dist/main.wasm' },
  { method: 'post', path: '/items/:id/notes/:note', handler: 'dist/main.wasm' },
  { method: 'POST', path: '/', handler: 'dist/main.wasm' },
];

describe('matchEndpoint', () => {
  it('should match segment by segment, :param matching any non-empty segment', () => {
    expect(matchEndpoint(ENDPOINTS, 'GET', '/items')?.path).toBe('/items');
    expect(matchEndpoint(ENDPOINTS, 'get', '/items/42')?.path).toBe('/items/:id');
    expect(matchEndpoint(ENDPOINTS, 'POST', '/items/1/notes/x')?.path).toBe('/items/:id/notes/:note');
    expect(matchEndpoint(ENDPOINTS, 'POST', '/')?.path).toBe('/');
  });

  it('should not match another method, another segment count or another literal', () => {
    expect(matchEndpoint(ENDPOINTS, 'PUT', '/items/42')).toBeUndefined();
    expect(matchEndpoint(ENDPOINTS, 'GET', '/items/42/x')).toBeUndefined();
    expect(matchEndpoint(ENDPOINTS, 'GET', '/item')).toBeUndefined();
    expect(matchEndpoint(ENDPOINTS, 'GET', '/')).toBeUndefined();
  });

  it('should match HEAD against GET entries', () => {
    expect(matchEndpoint(ENDPOINTS, 'HEAD', '/items/1')?.path).toBe('/items/:id');
  });
});

describe('suggestEndpoint', () => {
  it('should turn id-like segments into :id, :id2 and keep words', () => {
    expect(suggestEndpoint('get', '/items/42/notes/6f0c1d2e-0000-4000-8000-000000000001', 'dist/main.wasm')).toEqual({ method: 'GET', path: '/items/:id/notes/:id2', handler: 'dist/main.wasm' });
    expect(suggestEndpoint('HEAD', '/reports/monthly', 'dist/main.wasm')).toEqual({ method: 'GET', path: '/reports/monthly', handler: 'dist/main.wasm' });
    expect(suggestEndpoint('POST', '/', 'dist/main.wasm').path).toBe('/');
  });
});
