// HOST=0.0.0.0: other machines reach the emulator, so signing in (and everything else under the
// shell's /api/emulator/*) needs the sign-in secret printed at start. The policy follows the bind
// address, not the peer: these requests come from 127.0.0.1 and are still asked for it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorError } from '../../../emulator/errors.ts';
import { startEmulator, type RunningEmulator } from '../../../emulator/host/start-emulator.ts';
import { legacyDerivedKey, seededUserId } from '../../../emulator/registry/identity.ts';

let emu: RunningEmulator | undefined;
let dataDir = '';
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(host: string): Promise<{ e: RunningEmulator; base: string }> {
  dataDir = await mkdtemp(join(tmpdir(), 'non-loopback-'));
  emu = await startEmulator({ env: {}, settings: { dataDir, host, port: 0, runnerPort: 0 } });
  return { e: emu, base: `http://127.0.0.1:${new URL(emu.urls.main).port}` };
}

const REQUIRED = {
  code: 'SIGNIN_SECRET_REQUIRED',
  error: "this emulator listens on 0.0.0.0, which other machines can reach, so the shell's API asks for the sign-in secret. Fix: open the shell URL printed at start (it carries signin_secret), or send the secret printed by npm run emulate in the x-emulator-signin-secret header.",
};
const INVALID = {
  code: 'SIGNIN_SECRET_INVALID',
  error: "the sign-in secret sent is not this emulator's (a generated secret changes at every start; set EMULATOR_SIGNIN_SECRET to keep one). Fix: open the shell URL printed at start (it carries signin_secret), or send the secret printed by npm run emulate in the x-emulator-signin-secret header.",
};

/** Status and JSON body of a request; `secret` goes in the header, `cookie` as the Cookie header. */
async function call(base: string, method: string, path: string, options: { secret?: string; cookie?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown; setCookie: string | null }> {
  const headers: Record<string, string> = {};
  if (options.secret !== undefined) headers['x-emulator-signin-secret'] = options.secret;
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), redirect: 'manual' });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML page or empty
  }
  return { status: res.status, body, setCookie: res.headers.get('set-cookie') };
}

/** The routes that sign in or act as a user through the shell, with the body each needs. */
function gatedRoutes(e: RunningEmulator): [string, string, unknown][] {
  const admin = seededUserId(e.seed.defaultTenantId, 'msp-admin');
  const secondTenantAdmin = seededUserId(e.seed.secondTenantId, 'msp-admin');
  return [
    ['POST', '/api/emulator/session', { userId: admin }],
    ['POST', '/api/emulator/session', { userId: secondTenantAdmin }],
    ['POST', '/api/emulator/session/bootstrap-token', undefined],
    ['GET', '/api/emulator/state', undefined],
    ['GET', `/api/emulator/state?tenantId=${e.seed.secondTenantId}`, undefined],
    ['GET', '/api/emulator/psa', undefined],
    ['GET', '/api/emulator/events', undefined],
    ['DELETE', '/api/emulator/session', undefined],
  ];
}

