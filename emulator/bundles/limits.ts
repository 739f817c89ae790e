import type { SettingRow } from '../capabilities/capability.ts';
import { EmulatorError } from '../errors.ts';

/**
 * What reading one `bundle.tar.zst` may cost. The same limits apply where finalize validates an
 * upload and where the Runner extracts it (both read them from the environment through
 * `parseArchiveLimits`), so an archive one accepts the other can write.
 */
export interface ArchiveLimits {
  /** Decompressed tar stream (headers included), summed over the archive. */
  maxUnpackedBytes: number;
  /** Tar members (files, folders, links), the bundle root entry aside. */
  maxEntries: number;
  /** Size of one member's data. */
  maxEntryBytes: number;
  /** UTF-8 bytes of a member's path. */
  maxPathBytes: number;
  /** UTF-8 bytes of one file or folder name within a path. */
  maxNameBytes: number;
  /** Folders (segments) in a member's path. */
  maxPathDepth: number;
  /** Unpacked bytes per compressed byte, judged once 16 MiB are unpacked. */
  maxCompressionRatio: number;
  /** zstd decoding window a frame may ask for (the decoder allocates and touches all of it). */
  maxZstdWindowBytes: number;
}

const MIB = 1024 * 1024;

/**
 * Why these defaults: a real bundle is a ~10 MB component plus a UI of a few hundred files, so
 * 256 MiB unpacked, 64 MiB per file and 10,000 entries leave an order of magnitude of headroom
 * while a bomb or a 100,000-file bundle stops within a second. Names stop at 255 bytes because
 * Linux and macOS file systems do (ENAMETOOLONG); 1024-byte paths and 32 levels are far beyond
 * any bundler's output. Code and text compress 3–10×; 100× is only reached by filler. `zstd -19`
 * uses an 8 MiB window, and 32 MiB keeps the decoder's memory small whatever the archive claims.
 */
export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxUnpackedBytes: 256 * MIB,
  maxEntries: 10_000,
  maxEntryBytes: 64 * MIB,
  maxPathBytes: 1024,
  maxNameBytes: 255,
  maxPathDepth: 32,
  maxCompressionRatio: 100,
  maxZstdWindowBytes: 32 * MIB,
});

/** Variable, limit field, meaning: the one table parsing and the README are derived from. */
const LIMIT_SETTINGS: readonly (readonly [name: string, key: keyof ArchiveLimits, meaning: string])[] = [
  ['EXT_BUNDLE_MAX_UNPACKED_BYTES', 'maxUnpackedBytes', 'bundle archives (finalize and Runner extraction): most bytes an archive may unpack to (256 MiB); past it 400 BUNDLE_UNPACKED_TOO_LARGE'],
  ['EXT_BUNDLE_MAX_ENTRIES', 'maxEntries', 'bundle archives: most files and folders in one archive; past it BUNDLE_TOO_MANY_ENTRIES'],
  ['EXT_BUNDLE_MAX_ENTRY_BYTES', 'maxEntryBytes', 'bundle archives: largest single file (64 MiB); past it BUNDLE_ENTRY_TOO_LARGE'],
  ['EXT_BUNDLE_MAX_PATH_BYTES', 'maxPathBytes', 'bundle archives: longest member path in UTF-8 bytes; past it BUNDLE_PATH_TOO_LONG'],
  ['EXT_BUNDLE_MAX_NAME_BYTES', 'maxNameBytes', 'bundle archives: longest file or folder name in a path (UTF-8 bytes; file systems stop at 255); past it BUNDLE_PATH_TOO_LONG'],
  ['EXT_BUNDLE_MAX_PATH_DEPTH', 'maxPathDepth', 'bundle archives: most folders in a member path; past it BUNDLE_PATH_TOO_DEEP'],
  ['EXT_BUNDLE_MAX_COMPRESSION_RATIO', 'maxCompressionRatio', 'bundle archives: most unpacked bytes per compressed byte, judged once 16 MiB are unpacked (decompression bombs); past it BUNDLE_RATIO_TOO_HIGH'],
  ['EXT_BUNDLE_MAX_ZSTD_WINDOW_BYTES', 'maxZstdWindowBytes', 'bundle archives: largest zstd window a frame may ask for (32 MiB; `zstd -19` uses 8 MiB); past it BUNDLE_ZSTD_WINDOW_TOO_LARGE'],
];

/** README rows of the archive limits (part of RUNNER_SETTINGS; the registry reads the same variables). */
export const ARCHIVE_LIMIT_SETTINGS: readonly SettingRow[] = LIMIT_SETTINGS.map(([name, key, meaning]) => [name, String(DEFAULT_ARCHIVE_LIMITS[key]), meaning]);

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the archive limits; unset or empty variables keep their default.
 *
 * @example parseArchiveLimits({ EXT_BUNDLE_MAX_ENTRIES: '50000' }).maxEntries // 50000
 */
export function parseArchiveLimits(env: Env): ArchiveLimits {
  const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS };
  for (const [name, key] of LIMIT_SETTINGS) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new EmulatorError('CONFIG_INVALID', `${name} must be a whole number ≥ 1, got "${env[name]}". Fix or unset it.`);
    }
    limits[key] = value;
  }
  return limits;
}
