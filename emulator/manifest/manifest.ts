import { EmulatorError, type ErrorBody } from '../errors.ts';
import { KNOWN_CAPABILITIES } from '../capabilities/index.ts';
import { validateApi, type ApiEndpoint } from './api-section.ts';
import {
  describeValue,
  indexPath,
  isNonEmptyString,
  isRecord,
  IssueList,
  keyPath,
  stringArray,
  type ManifestIssue,
} from './issues.ts';
import { validateUi, type UiSection } from './ui-section.ts';
import { isValidVersion } from './version.ts';

export type { ManifestIssue } from './issues.ts';
export type { ApiEndpoint } from './api-section.ts';
export type { MenuHook, UiSection } from './ui-section.ts';
export { HTTP_METHODS } from './api-section.ts';
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
 * with its JSON path, never just the first. The input is not modified.
 *
 * @example
 * const result = validateManifest(JSON.parse(text));
 * if (!result.ok) throw invalidManifestError(result.issues);
 */
export function validateManifest(value: unknown): ManifestResult {
  if (!isRecord(value)) {
    return { ok: false, issues: [{ path: '$', message: `must be a JSON object, got ${describeValue(value)}` }] };
  }
  const issues = new IssueList();
  for (const key of Object.keys(value)) {
    if (!(MANIFEST_FIELDS as readonly string[]).includes(key)) issues.add(keyPath('$', key), `Unknown top-level field '${key}'`);
  }
  const manifest = collectFields(value, issues);
  if (issues.issues.length > 0 || manifest === undefined) return { ok: false, issues: issues.issues };
  return { ok: true, manifest, warnings: issues.warnings };
}

/**
 * Parses and validates manifest text; invalid JSON is one issue at `$`.
 *
 * @example parseManifestText('{"name":"x"}') // { ok: false, issues: [{ path: '$.version', … }, …] }
 */
export function parseManifestText(text: string): ManifestResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, issues: [{ path: '$', message: `is not valid JSON: ${reason}` }] };
  }
  return validateManifest(value);
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
function collectFields(value: Record<string, unknown>, issues: IssueList): ExtensionManifest | undefined {
  const name = requiredString(value.name, '$.name', issues);
  const publisher = value.publisher === undefined ? undefined : optionalString(value.publisher, '$.publisher', issues);
  const version = validateVersion(value.version, issues);
  const runtime = validateRuntime(value.runtime, issues);
  const capabilities = validateCapabilities(value.capabilities, issues);
  const ui = value.ui === undefined ? undefined : validateUi(value.ui, issues);
  const api = value.api === undefined ? undefined : validateApi(value.api, issues);
  const assets = stringArray(value.assets, '$.assets', issues);
  const precompiled = validatePrecompiled(value.precompiled, issues);
  if (name === undefined || version === undefined || runtime === undefined) return undefined;
  const manifest: ExtensionManifest = { name, version, runtime, capabilities, assets, precompiled };
  if (publisher !== undefined) manifest.publisher = publisher;
  if (ui !== undefined) manifest.ui = ui;
  if (api !== undefined) manifest.api = api;
  return manifest;
}

function requiredString(value: unknown, path: string, issues: IssueList): string | undefined {
  if (value === undefined) {
    issues.add(path, 'is required (a non-empty string)');
    return undefined;
  }
  return optionalString(value, path, issues);
}

function optionalString(value: unknown, path: string, issues: IssueList): string | undefined {
  if (isNonEmptyString(value)) return value;
  issues.add(path, `must be a non-empty string, got ${describeValue(value)}`);
  return undefined;
}

function validateVersion(value: unknown, issues: IssueList): string | undefined {
  const version = requiredString(value, '$.version', issues);
  if (version === undefined || isValidVersion(version)) return version;
  issues.add('$.version', `must be a version like "1.2.3" (optionally "-pre" and "+build") or a wildcard like "1.2.*", got ${describeValue(version)}`);
  return undefined;
}

function validateRuntime(value: unknown, issues: IssueList): string | undefined {
  const runtime = requiredString(value, '$.runtime', issues);
  if (runtime === undefined || runtime.includes('@') || runtime.includes('-')) return runtime;
  issues.add('$.runtime', `must contain "@" or "-" (by convention "wasm-js@1"), got ${describeValue(runtime)}`);
  return undefined;
}

/** Capabilities compare trimmed and lower case, like the Runner's grant check; duplicates warn. */
function validateCapabilities(value: unknown, issues: IssueList): string[] {
  const known = new Set<string>(KNOWN_CAPABILITIES);
  const out: string[] = [];
  const strings = Array.isArray(value) ? value : [];
  stringArray(value, '$.capabilities', issues);
  strings.forEach((raw: unknown, i) => {
    if (!isNonEmptyString(raw)) return; // already reported by stringArray
    const cap = raw.trim().toLowerCase();
    const path = indexPath('$.capabilities', i);
    if (!known.has(cap)) issues.add(path, `Unknown capability '${raw}'; known capabilities: ${KNOWN_CAPABILITIES.join(', ')}`);
    else if (out.includes(cap)) issues.warn(path, `Duplicate capability '${raw}' is listed once`);
    else out.push(cap);
  });
  return out;
}

function validatePrecompiled(value: unknown, issues: IssueList): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    issues.add('$.precompiled', `must be an object mapping non-empty strings to non-empty strings, got ${describeValue(value)}`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, target] of Object.entries(value)) {
    const path = keyPath('$.precompiled', key);
    if (key.trim() === '') issues.add(path, 'key must be a non-empty string');
    else if (!isNonEmptyString(target)) issues.add(path, `must be a non-empty string, got ${describeValue(target)}`);
    else out[key] = target;
  }
  return out;
}
