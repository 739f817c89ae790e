// Public surface of the bundles module: hashing, packing, reading archives, the bundle store and
// the Runner's extraction cache. Everything else in this folder is internal.
export { computeContentHash, hashHex, normalizeContentHash } from './hash.ts';
export { readBundleArchive, type BundleEntry } from './archive.ts';
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
