import { randomUUID } from 'node:crypto';
import { computeContentHash, hashHex } from '../bundles/hash.ts';
import { ownerIsGone, processOwner } from '../bundles/leftovers.ts';
import { scanBundle } from '../bundles/scan.ts';
import { EmulatorError, type ErrorBody } from '../errors.ts';
import { isWildcardVersion, resolveWildcardVersion, type ExtensionManifest } from '../manifest/index.ts';
import { signContentHash, verifyBundleSignature } from '../signing/index.ts';
import { MAX_BUNDLE_BYTES, canonicalKey, type RegistryContext } from './context.ts';
import { manifestFromScan } from './manifest-match.ts';
import { claimForFinalize, discardStaged, recordStaged, stagedNotFound } from './leftovers.ts';
import { placeCopiesForInstallsOf } from './installs.ts';
import { refreshVersionFromManifest, versionColumns } from './version-refresh.ts';
import type { BundleRow, RegistryRow, VersionRow } from './statements.ts';

const HEX64 = /^[0-9a-f]{64}$/;
/** The only keys finalize takes: what `stageUpload` returns (`{id}` is a UUID there). */
const STAGING_KEY = /^sha256\/_staging\/[A-Za-z0-9_-]{1,64}\/bundle\.tar\.zst$/;

export interface StageInput {
  bytes: Uint8Array;
  /** The `size` query parameter as sent. */
  size: string | number | undefined;
  /** The `declaredHash` query parameter as sent (64 lowercase hex). */
  declaredHash: string | undefined;
}

export interface StageResult {
  upload: { key: string; strategy: 'staging' };
  filename: string;
  size: number;
  declaredHash: string;
}

/** Checks an upload's declared size before its body is read (413 without buffering 200 MiB). */
export function checkDeclaredSize(size: string | number | undefined, maxBytes: number = MAX_BUNDLE_BYTES): number {
  const value = typeof size === 'number' ? size : Number(size);
  if (size === undefined || size === '' || !Number.isInteger(value) || value <= 0) {
    throw new EmulatorError('INVALID_SIZE', `size must be a positive integer byte count, got ${JSON.stringify(size ?? null)}. Send ?size=<bytes of the archive>.`);
  }
  if (value > maxBytes) {
    const mib = maxBytes % (1024 * 1024) === 0 ? ` (${maxBytes / (1024 * 1024)} MiB)` : '';
    throw new EmulatorError('BUNDLE_TOO_LARGE', `bundle is ${value} bytes; the limit is ${maxBytes} bytes${mib}. Shrink the bundle (drop source maps, large assets).`);
  }
  return value;
}

/**
 * Step 1 of publish: keep the raw upload under `sha256/_staging/{uuid}/bundle.tar.zst`, recorded
 * first so the sweeps find it (it expires after BUNDLE_STAGING_TTL_MS). `claimed`: finalize follows
 * in this process (publishBytes).
 */
export async function stageUpload(ctx: RegistryContext, input: StageInput, options: { claimed?: boolean; onStep?: PublishOptions['onStep'] } = {}): Promise<StageResult> {
  const size = checkDeclaredSize(input.size, ctx.maxBundleBytes);
  const declaredHash = checkDeclaredHash(input.declaredHash);
  if (input.bytes.byteLength !== size) {
    throw new EmulatorError('SIZE_MISMATCH', `size says ${size} bytes but the body has ${input.bytes.byteLength}. Send the archive bytes unchanged with their exact size.`);
  }
  const key = `sha256/_staging/${randomUUID()}/bundle.tar.zst`;
  recordStaged(ctx, key, options.claimed === true);
  try {
    await ctx.store.put(key, input.bytes);
  } catch (err) {
    await discardStaged(ctx, key);
    throw err;
  }
  options.onStep?.('staged-written');
  return { upload: { key, strategy: 'staging' }, filename: 'bundle.tar.zst', size, declaredHash };
}

function checkDeclaredHash(value: string | undefined): string {
  if (value === undefined || !HEX64.test(value)) {
    throw new EmulatorError('INVALID_DECLARED_HASH', `declaredHash must be 64 lowercase hex characters (the sha256 of the archive), got ${JSON.stringify(value ?? null)}.`);
  }
  return value;
}

export interface FinalizeInput {
  key: unknown;
  declaredHash: unknown;
  size?: unknown;
  manifestJson?: unknown;
  signature?: { text?: unknown; algorithm?: unknown } | null;
}

