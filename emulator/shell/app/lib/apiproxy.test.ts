import { describe, expect, it } from 'vitest';
import { HINT_HEADER } from '../../../gateway/responses.ts';
import { GATEWAY_HINT_HEADER, performApiProxy, planApiProxy, type ApiProxyIo, type ApiProxyPlan } from './apiproxy.ts';

const msg = (payload: unknown, requestId: string | null = 'r1') => ({ alga: true, version: '1', type: 'apiproxy', ...(requestId === null ? {} : { request_id: requestId }), payload });
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('planApiProxy', () => {
  it('should ignore a message without request_id', () => {
    expect(planApiProxy('ext', msg({ route: '/x' }, null))).toEqual({ kind: 'ignore', reason: 'apiproxy without request_id: no reply is possible' });
  });

  it('should default a missing or blank method to POST and upper-case the others', () => {
    expect(planApiProxy('ext', msg({ route: '/a' }))).toEqual({ kind: 'call', requestId: 'r1', method: 'POST', url: '/api/ext-proxy/ext/a', body: undefined });
    expect(planApiProxy('ext', msg({ route: '/a', method: '  ' }))).toMatchObject({ kind: 'call', method: 'POST' });
    expect(planApiProxy('ext', msg({ route: '/a', method: 'patch' }))).toMatchObject({ kind: 'call', method: 'PATCH' });
  });

  it('should reject a method outside the five with an explanation', () => {
    expect(planApiProxy('ext', msg({ route: '/a', method: 'TRACE' }))).toEqual({
      kind: 'reject',
      requestId: 'r1',
      error: 'Failed to proxy the request: method "TRACE" is not one of GET, POST, PUT, PATCH, DELETE. Production drops this message without replying (callProxy then times out after 15 s); pass one of those methods.',
    });
    expect(planApiProxy('ext', msg({ route: '/a', method: 5 }))).toMatchObject({ kind: 'reject', error: expect.stringContaining('method 5 is not one of') });
  });

  it('should prepend a slash, keep the query unencoded, and treat a missing route as /', () => {
    expect(planApiProxy('ext', msg({ route: 'items?q=a b&x=1', method: 'GET' }))).toMatchObject({ url: '/api/ext-proxy/ext/items?q=a b&x=1' });
    expect(planApiProxy('ext', msg({}))).toMatchObject({ url: '/api/ext-proxy/ext/' });
    expect(planApiProxy('ext', msg(undefined))).toMatchObject({ kind: 'call', method: 'POST', url: '/api/ext-proxy/ext/' });
  });

  it('should decode the body for non-GET and drop it for GET', () => {
    const post = planApiProxy('ext', msg({ route: '/a', body: b64('{"n":1}') })) as Extract<ApiProxyPlan, { kind: 'call' }>;
    expect(new TextDecoder().decode(post.body)).toBe('{"n":1}');
    expect(planApiProxy('ext', msg({ route: '/a', method: 'GET', body: b64('x') }))).toMatchObject({ body: undefined });
    expect(planApiProxy('ext', msg({ route: '/a', body: '' }))).toMatchObject({ body: undefined });
  });

  it('should reject a body that is not base64 text', () => {
    expect(planApiProxy('ext', msg({ route: '/a', body: { n: 1 } }))).toEqual({ kind: 'reject', requestId: 'r1', error: 'apiproxy payload.body must be a base64 string (the SDK\'s callProxy encodes the bytes for you).' });
    expect(planApiProxy('ext', msg({ route: '/a', body: '***' }))).toMatchObject({ kind: 'reject', requestId: 'r1' });
  });
});

function io(answer: () => Promise<Response>, calls: { url: string; init: RequestInit }[] = []): ApiProxyIo {
  let t = 1000;
  return {
    fetch: async (url, init) => {
      calls.push({ url, init });
      return answer();
    },
    now: () => (t += 7),
  };
}

describe('performApiProxy', () => {
  const call = (body?: Uint8Array): Extract<ApiProxyPlan, { kind: 'call' }> => ({ kind: 'call', requestId: 'r1', method: 'POST', url: '/api/ext-proxy/ext/a', body });

  it('should send the raw body as octet-stream and answer the base64 of the response bytes', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const result = await performApiProxy(call(new Uint8Array([1, 2])), io(async () => new Response('{"count":1}', { status: 200 }), calls));
    expect(result).toEqual({ payload: { body: b64('{"count":1}') }, status: 200, durationMs: 7, hint: null });
    expect(calls).toEqual([{ url: '/api/ext-proxy/ext/a', init: { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([1, 2]) } }]);
  });

  it('should send no body and no content type without a body', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    await performApiProxy(call(), io(async () => new Response(null, { status: 204 }), calls));
    expect(calls[0]?.init).toEqual({ method: 'POST', credentials: 'same-origin' });
  });

  it('should answer "" for an empty success body', async () => {
    expect((await performApiProxy(call(), io(async () => new Response(null, { status: 204 })))).payload).toEqual({ body: '' });
  });

  it('should answer "Proxy error <status>: <text>" when the gateway is not ok', async () => {
    const result = await performApiProxy(call(), io(async () => new Response('{"error":"endpoint_not_found"}', { status: 404 })));
    expect(result).toEqual({ payload: { error: 'Proxy error 404: {"error":"endpoint_not_found"}' }, status: 404, durationMs: 7, hint: null });
  });

  it('should keep the Gateway\'s x-emulator-hint of a refusal out of the reply and hand it to the shell', async () => {
    const hint = 'user tech@emulator.test lacks the extension:read permission that GET calls need: call as a user with it (e.g. the MSP admin)';
    const result = await performApiProxy(call(), io(async () => new Response('{"error":"forbidden"}', { status: 403, headers: { 'x-emulator-hint': hint } })));
    expect(result).toEqual({ payload: { error: 'Proxy error 403: {"error":"forbidden"}' }, status: 403, durationMs: 7, hint });
    expect(GATEWAY_HINT_HEADER).toBe(HINT_HEADER);
  });

  it('should answer the error message when the network call fails', async () => {
    const result = await performApiProxy(call(), io(async () => { throw new TypeError('Failed to fetch'); }));
    expect(result).toEqual({ payload: { error: 'Failed to fetch' }, status: null, durationMs: 7, hint: null });
  });
});
