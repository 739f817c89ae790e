// `GET /api/emulator/state`: what the shell page shows, computed from the registry and the
// signed-in user. No Express here.
import type { EmulatorUser } from '../../registry/identity.ts';
import { PERMISSIONS } from '../../registry/identity.ts';
import type { Registry } from '../../registry/registry.ts';
import { menuLabels, uiEntry } from '../app/lib/menu.ts';
import type { ShellExtension, ShellState, ShellUser } from '../app/lib/state-types.ts';

export interface ShellStateInput {
  registry: Pick<Registry, 'installs' | 'identity'>;
  /** The session's user, or null when not signed in. */
  principal: EmulatorUser | null;
  /** `?tenantId=` of the request (used only when nobody is signed in). */
  requestedTenantId: string | undefined;
  defaultTenantId: string;
  settings: ShellState['settings'];
  parityNotes: string[];
}

/** A placeholder shown instead of an API key to anyone who may not see it. */
export const HIDDEN_API_KEY = '<API key: printed by npm run emulate; sign in as an MSP admin to see it here>';

export function buildShellState(input: ShellStateInput): ShellState {
  const { registry, principal } = input;
  const tenants = registry.identity.tenants().map((t) => ({ id: t.id, name: t.name }));
  const requested = tenants.some((t) => t.id === input.requestedTenantId) ? input.requestedTenantId : undefined;
  const tenantId = principal?.tenantId ?? requested ?? input.defaultTenantId;
  return {
    tenants,
    tenantId,
    users: registry.identity.users(tenantId).map(toShellUser),
    principal: principal ? toShellUser(principal) : null,
    extensions: shellExtensions(registry, tenantId),
    settings: input.settings,
    commands: publishCommands({
      tenantId,
      dataDir: input.settings.dataDir,
      mainUrl: input.settings.mainUrl,
      apiKey: visibleApiKey(registry, tenantId, principal),
    }),
    parityNotes: input.parityNotes,
  };
}

export function toShellUser(user: EmulatorUser): ShellUser {
  return {
    id: user.id,
    tenantId: user.tenantId,
    email: user.email,
    name: user.name,
    role: user.role,
    userType: user.userType,
    clientId: user.clientId,
    permissions: [...user.permissions],
  };
}

/** The tenant's installs that are enabled (is_enabled and status enabled), by name. */
export function shellExtensions(registry: Pick<Registry, 'installs'>, tenantId: string): ShellExtension[] {
  return registry
    .installs(tenantId)
    .filter((i) => i.enabled && i.status === 'enabled')
    .map((i) => ({
      registryId: i.registryId,
      installId: i.installId,
      slug: i.slug,
      name: i.name,
      publisher: i.publisher,
      version: i.version,
      contentHash: i.contentHash,
      menus: menuLabels(i.ui),
      uiEntry: uiEntry(i.ui),
    }))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

/** The commands that publish and install an extension folder for the tenant, exactly as typed. */
export function publishCommands(input: { tenantId: string; dataDir: string; mainUrl: string; apiKey: string }): string[] {
  return [
    `npx alga-emulator publish ./my-extension --data-dir ${quote(input.dataDir)} --tenant ${input.tenantId}`,
    `npx alga extension publish ./my-extension --base-url ${input.mainUrl} --api-key ${input.apiKey} --tenant ${input.tenantId}`,
  ];
}

/** A publishing key of the tenant, only for a signed-in user of that tenant who may publish. */
function visibleApiKey(registry: Pick<Registry, 'identity'>, tenantId: string, principal: EmulatorUser | null): string {
  if (!principal || principal.tenantId !== tenantId || !principal.permissions.includes(PERMISSIONS.write)) return HIDDEN_API_KEY;
  const keys = registry.identity.apiKeys(tenantId);
  const key = keys.find((k) => registry.identity.user(k.user_id)?.permissions.includes(PERMISSIONS.write));
  return key?.key ?? HIDDEN_API_KEY;
}

function quote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