export interface PublishOptions {
  /**
   * Emulator dev loop (`npm run emulate` samples, `--ext` watch): when the version exists, add
   * these bytes as its newest bundle (the active one) instead of answering 409 (same hash: that
   * bundle becomes active again). Either way the version's capabilities, endpoints and UI follow
   * this manifest, and its installs' grants follow them (version-refresh.ts).
   */
  newBundleForExistingVersion?: boolean;
  /**
   * Test hook (kill-during-publish tests): called as each step completes, in order. Steps a
   * publish does not take (a 409 or a re-activated bundle copies nothing) are not reported.
   */
  onStep?: (step: PublishStep) => void;
}

/**
 * The durable steps of a publish: `staged-written` (upload stored; publishBytes only), `hashed`,
 * `journaled` (canonical key recorded for start-up repair), `archive-copied`, `rows-committed`,
 * `staging-deleted`. A kill after `rows-committed` leaves the version registered; before it, nothing.
 */
export type PublishStep = 'staged-written' | 'hashed' | 'journaled' | 'archive-copied' | 'rows-committed' | 'staging-deleted';

export interface FinalizeResult {
  extension: { id: string; name: string; publisher: string };
  version: { id: string; version: string };
  contentHash: string;
  canonicalKey: string;
  /** Emulator extras: how the signature was judged, and warnings worth printing. */
  signature: { status: string; keyId?: string };
  warnings: string[];
}

/**
 * Step 2 of publish: hash the staged bytes, read the whole archive once under the archive limits
 * with the rules the Runner extracts by (`scanBundle`, off the main thread), take its
 * manifest.json (a sent `manifestJson` must equal it) and validate it, check the signature,
 * copy the archive to its canonical key, then check the version is free and register extension,
 * version, bundle and endpoints in one transaction. A failure at any point leaves neither rows nor
 * a new archive behind.
 */
export async function finalizeUpload(ctx: RegistryContext, input: FinalizeInput, options: PublishOptions = {}): Promise<FinalizeResult> {
  const key = typeof input.key === 'string' ? input.key : '';
  if (!STAGING_KEY.test(key)) {
    throw new EmulatorError('INVALID_KEY', `key must be the staging key upload-proxy returned (sha256/_staging/<id>/bundle.tar.zst), got ${JSON.stringify(input.key ?? null)}. Fix: send upload.key from the upload-proxy answer unchanged.`);
  }
  await claimForFinalize(ctx, key);
  // Whatever happens next, the upload is used up: a failed finalize removes it at once.
  try {
    const result = await finalizeStaged(ctx, key, input, options);
    await discardStaged(ctx, key);
    options.onStep?.('staging-deleted');
    return result;
  } catch (err) {
    await discardStaged(ctx, key);
    throw err;
  }
}

async function finalizeStaged(ctx: RegistryContext, key: string, input: FinalizeInput, options: PublishOptions): Promise<FinalizeResult> {
  const declaredHash = checkDeclaredHash(typeof input.declaredHash === 'string' ? input.declaredHash : undefined);
  const bytes = await ctx.store.get(key);
  if (!bytes) throw stagedNotFound(ctx, key);
  const hex = hashHex(computeContentHash(bytes));
  if (hex !== declaredHash) {
    throw new EmulatorError('HASH_MISMATCH', `the staged bundle hashes to ${hex}, not the declared ${declaredHash}: the upload was altered or the hash was computed over other bytes.`);
  }
  options.onStep?.('hashed');
  const scan = await scanBundle(bytes, ctx.archiveLimits);
  const manifest = manifestFromScan(scan, input.manifestJson);
  const signatureText = typeof input.signature?.text === 'string' ? input.signature.text : null;
  const result = await register(ctx, bytes, hex, manifest, signatureText, options);
  // A new active bundle of an existing version reaches every install of it (none for a new version).
  if (options.newBundleForExistingVersion) await placeCopiesForInstallsOf(ctx, result.version.id);
  return result;
}

/** What a publish does, decided from the rows as they are now. */
type PublishPlan =
  | { kind: 'conflict'; error: EmulatorError }
  | { kind: 'republish'; version: VersionRow; bundle: BundleRow }
  | { kind: 'insert'; existing: RegistryRow | undefined; version: string; sameVersion: VersionRow | undefined };

interface PublishSubject {
  bytes: Uint8Array;
  hex: string;
  contentHash: string;
  publisher: string;
  manifest: ExtensionManifest;
}

/**
 * Reads and writes happen in one transaction, so two publishes of the same extension cannot both
 * pass the checks. The store work is async and cannot run inside it: the archive is put first, and
 * the decision is taken again in the writing transaction (another publish may have committed while
 * the store was awaited); an archive no row points to is removed afterwards.
 */
