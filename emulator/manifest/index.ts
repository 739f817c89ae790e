// Public surface of the manifest module: validating manifest.json as publish does, wildcard
// versions and slugs. Everything else in this folder is internal.
export {
  DEFAULT_PUBLISHER,
  HTTP_METHODS,
  invalidManifestError,
  isWildcardVersion,
  MANIFEST_FIELDS,
  ManifestError,
  manifestSlug,
  parseManifestText,
  resolveWildcardVersion,
  validateManifest,
  type ApiEndpoint,
  type ExtensionManifest,
  type ManifestIssue,
  type ManifestResult,
  type MenuHook,
  type UiSection,
} from './manifest.ts';
