// Spec 04 "Order of checks": one test per row, status + exact body, and that a refused call never
// reaches the Runner.
import { afterEach, describe, expect, it } from 'vitest';
import { PERMISSIONS, seededUserId, type EmulatorUser } from '../registry/identity.ts';
import { OTHER_TENANT, TENANT } from '../registry/test-support.ts';
import { Gateway } from './gateway.ts';
import { fixedPrincipal, json, openGatewayFixture, type GatewayFixture } from './test-support.ts';

let f: GatewayFixture;
afterEach(async () => f?.close());

const admin = (): EmulatorUser => f.t.registry.identity.user(seededUserId(TENANT, 'msp-admin')) as EmulatorUser;
const client = (): EmulatorUser => f.t.registry.identity.user(seededUserId(TENANT, 'client-user')) as EmulatorUser;

/** A Gateway over the fixture's registry and Runner that sees `user` (and `tenantId`) as the caller. */
function gatewayAs(user: EmulatorUser, tenantId = user.tenantId): Gateway {
  return new Gateway({ registry: f.t.registry, sessions: fixedPrincipal(user, tenantId), debugEvents: f.hub, runnerBaseUrl: f.runner.url });
}

describe('1. OPTIONS on /api/ext', () => {
  it('should answer the preflight with 204 before any session check', async () => {
    f = await openGatewayFixture();
    const res = await f.call({ method: 'OPTIONS', headers: { origin: 'http://app.test', 'x-request-id': 'pre-1' } });
    expect(res.status).toBe(204);
    expect(res.headers).toEqual({
      'x-request-id': 'pre-1',
      vary: 'Origin',
      'access-control-allow-origin': 'http://app.test',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
      'access-control-allow-headers': 'content-type,x-request-id,x-idempotency-key',
      'access-control-max-age': '180',
    });
    expect(res.body.length).toBe(0);
  });

  it('should treat OPTIONS on /api/ext-proxy as a method outside the five: 404 endpoint_not_found', async () => {
    f = await openGatewayFixture();
    const res = await f.call({ route: 'ext-proxy', method: 'OPTIONS' });
    expect([res.status, json(res)]).toEqual([404, { error: 'endpoint_not_found' }]);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('2. session and tenant', () => {
  it('should answer 401 unauthenticated without a session, with a hint and the request id', async () => {
    f = await openGatewayFixture();
    const res = await f.call({ headers: { 'x-request-id': 'r-1' } });
    expect([res.status, json(res)]).toEqual([401, { error: 'unauthenticated' }]);
    expect(res.headers['x-request-id']).toBe('r-1');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-emulator-hint']).toBe('no session: send authorization: Bearer <dev token> (npm run emulate prints one per user) or sign in on the shell page');
    expect(f.runner.calls).toEqual([]);
  });

  it('should answer 401 invalid_session for a token that names no user', async () => {
    f = await openGatewayFixture();
    const res = await f.call({ headers: { authorization: 'Bearer nobody' } });
    expect([res.status, json(res)]).toEqual([401, { error: 'invalid_session' }]);
  });

  it('should answer 403 tenant_mismatch when x-alga-tenant or x-tenant-id names another tenant', async () => {
    f = await openGatewayFixture();
    for (const name of ['x-alga-tenant', 'x-tenant-id']) {
      const res = await f.call({ headers: { ...f.bearer('msp-admin'), [name]: OTHER_TENANT } });
      expect([res.status, json(res)]).toEqual([403, { error: 'tenant_mismatch' }]);
    }
    const same = await f.call({ headers: { ...f.bearer('msp-admin'), 'x-alga-tenant': TENANT, 'x-tenant-id': TENANT } });
    expect(same.status).toBe(200);
    expect(f.runner.calls).toHaveLength(1);
  });
});

describe('3. method', () => {
  it('should answer 404 endpoint_not_found for a method outside the five, and run HEAD as GET', async () => {
    f = await openGatewayFixture();
    const trace = await f.call({ method: 'TRACE' });
    expect([trace.status, json(trace)]).toEqual([404, { error: 'endpoint_not_found' }]);
    expect(trace.headers['x-emulator-hint']).toBe('TRACE is not a Gateway method: use GET, POST, PUT, PATCH or DELETE (HEAD runs as GET)');
    const head = await f.call({ method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((f.runner.only().json.http as { method: string }).method).toBe('GET');
  });
});

describe('4. current user', () => {
  it('should answer 401 unauthenticated for an incomplete user', async () => {
    f = await openGatewayFixture();
    const res = await gatewayAs({ ...admin(), email: '' }).handle({ route: 'ext', method: 'GET', extId: f.portal.registryId, path: '/items', query: {}, headers: {}, body: undefined });
    expect([res.status, json(res)]).toEqual([401, { error: 'unauthenticated' }]);
  });

  it('should answer 403 tenant_mismatch when the user belongs to another tenant than the session', async () => {
    f = await openGatewayFixture();
    const res = await gatewayAs(admin(), OTHER_TENANT).handle({ route: 'ext', method: 'GET', extId: f.portal.registryId, path: '/items', query: {}, headers: {}, body: undefined });
    expect([res.status, json(res)]).toEqual([403, { error: 'tenant_mismatch' }]);
    expect(f.runner.calls).toEqual([]);
  });
});

describe('5. active install', () => {
  it('should resolve an install by install id, registry id and slug (any case)', async () => {
    f = await openGatewayFixture();
    for (const extId of [f.portal.installId, f.portal.registryId, 'ACME.Widget']) expect((await f.call({ extId })).status).toBe(200);
    const sent = f.runner.calls.map((c) => [(c.json.context as { extension_id: string }).extension_id, c.headers['x-alga-extension']]);
    expect(sent).toEqual([[f.portal.registryId, f.portal.registryId], [f.portal.registryId, f.portal.registryId], [f.portal.registryId, f.portal.registryId]]);
  });

  it('should answer 404 extension_not_available for an unknown, disabled, bare-name or other tenant\'s extension', async () => {
    f = await openGatewayFixture();
    const unknown = await f.call({ extId: 'acme.nothing' });
    expect([unknown.status, json(unknown)]).toEqual([404, { error: 'extension_not_available' }]);
    expect((await f.call({ extId: 'widget' })).status).toBe(404);
    const secondTenantAdmin = f.sessions.devTokens(OTHER_TENANT).find((d) => d.role === 'msp-admin')?.token;
    for (const extId of [f.portal.installId, f.portal.registryId]) {
      const foreign = await f.call({ extId, headers: { authorization: `Bearer ${secondTenantAdmin}` } });
      expect([foreign.status, json(foreign)]).toEqual([404, { error: 'extension_not_available' }]);
    }
    f.t.registry.setEnabled(TENANT, f.portal.registryId, false);
    const disabled = await f.call();
    expect([disabled.status, json(disabled)]).toEqual([404, { error: 'extension_not_available' }]);
    expect(f.runner.calls).toEqual([]);
  });
});

describe('6. declared endpoint', () => {
  it('strict: should answer 404 endpoint_not_found for an undeclared call, naming the entry to add', async () => {
    f = await openGatewayFixture({ endpointMode: 'strict' });
    const res = await f.call({ path: '/items/42/notes' });
    expect([res.status, json(res)]).toEqual([404, { error: 'endpoint_not_found' }]);
    expect(res.headers['x-emulator-hint']).toBe('GET /items/42/notes is not declared in api.endpoints of acme.widget 1.0.0: add {"method":"GET","path":"/items/:id/notes","handler":"dist/main.wasm"} to manifest.json');
    expect(f.runner.calls).toEqual([]);
  });

  it('strict: should match :param segments but not an empty segment or another segment count', async () => {
    f = await openGatewayFixture({ endpointMode: 'strict' });
    expect((await f.call({ path: '/items/abc' })).status).toBe(200);
    expect((await f.call({ method: 'POST', path: '/items/7', body: Buffer.from('{}') })).status).toBe(200);
    expect((await f.call({ method: 'PATCH', path: '/items/7' })).status).toBe(404);
    expect((await f.call({ path: '/items/7/x' })).status).toBe(404);
    expect((await f.call({ path: '/' })).status).toBe(404);
  });

  it('advisory (default): should run the call and publish a warn event naming the manifest entry', async () => {
    f = await openGatewayFixture();
    const res = await f.call({ path: '/items/42/notes', headers: { ...f.bearer('msp-admin'), 'x-request-id': 'adv-1' } });
    expect(res.status).toBe(200);
    expect(f.runner.calls).toHaveLength(1);
    expect(f.hub.recent()).toEqual([
      {
        ts: '1000000',
        level: 'warn',
        stream: 'log',
        tenant_id: TENANT,
        extension_id: f.portal.registryId,
        install_id: f.portal.installId,
        request_id: 'adv-1',
        version_id: f.portal.versionId,
        content_hash: f.portal.contentHash,
        message:
          'gateway: GET /items/42/notes is not declared in api.endpoints of acme.widget 1.0.0. It ran because EXT_GATEWAY_ENDPOINT_MODE=advisory; production answers 404 endpoint_not_found. ' +
          'Add {"method":"GET","path":"/items/:id/notes","handler":"dist/main.wasm"} to manifest.json api.endpoints, or set EXT_GATEWAY_ENDPOINT_MODE=strict to reproduce production.',
        truncated: false,
      },
    ]);
    expect((await f.call({ path: '/items/1' })).status).toBe(200);
    expect(f.hub.recent()).toHaveLength(1);
  });
});

describe('7. principal', () => {
  it('MSP: should need extension:read for GET and extension:write otherwise', async () => {
    f = await openGatewayFixture();
    const tech = await f.call({ headers: f.bearer('msp-user') });
    expect([tech.status, json(tech)]).toEqual([403, { error: 'forbidden' }]);
    expect(tech.headers['x-emulator-hint']).toBe('user tech@emulator.test lacks the extension:read permission that GET calls need: call as a user with it (e.g. the MSP admin)');
    const reader = gatewayAs({ ...admin(), permissions: [PERMISSIONS.read] });
    const base = { route: 'ext' as const, extId: f.portal.registryId, query: {}, headers: {}, body: undefined };
    expect((await reader.handle({ ...base, method: 'GET', path: '/items' })).status).toBe(200);
    const write = await reader.handle({ ...base, method: 'DELETE', path: '/items/1' });
    expect([write.status, json(write)]).toEqual([403, { error: 'forbidden' }]);
    expect((await f.call({ method: 'DELETE', path: '/items/1' })).status).toBe(200);
    expect(f.runner.calls).toHaveLength(2);
  });

  it('client portal: should need the clientPortalMenu hook and a client id, and no extension permission', async () => {
    f = await openGatewayFixture();
    expect((await f.call({ headers: f.bearer('client-user') })).status).toBe(200);
    const noHook = await f.call({ extId: f.msp.registryId, headers: f.bearer('client-user') });
    expect([noHook.status, json(noHook)]).toEqual([403, { error: 'forbidden' }]);
    expect(noHook.headers['x-emulator-hint']).toBe('client-portal users may call only extensions with ui.hooks.clientPortalMenu.label; acme.back-office 1.0.0 has none');
    const noClient = await gatewayAs({ ...client(), clientId: null }).handle({ route: 'ext', method: 'GET', extId: f.portal.registryId, path: '/items', query: {}, headers: {}, body: undefined });
    expect([noClient.status, json(noClient)]).toEqual([403, { error: 'forbidden' }]);
    expect(f.runner.calls).toHaveLength(1);
  });
});

describe('8. rate limit', () => {
  it('should allow a burst of 60 per tenant and extension, answer the 61st 429 with retry-after, and refill 1/s', async () => {
    f = await openGatewayFixture();
    for (let i = 0; i < 60; i++) expect((await f.call()).status).toBe(200);
    const limited = await f.call({ headers: { ...f.bearer('msp-admin'), 'x-request-id': 'rl' } });
    expect([limited.status, json(limited)]).toEqual([429, { error: 'rate_limited' }]);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.headers['x-request-id']).toBe('rl');
    expect((await f.call({ extId: f.msp.registryId })).status).toBe(200);
    f.clock.ms += 999;
    expect((await f.call()).status).toBe(429);
    f.clock.ms += 1;
    expect((await f.call()).status).toBe(200);
    expect((await f.call()).status).toBe(429);
    expect(f.runner.calls).toHaveLength(62);
  });
});

describe('body cap', () => {
  it('should answer 413 payload_too_large on both routes for a body over the cap', async () => {
    f = await openGatewayFixture({ maxBodyBytes: 16 });
    for (const route of ['ext', 'ext-proxy'] as const) {
      const res = await f.call({ route, method: 'POST', path: '/items/1', body: Buffer.alloc(17) });
      expect([res.status, json(res)]).toEqual([413, { error: 'payload_too_large' }]);
      expect((await f.call({ route, method: 'POST', path: '/items/1', body: Buffer.alloc(16) })).status).toBe(200);
    }
    expect(f.runner.calls).toHaveLength(2);
  });
});

describe('10. install config', () => {
  it('should answer 404 not_installed (/api/ext) and "Extension not installed" (ext-proxy) without install config', async () => {
    f = await openGatewayFixture();
    f.raw().prepare('DELETE FROM tenant_extension_install_config WHERE install_id = ?').run(f.portal.installId);
    const ext = await f.call();
    expect([ext.status, json(ext)]).toEqual([404, { error: 'not_installed' }]);
    const proxy = await f.call({ route: 'ext-proxy' });
    expect([proxy.status, json(proxy)]).toEqual([404, { error: 'Extension not installed' }]);
    expect(f.runner.calls).toEqual([]);
    expect(f.t.registry.executionLog({ tenantId: TENANT }).map((r) => [r.status, r.error])).toEqual([['policy_denied', 'not_installed'], ['policy_denied', 'not_installed']]);
  });
});
