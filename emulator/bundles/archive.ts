import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './limits.ts';
import { collectBundle } from './scan.ts';

/** One raw member of a bundle archive, path exactly as stored (not sanitized). */
export interface BundleEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** File contents; empty for directories, links and other bodyless entries. */
  data: Uint8Array;
  mode: number;
  /** Target of a symlink or hard link entry, when the archive records one. */
  linkTarget?: string;
}

/**
 * Decompresses a `bundle.tar.zst` on a worker thread and lists its members, under the archive
 * limits (a bomb stops at the first limit passed, with its code). Reads streamed zstd frames
 * without a content size (GNU `tar | zstd -19`) as well as the emulator's own packs. Entries are
 * returned raw, links and unsafe paths included: what finalize and the Runner accept is decided
 * by `scanBundle`, which applies the entry rules.
 *
 * @example const entries = await readBundleArchive(bytes); entries.map((e) => e.path)
 */
export async function readBundleArchive(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<BundleEntry[]> {
  return (await collectBundle(bytes, limits)).entries;
}
