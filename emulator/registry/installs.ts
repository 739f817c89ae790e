import { computeContentHash } from '../bundles/hash.ts';
import { bundleStoreKey } from '../bundles/store.ts';
import { EmulatorError, type ErrorBody } from '../errors.ts';
import { DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES } from '../capabilities/index.ts';
import { verifyBundleSignature } from '../signing/index.ts';
import { parseJsonList, resolveRegistry, resolveVersion, type RegistryContext } from './context.ts';
import type { InstallRow, RegistryRow, VersionRow } from './statements.ts';

export interface InstallResult {
  registryId: string;
  version: string;
  installId: string;
}

/**
 * Installs (or re-installs) a published version for a tenant: verifies the active bundle's
 * signature, places the archive under the tenant's store key the Runner reads, then upserts the
 * install (enabled, granted caps = the version's known capabilities) and its config row
 * (providers = caps + defaults; an existing config map is kept) in one transaction.
 */
export async function installVersion(ctx: RegistryContext, tenantId: string, ref: string, requested: string): Promise<InstallResult> {
  const registry = resolveRegistry(ctx, ref);
  const version = resolveVersion(ctx, registry, requested);
  await placeTenantCopy(ctx, tenantId, registry, version);
  const caps = grantedCaps(version);
  const installId = ctx.db.transaction(() => {
    const now = ctx.now();
    const current = ctx.sql.installOf.get(tenantId, registry.id);
    const id = current?.id ?? ctx.newId();
    const providers = providersAfter(ctx, id, current ? parseJsonList(current.granted_caps) : undefined, caps);
    if (current) ctx.sql.reinstall.run({ id, version_id: version.id, granted_caps: JSON.stringify(caps), now });
    else ctx.sql.insertInstall.run({ id, tenant_id: tenantId, registry_id: registry.id, version_id: version.id, granted_caps: JSON.stringify(caps), runner_domain: `${id}.ext.localhost`, now });
    writeProviders(ctx, id, tenantId, providers, now);
    return id;
  })();
  return { registryId: registry.id, version: version.version, installId };
}

/** Removes a tenant's install (schedules first, then the install; config, secrets and subscriptions cascade). */
export function uninstall(ctx: RegistryContext, tenantId: string, ref: string): { registryId: string } {
  const registry = resolveRegistry(ctx, ref);
  const install = requireInstall(ctx, tenantId, registry);
  ctx.db.transaction(() => {
    ctx.sql.deleteSchedulesOf.run(install.id);
    ctx.sql.deleteInstall.run(install.id);
  })();
  return { registryId: registry.id };
}

export interface MissingSchedule {
  scheduleId: string;
  name: string | null;
  method: string;
  path: string;
}

/** Raised by update when schedules point at endpoints the new version lacks. */
export class MissingSchedulesError extends EmulatorError {
  readonly missing: MissingSchedule[];
  constructor(missing: MissingSchedule[], target: string) {
    const list = missing.map((m) => `${m.name ?? m.scheduleId} (${m.method} ${m.path})`).join(', ');
    super(
      'SCHEDULE_ENDPOINTS_MISSING',
      `version ${target} has no endpoint for ${missing.length} schedule(s): ${list}. Add the endpoints to api.endpoints, or update with disableMissingSchedules: true to disable those schedules.`,
    );
    this.missing = missing;
  }

  /** Spec 06's 409 body for an update that would orphan schedules. */
  override toResponseBody(): ErrorBody {
    return { success: false, code: this.code, message: this.message, missing: this.missing };
  }
}

/** Moves an install to another version, remapping its schedules by (method, path). */
export async function updateInstall(
  ctx: RegistryContext,
  tenantId: string,
  ref: string,
  requested: string,
  disableMissingSchedules = false,
): Promise<InstallResult> {
  const registry = resolveRegistry(ctx, ref);
  const install = requireInstall(ctx, tenantId, registry);
  const version = resolveVersion(ctx, registry, requested);
  const endpoints = new Map(ctx.sql.endpointsOf.all(version.id).map((e) => [`${e.method} ${e.path}`, e.id]));
  const schedules = ctx.sql.schedulesOf.all(install.id);
  const missing = schedules
    .filter((s) => !endpoints.has(`${s.method} ${s.path}`))
    .map((s) => ({ scheduleId: s.id, name: s.name, method: s.method, path: s.path }));
  if (missing.length > 0 && !disableMissingSchedules) throw new MissingSchedulesError(missing, version.version);
  await placeTenantCopy(ctx, tenantId, registry, version);
  const caps = grantedCaps(version);
  ctx.db.transaction(() => {
    const now = ctx.now();
    for (const schedule of schedules) {
      const endpointId = endpoints.get(`${schedule.method} ${schedule.path}`);
      if (endpointId) ctx.sql.remapSchedule.run({ id: schedule.id, endpoint_id: endpointId });
      else ctx.sql.disableSchedule.run(schedule.id);
    }
    const providers = providersAfter(ctx, install.id, parseJsonList(install.granted_caps), caps);
    ctx.sql.moveInstall.run({ id: install.id, version_id: version.id, granted_caps: JSON.stringify(caps), now });
    writeProviders(ctx, install.id, tenantId, providers, now);
  })();
  return { registryId: registry.id, version: version.version, installId: install.id };
}

