// Size and count limits of manifest.json, so one hostile manifest cannot make every Gateway call,
// state answer or error body grow without bound. Internal to emulator/manifest.
import { EmulatorError, type ErrorBody } from '../errors.ts';
import type { ManifestIssue } from './issues.ts';

/** Limits applied by `validateManifest` / `parseManifestText`; characters are Unicode code points. */
export interface ManifestLimits {
  /** UTF-8 bytes of the manifest text (MANIFEST_TOO_LARGE above it). */
  manifestBytes: number;
  /** `name`, `publisher`, `version`, `runtime`: production stores each in a varchar(255) column. */
  identifierChars: number;
  /** `ui.entry`, endpoint `path` and `handler`, `assets[i]`, `precompiled` values. */
  pathChars: number;
  /** `ui.hooks.*.label`: shown in a menu and in every shell state answer. */
  labelChars: number;
  /** `capabilities[i]`, `precompiled` keys. */
  keyChars: number;
  endpoints: number;
  capabilities: number;
  assets: number;
  precompiled: number;
  /** Keys of `ui.hooks` (known and ignored ones together). */
  hooks: number;
  /** Issues (and, separately, warnings) listed before the rest are summarised in one line. */
  reportedIssues: number;
}

/**
 * The emulator's manifest limits. Production (Nine-Minds/alga-psa) validates no length or count
 * (`ee/server/src/lib/extensions/bundles/manifest.ts`); its only bounds are the varchar(255)
 * columns `extension_registry.publisher/name` and `extension_version.version/runtime`
 * (`ee/server/migrations/2025080801_create_extension_registry.cjs`, `…02_create_extension_version.cjs`),
 * which `identifierChars` copies. The rest are emulator defaults (parity notes say so).
 */
export const MANIFEST_LIMITS: Readonly<ManifestLimits> = Object.freeze({
  manifestBytes: 512 * 1024,
  identifierChars: 255,
  pathChars: 1024,
  labelChars: 128,
  keyChars: 128,
  endpoints: 1000,
  capabilities: 64,
  assets: 256,
  precompiled: 16,
  hooks: 16,
  reportedIssues: 100,
});

/**
 * MANIFEST_TOO_LARGE (413): the manifest text is over `manifestBytes`. Raised before the text is
 * parsed; its body carries the one issue in `details.issues`, as INVALID_MANIFEST does.
 */
export class ManifestTooLargeError extends EmulatorError {
  readonly issues: readonly ManifestIssue[];

  constructor(bytes: number, limit: number) {
    const issue = { path: '$', message: `has ${bytes} bytes; the limit is ${limit} bytes` };
    super(
      'MANIFEST_TOO_LARGE',
      `manifest.json was refused: it has ${bytes} bytes and the limit is ${limit} bytes${limit % 1024 === 0 ? ` (${limit / 1024} KiB)` : ''}. ` +
        'Fix: shorten labels and paths, or declare fewer endpoints (":param" segments let one entry serve many routes).',
    );
    this.name = 'ManifestTooLargeError';
    this.issues = [issue];
  }

  override toResponseBody(): ErrorBody {
    return { ...super.toResponseBody(), details: { issues: this.issues.map((i) => ({ ...i })) } };
  }
}
