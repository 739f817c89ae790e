import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededUserId } from '../../registry/identity.ts';
import { HIDDEN_API_KEY } from './shell-state.ts';
import { INDEX_HTML, OTHER_TENANT, TENANT, openShellFixture, readSse, sseData, type ShellFixture } from './test-support.ts';
import type { ShellState } from '../app/lib/state-types.ts';

let f: ShellFixture;
beforeEach(async () => {
  f = await openShellFixture();
});
afterEach(async () => {
  await f.close();
});

const state = async (headers: Record<string, string> = {}, query = ''): Promise<ShellState> => (await (await fetch(`${f.url}/api/emulator/state${query}`, { headers })).json()) as ShellState;

describe('shell pages', () => {
  it('should answer the built page on the root and both portal routes, with its CSP', async () => {
    for (const path of ['/', '/psa', '/msp/extensions/abc', '/client-portal/extensions/abc']) {
      const res = await fetch(`${f.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'");
      expect(await res.text()).toBe(INDEX_HTML);
    }
  });

  it('should serve the assets under /shell/', async () => {
    const res = await fetch(`${f.url}/shell/assets/app.js`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('console.log("shell")');
  });

  it('should answer 503 with the fix when the page is not built', async () => {
    const unbuilt = await openShellFixture({ distDir: null });
    try {
      const res = await fetch(`${unbuilt.url}/`);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('The shell page is not built. Run `npm run build:shell` (needs the vite dev dependency) and restart the emulator.\n');
    } finally {
      await unbuilt.close();
    }
  });
});

describe('GET /api/emulator/state', () => {
  it('should describe the default tenant to a visitor, without its API key', async () => {
    const s = await state();
    expect(s.tenants).toEqual([{ id: TENANT, name: 'Emulator Tenant' }, { id: OTHER_TENANT, name: 'Second Tenant' }]);
    expect(s.tenantId).toBe(TENANT);
    expect(s.principal).toBe(null);
    expect(s.users.map((u) => u.role).sort()).toEqual(['client-user', 'msp-admin', 'msp-user']);
    expect(s.extensions).toEqual([
      { registryId: f.msp.registryId, installId: f.msp.installId, slug: 'acme.back-office', name: 'back-office', publisher: 'acme', version: '1.0.0', contentHash: f.msp.contentHash, menus: { msp: 'Back office', clientPortal: null }, uiEntry: 'index.html' },
      { registryId: f.portal.registryId, installId: f.portal.installId, slug: 'acme.portal', name: 'portal', publisher: 'acme', version: '1.0.0', contentHash: f.portal.contentHash, menus: { msp: null, clientPortal: 'Portal widget' }, uiEntry: 'index.html' },
    ]);
    expect(s.settings).toEqual({ runnerPublicBase: '/runner', runnerUrl: f.runner.url, signingMode: 'dev', dataDir: '/data/emu', mainUrl: f.url });
    expect(s.commands).toEqual([
      `npx alga-emulator publish ./my-extension --data-dir /data/emu --tenant ${TENANT}`,
      `npx alga extension publish ./my-extension --base-url ${f.url} --api-key ${HIDDEN_API_KEY} --tenant ${TENANT}`,
    ]);
    expect(s.parityNotes).toEqual(['note one']);
  });

  it('should list the seeded users of the tenant with their type, client and permissions', async () => {
    const users = (await state()).users;
    expect(users.find((u) => u.role === 'msp-admin')).toEqual({ id: seededUserId(TENANT, 'msp-admin'), tenantId: TENANT, email: 'admin@emulator.test', name: 'Morgan Admin', role: 'msp-admin', userType: 'internal', clientId: null, permissions: ['extension:read', 'extension:write'] });
    expect(users.find((u) => u.role === 'client-user')).toMatchObject({ userType: 'client', clientId: expect.any(String), permissions: [] });
    expect(users).toHaveLength(3);
  });

  it('should show another tenant on ?tenantId= to a visitor, and nothing installed there', async () => {
    const s = await state({}, `?tenantId=${OTHER_TENANT}`);
    expect(s.tenantId).toBe(OTHER_TENANT);
    expect(s.users.map((u) => u.email).sort()).toEqual(['admin@second.test', 'robin@second.test', 'tech@second.test']);
    expect(s.extensions).toEqual([]);
    expect((await state({}, '?tenantId=nope')).tenantId).toBe(TENANT);
  });

  it('should show the signed-in user and their tenant, and the API key only to a publisher', async () => {
    const admin = await state({ cookie: f.cookie('msp-admin') }, `?tenantId=${OTHER_TENANT}`);
    expect(admin.principal).toMatchObject({ id: seededUserId(TENANT, 'msp-admin'), email: 'admin@emulator.test' });
    expect(admin.tenantId).toBe(TENANT);
    expect(admin.commands[1]).toBe(`npx alga extension publish ./my-extension --base-url ${f.url} --api-key test-dev-key --tenant ${TENANT}`);
    const tech = await state({ cookie: f.cookie('msp-user') });
    expect(tech.commands[1]).toBe(`npx alga extension publish ./my-extension --base-url ${f.url} --api-key ${HIDDEN_API_KEY} --tenant ${TENANT}`);
  });

  it('should leave out disabled installs', async () => {
    f.t.registry.setEnabled(TENANT, f.msp.registryId, false);
    expect((await state()).extensions.map((e) => e.slug)).toEqual(['acme.portal']);
  });
});

describe('/api/emulator/session', () => {
  const signIn = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${f.url}/api/emulator/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('should sign in with an HttpOnly, SameSite=Lax cookie for Path=/', async () => {
    const res = await signIn({ userId: seededUserId(TENANT, 'client-user') });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^alga_emulator_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(((await res.json()) as { principal: { role: string } }).principal.role).toBe('client-user');
    const s = await state({ cookie: cookie.split(';')[0] as string });
    expect(s.principal?.role).toBe('client-user');
  });

  it('should end the previous session when signing in again', async () => {
    const first = f.cookie('msp-admin');
    await signIn({ userId: seededUserId(TENANT, 'msp-user') }, { cookie: first });
    expect((await state({ cookie: first })).principal).toBe(null);
  });

  it('should refuse an unknown user with 404 and a missing one with 400', async () => {
    const unknown = await signIn({ userId: 'nobody' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 'USER_NOT_FOUND', error: 'cannot sign in: user nobody does not exist. Pick one of the tenant\'s users (the shell lists them; `npm run emulate` prints them).' });
    const missing = await signIn({});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ code: 'INVALID_BODY', error: 'send {"userId": "<user id>"} with content-type application/json (GET /api/emulator/state lists the users)' });
    const broken = await fetch(`${f.url}/api/emulator/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ code: 'INVALID_BODY', error: 'the request body is not valid JSON' });
  });

  it('should answer a body over 16 KiB or in an unknown encoding with a code, never an HTML stack page', async () => {
    const big = await fetch(`${f.url}/api/emulator/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'x'.repeat(20_000) }) });
    expect([big.status, big.headers.get('content-type'), await big.json()]).toEqual([
      413,
      'application/json; charset=utf-8',
      { code: 'REQUEST_BODY_TOO_LARGE', error: 'the request body of POST /api/emulator/session is over its 16 KiB (16384 bytes) limit. Fix: send only {"userId": "<user id>"}.' },
    ]);
    const encoded = await fetch(`${f.url}/api/emulator/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'bogus' }, body: '{}' });
    expect([encoded.status, await encoded.json()]).toEqual([
      415,
      { code: 'REQUEST_BODY_ENCODING_UNSUPPORTED', error: 'the request body of POST /api/emulator/session has a content-encoding or charset the emulator cannot read. Fix: send it uncompressed (or gzip, deflate, br) in UTF-8.' },
    ]);
  });

  it('should sign out: the cookie is cleared and the token stops working', async () => {
    const cookie = f.cookie('msp-admin');
    const res = await fetch(`${f.url}/api/emulator/session`, { method: 'DELETE', headers: { cookie } });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toBe('alga_emulator_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    expect((await state({ cookie })).principal).toBe(null);
  });

  it('should mint a separate bearer session for the legacy bootstrap, only when signed in', async () => {
    const refused = await fetch(`${f.url}/api/emulator/session/bootstrap-token`, { method: 'POST' });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'unauthenticated', code: 'UNAUTHENTICATED', hint: 'sign in with POST /api/emulator/session first' });
    const res = await fetch(`${f.url}/api/emulator/session/bootstrap-token`, { method: 'POST', headers: { cookie: f.cookie('msp-admin') } });
    const body = (await res.json()) as { token: string; expires_at: string };
    expect(body.expires_at).toBe('2025-01-01T01:00:00.000Z');
    const auth = f.sessions.authenticate({ authorization: `Bearer ${body.token}` });
    expect(auth.ok && auth.principal.user.role).toBe('msp-admin');
  });
});

