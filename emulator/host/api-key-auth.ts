// Who calls the main port's API-key routes (the publish API, run-now): the API key's user and the
// tenant it acts for. Shared so every API-key route refuses with the same codes and words.
import { EmulatorError } from '../errors.ts';
import { PERMISSIONS, type EmulatorUser } from '../registry/identity.ts';
import type { Registry } from '../registry/registry.ts';

/** Who called: the API key's user and the tenant the call acts for. */
export interface ApiKeyCaller {
  user: EmulatorUser;
  tenantId: string;
}

/**
 * The caller of `x-api-key` (optionally `x-tenant-id`, and `x-alga-admin: true` where `admin`):
 * UNAUTHORIZED without a known key, TENANT_MISMATCH for another tenant, RBAC_FORBIDDEN without
 * `extension:write` (or the admin header).
 */
export function authorizeApiKey(registry: Registry, header: (name: string) => string | undefined, options: { admin?: boolean } = {}): ApiKeyCaller {
  const key = header('x-api-key');
  const user = key ? registry.identity.authenticateApiKey(key) : null;
  if (!user) {
    throw new EmulatorError(
      'UNAUTHORIZED',
      `${key ? 'unknown' : 'missing'} API key: send x-api-key with the dev key printed at start-up (or set ALGA_API_KEY before starting the emulator).`,
    );
  }
  const tenantId = header('x-tenant-id') || user.tenantId;
  if (tenantId !== user.tenantId) {
    throw new EmulatorError('TENANT_MISMATCH', `the API key belongs to tenant ${user.tenantId}, not ${tenantId}. Use that tenant's key or fix x-tenant-id.`);
  }
  const admin = !options.admin || header('x-alga-admin') === 'true';
  if (!admin || !user.permissions.includes(PERMISSIONS.write)) {
    throw new EmulatorError('RBAC_FORBIDDEN', 'Forbidden');
  }
  return { user, tenantId };
}
