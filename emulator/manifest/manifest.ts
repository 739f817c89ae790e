import { EmulatorError, type ErrorBody } from '../errors.ts';
import { KNOWN_CAPABILITIES } from '../capabilities/index.ts';
import { validateApi, type ApiEndpoint } from './api-section.ts';
import {
  checkChars,
  describeValue,
  indexPath,
  isNonEmptyString,
  isRecord,
  IssueList,
  keyPath,
  shorten,
  stringArray,
  type ManifestIssue,
} from './issues.ts';
import { MANIFEST_LIMITS, ManifestTooLargeError, type ManifestLimits } from './limits.ts';
import { validateUi, type UiSection } from './ui-section.ts';
import { isValidVersion } from './version.ts';

export type { ManifestIssue } from './issues.ts';
export type { ApiEndpoint } from './api-section.ts';
export type { MenuHook, UiSection } from './ui-section.ts';
export { HTTP_METHODS } from './api-section.ts';
export { MANIFEST_LIMITS, ManifestTooLargeError, type ManifestLimits } from './limits.ts';
export { DEFAULT_PUBLISHER, isWildcardVersion, manifestSlug, resolveWildcardVersion } from './version.ts';

/** A manifest publish accepts, normalised (methods upper case, capabilities trimmed lower case). */
export interface ExtensionManifest {
  name: string;
  publisher?: string;
  version: string;
  runtime: string;
  capabilities: string[];
  ui?: UiSection;
  api?: { endpoints: ApiEndpoint[] };
  assets: string[];
  precompiled: Record<string, string>;
}

export type ManifestResult =
  | { ok: true; manifest: ExtensionManifest; warnings: ManifestIssue[] }
  | { ok: false; issues: ManifestIssue[] };

/** The only top-level keys publish accepts (spec 06); anything else is rejected. */
export const MANIFEST_FIELDS = ['name', 'publisher', 'version', 'runtime', 'capabilities', 'ui', 'api', 'assets', 'precompiled'] as const;

/**
 * Validates a parsed `manifest.json` exactly as publish does (spec 06) and reports every issue
 * with its JSON path, never just the first (up to `limits.reportedIssues`, then one summary
 * line). Lengths and counts are checked against `limits` (default MANIFEST_LIMITS). The input is
 * not modified.
 *
 * @example
 * const result = validateManifest(JSON.parse(text));
 * if (!result.ok) throw invalidManifestError(result.issues);
 */
export function validateManifest(value: unknown, limits: Readonly<ManifestLimits> = MANIFEST_LIMITS): ManifestResult {
  if (!isRecord(value)) {
    return { ok: false, issues: [{ path: '$', message: `must be a JSON object, got ${describeValue(value)}` }] };
  }
  const issues = new IssueList(limits.reportedIssues);
  for (const key of Object.keys(value)) {
    if (!(MANIFEST_FIELDS as readonly string[]).includes(key)) issues.add(keyPath('$', key), `Unknown top-level field '${shorten(key)}'`);
  }
  const manifest = collectFields(value, issues, limits);
  if (issues.count > 0 || manifest === undefined) return { ok: false, issues: issues.issues };
  return { ok: true, manifest, warnings: issues.warnings };
}

/**
 * Parses and validates manifest text; invalid JSON is one issue at `$`. Text over
 * `limits.manifestBytes` UTF-8 bytes is not parsed: it throws ManifestTooLargeError
 * (MANIFEST_TOO_LARGE, 413), so publish, the doctor and the dev loop refuse it alike.
 *
 * @example parseManifestText('{"name":"x"}') // { ok: false, issues: [{ path: '$.version', … }, …] }
 */
export function parseManifestText(text: string, limits: Readonly<ManifestLimits> = MANIFEST_LIMITS): ManifestResult {
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short text needs no counting.
  if (text.length * 3 > limits.manifestBytes) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > limits.manifestBytes) throw new ManifestTooLargeError(bytes, limits.manifestBytes);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, issues: [{ path: '$', message: `is not valid JSON: ${reason}` }] };
  }
  return validateManifest(value, limits);
}

/** INVALID_MANIFEST with the issue list attached, so a router can send `details.issues`. */
export class ManifestError extends EmulatorError {
  readonly issues: readonly ManifestIssue[];

  constructor(issues: readonly ManifestIssue[]) {
    const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    super('INVALID_MANIFEST', `invalid manifest.json: ${list}. Fix these fields and publish again.`);
    this.name = 'ManifestError';
    this.issues = issues.map((i) => ({ ...i }));
  }

  /** Spec 06's error body with the issues under `details`. */
  override toResponseBody(): ErrorBody {
    return { ...super.toResponseBody(), details: { issues: this.issues } };
  }
}

/**
 * The error publish raises for an invalid manifest: code INVALID_MANIFEST, status 400, message
 * listing every issue.
 *
 * @example throw invalidManifestError([{ path: '$.name', message: 'is required (a non-empty string)' }])
 */