describe('GET /api/emulator/events', () => {
  it('should stream what the watch loop publishes, with heartbeats', async () => {
    const res = await fetch(`${f.url}/api/emulator/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const hash = `sha256:${'b'.repeat(64)}`;
    setTimeout(() => {
      f.shellEvents.publish({ type: 'reload', registryId: 'ext-1', contentHash: hash });
      f.shellEvents.publish({ type: 'build-error', registryId: 'ext-1', message: 'esbuild: x' });
    }, 80);
    const text = await readSse(res, (t) => t.includes('build-error'));
    expect(text.startsWith(': connected\n\n')).toBe(true);
    expect(text).toContain(': heartbeat\n\n');
    expect(sseData(text)).toEqual([
      { type: 'reload', registryId: 'ext-1', contentHash: hash },
      { type: 'build-error', registryId: 'ext-1', message: 'esbuild: x' },
    ]);
  });
});

describe('GET /api/emulator/psa', () => {
  const psa = (headers: Record<string, string> = {}, query = '') => fetch(`${f.url}/api/emulator/psa${query}`, { headers });

  it('should answer 401 to a visitor and 403 to a client-portal user or for another tenant', async () => {
    const visitor = await psa();
    expect(visitor.status).toBe(401);
    expect(await visitor.json()).toEqual({ error: 'unauthenticated', code: 'UNAUTHENTICATED', hint: 'sign in with POST /api/emulator/session first' });
    const client = await psa({ cookie: f.cookie('client-user') });
    expect(client.status).toBe(403);
    expect(await client.json()).toEqual({ error: 'forbidden', code: 'RBAC_FORBIDDEN', hint: 'robin@emulator.test is a client-portal user; the PSA back office is for MSP users. Sign in as an MSP user of the tenant.' });
    const other = await psa({ cookie: f.cookie('msp-admin') }, `?tenant=${OTHER_TENANT}`);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { code: string }).code).toBe('TENANT_MISMATCH');
  });

  it('should answer the signed-in MSP user\'s tenant: its PSA data and its installs\' schedules', async () => {
    const scheduleId = f.t.registry.createSchedule(f.msp.installId, { name: 'yearly', cron: '0 0 1 1 *', method: 'GET', path: '/items' });
    f.psa.loadFixture(TENANT, { clients: [{ clientId: 'c1000000-0000-4000-8000-000000000001', clientName: 'Seeded Ltd', defaultCurrencyCode: 'GBP' }] });
    const res = await psa({ cookie: f.cookie('msp-user') }, `?tenant=${TENANT}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const year = new Date().getUTCFullYear() + 1;
    expect(await res.json()).toEqual({
      tenantId: TENANT,
      clients: [{ clientId: 'c1000000-0000-4000-8000-000000000001', clientName: 'Seeded Ltd', clientType: null, isInactive: false, defaultCurrencyCode: 'GBP', accountManagerName: null, billingEmail: null }],
      services: [],
      taxRates: [],
      invoices: [],
      schedules: [{
        scheduleId, extension: 'acme.back-office', installId: f.msp.installId, name: 'yearly', endpoint: 'GET /items', cron: '0 0 1 1 *', timezone: 'UTC', enabled: true,
        nextRunAt: `${year}-01-01T00:00:00.000Z`, lastRunAt: null, lastRunStatus: null, lastError: null,
      }],
    });
    const second = await psa({ cookie: f.cookie('msp-admin', OTHER_TENANT) });
    const body = (await second.json()) as { tenantId: string; clients: { clientName: string }[]; schedules: unknown[] };
    expect([body.tenantId, body.clients.length, body.clients[0]?.clientName, body.schedules]).toEqual([OTHER_TENANT, 6, 'Acme Corporation', []]);
  });
});
