import { describe, expect, it } from 'vitest';
import { guardedFunctions } from '../capability.ts';
import { NOT_IMPLEMENTED } from '../not-implemented.ts';
import { type InvocationScope } from '../../contracts/invocation.ts';
import { uiProxyCapability } from './index.ts';
import { fakeScope, thrown } from '../test-support.ts';

const makeScope = (overrides: Partial<InvocationScope> = {}): InvocationScope =>
  fakeScope({ grants: new Set(['cap:ui.proxy']), ...overrides });


function callRoute(baseUrl: string | undefined, scope: InvocationScope, route: string, payload?: Uint8Array): unknown {
  const fn = guardedFunctions(uiProxyCapability, { baseUrl }).callRoute;
  if (!fn) throw new Error('ui-proxy has no callRoute');
  return fn(scope, [route, payload]);
}

const BASE = 'http://127.0.0.1:9/ui-proxy';

describe('uiProxyCapability.callRoute', () => {
  it('answers denied without cap:ui.proxy, even with a base URL', () => {
    const err = thrown(() => callRoute(BASE, makeScope({ grants: new Set(['cap:context.read']) }), '/items'));
    expect(err.payload).toBe('denied');
    expect(err.message).toBe('denied: cap:ui.proxy not granted');
  });

  it.each([undefined, ''])('answers route-not-found with the grant and base URL %j', (baseUrl) => {
    const err = thrown(() => callRoute(baseUrl, makeScope(), '/items'));
    expect(err.payload).toBe('route-not-found');
    expect(err.message).toBe('route-not-found: UI_PROXY_BASE_URL is not set');
  });

  it.each(['', '?a=1'])('answers bad-request for the empty route %j', (route) => {
    const err = thrown(() => callRoute(BASE, makeScope(), route));
    expect(err.payload).toBe('bad-request');
    expect(err.message).toBe('bad-request: empty route');
  });

  it.each(['/a/../b', '..', '/a/./b', './b', 'a/..', '/a/..?x=1'])('answers bad-request for the dot-segment route %j', (route) => {
    const err = thrown(() => callRoute(BASE, makeScope(), route));
    expect(err.payload).toBe('bad-request');
    expect(err.message).toBe('bad-request: dot segment');
  });

  it('looks for dot segments only in the path, not the query', () => {
    const err = thrown(() => callRoute(BASE, makeScope(), '/items?next=../x'));
    expect(err.payload).toBe('internal');
  });

  it('does not treat names that merely contain dots as dot segments', () => {
    expect(thrown(() => callRoute(BASE, makeScope(), '/files/report..v2/.hidden/a.b')).payload).toBe('internal');
  });

  it('answers internal (not implemented) for a valid route when a base URL is set', () => {
    const err = thrown(() => callRoute(BASE, makeScope(), '/api/items', new Uint8Array([1])));
    expect(err.payload).toBe('internal');
    expect(err.message).toBe(`internal: ${NOT_IMPLEMENTED}`);
  });
});
