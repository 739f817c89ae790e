// Spec 04 "Envelope sent to the Runner" and "Response mapping": what the fake Runner receives
// (body and transport headers) per route, method override, and how its answers come back.
import { afterEach, describe, expect, it } from 'vitest';
import { PERMISSIONS, seededUserId, type EmulatorUser } from '../registry/identity.ts';
import { TENANT } from '../registry/test-support.ts';
import { buildEnvelope, effectiveCall } from './runner-request.ts';
import { Gateway } from './gateway.ts';
import { envelopeReply, fixedPrincipal, json, openGatewayFixture, type GatewayFixture } from './test-support.ts';

let f: GatewayFixture;
afterEach(async () => f?.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const INCOMING = {
  'x-request-id': 'req-7',
  accept: 'application/json',
  'content-type': 'application/json',
  'accept-encoding': 'gzip',
  'user-agent': 'curl/8',
  'x-idempotency-key': 'idem-1',
  cookie: 'alga_emulator_session=abc; other=1',
  'x-custom': 'dropped',
  origin: 'http://app.test',
};

describe('/api/ext envelope', () => {
  it('should send the exact envelope and transport headers for a POST, without authorization or cookies', async () => {
    f = await openGatewayFixture();
    f.t.registry.setConfig(TENANT, f.portal.registryId, { values: { region: 'eu', empty: '' } });
    f.t.registry.setSecrets(TENANT, f.portal.registryId, { api_key: 'sekret-value' });
    const body = Buffer.from('{"name":"x"}');
    const res = await f.call({ method: 'POST', path: '/items/9', query: { q: '1' }, headers: { ...INCOMING, ...f.bearer('msp-admin') }, body });
    expect(res.status).toBe(200);
    const { json: sent, headers, url } = f.runner.only();
    const secrets = f.t.registry.secretEnvelope(f.portal.installId);
    expect(url).toBe('/v1/execute');
    expect(sent).toEqual({
      context: {
        request_id: 'req-7',
        tenant_id: TENANT,
        extension_id: f.portal.registryId,
        install_id: f.portal.installId,
        version_id: f.portal.versionId,
        content_hash: f.portal.contentHash,
        config: { region: 'eu', empty: '' },
      },
      http: {
        method: 'POST',
        path: '/items/9',
        query: { q: '1' },
        headers: {
          'x-request-id': 'req-7',
          accept: 'application/json',
          'content-type': 'application/json',
          'accept-encoding': 'gzip',
          'user-agent': 'curl/8',
          'x-alga-tenant': TENANT,
          'x-alga-extension': f.portal.registryId,
        },
        body_b64: body.toString('base64'),
      },
      limits: { timeout_ms: 30000 },
      providers: ['cap:storage.kv', 'cap:log.emit', 'cap:context.read', 'cap:user.read'],
      secret_envelope: secrets,
      user: {
        user_id: seededUserId(TENANT, 'msp-admin'),
        user_email: 'admin@emulator.test',
        user_name: 'Morgan Admin',
        user_type: 'internal',
        company_name: 'Emulator Tenant',
        client_id: null,
      },
    });
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-request-id']).toBe('req-7');
    expect(headers['x-alga-tenant']).toBe(TENANT);
    expect(headers['x-alga-extension']).toBe(f.portal.registryId);
    expect(headers['x-idempotency-key']).toBe('idem-1');
    for (const absent of ['authorization', 'cookie', 'x-runner-service-token', 'x-ext-install-id', 'x-custom', 'origin']) expect(headers[absent]).toBeUndefined();
    expect(JSON.stringify(sent)).not.toContain('alga_emulator_session');
    expect(JSON.stringify(sent)).not.toContain('Bearer');
  });

  it('should send no body and no idempotency key for GET, and a new UUID request id and key when none came', async () => {
    f = await openGatewayFixture();
    await f.call({ path: '/items', body: Buffer.from('ignored') });
    await f.call({ method: 'PUT', path: '/items/1' });
    const [get, put] = f.runner.calls;
    expect((get?.json.http as Record<string, unknown>).body_b64).toBeUndefined();
    expect(get?.headers['x-idempotency-key']).toBeUndefined();
    expect(get?.headers['x-request-id']).toMatch(UUID);
    expect((get?.json.http as { headers: Record<string, string> }).headers['x-request-id']).toBeUndefined();
    expect((put?.json.http as Record<string, unknown>).body_b64).toBe('');
    expect(put?.headers['x-idempotency-key']).toMatch(UUID);
    expect(put?.headers['x-idempotency-key']).not.toBe(put?.headers['x-request-id']);
  });
});

describe('the tenant name in the envelope', () => {
  it('should read the tenant once while it is unchanged, and send a rename by another connection on the very next call', async () => {
    f = await openGatewayFixture();
    const identity = f.t.registry.identity;
    const tenant = identity.tenant.bind(identity);
    let reads = 0;
    identity.tenant = (id: string) => {
      reads++;
      return tenant(id);
    };
    const companyName = (i: number) => ((f.runner.calls[i]?.json.user ?? {}) as { company_name?: string }).company_name;
    for (let i = 0; i < 3; i++) expect((await f.call()).status).toBe(200);
    expect([companyName(0), companyName(2)]).toEqual(['Emulator Tenant', 'Emulator Tenant']);
    // The bearer's principal checks the tenant once too (sessions.ts); the envelope's name is one more read.
    expect(reads).toBe(2);
    f.raw().prepare('UPDATE tenants SET name = ? WHERE id = ?').run('Renamed Tenant', TENANT);
    expect((await f.call()).status).toBe(200);
    expect(companyName(3)).toBe('Renamed Tenant');
  });
});

describe('/api/ext-proxy envelope', () => {
  it('should overwrite request id, tenant and extension, set the idempotency key, and send the proxy transport headers', async () => {
    f = await openGatewayFixture();
    f.t.registry.setSecrets(TENANT, f.portal.registryId, { api_key: 'v' });
    const spoof = { 'x-alga-extension': 'spoofed', 'x-request-id': 'req-9' };
    await f.call({ route: 'ext-proxy', method: 'DELETE', path: '/items/3', headers: { ...INCOMING, ...spoof, ...f.bearer('client-user') } });
    const { json: sent, headers } = f.runner.only();
    const http = sent.http as { headers: Record<string, string> };
    expect(http.headers).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
      'accept-encoding': 'gzip',
      'user-agent': 'curl/8',
      'x-request-id': 'req-9',
      'x-alga-tenant': TENANT,
      'x-alga-extension': f.portal.registryId,
      'x-idempotency-key': 'idem-1',
    });
    const config = f.t.registry.configOf(f.portal.installId);
    const secrets = f.t.registry.listSecrets(TENANT, f.portal.registryId);
    expect(Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('x-')))).toEqual({
      'x-request-id': 'req-9',
      'x-alga-tenant': TENANT,
      'x-alga-extension': f.portal.registryId,
      'x-runner-service-token': 'svc-token',
      'x-ext-install-id': f.portal.installId,
      'x-ext-version-id': f.portal.versionId,
      'x-ext-registry-id': f.portal.registryId,
      'x-ext-config-version': config.version,
      'x-ext-secrets-version': secrets.secretsVersion,
    });
    expect(headers.authorization).toBeUndefined();
    expect(headers.cookie).toBeUndefined();
    expect(sent.user).toEqual({
      user_id: seededUserId(TENANT, 'client-user'),
      user_email: 'robin@emulator.test',
      user_name: 'Robin Client',
      user_type: 'client',
      client_name: 'Acme Client Co',
      client_id: f.t.registry.identity.user(seededUserId(TENANT, 'client-user'))?.clientId,
      additional_fields: { contact_id: '', contactId: '', username: 'robin@emulator.test', locale: 'en', timezone: 'UTC' },
    });
  });

  it('should generate an idempotency key for non-GET and omit the secrets version without secrets', async () => {
    f = await openGatewayFixture();
    await f.call({ route: 'ext-proxy', method: 'POST', path: '/items/3', body: Buffer.from('x') });
    const { json: sent, headers } = f.runner.only();
    expect((sent.http as { headers: Record<string, string> }).headers['x-idempotency-key']).toMatch(UUID);
    expect(headers['x-idempotency-key']).toBeUndefined();
    expect(headers['x-ext-secrets-version']).toBeUndefined();
    expect(sent.secret_envelope).toBeUndefined();
  });
});

