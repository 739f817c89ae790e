import { createHash, randomBytes } from 'node:crypto';
import { EmulatorError } from '../errors.ts';
import type { ApiKeyRow, RegistryStatements, TenantRow, UserRow } from './statements.ts';

/** The emulator's default tenant id; `ALGA_TENANT_ID` (the official CLI's variable) overrides it. */
export const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-000000000001';
/** A second tenant, so cross-tenant isolation can be tested against a real neighbour. */
export const SECOND_TENANT_ID = '00000000-0000-4000-8000-000000000002';

/** Permissions the publish API checks (resource:action, as in the PSA's RBAC). */
export const PERMISSIONS = {
  read: 'extension:read',
  write: 'extension:write',
} as const;

export type SeededRole = 'msp-admin' | 'msp-user' | 'client-user';

export interface EmulatorUser {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  userType: 'internal' | 'client';
  clientId: string | null;
  clientName: string | null;
  role: string;
  permissions: string[];
}

/** A user to add with `IdentityStore.addUser`. */
export interface NewUser {
  tenantId: string;
  email: string;
  name?: string;
  /** Default `internal` (an MSP user); `client` makes a client-portal user. */
  userType?: 'internal' | 'client';
  /** PSA permissions (`resource:action`), e.g. `['extension:read']`; default none. */
  permissions?: readonly string[];
  /** Default `msp-user` or `client-user`. */
  role?: string;
  /** A client user's client; default the tenant's seeded client (created with `clientName` when new). */
  clientId?: string;
  clientName?: string;
  /** Default derived from tenant and email, so it is stable across runs. */
  id?: string;
}

export interface SeedOptions {
  defaultTenantId?: string;
  /** The accepted dev API key (`ALGA_API_KEY`); generated once and kept when absent. */
  devApiKey?: string;
}

export interface SeedResult {
  defaultTenantId: string;
  secondTenantId: string;
  devApiKey: string;
}

const SEEDED_USERS: { role: SeededRole; name: string; local: string; type: 'internal' | 'client'; permissions: string[] }[] = [
  { role: 'msp-admin', name: 'Morgan Admin', local: 'admin', type: 'internal', permissions: [PERMISSIONS.read, PERMISSIONS.write] },
  { role: 'msp-user', name: 'Casey Technician', local: 'tech', type: 'internal', permissions: ['ticket:read', 'ticket:update'] },
  { role: 'client-user', name: 'Robin Client', local: 'robin', type: 'client', permissions: [] },
];

