// Nothing left behind: staged uploads expire, a failed finalize drops its upload at once, and
// start-up repair removes what a killed publish left. Rows in `staged_upload` say which uploads
// exist, when they were staged (registry clock) and which process last finalized them.
import { ownerIsGone, processOwner } from '../bundles/leftovers.ts';
import { EmulatorError } from '../errors.ts';
import type { RegistryContext } from './context.ts';
import type { StagedUploadRow } from './statements.ts';

/** Default BUNDLE_STAGING_TTL_MS: an upload not finalized within an hour is removed. */
export const DEFAULT_STAGING_TTL_MS = 60 * 60 * 1000;

/** Where upload-proxy stages uploads (`sha256/_staging/{uuid}/bundle.tar.zst`). */
const STAGING_PREFIX = 'sha256/_staging';

/**
 * Records an upload before its bytes are written, so a kill during the write leaves a row the
 * sweeps find. `claimed`: stage and finalize run as one call (publishBytes), so the upload belongs
 * to this process's finalize from the start and a kill removes it at the next start.
 */
export function recordStaged(ctx: RegistryContext, key: string, claimed: boolean): void {
  ctx.sql.insertStaged.run({ staging_key: key, staged_at_ms: nowMs(ctx), finalizing_owner: claimed ? processOwner() : null });
}

/**
 * Before finalize reads an upload: an expired one is removed and refused (404
 * STAGED_BUNDLE_NOT_FOUND saying so); otherwise the upload is marked as this process's finalize.
 */
export async function claimForFinalize(ctx: RegistryContext, key: string): Promise<void> {
  const row = ctx.sql.stagedByKey.get(key);
  if (!row) return;
  const age = nowMs(ctx) - row.staged_at_ms;
  if (age > ctx.stagingTtlMs) {
    await discardStaged(ctx, key);
    throw new EmulatorError(
      'STAGED_BUNDLE_NOT_FOUND',
      `the upload staged under ${key} expired: staged uploads are kept ${ctx.stagingTtlMs} ms (BUNDLE_STAGING_TTL_MS) and this one was staged ${age} ms ago. ` +
        'Fix: upload the bundle again with /api/ext-bundles/upload-proxy and finalize it sooner, or raise BUNDLE_STAGING_TTL_MS.',
    );
  }
  ctx.sql.claimStaged.run({ staging_key: key, owner: processOwner() });
}

/** The 404 for a key with nothing behind it, naming every reason and the fix. */
export function stagedNotFound(ctx: RegistryContext, key: string): EmulatorError {
  return new EmulatorError(
    'STAGED_BUNDLE_NOT_FOUND',
    `nothing is staged under ${key}: it was finalized already, its finalize failed, it expired (uploads are removed ${ctx.stagingTtlMs} ms after upload, BUNDLE_STAGING_TTL_MS), or it was never uploaded. ` +
      'Fix: upload again with /api/ext-bundles/upload-proxy and finalize the key it returns.',
  );
}

/** Removes an upload's bytes, then its row (a kill in between leaves a row-less file the orphan sweep removes). */
export async function discardStaged(ctx: RegistryContext, key: string): Promise<void> {
  await ctx.store.delete(key).catch(() => undefined);
  ctx.sql.deleteStaged.run(key);
}

/**
 * Removes expired uploads (older than BUNDLE_STAGING_TTL_MS on the registry's clock), uploads
 * whose finalize ran in a process that is gone (killed mid-publish), and staged files no row
 * names (written before uploads were recorded) once their file time is older than the TTL.
 * A live process's finalize keeps its upload. Returns the keys removed.
 */
export async function sweepStagedUploads(ctx: RegistryContext): Promise<string[]> {
  const removed: string[] = [];
  for (const row of ctx.sql.stagedToSweep.all(nowMs(ctx) - ctx.stagingTtlMs - 1)) {
    if (!isExpired(ctx, row) && (row.finalizing_owner === null || !ownerIsGone(row.finalizing_owner))) continue;
    await discardStaged(ctx, row.staging_key);
    removed.push(row.staging_key);
  }
  // File times are real time whatever the registry's clock says.
  const cutoff = Date.now() - ctx.stagingTtlMs;
  for (const file of (await ctx.store.list?.(STAGING_PREFIX)) ?? []) {
    if (file.writtenAtMs >= cutoff || ctx.sql.stagedByKey.get(file.key)) continue;
    await ctx.store.delete(file.key).catch(() => undefined);
    removed.push(file.key);
  }
  return removed;
}

function isExpired(ctx: RegistryContext, row: StagedUploadRow): boolean {
  return nowMs(ctx) - row.staged_at_ms > ctx.stagingTtlMs;
}

function nowMs(ctx: RegistryContext): number {
  return Date.parse(ctx.now());
}
