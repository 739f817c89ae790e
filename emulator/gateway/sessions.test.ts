import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorError } from '../errors.ts';
import { seededUserId } from '../registry/identity.ts';
import { Registry } from '../registry/registry.ts';
import { OTHER_TENANT, TENANT, openTestRegistry, type TestRegistry } from '../registry/test-support.ts';
import { SESSION_COOKIE, Sessions } from './sessions.ts';

let t: TestRegistry;
const extra: Registry[] = [];
afterEach(() => {
  for (const r of extra.splice(0)) r.close();
  t?.close();
});

const ADMIN = () => seededUserId(TENANT, 'msp-admin');

/** Closes the test registry and opens its data folder again, as a restart does. */
async function reopen(): Promise<Registry> {
  t.registry.close();
  const registry = await Registry.open({ dataDir: t.dataDir, store: t.store, signing: t.registry.signing });
  registry.seed({ defaultTenantId: TENANT, devApiKey: 'test-dev-key' });
  extra.push(registry);
  return registry;
}

function raw(): Database.Database {
  const db = new Database(join(t.dataDir, 'registry.sqlite'));
  db.pragma('foreign_keys = ON');
  return db;
}

describe('dev bearer tokens', () => {
  it('should give every seeded user of every tenant a random token at seed, listed per tenant', async () => {
    t = await openTestRegistry();
    const db = raw();
    expect(db.prepare('SELECT count(*) AS n FROM dev_tokens').get()).toEqual({ n: 6 });
    db.close();
    const tokens = new Sessions(t.registry).devTokens(TENANT);
    expect(tokens.map(({ email, role }) => [email, role])).toEqual([['admin@emulator.test', 'msp-admin'], ['tech@emulator.test', 'msp-user'], ['robin@emulator.test', 'client-user']]);
    expect(tokens.map((d) => d.userId)).toEqual([ADMIN(), seededUserId(TENANT, 'msp-user'), seededUserId(TENANT, 'client-user')]);
    for (const { token } of tokens) expect(token).toMatch(/^alga_dev_tok_[0-9a-f]{32}$/);
    expect(new Set([...tokens, ...new Sessions(t.registry).devTokens(OTHER_TENANT)].map((d) => d.token)).size).toBe(6);
  });

  it('should keep tokens and sessions across a restart', async () => {
    t = await openTestRegistry();
    const before = new Sessions(t.registry);
    const tokens = before.devTokens(TENANT);
    const session = before.signIn(ADMIN());
    const after = new Sessions(await reopen());
    expect(after.devTokens(TENANT)).toEqual(tokens);
    expect(after.authenticate({ cookie: `${SESSION_COOKIE}=${session}` })).toMatchObject({ ok: true, principal: { tenantId: TENANT, via: 'cookie', user: { id: ADMIN() } } });
  });

  it('should make EMULATOR_DEV_TOKEN the default tenant admin\'s token, replacing the generated one', async () => {
    t = await openTestRegistry();
    const generated = new Sessions(t.registry).devTokens(TENANT)[0]?.token;
    const sessions = new Sessions(t.registry, { devAdminToken: 'my-fixed-token' });
    expect(sessions.devTokens(TENANT)[0]).toEqual({ userId: ADMIN(), email: 'admin@emulator.test', role: 'msp-admin', token: 'my-fixed-token' });
    expect(sessions.authenticate({ authorization: 'Bearer my-fixed-token' })).toMatchObject({ ok: true, principal: { user: { id: ADMIN() }, via: 'bearer' } });
    expect(sessions.authenticate({ authorization: `Bearer ${generated}` })).toEqual({ ok: false, status: 401, error: 'invalid_session' });
    const restarted = new Sessions(await reopen(), { devAdminToken: 'my-fixed-token' });
    expect(restarted.devTokens(TENANT)[0]?.token).toBe('my-fixed-token');
  });

  it('should create a token on demand for a user added after the seed', async () => {
    t = await openTestRegistry();
    const db = raw();
    db.prepare(`INSERT INTO users (id, tenant_id, email, name, user_type, client_id, role, permissions) VALUES ('u-new', ?, 'new@emulator.test', 'New', 'internal', NULL, 'msp-user', '[]')`).run(TENANT);
    db.close();
    const sessions = new Sessions(t.registry);
    const token = sessions.devTokens(TENANT).find((d) => d.userId === 'u-new')?.token;
    expect(token).toMatch(/^alga_dev_tok_/);
    expect(sessions.authenticate({ authorization: `bearer ${token}` })).toMatchObject({ ok: true, principal: { user: { email: 'new@emulator.test' } } });
  });
});

