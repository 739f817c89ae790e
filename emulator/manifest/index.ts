// Public surface of the manifest module: validating manifest.json as publish does, wildcard
// versions and slugs. Everything else in this folder is internal.
export {
  DEFAULT_PUBLISHER,
  HTTP_METHODS,
  invalidManifestError,
  isWildcardVersion,
  MANIFEST_LIMITS,
  MANIFEST_FIELDS,
  ManifestError,
  ManifestTooLargeError,
  manifestSlug,
  parseManifestText,
  resolveWildcardVersion,
  validateManifest,
  type ApiEndpoint,
  type ExtensionManifest,
  type ManifestIssue,
  type ManifestLimits,
  type ManifestResult,
  type MenuHook,
  type UiSection,
} from './manifest.ts';
