import { randomBytes } from 'node:crypto';
import { EmulatorError } from '../errors.ts';
import { seededUserId, type EmulatorUser } from '../registry/identity.ts';
import type { Registry } from '../registry/registry.ts';

/** Name of the cookie the shell page's sign-in sets (production: NextAuth's session cookie). */
export const SESSION_COOKIE = 'alga_emulator_session';

/** Who is calling: the signed-in user, the tenant the session acts for, and how it was presented. */
export interface Principal {
  user: EmulatorUser;
  tenantId: string;
  via: 'cookie' | 'bearer';
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; status: 401; error: 'unauthenticated' | 'invalid_session' };

/** What the Gateway needs from sessions (tests inject fakes with odd principals). */
export interface Authenticator {
  authenticate(input: { cookie?: string | undefined; authorization?: string | undefined }): AuthResult;
}

/**
 * The emulator's stand-in for NextAuth sessions: cookie sessions the shell page signs in with,
 * and one dev bearer token per user for curl and tests. Both are kept in the registry database,
 * so a restart keeps them; removing a user removes its sessions and token.
 *
 * @example
 * const sessions = new Sessions(registry);
 * const token = sessions.signIn(seededUserId(tenantId, 'msp-admin'));
 * sessions.authenticate({ cookie: `${SESSION_COOKIE}=${token}` }); // { ok: true, principal: { via: 'cookie', … } }
 */
export class Sessions implements Authenticator {
  readonly #registry: Registry;

  /** `devAdminToken` (`EMULATOR_DEV_TOKEN`) becomes the default tenant's MSP admin bearer token. */
  constructor(registry: Registry, options: { devAdminToken?: string } = {}) {
    this.#registry = registry;
    if (options.devAdminToken) {
      const admin = seededUserId(registry.identity.defaultTenantId, 'msp-admin');
      if (!registry.identity.user(admin)) {
        throw new EmulatorError('USER_NOT_FOUND', `EMULATOR_DEV_TOKEN needs the default tenant's MSP admin (${admin}), which does not exist: seed the registry first.`);
      }
      registry.identity.assignDevToken(admin, options.devAdminToken);
    }
  }

  /** Starts a session for a user and returns its token (the value of the `SESSION_COOKIE` cookie). */
  signIn(userId: string): string {
    if (!this.#registry.identity.user(userId)) {
      throw new EmulatorError('USER_NOT_FOUND', `cannot sign in: user ${userId} does not exist. Pick one of the tenant's users (the shell lists them; \`npm run emulate\` prints them).`);
    }
    const token = randomBytes(32).toString('base64url');
    this.#registry.identity.createSession(token, userId);
    return token;
  }

  signOut(token: string): void {
    this.#registry.identity.deleteSession(token);
  }

  /**
   * Resolves a request's credentials. `authorization: Bearer <token>` (a dev token or a session
   * token) wins over the cookie; `cookie` is the request's Cookie header or a bare session token.
   * No credential → `unauthenticated`; a credential that names no live user and tenant →
   * `invalid_session`.
   */
  authenticate(input: { cookie?: string | undefined; authorization?: string | undefined }): AuthResult {
    // From memory until a token, session, user, client or tenant changes (Registry.cachedRead):
    // these reads were 60 us of every Gateway call's main-thread time here.
    const bearer = bearerToken(input.authorization);
    if (bearer !== undefined) {
      return this.#registry.cachedRead(`principal\nbearer\n${bearer}`, () => {
        const userId = this.#registry.identity.devTokenUserId(bearer) ?? this.#registry.identity.sessionUserId(bearer);
        return this.#principal(userId, 'bearer');
      });
    }
    const session = sessionToken(input.cookie);
    if (session !== undefined) return this.#registry.cachedRead(`principal\ncookie\n${session}`, () => this.#principal(this.#registry.identity.sessionUserId(session), 'cookie'));
    return { ok: false, status: 401, error: 'unauthenticated' };
  }

  /** Every user of the tenant with its dev bearer token (created for users that have none). */
  devTokens(tenantId: string): { userId: string; email: string; role: string; token: string }[] {
    return this.#registry.identity.users(tenantId).map((user) => ({
      userId: user.id,
      email: user.email,
      role: user.role,
      token: this.#registry.identity.ensureDevToken(user.id),
    }));
  }

  #principal(userId: string | null, via: Principal['via']): AuthResult {
    const user = userId ? this.#registry.identity.user(userId) : null;
    if (!user || !this.#registry.identity.tenant(user.tenantId)) return { ok: false, status: 401, error: 'invalid_session' };
    return { ok: true, principal: { user, tenantId: user.tenantId, via } };
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The session token from a Cookie header (`a=1; alga_emulator_session=…`), or a bare token. */
function sessionToken(cookie: string | undefined): string | undefined {
  const value = cookie?.trim();
  if (!value) return undefined;
  if (!value.includes('=')) return value;
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const token = part.slice(eq + 1).trim();
      return token === '' ? undefined : token;
    }
  }
  return undefined;
}