async function register(ctx: RegistryContext, bytes: Uint8Array, hex: string, manifest: ExtensionManifest, signatureText: string | null, options: PublishOptions): Promise<FinalizeResult> {
  const subject: PublishSubject = { bytes, hex, contentHash: `sha256:${hex}`, publisher: manifest.publisher ?? 'local-dev', manifest };
  const decide = (): PublishPlan => planPublish(ctx, subject, options);
  // A 409 or a re-activated bundle needs no store work: answer it at once.
  const quick = ctx.db.transaction(() => {
    const plan = decide();
    return plan.kind === 'insert' ? undefined : settle(ctx, subject, plan);
  })();
  if (quick) return quick;
  const signed = judgeSignature(ctx, subject.contentHash, signatureText);
  const target = canonicalKey(hex);
  const existed = await ctx.store.has(target);
  ctx.sql.insertJournal.run({ canonical_key: target, staging_key: '', owner: processOwner(), now: ctx.now() });
  options.onStep?.('journaled');
  try {
    if (!existed) await ctx.store.put(target, bytes);
    options.onStep?.('archive-copied');
    const result = ctx.db.transaction(() => {
      const plan = decide();
      return plan.kind === 'insert' ? insertPlanned(ctx, subject, plan, signed, target) : settle(ctx, subject, plan);
    })();
    options.onStep?.('rows-committed');
    return result;
  } finally {
    if (!existed && !ctx.sql.bundleWithStorageUrl.get(target)) await ctx.store.delete(target).catch(() => undefined);
    ctx.sql.deleteJournal.run(target);
  }
}

function planPublish(ctx: RegistryContext, subject: PublishSubject, options: PublishOptions): PublishPlan {
  const { publisher, manifest } = subject;
  const existing = ctx.sql.registryByPublisherName.get(publisher, manifest.name);
  const taken = existing ? ctx.sql.versionsOf.all(existing.id).map((v) => v.version) : [];
  const version = isWildcardVersion(manifest.version) ? resolveWildcardVersion(manifest.version, taken) : manifest.version;
  const sameVersion = existing && taken.includes(version) ? ctx.sql.versionOf.get(existing.id, version) : undefined;
  if (sameVersion && !options.newBundleForExistingVersion) return { kind: 'conflict', error: versionExists(publisher, manifest.name, version) };
  // UNIQUE(version_id, content_hash): the same archive again (or a revert) only becomes the active bundle again.
  const republished = sameVersion ? ctx.sql.bundlesOfVersion.all(sameVersion.id).find((b) => b.content_hash === subject.contentHash) : undefined;
  if (sameVersion && republished) return { kind: 'republish', version: sameVersion, bundle: republished };
  return { kind: 'insert', existing, version, sameVersion };
}

/** Throws the conflict, or makes the already-stored bundle the active one again. */
function settle(ctx: RegistryContext, subject: PublishSubject, plan: Exclude<PublishPlan, { kind: 'insert' }>): FinalizeResult {
  if (plan.kind === 'conflict') throw plan.error;
  ctx.sql.makeBundleNewest.run(plan.bundle.id);
  refreshVersionFromManifest(ctx, plan.version.id, subject.manifest);
  return {
    extension: { id: plan.version.registry_id, name: subject.manifest.name, publisher: subject.publisher },
    version: { id: plan.version.id, version: plan.version.version },
    contentHash: subject.hex,
    canonicalKey: plan.bundle.storage_url,
    signature: { status: 'unchanged' },
    warnings: [],
  };
}

function insertPlanned(ctx: RegistryContext, subject: PublishSubject, plan: Extract<PublishPlan, { kind: 'insert' }>, signed: Signed, target: string): FinalizeResult {
  const { manifest, publisher } = subject;
  const row = { existing: plan.existing?.id, publisher, manifest, version: plan.version, contentHash: subject.contentHash, signature: signed.text, target, size: subject.bytes.byteLength };
  const ids = plan.sameVersion ? insertBundleRow(ctx, plan.sameVersion.id, row) : insertRows(ctx, row);
  if (plan.sameVersion) refreshVersionFromManifest(ctx, plan.sameVersion.id, manifest);
  return {
    extension: { id: ids.registryId, name: manifest.name, publisher },
    version: { id: ids.versionId, version: plan.version },
    contentHash: subject.hex,
    canonicalKey: target,
    signature: { status: signed.status, ...(signed.keyId ? { keyId: signed.keyId } : {}) },
    warnings: signed.warnings,
  };
}