describe('an emulator bound to 0.0.0.0', () => {
  it('should generate a secret, keep the Runner on loopback and print both', async () => {
    const { e } = await start('0.0.0.0');
    expect(e.signin).toMatchObject({ host: '0.0.0.0', required: true, source: 'generated' });
    expect(e.signin.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(e.urls.main).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    expect(e.urls.runner).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('should answer 401 SIGNIN_SECRET_REQUIRED on every sign-in and shell-API route without the secret', async () => {
    const { e, base } = await start('0.0.0.0');
    for (const [method, path, body] of gatedRoutes(e)) {
      expect([method, path, await call(base, method, path, { body })]).toEqual([method, path, { status: 401, body: REQUIRED, setCookie: null }]);
    }
  });

  it('should answer 401 SIGNIN_SECRET_INVALID for a wrong secret, in the header or the cookie', async () => {
    const { e, base } = await start('0.0.0.0');
    const wrong = `${e.signin.secret}x`;
    for (const [method, path, body] of gatedRoutes(e)) {
      expect(await call(base, method, path, { body, secret: wrong })).toEqual({ status: 401, body: INVALID, setCookie: null });
      expect(await call(base, method, path, { body, cookie: `alga_emulator_signin=${wrong}` })).toEqual({ status: 401, body: INVALID, setCookie: null });
    }
  });

  it('should sign in, switch user and tenant, and hand out a bootstrap token with the right secret', async () => {
    const { e, base } = await start('0.0.0.0');
    const secret = e.signin.secret ?? '';
    const admin = seededUserId(e.seed.defaultTenantId, 'msp-admin');
    const signedIn = await call(base, 'POST', '/api/emulator/session', { secret, body: { userId: admin } });
    expect([signedIn.status, (signedIn.body as { principal: { id: string } }).principal.id]).toEqual([200, admin]);
    const session = /alga_emulator_session=([^;]+)/.exec(signedIn.setCookie ?? '')?.[1] ?? '';
    const token = await call(base, 'POST', '/api/emulator/session/bootstrap-token', { secret, cookie: `alga_emulator_session=${session}` });
    expect([token.status, typeof (token.body as { token: unknown }).token]).toEqual([200, 'string']);
    // The session alone (no secret) is not enough for the shell's API.
    expect((await call(base, 'POST', '/api/emulator/session/bootstrap-token', { cookie: `alga_emulator_session=${session}` })).body).toEqual(REQUIRED);
    const switched = await call(base, 'POST', '/api/emulator/session', { secret, body: { userId: seededUserId(e.seed.secondTenantId, 'msp-admin') } });
    expect([switched.status, (switched.body as { principal: { tenantId: string } }).principal.tenantId]).toEqual([200, e.seed.secondTenantId]);
    const state = await call(base, 'GET', '/api/emulator/state', { secret });
    expect([state.status, (state.body as { tenantId: string }).tenantId]).toEqual([200, e.seed.defaultTenantId]);
  });

  it('should turn the printed URL into an HttpOnly cookie and a redirect to the clean URL', async () => {
    const { e, base } = await start('0.0.0.0');
    const secret = e.signin.secret ?? '';
    const res = await fetch(`${base}/psa?view=clients&signin_secret=${secret}`, { redirect: 'manual' });
    expect([res.status, res.headers.get('location'), res.headers.get('set-cookie'), res.headers.get('cache-control')]).toEqual([
      303,
      '/psa?view=clients',
      `alga_emulator_signin=${secret}; Path=/; HttpOnly; SameSite=Strict`,
      'no-store',
    ]);
    const signedIn = await call(base, 'POST', '/api/emulator/session', { cookie: `alga_emulator_signin=${secret}`, body: { userId: seededUserId(e.seed.defaultTenantId, 'msp-user') } });
    expect(signedIn.status).toBe(200);
    expect(await call(base, 'GET', `/?signin_secret=wrong-${secret}`)).toEqual({ status: 401, body: INVALID, setCookie: null });
    // The page itself and its assets need no secret: it shows the 401 of the API.
    expect((await call(base, 'GET', '/')).status).toBe(200);
  });

  it('should keep dev tokens working without the secret, and no guessable key or token', async () => {
    const { e, base } = await start('0.0.0.0');
    const devToken = e.sessions.devTokens(e.seed.defaultTenantId).find((d) => d.role === 'msp-admin')?.token ?? '';
    expect(devToken).toMatch(/^alga_dev_tok_[0-9a-f]{32}$/);
    const anonymous = await fetch(`${base}/api/ext/no-such-extension/x`);
    expect(anonymous.status).toBe(401);
    const guessed = await fetch(`${base}/api/ext/no-such-extension/x`, { headers: { authorization: 'Bearer alga_dev_tok_00000000000000000000000000000000' } });
    expect(guessed.status).toBe(401);
    const withToken = await fetch(`${base}/api/ext/no-such-extension/x`, { headers: { authorization: `Bearer ${devToken}` } });
    expect(withToken.status).toBe(404);
    // The publish API: the key of the second tenant's admin used to be computable from the tenant id.
    const publish = await fetch(`${base}/api/v1/extensions/uninstall`, {
      method: 'POST',
      headers: { 'x-api-key': legacyDerivedKey(e.seed.secondTenantId, 'admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ registryId: 'x' }),
    });
    expect([publish.status, ((await publish.json()) as { code: string }).code]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('should refuse to start with a short ALGA_API_KEY', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'non-loopback-'));
    const started = startEmulator({ env: {}, settings: { dataDir, host: '0.0.0.0', port: 0, runnerPort: 0, apiKey: 'k' } });
    await expect(started).rejects.toThrow(EmulatorError);
    await expect(started).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('an emulator bound to loopback', () => {
  it('should sign in, switch and hand out tokens without any secret, and ignore the query', async () => {
    const { e, base } = await start('127.0.0.1');
    expect(e.signin).toEqual({ host: '127.0.0.1', required: false, secret: undefined, source: 'none' });
    const signedIn = await call(base, 'POST', '/api/emulator/session', { body: { userId: seededUserId(e.seed.defaultTenantId, 'msp-admin') } });
    expect(signedIn.status).toBe(200);
    const session = /alga_emulator_session=([^;]+)/.exec(signedIn.setCookie ?? '')?.[1] ?? '';
    expect((await call(base, 'POST', '/api/emulator/session/bootstrap-token', { cookie: `alga_emulator_session=${session}` })).status).toBe(200);
    expect((await call(base, 'POST', '/api/emulator/session', { body: { userId: seededUserId(e.seed.secondTenantId, 'msp-admin') } })).status).toBe(200);
    expect((await call(base, 'GET', '/api/emulator/state')).status).toBe(200);
    expect((await call(base, 'GET', '/?signin_secret=anything')).status).toBe(200);
  });
});
