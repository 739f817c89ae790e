import { EmulatorError } from '../errors.ts';
import type { ExtensionManifest } from '../manifest/index.ts';
import type { RegistryContext } from './context.ts';
import { regrantInstallsOf } from './installs.ts';

/** The manifest-derived columns of an `extension_version` row, as publish first writes them. */
export function versionColumns(manifest: ExtensionManifest): { runtime: string; main_entry: string | null; api_endpoints: string; ui: string | null; capabilities: string } {
  const endpoints = manifest.api?.endpoints ?? [];
  return {
    runtime: manifest.runtime,
    main_entry: endpoints.length > 0 ? 'dist/main.wasm' : null,
    api_endpoints: JSON.stringify(endpoints),
    ui: manifest.ui ? JSON.stringify(manifest.ui) : null,
    capabilities: JSON.stringify(manifest.capabilities),
  };
}

/**
 * Dev loop only (`newBundleForExistingVersion`): when a bundle becomes the active one of an
 * existing version (a new build, or an older one again), the version's capabilities, endpoints,
 * UI and runtime follow that bundle's manifest, and every install of the version gets the new
 * grants, keeping its config, secrets and storage. Runs inside the publish transaction.
 *
 * Endpoints keep their row ids by (method, path), so schedules stay attached; dropping an endpoint
 * a schedule fires is refused (SCHEDULE_ENDPOINTS_MISSING) and nothing changes.
 *
 * Production never does this: a published version is immutable there (finalize answers 409 for a
 * reused version, ee/server/src/app/api/ext-bundles/finalize/route.ts), see the registry parity notes.
 */
export function refreshVersionFromManifest(ctx: RegistryContext, versionId: string, manifest: ExtensionManifest): void {
  const endpoints = manifest.api?.endpoints ?? [];
  const existing = new Map(ctx.sql.endpointsOf.all(versionId).map((e) => [`${e.method} ${e.path}`, e]));
  const kept = new Set(endpoints.map((e) => `${e.method} ${e.path}`));
  const orphaned = [...existing.entries()]
    .filter(([key]) => !kept.has(key))
    .flatMap(([key, row]) => ctx.sql.schedulesOnEndpoint.all(row.id).map((s) => `${s.name ?? s.id} (${key}, tenant ${s.tenant_id})`));
  if (orphaned.length > 0) {
    throw new EmulatorError(
      'SCHEDULE_ENDPOINTS_MISSING',
      `Failed to republish ${manifest.publisher ?? 'local-dev'}.${manifest.name} ${manifest.version}: the new manifest.json drops the endpoint(s) that ${orphaned.length} schedule(s) fire: ${orphaned.join(', ')}. ` +
        'Fix: keep those endpoints in api.endpoints until the extension has deleted those schedules (scheduler delete-schedule).',
    );
  }
  ctx.sql.refreshVersion.run({ id: versionId, ...versionColumns(manifest) });
  // Rows are written again in manifest order (the Gateway matches the first declared endpoint);
  // a kept endpoint keeps its id, which schedules point at: check that reference at commit.
  ctx.db.pragma('defer_foreign_keys = ON');
  ctx.sql.deleteEndpointsOf.run(versionId);
  for (const endpoint of endpoints) {
    const id = existing.get(`${endpoint.method} ${endpoint.path}`)?.id ?? ctx.newId();
    ctx.sql.insertEndpoint.run({ id, version_id: versionId, method: endpoint.method, path: endpoint.path, handler: endpoint.handler });
  }
  regrantInstallsOf(ctx, versionId);
}
