import { EmulatorError, type Registry, type Sessions } from '../emulator/index.ts';
import { seededUserId, type EmulatorUser, type SeededRole } from '../emulator/internals.ts';

/** A tenant: `'default'`, `'second'` (the seeded neighbour) or a tenant id. */
export type TenantRef = 'default' | 'second' | (string & {});

/**
 * Who calls: a seeded user of the tenant by role (`'admin'` has `extension:read` and `:write`,
 * `'msp-user'` has neither, `'client'` is a client-portal user), any user id, or `'anonymous'`
 * (no credentials at all).
 */
export type Caller = 'admin' | 'msp-user' | 'client' | 'anonymous' | (string & {});

/** The seeded tenants of one emulator. */
export interface Tenants {
  default: string;
  second: string;
}

const ROLES: Readonly<Record<string, SeededRole>> = { admin: 'msp-admin', 'msp-user': 'msp-user', client: 'client-user' };

/** The tenant id a `TenantRef` names; TENANT_NOT_FOUND for an unknown one. */
export function resolveTenant(registry: Registry, tenants: Tenants, ref: TenantRef | undefined): string {
  if (ref === undefined || ref === 'default') return tenants.default;
  if (ref === 'second') return tenants.second;
  if (registry.identity.tenant(ref)) return ref;
  const known = registry.identity.tenants().map((t) => t.id).join(', ');
  throw new EmulatorError('TENANT_NOT_FOUND', `Failed to find tenant "${ref}": this emulator has ${known}. Use 'default', 'second' or one of those ids.`);
}

/**
 * The user a `Caller` names in a tenant, or null for `'anonymous'`. A user id must belong to the
 * tenant when one is given explicitly, so a test never acts for another tenant by mistake.
 */
export function resolveCaller(registry: Registry, tenantId: string, as: Caller, tenantGiven: boolean): EmulatorUser | null {
  if (as === 'anonymous') return null;
  const role = ROLES[as];
  const id = role ? seededUserId(tenantId, role) : as;
  const user = registry.identity.user(id);
  if (!user) {
    const names = registry.identity.users(tenantId).map((u) => `${u.id} (${u.role})`).join(', ');
    throw new EmulatorError('USER_NOT_FOUND', `Failed to find the caller "${as}" in tenant ${tenantId}. Use 'admin', 'msp-user', 'client', 'anonymous' or a user id: ${names}.`);
  }
  if (!role && tenantGiven && user.tenantId !== tenantId) {
    throw new EmulatorError('TENANT_MISMATCH', `Failed to call as user ${user.id}: it belongs to tenant ${user.tenantId}, not ${tenantId}. Drop the tenant option or pick a user of that tenant.`);
  }
  return user;
}

/** The dev bearer token of a user (created on first use, like `npm run emulate` prints them). */
export function devTokenOf(sessions: Sessions, user: EmulatorUser): string {
  const found = sessions.devTokens(user.tenantId).find((t) => t.userId === user.id);
  if (!found) throw new EmulatorError('USER_NOT_FOUND', `Failed to find a dev token for user ${user.id}: it is not a user of tenant ${user.tenantId}.`);
  return found.token;
}
