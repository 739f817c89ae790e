/**
 * Where the registry, publish API and signing deliberately differ from production (parity
 * policy rule 2). Listed by `npm run parity-notes` and in the README.
 */
export const REGISTRY_PARITY_NOTES: readonly string[] = [
  'Bundle signatures are real (the seeds\' design): detached Ed25519 or ECDSA P-256 signatures over the content hash, verified at finalize, at install and whenever the Runner reads an archive; SIGNING_MODE=off restores production\'s stub acceptance.',
  'SIGNING_MODE=dev (the default) signs unsigned bundles, and bundles carrying the official CLI\'s placeholder signature, with a dev key kept in the data folder, and warns; SIGNING_MODE=strict refuses them with SIGNATURE_MISSING / SIGNATURE_UNVERIFIABLE.',
  'Install secrets are sealed at rest with AES-256-GCM under a key that exists only in the data folder (keys/secrets.key) and reach the Runner as a vault-transit envelope that the Runner opens with the same key (production: Vault transit or inline base64).',
  'A publish API key belongs to one user of one tenant: x-tenant-id naming another tenant answers 403 TENANT_MISMATCH, and install/uninstall/update need the extension:write permission (403 RBAC_FORBIDDEN).',
  '`npm run emulate` (and the dev loop) publishes a changed sample as a new active bundle of the same version instead of answering 409 EXTENSION_VERSION_ALREADY_EXISTS; the publish API and `alga-emulator publish` still answer 409.',
  'Finalize journals the archive it moves, so a crash between copying the archive and registering it leaves no orphaned archive: the next start removes it.',
  'JSON bodies of the publish API (finalize, install, uninstall, update) are capped at 5 MiB: 413 REQUEST_BODY_TOO_LARGE names the route and the limit (production\'s finalize route reads its JSON body without a cap of its own).',
  'A staged upload is removed when its finalize fails (any error: fix the bundle and upload again) and when it waits longer than BUNDLE_STAGING_TTL_MS (default 1 hour) for its finalize; finalizing it then answers 404 STAGED_BUNDLE_NOT_FOUND. Production keeps staged objects until the bucket\'s own lifecycle removes them, so a second finalize of the same key can still succeed there.',
  'Finalize always reads the whole archive with the Runner\'s rules and limits, and a sent manifestJson must parse to the same JSON as the archive\'s manifest.json (400 MANIFEST_MISMATCH), and an archive without manifest.json is refused (400 MANIFEST_NOT_FOUND) even when manifestJson is sent; an archive that does not unpack answers 400 BUNDLE_NOT_ZSTD / BUNDLE_BAD_TAR (production trusts manifestJson without opening the archive, and answers 500 MANIFEST_EXTRACTION_FAILED for an unreadable archive when it has to open it).',
];
