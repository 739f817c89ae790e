import type Database from 'better-sqlite3';
import type { ArchiveLimits } from '../bundles/limits.ts';
import type { BundleStore } from '../bundles/store.ts';
import { EmulatorError } from '../errors.ts';
import type { SigningPolicy } from '../signing/index.ts';
import type { SecretSealer } from './secret-sealer.ts';
import type { RegistryRow, RegistryStatements, VersionRow } from './statements.ts';

/** A bundle store that can also remove objects (staging uploads, rolled-back archives). */
export interface PublishStore extends BundleStore {
  delete(key: string): Promise<void>;
}

/** What the registry's operations share; built once by `Registry.open`. */
export interface RegistryContext {
  db: Database.Database;
  sql: RegistryStatements;
  store: PublishStore;
  signing: SigningPolicy;
  sealer: SecretSealer;
  now: () => string;
  newId: () => string;
  warn: (message: string) => void;
  maxBundleBytes: number;
  /** BUNDLE_STAGING_TTL_MS: how long an upload may wait for its finalize. */
  stagingTtlMs: number;
  /** Limits finalize reads an archive under: the Runner's (`EXT_BUNDLE_MAX_*`). */
  archiveLimits: ArchiveLimits;
}

/** 200 MiB: the publish API's upload limit. */
export const MAX_BUNDLE_BYTES = 200 * 1024 * 1024;

/** Where finalize moves an archive: content-addressed, shared by every tenant. */
export function canonicalKey(hex: string): string {
  return `sha256/${hex}/bundle.tar.zst`;
}

/**
 * Finds an extension by registry id (UUID), slug (`publisher.name`, any case) or bare name when
 * only one publisher uses it. The official CLI's examples pass a name, so all three are accepted.
 */
export function resolveRegistry(ctx: RegistryContext, ref: string): RegistryRow {
  const row = ctx.sql.registryById.get(ref) ?? ctx.sql.registryBySlug.get(ref);
  if (row) return row;
  const byName = ctx.sql.registriesByName.all(ref);
  if (byName.length === 1 && byName[0]) return byName[0];
  if (byName.length > 1) {
    const slugs = byName.map((r) => `${r.publisher}.${r.name}`).join(', ');
    throw new EmulatorError('EXTENSION_AMBIGUOUS', `extension "${ref}" matches ${byName.length} publishers (${slugs}); pass the slug or registry id instead.`);
  }
  throw new EmulatorError(
    'EXTENSION_NOT_FOUND',
    `extension "${ref}" is not in the registry. Publish it first (\`alga extension publish <dir>\` or \`alga-emulator publish <dir>\`), or pass its registry id or publisher.name slug.`,
  );
}

/** An exact version, or the highest `X.Y.n` for a `X.Y.*` request. */
export function resolveVersion(ctx: RegistryContext, registry: RegistryRow, requested: string): VersionRow {
  const versions = ctx.sql.versionsOf.all(registry.id);
  const wildcard = /^(\d+)\.(\d+)\.\*$/.exec(requested);
  let found: VersionRow | undefined;
  if (wildcard) {
    const prefix = `${wildcard[1]}.${wildcard[2]}.`;
    found = versions
      .filter((v) => v.version.startsWith(prefix) && /^\d+$/.test(v.version.slice(prefix.length)))
      .sort((a, b) => Number(b.version.slice(prefix.length)) - Number(a.version.slice(prefix.length)))[0];
  } else {
    found = versions.find((v) => v.version === requested);
  }
  if (found) return found;
  const published = versions.map((v) => v.version).join(', ') || 'none';
  throw new EmulatorError(
    'VERSION_NOT_FOUND',
    `version "${requested}" of ${registry.publisher}.${registry.name} is not published (published: ${published}). Publish it first or pick a published version.`,
  );
}

export function parseJsonList(text: string | null): string[] {
  if (!text) return [];
  const value = JSON.parse(text) as unknown;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
