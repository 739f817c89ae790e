import { decompress } from 'fzstd';
import { unpackTar, type TarHeader } from 'modern-tar';
import { EmulatorError, describeError } from '../errors.ts';

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

const REPACK_HINT = 'Repack the extension with the emulator packer or `tar -cf - … | zstd`.';

/**
 * Decompresses a `bundle.tar.zst` and lists its members. Reads streamed zstd frames without a
 * content size (GNU `tar | zstd -19`) as well as the emulator's own packs. Entries are returned
 * raw: callers that write to disk must filter them (see `BundleCache`).
 *
 * @example const entries = await readBundleArchive(bytes); entries.map((e) => e.path)
 */
export async function readBundleArchive(bytes: Uint8Array): Promise<BundleEntry[]> {
  const tar = decompressZstd(bytes);
  return (await untar(tar)).map(toBundleEntry);
}

function decompressZstd(bytes: Uint8Array): Uint8Array {
  // fzstd returns an empty result for empty input; an empty upload is still not an archive.
  if (bytes.byteLength === 0) throw notZstd('the file is empty');
  try {
    return decompress(bytes);
  } catch (err) {
    throw notZstd(reasonOf(err), err);
  }
}

async function untar(tar: Uint8Array): Promise<{ header: TarHeader; data?: Uint8Array }[]> {
  try {
    // strict: a truncated archive or a corrupted header must fail instead of listing a prefix.
    return await unpackTar(tar, { strict: true });
  } catch (err) {
    throw new EmulatorError(
      'BUNDLE_BAD_TAR',
      `bundle is not a valid tar archive inside its zstd frame: ${reasonOf(err)}. ${REPACK_HINT}`,
      { cause: err },
    );
  }
}

function notZstd(reason: string, cause?: unknown): EmulatorError {
  return new EmulatorError('BUNDLE_NOT_ZSTD', `bundle is not a valid zstd archive: ${reason}. ${REPACK_HINT}`, { cause });
}

// Library messages end with their own period ("Tar archive is truncated."); ours add one.
function reasonOf(err: unknown): string {
  return describeError(err).replace(/\.+$/, '');
}

function toBundleEntry(raw: { header: TarHeader; data?: Uint8Array }): BundleEntry {
  const { header } = raw;
  const entry: BundleEntry = {
    path: header.name,
    type: entryType(header.type),
    data: raw.data ?? new Uint8Array(0),
    mode: header.mode ?? 0,
  };
  if (header.linkname) entry.linkTarget = header.linkname;
  return entry;
}

function entryType(type: TarHeader['type']): BundleEntry['type'] {
  if (type === undefined || type === 'file') return 'file';
  if (type === 'directory' || type === 'symlink') return type;
  return 'other';
}
