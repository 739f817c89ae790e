import { EmulatorError } from '../errors.ts';
import type { SecretEnvelope } from '../contracts/secret-envelope.ts';
import { KNOWN_CAPABILITIES } from '../capabilities/index.ts';
import { parseJsonList, resolveRegistry, type RegistryContext } from './context.ts';
import { requireInstall } from './installs.ts';
import type { InstallRow } from './statements.ts';

export interface InstallConfig {
  installId: string;
  config: Record<string, string>;
  providers: string[];
  /** A new UUID on every write; the Gateway sends it as `x-ext-config-version`. */
  version: string;
}

/** Secret metadata: what APIs, logs and the CLI may show (never values). */
export interface SecretsMetadata {
  installId: string;
  names: string[];
  secretsVersion: string | null;
  hasEnvelope: boolean;
}

function install(ctx: RegistryContext, tenantId: string, ref: string): InstallRow {
  return requireInstall(ctx, tenantId, resolveRegistry(ctx, ref));
}

export function getConfig(ctx: RegistryContext, tenantId: string, ref: string): InstallConfig {
  return readConfig(ctx, install(ctx, tenantId, ref).id);
}

export function readConfig(ctx: RegistryContext, installId: string): InstallConfig {
  const row = ctx.sql.configOf.get(installId);
  if (!row) return { installId, config: {}, providers: [], version: '' };
  return { installId, config: JSON.parse(row.config) as Record<string, string>, providers: parseJsonList(row.providers), version: row.version };
}

export interface ConfigChange {
  /** Keys to set; a null value removes the key. */
  values?: Readonly<Record<string, string | null>>;
  /** Start from an empty map instead of merging. */
  replace?: boolean;
  /** Extra provider grants beyond the manifest's (e.g. `cap:http.fetch`); validated against the known list. */
  addProviders?: readonly string[];
  removeProviders?: readonly string[];
}

/** Writes per-install config (a string map) and providers; every write gets a new version. */
export function setConfig(ctx: RegistryContext, tenantId: string, ref: string, change: ConfigChange): InstallConfig {
  const row = install(ctx, tenantId, ref);
  const current = readConfig(ctx, row.id);
  const config: Record<string, string> = change.replace ? {} : { ...current.config };
  for (const [key, value] of Object.entries(change.values ?? {})) {
    if (key.trim() === '') throw new EmulatorError('CONFIG_INVALID', `Failed to set the config of ${ref}: a key is empty: each value is read by its name. Fix: give every config key a non-empty name.`);
    if (value === null) delete config[key];
    else config[key] = String(value);
  }
  const providers = new Set(current.providers);
  const known = new Set<string>(KNOWN_CAPABILITIES);
  for (const cap of change.addProviders ?? []) {
    const normalized = cap.trim().toLowerCase();
    if (!known.has(normalized)) {
      throw new EmulatorError('CAPABILITY_UNKNOWN', `cannot grant "${cap}": not a known capability. Known: ${KNOWN_CAPABILITIES.join(', ')}.`);
    }
    providers.add(normalized);
  }
  for (const cap of change.removeProviders ?? []) providers.delete(cap.trim().toLowerCase());
  const now = ctx.now();
  const version = ctx.newId();
  ctx.db.transaction(() => {
    ctx.sql.upsertConfig.run({ id: ctx.newId(), install_id: row.id, tenant_id: tenantId, config: JSON.stringify(config), providers: JSON.stringify([...providers]), version, now });
    ctx.sql.setInstallConfig.run({ id: row.id, config: JSON.stringify(config), now });
  })();
  return { installId: row.id, config, providers: [...providers], version };
}

/**
 * Merges secrets into the install's sealed set: given keys replace existing ones, keys with an
 * empty value are dropped, `clear` starts from nothing. Returns metadata only.
 */
export function setSecrets(ctx: RegistryContext, tenantId: string, ref: string, values: Readonly<Record<string, string>>, options: { clear?: boolean } = {}): SecretsMetadata {
  const row = install(ctx, tenantId, ref);
  const existing = ctx.sql.secretsOf.get(row.id);
  const merged: Record<string, string> = options.clear || !existing ? {} : ctx.sealer.unseal(existing.ciphertext);
  for (const [key, value] of Object.entries(values)) {
    if (key.trim() === '') throw new EmulatorError('SECRETS_INVALID', `Failed to set the secrets of ${ref}: a secret name is empty: each secret is read by its name. Fix: give every secret a non-empty name.`);
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  const sealed = ctx.sealer.seal(merged);
  ctx.sql.upsertSecrets.run({
    id: existing?.id ?? ctx.newId(),
    install_id: row.id,
    tenant_id: tenantId,
    ciphertext: sealed.ciphertext,
    algorithm: sealed.algorithm,
    transit_key: sealed.transitKey,
    transit_mount: sealed.transitMount,
    version: ctx.newId(),
    now: ctx.now(),
  });
  return secretsMetadata(ctx, row.id);
}

/** Removes every secret of the install. */
export function clearSecrets(ctx: RegistryContext, tenantId: string, ref: string): SecretsMetadata {
  return setSecrets(ctx, tenantId, ref, {}, { clear: true });
}

export function listSecrets(ctx: RegistryContext, tenantId: string, ref: string): SecretsMetadata {
  return secretsMetadata(ctx, install(ctx, tenantId, ref).id);
}

function secretsMetadata(ctx: RegistryContext, installId: string): SecretsMetadata {
  const row = ctx.sql.secretsOf.get(installId);
  if (!row) return { installId, names: [], secretsVersion: null, hasEnvelope: false };
  const names = Object.keys(ctx.sealer.unseal(row.ciphertext)).sort();
  return { installId, names, secretsVersion: row.version, hasEnvelope: true };
}

/** The `secret_envelope` the Gateway sends to the Runner for this install, or undefined without secrets. */
export function secretEnvelope(ctx: RegistryContext, installId: string): SecretEnvelope | undefined {
  const row = ctx.sql.secretsOf.get(installId);
  if (!row) return undefined;
  return {
    ciphertext_b64: Buffer.from(row.ciphertext, 'utf8').toString('base64'),
    algorithm: row.algorithm,
    version: row.version,
    expires_at: row.expires_at,
    key_path: row.transit_key,
    mount: row.transit_mount,
  };
}