describe('ext-proxy method override', () => {
  it('should take ?__method= (any case) on a raw POST, drop it from the query, and send no body for GET', async () => {
    f = await openGatewayFixture({ endpointMode: 'strict' });
    const res = await f.call({ route: 'ext-proxy', method: 'POST', path: '/items/5', query: { __method: 'get', keep: 'y' }, body: Buffer.from('{"a":1}') });
    expect(res.status).toBe(200);
    const http = f.runner.only().json.http as Record<string, unknown>;
    expect([http.method, http.query, http.body_b64]).toEqual(['GET', { keep: 'y' }, undefined]);
  });

  it('should take a JSON body __method field, remove it, and drop a body it leaves empty', async () => {
    f = await openGatewayFixture({ endpointMode: 'strict' });
    await f.call({ route: 'ext-proxy', method: 'POST', path: '/items/5', body: Buffer.from('{"__method":"put","name":"n"}') });
    await f.call({ route: 'ext-proxy', method: 'POST', path: '/items/5', body: Buffer.from('{"__method":"DELETE"}') });
    const [put, del] = f.runner.calls.map((c) => c.json.http as Record<string, unknown>);
    expect([put?.method, Buffer.from(String(put?.body_b64), 'base64').toString()]).toEqual(['PUT', '{"name":"n"}']);
    expect([del?.method, del?.body_b64]).toEqual(['DELETE', '']);
  });

  it('should check policy with the effective method (GET needs only extension:read, an undeclared effective method is 404)', async () => {
    f = await openGatewayFixture({ endpointMode: 'strict' });
    const patch = await f.call({ route: 'ext-proxy', method: 'POST', path: '/items/5', query: { __method: 'PATCH' } });
    expect([patch.status, json(patch)]).toEqual([404, { error: 'endpoint_not_found' }]);
    expect(f.runner.calls).toEqual([]);
    const reader = { ...(f.t.registry.identity.user(seededUserId(TENANT, 'msp-admin')) as EmulatorUser), permissions: [PERMISSIONS.read] };
    const gateway = new Gateway({ registry: f.t.registry, sessions: fixedPrincipal(reader), debugEvents: f.hub, runnerBaseUrl: f.runner.url });
    const call = { route: 'ext-proxy' as const, method: 'POST', extId: f.portal.registryId, path: '/items/5', headers: {}, body: undefined };
    expect((await gateway.handle({ ...call, query: { __method: 'GET' } })).status).toBe(200);
    const post = await gateway.handle({ ...call, query: {} });
    expect([post.status, json(post)]).toEqual([403, { error: 'forbidden' }]);
    expect(f.runner.calls).toHaveLength(1);
  });

  it('should ignore overrides on other raw methods and on /api/ext', () => {
    const body = Buffer.from('{"__method":"GET"}');
    expect(effectiveCall('ext-proxy', 'PUT', { __method: 'GET' }, body)).toEqual({ method: 'PUT', query: { __method: 'GET' }, body });
    expect(effectiveCall('ext', 'POST', { __method: 'GET' }, body)).toEqual({ method: 'POST', query: { __method: 'GET' }, body });
    expect(effectiveCall('ext-proxy', 'POST', {}, Buffer.from('[1]'))).toEqual({ method: 'POST', query: {}, body: Buffer.from('[1]') });
  });

  it('should take POST as an override, and let the query win while a valid body field is still removed, as production does', () => {
    expect(effectiveCall('ext-proxy', 'POST', { __method: 'post' }, Buffer.from('{"__method":"PUT","a":1}'))).toEqual({ method: 'POST', query: {}, body: Buffer.from('{"a":1}') });
  });

  it('should report an invalid __method in the query or the body, whatever its case or type', () => {
    expect(effectiveCall('ext-proxy', 'POST', { __method: 'TRACE' }, undefined)).toEqual({ invalidOverride: { source: 'query', value: 'TRACE' } });
    expect(effectiveCall('ext-proxy', 'POST', { __method: 'GET\r\nX-Injected: 1' }, undefined)).toEqual({ invalidOverride: { source: 'query', value: 'GET\r\nX-Injected: 1' } });
    expect(effectiveCall('ext-proxy', 'POST', { __method: '' }, undefined)).toEqual({ invalidOverride: { source: 'query', value: '' } });
    expect(effectiveCall('ext-proxy', 'POST', { __method: 'head' }, undefined)).toEqual({ invalidOverride: { source: 'query', value: 'head' } });
    expect(effectiveCall('ext-proxy', 'POST', {}, Buffer.from('{"__method":"options"}'))).toEqual({ invalidOverride: { source: 'body', value: 'options' } });
    expect(effectiveCall('ext-proxy', 'POST', {}, Buffer.from('{"__method":7}'))).toEqual({ invalidOverride: { source: 'body', value: 7 } });
  });

  it('should answer 400 invalid_method_override naming the allowed methods, and never call the Runner', async () => {
    f = await openGatewayFixture({ endpointMode: 'strict' });
    const trace = await f.call({ route: 'ext-proxy', method: 'POST', path: '/items/5', query: { __method: 'TRACE' } });
    const message = 'the __method query parameter must be one of GET, POST, PUT, PATCH, DELETE (any case), got "TRACE". Fix: send one of those, or leave __method out to run the call as POST.';
    expect([trace.status, json(trace), trace.headers['x-emulator-hint']]).toEqual([400, { error: 'invalid_method_override', message }, message]);
    const crlf = await f.call({ route: 'ext-proxy', method: 'POST', path: '/items/5', query: { __method: 'GET\r\n' } });
    expect([crlf.status, json(crlf)]).toEqual([400, { error: 'invalid_method_override', message: 'the __method query parameter must be one of GET, POST, PUT, PATCH, DELETE (any case), got "GET\\r\\n". Fix: send one of those, or leave __method out to run the call as POST.' }]);
    const body = await f.call({ route: 'ext-proxy', method: 'POST', path: '/items/5', body: Buffer.from('{"__method":"TRACE"}') });
    expect([body.status, (json(body) as { message: string }).message]).toEqual([400, 'the __method field of the JSON body must be one of GET, POST, PUT, PATCH, DELETE (any case), got "TRACE". Fix: send one of those, or leave __method out to run the call as POST.']);
    expect(f.runner.calls).toEqual([]);
  });
});

