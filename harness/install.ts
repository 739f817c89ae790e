import { readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulatorError, packExtension, type Registry } from '../emulator/index.ts';
import { describeError } from '../emulator/internals.ts';
import type { TenantRef } from './identities.ts';

/** The samples shipped with the emulator, by folder name (`'hello-host'`). */
export const SAMPLES_DIR = fileURLToPath(new URL('../sample-extensions/', import.meta.url));

/**
 * What to install: an extension folder (with `manifest.json`), a built `bundle.tar.zst` file,
 * the bytes of one, or the name of a sample in `sample-extensions/` (`'hello-host'`).
 */
export type ExtensionSource = string | Uint8Array;

export interface InstallOptions {
  /** The tenant to install for; default the default tenant. */
  tenant?: TenantRef;
  /** Install config values (merged into the install's string map). */
  config?: Readonly<Record<string, string>>;
  /** Secrets, sealed as the registry seals them; the guest reads them with `secrets.get`. */
  secrets?: Readonly<Record<string, string>>;
  /** Providers granted beyond the manifest's capabilities, e.g. `['cap:http.fetch']`. */
  grants?: readonly string[];
  /** The version to install; default the one the source just published. */
  version?: string;
}

/** What `emu.install` did: the ids a test needs to call or inspect the install. */
export interface InstallResult {
  registryId: string;
  installId: string;
  versionId: string;
  version: string;
  /** `sha256:<hex>` of the active bundle. */
  contentHash: string;
  /** `publisher.name`, lower-case: what the Gateway accepts besides the ids. */
  slug: string;
  tenantId: string;
}

/** Where a source comes from, for error messages. */
interface SourceBytes {
  bytes: Uint8Array;
  from: string;
}

/**
 * The bundle bytes of a source. Folders are packed deterministically with a fast zstd level; a
 * folder whose manifest declares `api.endpoints` must hold its built `dist/main.wasm`.
 *
 * @example const { bytes } = await sourceBytes('hello-host');
 */
export async function sourceBytes(source: ExtensionSource): Promise<SourceBytes> {
  if (ArrayBuffer.isView(source)) return { bytes: new Uint8Array(source.buffer, source.byteOffset, source.byteLength), from: `${source.byteLength} bundle bytes` };
  if (typeof source !== 'string' || source.trim() === '') {
    throw new EmulatorError('INSTALL_SOURCE_INVALID', 'Failed to install: the source must be a folder, a .tar.zst path, bundle bytes or a sample name.');
  }
  const sample = await sampleFolder(source);
  const path = sample ?? resolve(source);
  const kind = await kindOf(path);
  if (kind === 'file') {
    if (!path.endsWith('.tar.zst')) {
      throw new EmulatorError('INSTALL_SOURCE_INVALID', `Failed to install ${path}: a file source must be a bundle.tar.zst. Pass the extension folder instead, or pack it first.`);
    }
    return { bytes: new Uint8Array(await readFile(path)), from: path };
  }
  if (kind === 'missing') {
    throw new EmulatorError('INSTALL_SOURCE_NOT_FOUND', `Failed to install "${source}": no folder or file at ${path}, and no sample of that name in ${SAMPLES_DIR}. Check the path.`);
  }
  await requireBuiltComponent(path);
  try {
    return { bytes: (await packExtension(path, { level: 1 })).bytes, from: path };
  } catch (err) {
    throw new EmulatorError('INSTALL_SOURCE_INVALID', `Failed to pack ${path}: ${describeError(err)}. Fix: check the folder (alga-emulator pack ${path} shows the same error), or pass a packed .tar.zst.`, { cause: err });
  }
}

/**
 * Publishes bytes through the registry (manifest validation and dev signing as production's
 * publish in dev mode; the same version again becomes its new active bundle, like the dev loop),
 * installs the version for the tenant, then applies config, grants and secrets.
 *
 * @example await publishAndInstall(registry, tenantId, bytes, { config: { region: 'eu' } })
 */
export async function publishAndInstall(registry: Registry, tenantId: string, bytes: Uint8Array, options: InstallOptions): Promise<InstallResult> {
  const published = await registry.publishBytes(bytes, { newBundleForExistingVersion: true });
  const registryId = published.extension.id;
  await registry.install(tenantId, registryId, options.version ?? published.version.version);
  if (options.config !== undefined || options.grants !== undefined) {
    registry.setConfig(tenantId, registryId, { values: options.config ?? {}, addProviders: options.grants ?? [] });
  }
  if (options.secrets !== undefined) registry.setSecrets(tenantId, registryId, options.secrets);
  const view = registry.installOf(tenantId, registryId);
  if (!view?.contentHash) {
    throw new EmulatorError('INSTALL_NOT_ACTIVE', `Failed to install ${published.extension.publisher}.${published.extension.name}: the install has no active bundle after publishing.`);
  }
  return {
    registryId,
    installId: view.installId,
    versionId: view.versionId,
    version: view.version,
    contentHash: view.contentHash,
    slug: view.slug,
    tenantId,
  };
}

/** A bare name (no separators, not relative) that names a folder of `sample-extensions/`. */
async function sampleFolder(source: string): Promise<string | undefined> {
  if (source.includes('/') || source.includes(sep) || source.startsWith('.')) return undefined;
  const dir = join(SAMPLES_DIR, source);
  return (await kindOf(join(dir, 'manifest.json'))) === 'file' ? dir : undefined;
}

async function kindOf(path: string): Promise<'file' | 'folder' | 'missing'> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}

/** A handler extension packed without its component would publish and then fail every call. */
async function requireBuiltComponent(dir: string): Promise<void> {
  let endpoints: unknown;
  try {
    endpoints = (JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { api?: { endpoints?: unknown } }).api?.endpoints;
  } catch {
    return; // publish reports a missing or broken manifest with its own message
  }
  if (!Array.isArray(endpoints) || endpoints.length === 0) return;
  if ((await kindOf(join(dir, 'dist', 'main.wasm'))) === 'file') return;
  throw new EmulatorError(
    'COMPONENT_NOT_BUILT',
    `Failed to install ${dir}: manifest.json declares api.endpoints but dist/main.wasm is missing. Build the component first (samples: npm run build:samples).`,
  );
}