function versionExists(publisher: string, name: string, version: string): EmulatorError {
  return new VersionExistsError(
    `${publisher}.${name} ${version} is already published and versions are immutable. Bump "version" in manifest.json (or use "X.Y.*" to take the next patch).`,
  );
}

/** EXTENSION_VERSION_ALREADY_EXISTS, whose 409 body spec 06 nests: `{success: false, error: {message, code}}`. */
export class VersionExistsError extends EmulatorError {
  constructor(message: string) {
    super('EXTENSION_VERSION_ALREADY_EXISTS', message);
    this.name = 'VersionExistsError';
  }

  override toResponseBody(): ErrorBody {
    return { success: false, error: { message: this.message, code: this.code } };
  }
}

interface Signed {
  text: string | null;
  status: string;
  keyId?: string;
  warnings: string[];
}

/** Verifies per the signing mode; in dev mode an unsigned or placeholder bundle gets the dev key's signature. */
function judgeSignature(ctx: RegistryContext, contentHash: string, text: string | null): Signed {
  const verdict = verifyBundleSignature({ contentHash, signatureText: text, trust: ctx.signing.trust, mode: ctx.signing.mode });
  if ((verdict.status === 'unsigned' || verdict.status === 'placeholder') && ctx.signing.devKey) {
    const what = verdict.status === 'placeholder' ? "carries the official CLI's placeholder signature (unverifiable)" : 'is unsigned';
    const warning = `${contentHash} ${what}: signed it with the emulator's dev key ${ctx.signing.devKey.keyId} (SIGNING_MODE=dev). SIGNING_MODE=strict would refuse it; sign with a key in SIGNING_TRUST_BUNDLE (\`alga-emulator sign\`).`;
    ctx.warn(warning);
    return { text: signContentHash(contentHash, ctx.signing.devKey.privateKeyPem), status: 'dev-signed', keyId: ctx.signing.devKey.keyId, warnings: [...verdict.warnings, warning] };
  }
  for (const warning of verdict.warnings) ctx.warn(warning);
  return { text, status: verdict.status, ...(verdict.keyId ? { keyId: verdict.keyId } : {}), warnings: verdict.warnings };
}

interface RowInput {
  existing: string | undefined;
  publisher: string;
  manifest: ExtensionManifest;
  version: string;
  contentHash: string;
  signature: string | null;
  target: string;
  size: number;
}

function insertRows(ctx: RegistryContext, input: RowInput): { registryId: string; versionId: string } {
  const now = ctx.now();
  const registryId = input.existing ?? ctx.newId();
  if (input.existing) ctx.sql.touchRegistry.run({ id: registryId, now });
  else ctx.sql.insertRegistry.run({ id: registryId, publisher: input.publisher, name: input.manifest.name, now });
  const versionId = ctx.newId();
  const endpoints = input.manifest.api?.endpoints ?? [];
  ctx.sql.insertVersion.run({ id: versionId, registry_id: registryId, version: input.version, ...versionColumns(input.manifest), now });
  insertBundleRow(ctx, versionId, input);
  for (const endpoint of endpoints) {
    ctx.sql.insertEndpoint.run({ id: ctx.newId(), version_id: versionId, method: endpoint.method, path: endpoint.path, handler: endpoint.handler });
  }
  return { registryId, versionId };
}

/** Adds the version's newest (active) bundle row. */
function insertBundleRow(ctx: RegistryContext, versionId: string, input: RowInput): { registryId: string; versionId: string } {
  const version = ctx.sql.versionById.get(versionId);
  const registryId = version?.registry_id ?? '';
  ctx.sql.insertBundle.run({
    id: ctx.newId(),
    version_id: versionId,
    content_hash: input.contentHash,
    signature: input.signature,
    precompiled: Object.keys(input.manifest.precompiled).length > 0 ? JSON.stringify(input.manifest.precompiled) : null,
    storage_url: input.target,
    size_bytes: input.size,
    now: ctx.now(),
  });
  return { registryId, versionId };
}

/**
 * Startup repair: archives a crash left between "copied" and "registered" are removed. A publish
 * still running in another process (the CLI on the same data folder) keeps its journal row.
 */
export async function sweepPublishJournal(ctx: RegistryContext): Promise<string[]> {
  const removed: string[] = [];
  for (const row of ctx.sql.journal.all()) {
    if (!ownerIsGone(row.owner)) continue;
    if (!ctx.sql.bundleWithStorageUrl.get(row.canonical_key)) {
      await ctx.store.delete(row.canonical_key).catch(() => undefined);
      removed.push(row.canonical_key);
    }
    ctx.sql.deleteJournal.run(row.canonical_key);
  }
  return removed;
}