describe('config values', () => {
  it('should stringify config values and send null as ""', () => {
    const install = { registryId: 'r', installId: 'i', versionId: 'v', contentHash: 'sha256:ab' } as Parameters<typeof buildEnvelope>[0]['ids']['install'];
    const envelope = buildEnvelope({
      ids: { requestId: 'q', tenantId: 't', install, idempotencyKey: undefined },
      call: { method: 'GET', query: {}, body: undefined },
      path: '/',
      headers: {},
      config: { n: null, i: 5, b: true, s: 'x' },
      providers: [],
      secretEnvelope: undefined,
      user: { user_id: 'u', user_email: 'e', user_name: 'n', user_type: 'internal', company_name: 'c', client_id: null },
      timeoutMs: 10,
    });
    expect(envelope.context.config).toEqual({ n: '', i: '5', b: 'true', s: 'x' });
  });
});

describe('response mapping', () => {
  it('should answer with the envelope status, decoded body and only the allowed extension headers, on both routes', async () => {
    f = await openGatewayFixture();
    const extHeaders = { 'Content-Type': 'text/csv', 'cache-control': 'no-store', 'x-ext-request-id': 'e1', 'x-ext-warning': 'w', etag: '"e"', 'set-cookie': 's=1', 'x-other': 'o' };
    f.runner.reply = () => envelopeReply(201, 'a,b\n', extHeaders);
    for (const route of ['ext', 'ext-proxy'] as const) {
      const res = await f.call({ route, method: 'POST', path: '/items/1', headers: { ...f.bearer('msp-admin'), 'x-request-id': `m-${route}` } });
      expect(res.status).toBe(201);
      expect(res.body.toString()).toBe('a,b\n');
      const cors = route === 'ext' ? { vary: 'Origin' } : {};
      expect(res.headers).toEqual({ 'x-request-id': `m-${route}`, ...cors, 'content-type': 'text/csv', 'cache-control': 'no-store', 'x-ext-request-id': 'e1', 'x-ext-warning': 'w' });
    }
  });

  it('should pass extension 4xx/5xx through unchanged and answer a missing body as empty', async () => {
    f = await openGatewayFixture();
    f.runner.reply = () => envelopeReply(418, '{"error":"teapot"}');
    const teapot = await f.call();
    expect([teapot.status, json(teapot)]).toEqual([418, { error: 'teapot' }]);
    f.runner.reply = () => ({ body: JSON.stringify({ status: 204, headers: {}, body_b64: null, error: null }) });
    const empty = await f.call();
    expect([empty.status, empty.body.length]).toEqual([204, 0]);
  });

  it('should answer a runner-level error with the envelope status and an empty body', async () => {
    f = await openGatewayFixture();
    f.runner.reply = () => ({ body: JSON.stringify({ status: 500, headers: {}, body_b64: null, error: 'execute_failed: wasm trap: unreachable' }) });
    const res = await f.call();
    expect([res.status, res.body.length]).toEqual([500, 0]);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });
});
