// Public surface of the bundles module: hashing, packing, reading archives (and their limits), the
// bundle store and the Runner's extraction cache. Everything else in this folder is internal.
export { computeContentHash, hashHex, normalizeContentHash } from './hash.ts';
export { readBundleArchive, type BundleEntry } from './archive.ts';
export { collectBundle, scanBundle, type ScanOptions, type ScanResult, type ScannedEntry, type CollectedEntry } from './scan.ts';
export { ARCHIVE_LIMIT_SETTINGS, DEFAULT_ARCHIVE_LIMITS, parseArchiveLimits, type ArchiveLimits } from './limits.ts';
export {
  compressZstd,
  DEFAULT_PACK_LEVEL,
  packEntries,
  packExtension,
  type PackEntry,
  type PackOptions,
  type PackResult,
} from './pack.ts';
export {
  bundleStoreKey,
  createBundleStore,
  FileBundleStore,
  MemoryBundleStore,
  type BundleStore,
  type StoreFileHandle,
  type StoreFs,
} from './store.ts';
export {
  BundleCache,
  readBundleFile,
  sanitizeEntryPath,
  type BundleCacheOptions,
  type ExtractedBundle,
} from './extract.ts';