describe('authenticate', () => {
  it('should answer unauthenticated without credentials, or with only unrelated cookies or a non-bearer scheme', async () => {
    t = await openTestRegistry();
    const sessions = new Sessions(t.registry);
    for (const input of [{}, { cookie: '' }, { cookie: 'theme=dark; other=1' }, { authorization: 'Basic YTpi' }, { authorization: 'Bearer ' }]) {
      expect(sessions.authenticate(input)).toEqual({ ok: false, status: 401, error: 'unauthenticated' });
    }
  });

  it('should read the session from a Cookie header or a bare token, and answer invalid_session after sign-out', async () => {
    t = await openTestRegistry();
    const sessions = new Sessions(t.registry);
    const token = sessions.signIn(seededUserId(TENANT, 'client-user'));
    const user = t.registry.identity.user(seededUserId(TENANT, 'client-user'));
    expect(sessions.authenticate({ cookie: `theme=dark; ${SESSION_COOKIE}=${token}` })).toEqual({ ok: true, principal: { user, tenantId: TENANT, via: 'cookie' } });
    expect(sessions.authenticate({ cookie: token })).toEqual({ ok: true, principal: { user, tenantId: TENANT, via: 'cookie' } });
    sessions.signOut(token);
    expect(sessions.authenticate({ cookie: `${SESSION_COOKIE}=${token}` })).toEqual({ ok: false, status: 401, error: 'invalid_session' });
  });

  it('should prefer a bearer token over the cookie, and not fall back to the cookie when the bearer is bad', async () => {
    t = await openTestRegistry();
    const sessions = new Sessions(t.registry);
    const cookie = `${SESSION_COOKIE}=${sessions.signIn(seededUserId(TENANT, 'msp-user'))}`;
    const admin = sessions.devTokens(TENANT)[0]?.token;
    expect(sessions.authenticate({ cookie, authorization: `Bearer ${admin}` })).toMatchObject({ ok: true, principal: { user: { id: ADMIN() }, via: 'bearer' } });
    expect(sessions.authenticate({ cookie, authorization: 'Bearer wrong' })).toEqual({ ok: false, status: 401, error: 'invalid_session' });
  });

  it('should answer invalid_session once the user is removed', async () => {
    t = await openTestRegistry();
    const sessions = new Sessions(t.registry);
    const session = sessions.signIn(seededUserId(TENANT, 'msp-user'));
    const token = sessions.devTokens(TENANT)[1]?.token;
    const db = raw();
    db.prepare('DELETE FROM users WHERE id = ?').run(seededUserId(TENANT, 'msp-user'));
    db.close();
    expect(sessions.authenticate({ cookie: session })).toEqual({ ok: false, status: 401, error: 'invalid_session' });
    expect(sessions.authenticate({ authorization: `Bearer ${token}` })).toEqual({ ok: false, status: 401, error: 'invalid_session' });
  });

  it('should refuse to sign in a user that does not exist', async () => {
    t = await openTestRegistry();
    const sessions = new Sessions(t.registry);
    expect(() => sessions.signIn('ghost')).toThrow(EmulatorError);
    expect(() => sessions.signIn('ghost')).toThrow("cannot sign in: user ghost does not exist. Pick one of the tenant's users (the shell lists them; `npm run emulate` prints them).");
  });

  it('should give every sign-in its own random token', async () => {
    t = await openTestRegistry();
    const sessions = new Sessions(t.registry);
    const a = sessions.signIn(ADMIN());
    const b = sessions.signIn(ADMIN());
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    sessions.signOut(a);
    expect(sessions.authenticate({ cookie: b }).ok).toBe(true);
  });
});