/** Enable/disable sets both `is_enabled` and `status`, as production does. */
export function setEnabled(ctx: RegistryContext, tenantId: string, ref: string, enabled: boolean): InstallRow {
  const install = requireInstall(ctx, tenantId, resolveRegistry(ctx, ref));
  ctx.sql.setEnabled.run({ id: install.id, enabled: enabled ? 1 : 0, status: enabled ? 'enabled' : 'disabled', now: ctx.now() });
  return ctx.sql.installById.get(install.id) as InstallRow;
}

export function requireInstall(ctx: RegistryContext, tenantId: string, registry: RegistryRow): InstallRow {
  const install = ctx.sql.installOf.get(tenantId, registry.id);
  if (install) return install;
  throw new EmulatorError(
    'NOT_INSTALLED',
    `${registry.publisher}.${registry.name} is not installed for tenant ${tenantId}. Install it first (\`alga-emulator install ${registry.publisher}.${registry.name} --version <v> --tenant ${tenantId}\`).`,
  );
}

/**
 * Dev loop (run inside the publish transaction that changed the version's capabilities): every
 * install of the version gets the new grants at once, keeping its config map and hand-added grants.
 */
export function regrantInstallsOf(ctx: RegistryContext, versionId: string): void {
  const version = ctx.sql.versionById.get(versionId);
  if (!version) return;
  const caps = grantedCaps(version);
  const now = ctx.now();
  for (const install of ctx.sql.installsOfVersion.all(versionId)) {
    const providers = providersAfter(ctx, install.id, parseJsonList(install.granted_caps), caps);
    ctx.sql.regrantInstall.run({ id: install.id, granted_caps: JSON.stringify(caps), now });
    writeProviders(ctx, install.id, install.tenant_id, providers, now);
  }
}

/**
 * The providers an install has once its granted caps become `caps`: those caps and the defaults,
 * plus the grants added by hand (`config set --grant`) beyond what its previous caps gave. So a
 * capability the manifest drops is taken away, and a hand-added one survives a reinstall.
 */
function providersAfter(ctx: RegistryContext, installId: string, previousCaps: readonly string[] | undefined, caps: readonly string[]): string[] {
  const row = ctx.sql.configOf.get(installId);
  const previous = new Set(previousCaps ? providersFor(previousCaps) : []);
  const byHand = row && previousCaps ? parseJsonList(row.providers).filter((p) => !previous.has(p)) : [];
  return [...new Set([...providersFor(caps), ...byHand])];
}

/** Writes the providers (a new config version) and keeps the config map. */
function writeProviders(ctx: RegistryContext, installId: string, tenantId: string, providers: readonly string[], now: string): void {
  const config = ctx.sql.configOf.get(installId)?.config ?? '{}';
  ctx.sql.upsertConfig.run({ id: ctx.newId(), install_id: installId, tenant_id: tenantId, config, providers: JSON.stringify(providers), version: ctx.newId(), now });
}

function grantedCaps(version: VersionRow): string[] {
  const known = new Set<string>(KNOWN_CAPABILITIES);
  return [...new Set(parseJsonList(version.capabilities).map((c) => c.trim().toLowerCase()))].filter((c) => known.has(c));
}

function providersFor(caps: readonly string[]): string[] {
  return [...new Set([...caps, ...DEFAULT_CAPABILITIES])];
}

/**
 * Dev loop: once a version's active bundle changed, every tenant with an install of it gets the
 * copy the Runner reads (`tenants/{tenant}/extensions/{id}/sha256/{hash}`), not only the tenant
 * the dev loop reinstalls for.
 */
export async function placeCopiesForInstallsOf(ctx: RegistryContext, versionId: string): Promise<void> {
  const version = ctx.sql.versionById.get(versionId);
  const registry = version ? ctx.sql.registryById.get(version.registry_id) : undefined;
  if (!version || !registry) return;
  const tenants = new Set(ctx.sql.installsOfVersion.all(versionId).map((i) => i.tenant_id));
  for (const tenant of tenants) await placeTenantCopy(ctx, tenant, registry, version);
}

/** Verifies the version's active bundle (signature over the bytes actually read) and copies it to the tenant's key. */
async function placeTenantCopy(ctx: RegistryContext, tenantId: string, registry: RegistryRow, version: VersionRow): Promise<void> {
  const bundle = ctx.sql.activeBundle.get(version.id);
  if (!bundle) throw new EmulatorError('BUNDLE_NOT_FOUND', `version ${version.version} has no bundle row; publish it again.`);
  const bytes = await ctx.store.get(bundle.storage_url);
  if (!bytes) {
    throw new EmulatorError('BUNDLE_NOT_FOUND', `the archive of ${registry.publisher}.${registry.name} ${version.version} is missing from the bundle store (${bundle.storage_url}); publish it again.`);
  }
  const contentHash = computeContentHash(bytes);
  const verdict = verifyBundleSignature({ contentHash, signatureText: bundle.signature, trust: ctx.signing.trust, mode: ctx.signing.mode });
  for (const warning of verdict.warnings) ctx.warn(warning);
  if (contentHash !== bundle.content_hash) {
    throw new EmulatorError('HASH_MISMATCH', `the stored archive ${bundle.storage_url} hashes to ${contentHash}, not ${bundle.content_hash}: it was changed on disk. Publish the bundle again.`);
  }
  const key = bundleStoreKey(tenantId, registry.id, contentHash);
  if (!(await ctx.store.has(key))) await ctx.store.put(key, bytes);
}