export function invalidManifestError(issues: readonly ManifestIssue[]): ManifestError {
  return new ManifestError(issues);
}

/** Runs every field validator (each reports its own issues) and assembles the result. */
function collectFields(value: Record<string, unknown>, issues: IssueList, limits: Readonly<ManifestLimits>): ExtensionManifest | undefined {
  const name = requiredString(value.name, '$.name', issues, limits.identifierChars);
  const publisher = value.publisher === undefined ? undefined : optionalString(value.publisher, '$.publisher', issues, limits.identifierChars);
  const version = validateVersion(value.version, issues, limits.identifierChars);
  const runtime = validateRuntime(value.runtime, issues, limits.identifierChars);
  const capabilities = validateCapabilities(value.capabilities, issues, limits);
  const ui = value.ui === undefined ? undefined : validateUi(value.ui, issues, limits);
  const api = value.api === undefined ? undefined : validateApi(value.api, issues, limits);
  const assets = stringArray(value.assets, '$.assets', issues, { maxCount: limits.assets, maxChars: limits.pathChars });
  const precompiled = validatePrecompiled(value.precompiled, issues, limits);
  if (name === undefined || version === undefined || runtime === undefined) return undefined;
  const manifest: ExtensionManifest = { name, version, runtime, capabilities, assets, precompiled };
  if (publisher !== undefined) manifest.publisher = publisher;
  if (ui !== undefined) manifest.ui = ui;
  if (api !== undefined) manifest.api = api;
  return manifest;
}

function requiredString(value: unknown, path: string, issues: IssueList, maxChars: number): string | undefined {
  if (value === undefined) {
    issues.add(path, 'is required (a non-empty string)');
    return undefined;
  }
  return optionalString(value, path, issues, maxChars);
}

function optionalString(value: unknown, path: string, issues: IssueList, maxChars: number): string | undefined {
  if (!isNonEmptyString(value)) {
    issues.add(path, `must be a non-empty string, got ${describeValue(value)}`);
    return undefined;
  }
  return checkChars(value, maxChars, path, issues) ? value : undefined;
}

function validateVersion(value: unknown, issues: IssueList, maxChars: number): string | undefined {
  const version = requiredString(value, '$.version', issues, maxChars);
  if (version === undefined || isValidVersion(version)) return version;
  issues.add('$.version', `must be a version like "1.2.3" (optionally "-pre" and "+build") or a wildcard like "1.2.*", got ${describeValue(version)}`);
  return undefined;
}

function validateRuntime(value: unknown, issues: IssueList, maxChars: number): string | undefined {
  const runtime = requiredString(value, '$.runtime', issues, maxChars);
  if (runtime === undefined || runtime.includes('@') || runtime.includes('-')) return runtime;
  issues.add('$.runtime', `must contain "@" or "-" (by convention "wasm-js@1"), got ${describeValue(runtime)}`);
  return undefined;
}

/** Capabilities compare trimmed and lower case, like the Runner's grant check; duplicates warn. */
function validateCapabilities(value: unknown, issues: IssueList, limits: Readonly<ManifestLimits>): string[] {
  const known = new Set<string>(KNOWN_CAPABILITIES);
  const out: string[] = [];
  const path = '$.capabilities';
  const valid = new Set(stringArray(value, path, issues, { maxCount: limits.capabilities, maxChars: limits.keyChars }));
  const strings: unknown[] = Array.isArray(value) && value.length <= limits.capabilities ? value : [];
  strings.forEach((raw: unknown, i) => {
    if (typeof raw !== 'string' || !valid.has(raw)) return; // already reported by stringArray
    const cap = raw.trim().toLowerCase();
    const at = indexPath(path, i);
    if (!known.has(cap)) issues.add(at, `Unknown capability '${raw}'; known capabilities: ${KNOWN_CAPABILITIES.join(', ')}`);
    else if (out.includes(cap)) issues.warn(at, `Duplicate capability '${raw}' is listed once`);
    else out.push(cap);
  });
  return out;
}

function validatePrecompiled(value: unknown, issues: IssueList, limits: Readonly<ManifestLimits>): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    issues.add('$.precompiled', `must be an object mapping non-empty strings to non-empty strings, got ${describeValue(value)}`);
    return {};
  }
  const entries = Object.entries(value);
  if (entries.length > limits.precompiled) {
    issues.add('$.precompiled', `has ${entries.length} entries; the limit is ${limits.precompiled}`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, target] of entries) {
    const path = keyPath('$.precompiled', key);
    if (key.trim() === '') issues.add(path, 'key must be a non-empty string');
    else if (!checkChars(key, limits.keyChars, path, issues, 'key ')) continue;
    else if (!isNonEmptyString(target)) issues.add(path, `must be a non-empty string, got ${describeValue(target)}`);
    else if (checkChars(target, limits.pathChars, path, issues)) out[key] = target;
  }
  return out;
}
