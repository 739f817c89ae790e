// emu.http without a Runner: the injected fetch answers from this router's msw handlers only,
// records what no handler answered, and reports it in one message formula.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpResponse, http, passthrough } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpMockRouter, unhandledError } from './http-mock.ts';

let server: Server;
let local: string;
beforeAll(async () => {
  server = createServer((req, res) => res.end(`real ${req.method} ${req.url}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const health = (up: boolean) => http.get('https://status.example.com/health', () => HttpResponse.json({ up }));

describe('HttpMockRouter', () => {
  it('should answer from the first matching handler, with use() in front and resetHandlers() back to the initial ones', async () => {
    const mock = new HttpMockRouter({ handlers: [health(true)] });
    expect(await (await mock.fetch('https://status.example.com/health')).json()).toEqual({ up: true });
    mock.use(health(false));
    expect(await (await mock.fetch('https://status.example.com/health')).json()).toEqual({ up: false });
    mock.resetHandlers();
    expect(await (await mock.fetch('https://status.example.com/health')).json()).toEqual({ up: true });
    mock.resetHandlers(http.get('https://status.example.com/health', () => new HttpResponse('down', { status: 503 })));
    const replaced = await mock.fetch('https://status.example.com/health');
    expect([replaced.status, await replaced.text(), mock.listHandlers().length]).toEqual([503, 'down', 1]);
    expect(mock.unhandled()).toEqual([]);
  });

  it('should give a handler the method, headers and body the guest sent', async () => {
    const mock = new HttpMockRouter();
    mock.use(http.post('https://api.example.com/items', async ({ request }) => HttpResponse.json({ auth: request.headers.get('authorization'), body: await request.text() })));
    const res = await mock.fetch('https://api.example.com/items', { method: 'POST', headers: [['authorization', 'Bearer t']], body: Buffer.from('hi'), redirect: 'manual' });
    expect(await res.json()).toEqual({ auth: 'Bearer t', body: 'hi' });
  });

  it('should reject an unhandled request and record it until assertAllHandled() reports it, once', async () => {
    const mock = new HttpMockRouter({ handlers: [health(true)] });
    await expect(mock.fetch('https://unmocked.example.com/x')).rejects.toThrow("no handler for GET https://unmocked.example.com/x (emu.http onUnhandled: 'error')");
    expect(mock.unhandled().map((r) => `${r.method} ${r.url}`)).toEqual(['GET https://unmocked.example.com/x']);
    expect(() => mock.assertAllHandled()).toThrow(
      "Unhandled outbound request from an extension: GET https://unmocked.example.com/x. Add a handler with emu.http.use(...) or allow it with { http: { onUnhandled: 'bypass' } }.",
    );
    expect(mock.unhandled()).toEqual([]);
    expect(() => mock.assertAllHandled()).not.toThrow();
  });

  it('should list every unhandled request in one error with the code HTTP_UNHANDLED_REQUEST', () => {
    const err = unhandledError([new Request('https://a.example.com/1'), new Request('https://b.example.com/2', { method: 'DELETE' })]);
    expect([err.code, err.message]).toEqual([
      'HTTP_UNHANDLED_REQUEST',
      "Unhandled outbound requests from an extension: GET https://a.example.com/1, DELETE https://b.example.com/2. Add handlers with emu.http.use(...) or allow them with { http: { onUnhandled: 'bypass' } }.",
    ]);
  });

  it("should send an unhandled request to the network with onUnhandled 'bypass', and record nothing", async () => {
    const mock = new HttpMockRouter({ onUnhandled: 'bypass' });
    const res = await mock.fetch(`${local}/real?x=1`);
    expect(await res.text()).toBe('real GET /real?x=1');
    expect(() => mock.assertAllHandled()).not.toThrow();
  });

  it('should send a passthrough() answer to the network', async () => {
    const mock = new HttpMockRouter({ handlers: [http.all(`${local}/*`, () => passthrough())] });
    expect(await (await mock.fetch(`${local}/through`, { method: 'PUT' })).text()).toBe('real PUT /through');
  });

  it('should reject for HttpResponse.error() and for a throwing handler, without recording them as unhandled', async () => {
    const mock = new HttpMockRouter({
      handlers: [http.get('https://down.example.com/', () => HttpResponse.error()), http.get('https://broken.example.com/', () => { throw new Error('boom'); })],
    });
    await expect(mock.fetch('https://down.example.com/')).rejects.toThrow('msw handler answered GET https://down.example.com/ with a network error');
    await expect(mock.fetch('https://broken.example.com/')).rejects.toThrow('msw handler for GET https://broken.example.com/ threw: boom');
    expect(mock.unhandled()).toEqual([]);
  });

  it('should keep handlers and unhandled requests per router', async () => {
    const one = new HttpMockRouter({ handlers: [health(true)] });
    const two = new HttpMockRouter();
    await expect(two.fetch('https://status.example.com/health')).rejects.toThrow();
    expect(await (await one.fetch('https://status.example.com/health')).json()).toEqual({ up: true });
    expect([one.unhandled().length, two.unhandled().length]).toEqual([0, 1]);
  });

  it('should refuse an unknown onUnhandled', () => {
    expect(() => new HttpMockRouter({ onUnhandled: 'warn' as 'error' })).toThrow(`Failed to create the emulator: http.onUnhandled must be 'error' or 'bypass', got "warn". Fix: pass http: { onUnhandled: 'error' } (the default) or 'bypass'.`);
  });
});