/** A UUID-shaped id derived from a seed, so seeded rows keep their ids across data folders. */
export function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(`alga-emulator:${seed}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Id of a seeded user of a tenant (stable, so scripts and tests can name them). */
export function seededUserId(tenantId: string, role: SeededRole): string {
  return stableUuid(`user:${tenantId}:${role}`);
}

/** Tenants, users with permissions, client ids and API keys. Reads and seeds; never deletes. */
export class IdentityStore {
  readonly #sql: RegistryStatements;
  readonly #now: () => string;
  readonly #run: <T>(fn: () => T) => T;
  #defaultTenantId = DEFAULT_TENANT_ID;

  constructor(sql: RegistryStatements, now: () => string, transaction: <T>(fn: () => T) => T) {
    this.#sql = sql;
    this.#now = now;
    this.#run = transaction;
  }

  /**
   * Makes sure the default tenant, the second tenant, their users and the dev API key exist.
   * Idempotent: a restart with the same settings changes nothing.
   */
  seed(options: SeedOptions = {}): SeedResult {
    const defaultTenantId = options.defaultTenantId || DEFAULT_TENANT_ID;
    const secondTenantId = defaultTenantId === SECOND_TENANT_ID ? DEFAULT_TENANT_ID : SECOND_TENANT_ID;
    return this.#run(() => {
      this.#seedTenant(defaultTenantId, 'Emulator Tenant', 'emulator.test');
      this.#seedTenant(secondTenantId, 'Second Tenant', 'second.test');
      const admin = seededUserId(defaultTenantId, 'msp-admin');
      const existing = this.#sql.apiKeysOfTenant.all(defaultTenantId).find((k) => k.user_id === admin && k.description === 'dev API key');
      const devApiKey = options.devApiKey || existing?.key || `alga_dev_${randomBytes(16).toString('hex')}`;
      this.#addKey(devApiKey, admin, defaultTenantId, 'dev API key');
      this.#ensureRandomKey(seededUserId(secondTenantId, 'msp-admin'), secondTenantId, 'second tenant admin key', legacyDerivedKey(secondTenantId, 'admin'));
      this.#ensureRandomKey(seededUserId(defaultTenantId, 'msp-user'), defaultTenantId, 'MSP user key (no extension permissions)', legacyDerivedKey(defaultTenantId, 'tech'));
      for (const tenant of [defaultTenantId, secondTenantId]) for (const user of SEEDED_USERS) this.ensureDevToken(seededUserId(tenant, user.role));
      this.#defaultTenantId = defaultTenantId;
      return { defaultTenantId, secondTenantId, devApiKey };
    });
  }

  #seedTenant(tenantId: string, name: string, domain: string): void {
    const now = this.#now();
    this.#sql.insertTenant.run({ id: tenantId, name, now });
    const clientId = stableUuid(`client:${tenantId}`);
    this.#sql.insertClient.run({ id: clientId, tenant_id: tenantId, name: 'Acme Client Co' });
    for (const user of SEEDED_USERS) {
      this.#sql.insertUser.run({
        id: seededUserId(tenantId, user.role),
        tenant_id: tenantId,
        email: `${user.local}@${domain}`,
        name: user.name,
        user_type: user.type,
        client_id: user.type === 'client' ? clientId : null,
        role: user.role,
        permissions: JSON.stringify(user.permissions),
      });
    }
  }

  /**
   * The user's key with this description, generated once at random. Older data folders hold a key
   * derived from the tenant id, which anyone can compute: it is replaced.
   */
  #ensureRandomKey(userId: string, tenantId: string, description: string, legacy: string): void {
    const keys = this.#sql.apiKeysOfTenant.all(tenantId);
    if (keys.some((k) => k.user_id === userId && k.description === description && k.key !== legacy)) return;
    this.#sql.deleteApiKey.run(legacy);
    this.#addKey(`alga_dev_${randomBytes(16).toString('hex')}`, userId, tenantId, description);
  }

  #addKey(key: string, userId: string, tenantId: string, description: string): void {
    this.#sql.insertApiKey.run({ key, user_id: userId, tenant_id: tenantId, description, now: this.#now() });
  }

  /**
   * Adds a user to a tenant (tests: an MSP user with a chosen permission set, a second client
   * user). Client users belong to the tenant's seeded client unless `clientId` names another.
   */
  addUser(input: NewUser): EmulatorUser {
    const tenant = this.tenant(input.tenantId);
    if (!tenant) {
      throw new EmulatorError('TENANT_NOT_FOUND', `Failed to add user ${input.email}: tenant ${input.tenantId} does not exist. Known: ${this.tenants().map((t) => t.id).join(', ')}.`);
    }
    if (!/^[^@\s]+@[^@\s]+$/.test(input.email)) {
      throw new EmulatorError('USER_INVALID', `Failed to add user: email ${JSON.stringify(input.email)} is not an address (name@domain).`);
    }
    if (this.users(input.tenantId).some((u) => u.email === input.email)) {
      throw new EmulatorError('USER_EXISTS', `Failed to add user ${input.email}: tenant ${input.tenantId} already has a user with that email. Pick another email.`);
    }
    const userType = input.userType ?? 'internal';
    const clientId = userType === 'client' ? (input.clientId ?? stableUuid(`client:${input.tenantId}`)) : null;
    const id = input.id ?? stableUuid(`user:${input.tenantId}:${input.email}`);
    this.#run(() => {
      if (clientId !== null) this.#sql.insertClient.run({ id: clientId, tenant_id: input.tenantId, name: input.clientName ?? 'Acme Client Co' });
      this.#sql.insertUser.run({
        id,
        tenant_id: input.tenantId,
        email: input.email,
        name: input.name ?? input.email,
        user_type: userType,
        client_id: clientId,
        role: input.role ?? (userType === 'client' ? 'client-user' : 'msp-user'),
        permissions: JSON.stringify(input.permissions ?? []),
      });
    });
    const user = this.user(id);
    if (!user) throw new EmulatorError('USER_EXISTS', `Failed to add user ${input.email}: the id ${id} is taken by another user. Pick another id.`);
    return user;
  }

  /** The user an API key belongs to, or null for an unknown key. */
  authenticateApiKey(key: string): EmulatorUser | null {
    const row = this.#sql.apiKey.get(key);
    if (!row) return null;
    return this.user(row.user_id);
  }

  user(id: string): EmulatorUser | null {
    const row = this.#sql.userById.get(id);
    return row ? toUser(row) : null;
  }

  users(tenantId: string): EmulatorUser[] {
    return this.#sql.usersOfTenant.all(tenantId).map(toUser);
  }

  tenant(id: string): TenantRow | null {
    return this.#sql.tenantById.get(id) ?? null;
  }

  tenants(): TenantRow[] {
    return this.#sql.tenants.all();
  }

  apiKeys(tenantId: string): ApiKeyRow[] {
    return this.#sql.apiKeysOfTenant.all(tenantId);
  }

  /** The tenant the last `seed` made the default (`ALGA_TENANT_ID`); before any seed, the built-in default. */
  get defaultTenantId(): string {
    return this.#defaultTenantId;
  }

  /** Stores a shell session token for a user (the Gateway's `Sessions` makes the token). */
  createSession(token: string, userId: string): void {
    this.#sql.insertSession.run({ token, user_id: userId, now: this.#now() });
  }

  /** The user a session token belongs to, or null (unknown, signed out, or its user was removed). */
  sessionUserId(token: string): string | null {
    return this.#sql.sessionUser.get(token)?.user_id ?? null;
  }

  deleteSession(token: string): void {
    this.#sql.deleteSession.run(token);
  }

  /** The user a dev bearer token belongs to, or null. */
  devTokenUserId(token: string): string | null {
    return this.#sql.devTokenUser.get(token)?.user_id ?? null;
  }

  /** The user's dev bearer token, created (random, persisted) when the user has none. */
  ensureDevToken(userId: string): string {
    const existing = this.#sql.devTokenOf.get(userId);
    if (existing) return existing.token;
    const token = `alga_dev_tok_${randomBytes(16).toString('hex')}`;
    this.#sql.insertDevToken.run({ token, user_id: userId, now: this.#now() });
    return token;
  }

  /** Makes `token` the user's dev bearer token (`EMULATOR_DEV_TOKEN`), taking it from any other user. */
  assignDevToken(userId: string, token: string): void {
    if (this.#sql.devTokenOf.get(userId)?.token === token) return;
    this.#run(() => {
      this.#sql.releaseDevToken.run({ token, user_id: userId });
      this.#sql.insertDevToken.run({ token, user_id: userId, now: this.#now() });
    });
  }
}

function toUser(row: UserRow): EmulatorUser {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    email: row.email,
    name: row.name,
    userType: row.user_type,
    clientId: row.client_id,
    clientName: row.client_name,
    role: row.role,
    permissions: JSON.parse(row.permissions) as string[],
  };
}

/** The key earlier versions derived from the tenant id (guessable; replaced at seed). */
export function legacyDerivedKey(tenantId: string, role: 'admin' | 'tech'): string {
  return `alga_dev_${createHash('sha256').update(`${tenantId}:${role}`).digest('hex').slice(0, 24)}`;
}
