// Runner failures (502 / 504, never Runner internals) and the execution log (spec 04 steps 9-11).
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { seededUserId } from '../registry/identity.ts';
import { TENANT } from '../registry/test-support.ts';
import { Gateway } from './gateway.ts';
import { envelopeReply, json, openGatewayFixture, type GatewayFixture } from './test-support.ts';

let f: GatewayFixture;
afterEach(async () => f?.close());

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('502 bad_gateway', () => {
  it('should answer 502 with the request id and nothing else when the Runner is unreachable', async () => {
    f = await openGatewayFixture();
    const lines: Record<string, unknown>[] = [];
    const gateway = new Gateway({ registry: f.t.registry, sessions: f.sessions, debugEvents: f.hub, runnerBaseUrl: `http://127.0.0.1:${await closedPort()}`, log: (l) => lines.push(l) });
    const res = await gateway.handle({ route: 'ext', method: 'GET', extId: f.portal.registryId, path: '/items', query: {}, headers: { ...f.bearer('msp-admin'), 'x-request-id': 'down-1' }, body: undefined });
    expect([res.status, json(res)]).toEqual([502, { error: 'bad_gateway', requestId: 'down-1' }]);
    expect(res.headers['x-request-id']).toBe('down-1');
    expect(lines).toEqual([{ level: 'error', msg: 'gateway: runner call failed', request_id: 'down-1', reason: expect.stringMatching(/^runner unreachable: /) }]);
  });

  it('should answer 502 for a reply that is not JSON, empty, not an envelope, or not HTTP 200', async () => {
    f = await openGatewayFixture();
    const replies = [
      { body: '<html>Runner exploded at /srv/runner.rs:42</html>' },
      { body: '' },
      { body: '[1,2]' },
      { body: '{"status":"200"}' },
      { status: 422, body: '{"status":200,"headers":{},"body_b64":null,"error":null}' },
      { body: '{"status":0,"headers":{},"body_b64":null,"error":null}' },
    ];
    for (const reply of replies) {
      f.runner.reply = () => reply;
      const res = await f.call({ headers: { ...f.bearer('msp-admin'), 'x-request-id': 'bg' } });
      expect([res.status, res.body.toString()]).toEqual([502, '{"error":"bad_gateway","requestId":"bg"}']);
    }
  });
});

describe('504 timeout', () => {
  it('should answer 504 timeout after EXT_GATEWAY_TIMEOUT_MS and send that value as limits.timeout_ms', async () => {
    f = await openGatewayFixture({ timeoutMs: 150 });
    f.runner.reply = () => ({ ...envelopeReply(), delayMs: 2000 });
    const started = Date.now();
    const res = await f.call({ headers: { ...f.bearer('msp-admin'), 'x-request-id': 'slow-1' } });
    expect([res.status, json(res)]).toEqual([504, { error: 'timeout', requestId: 'slow-1' }]);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(f.runner.only().json.limits).toEqual({ timeout_ms: 150 });
  });
});

describe('execution log', () => {
  it('should finish each row with its status and metrics: ok, upstream_error, error, timeout, bad gateway', async () => {
    f = await openGatewayFixture({ timeoutMs: 150 });
    const replies = [
      envelopeReply(200),
      envelopeReply(404, '{"error":"nope"}'),
      { body: JSON.stringify({ status: 500, headers: {}, body_b64: null, error: 'execute_failed: wasm trap: unreachable' }) },
      { ...envelopeReply(), delayMs: 1000 },
      { body: 'not json' },
    ];
    for (const [i, reply] of replies.entries()) {
      f.runner.reply = () => reply;
      f.clock.ms += 5;
      await f.call({ method: 'POST', path: `/items/${i}`, headers: { ...f.bearer('msp-admin'), 'x-request-id': `log-${i}` }, body: Buffer.from('{}') });
    }
    const rows = f.t.registry.executionLog({ tenantId: TENANT, registryId: f.portal.registryId }).reverse();
    expect(rows.map((r) => [r.requestId, r.status, r.error, r.metrics?.http_status])).toEqual([
      ['log-0', 'ok', null, 200],
      ['log-1', 'upstream_error', null, 404],
      ['log-2', 'error', 'execute_failed', 500],
      ['log-3', 'timeout', 'timeout', 504],
      ['log-4', 'error', 'bad_gateway', 502],
    ]);
    expect(rows[0]).toEqual({
      id: expect.any(String),
      tenantId: TENANT,
      registryId: f.portal.registryId,
      versionId: f.portal.versionId,
      requestId: 'log-0',
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      status: 'ok',
      metrics: { method: 'POST', path: '/items/0', endpoint_template: '/items/:id', principal_kind: 'msp', user_id: seededUserId(TENANT, 'msp-admin'), http_status: 200, duration_ms: 0 },
      error: null,
    });
  });

  it('should record the principal kind, the template (null when undeclared) and the duration on the clock', async () => {
    const clock = { ms: 0 };
    f = await openGatewayFixture({ now: () => clock.ms });
    f.runner.reply = () => {
      clock.ms += 37;
      return envelopeReply();
    };
    await f.call({ path: '/undeclared', headers: f.bearer('client-user') });
    const [row] = f.t.registry.executionLog({ tenantId: TENANT });
    expect(row?.metrics).toEqual({ method: 'GET', path: '/undeclared', endpoint_template: null, principal_kind: 'client', user_id: seededUserId(TENANT, 'client-user'), http_status: 200, duration_ms: 37 });
  });

  it('should keep bodies, headers, config and secrets out of the rows', async () => {
    f = await openGatewayFixture();
    f.t.registry.setConfig(TENANT, f.portal.registryId, { values: { region: 'config-value-eu' } });
    f.t.registry.setSecrets(TENANT, f.portal.registryId, { api_key: 'secret-value-123' });
    f.runner.reply = () => envelopeReply(200, '{"echo":"response-body-xyz"}', { 'x-ext-warning': 'response-header-abc' });
    await f.call({ method: 'POST', path: '/items/1', headers: { ...f.bearer('msp-admin'), 'user-agent': 'request-header-agent' }, body: Buffer.from('request-body-qqq') });
    f.runner.reply = () => ({ body: JSON.stringify({ status: 500, headers: {}, body_b64: null, error: 'execute_failed: guest threw secret-value-123' }) });
    await f.call({ method: 'POST', path: '/items/2', body: Buffer.from('{}') });
    const text = JSON.stringify(f.t.registry.executionLog({ tenantId: TENANT }));
    for (const leak of ['config-value-eu', 'secret-value-123', 'response-body-xyz', 'response-header-abc', 'request-header-agent', 'request-body-qqq', 'Bearer']) expect(text).not.toContain(leak);
    expect(f.t.registry.executionLog({ tenantId: TENANT }).map((r) => r.status)).toEqual(['error', 'ok']);
  });

  it('should write no row for a call refused before step 9', async () => {
    f = await openGatewayFixture();
    await f.call({ headers: {} });
    await f.call({ headers: f.bearer('msp-user') });
    expect(f.t.registry.executionLog({ tenantId: TENANT })).toEqual([]);
  });
});