describe('principals from memory', () => {
  const sqlCounter = (registry: Registry) => {
    // Every statement the registry's connection runs goes through `prepare`d statements; count
    // the identity reads by wrapping the ones authenticate uses.
    const identity = registry.identity;
    const counts = { devToken: 0, session: 0, user: 0 };
    const wrap = <K extends 'devTokenUserId' | 'sessionUserId' | 'user'>(name: K, key: keyof typeof counts) => {
      const original = identity[name].bind(identity) as (arg: string) => unknown;
      (identity as unknown as Record<K, (arg: string) => unknown>)[name] = (arg: string) => {
        counts[key]++;
        return original(arg);
      };
    };
    wrap('devTokenUserId', 'devToken');
    wrap('sessionUserId', 'session');
    wrap('user', 'user');
    return counts;
  };

  it('should read a credential\'s user and tenant once while nothing they depend on changes', async () => {
    t = await openTestRegistry();
    const sessions = new Sessions(t.registry);
    const bearer = `Bearer ${sessions.devTokens(TENANT)[0]?.token}`;
    const cookie = sessions.signIn(ADMIN());
    const counts = sqlCounter(t.registry);
    for (let i = 0; i < 3; i++) {
      expect(sessions.authenticate({ authorization: bearer })).toMatchObject({ ok: true, principal: { user: { id: ADMIN() }, via: 'bearer' } });
      expect(sessions.authenticate({ cookie })).toMatchObject({ ok: true, principal: { user: { id: ADMIN() }, via: 'cookie' } });
    }
    expect(counts).toEqual({ devToken: 1, session: 1, user: 2 });
  });

  it('should see a sign-out, a moved dev token, a changed user and a removed tenant on the very next call, from any process', async () => {
    t = await openTestRegistry();
    const sessions = new Sessions(t.registry);
    const admin = ADMIN();
    const token = sessions.devTokens(TENANT)[0]?.token ?? '';
    const cookie = sessions.signIn(admin);
    const other = sessions.signIn(admin);
    const warm = () => [sessions.authenticate({ authorization: `Bearer ${token}` }), sessions.authenticate({ cookie })];
    warm();

    // Sign-out in this process (migration 9's trigger on emulator_sessions).
    sessions.signOut(cookie);
    expect(sessions.authenticate({ cookie })).toEqual({ ok: false, status: 401, error: 'invalid_session' });
    // Sign-out written by another process (the CLI shares the data folder).
    expect(sessions.authenticate({ cookie: other }).ok).toBe(true);
    let db = raw();
    db.prepare('DELETE FROM emulator_sessions WHERE token = ?').run(other);
    db.close();
    expect(sessions.authenticate({ cookie: other })).toEqual({ ok: false, status: 401, error: 'invalid_session' });

    // The dev token given to another user.
    expect(sessions.authenticate({ authorization: `Bearer ${token}` })).toMatchObject({ ok: true, principal: { user: { id: admin } } });
    const msp = seededUserId(TENANT, 'msp-user');
    t.registry.identity.assignDevToken(msp, token);
    expect(sessions.authenticate({ authorization: `Bearer ${token}` })).toMatchObject({ ok: true, principal: { user: { id: msp } } });

    // The user's role changed by another process.
    db = raw();
    db.prepare(`UPDATE users SET role = 'msp-admin' WHERE id = ?`).run(msp);
    db.close();
    expect(sessions.authenticate({ authorization: `Bearer ${token}` })).toMatchObject({ ok: true, principal: { user: { id: msp, role: 'msp-admin' } } });

    // The tenant removed.
    db = raw();
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM tenants WHERE id = ?').run(TENANT);
    db.close();
    expect(sessions.authenticate({ authorization: `Bearer ${token}` })).toEqual({ ok: false, status: 401, error: 'invalid_session' });
  });
});
