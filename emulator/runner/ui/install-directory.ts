/**
 * What the Runner asks the registry about installs when it serves `/ext-ui` (spec 02, steps 3–4).
 * The registry module implements it; a bare Runner (`npm run runner`) has none, and then strict
 * validation cannot confirm any install, so every strict `/ext-ui` request answers 404.
 *
 * Content hashes passed in are normalized: `sha256:` + lowercase hex.
 *
 * @example
 * const directory: InstallDirectory = {
 *   hasActiveBundle: async (tenant, ext, hash) => db.hasEnabledInstallWithBundle(tenant, ext, hash),
 *   lookupByHost: async (host) => db.installByRunnerDomain(host),
 * };
 * new Runner(config, { installDirectory: directory });
 */
export interface InstallDirectory {
  /** True when the tenant has an enabled install of extensionId whose version has a bundle with this content hash. */
  hasActiveBundle(tenantId: string, extensionId: string, contentHash: string): Promise<boolean>;
  /** `GET /api/installs/lookup-by-host`: the install served at this host (runner_domain), or null. */
  lookupByHost(host: string): Promise<{ tenant_id: string; extension_id: string; content_hash: string } | null>;
}
