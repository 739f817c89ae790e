import { ManifestTooLargeError, parseManifestText, type ExtensionManifest, type ManifestResult } from '../manifest/index.ts';
import { findManifest, type BundleFiles } from './archive-checks.ts';
import type { Findings } from './problems.ts';

/**
 * What the file checks need from the manifest. Read leniently from the raw JSON so that an
 * invalid manifest (say, one bad endpoint path) still drives the wasm and UI checks: the
 * doctor reports every problem in one run.
 */
export interface ManifestFacts {
  endpointCount: number;
  /** `manifest.ui` is present (valid or not). */
  hasUi: boolean;
  /** `manifest.ui.entry` when it is a string. */
  uiEntry?: string;
}

const NO_FACTS: ManifestFacts = { endpointCount: 0, hasUi: false };

/** Locates, parses and validates manifest.json; every issue becomes an INVALID_MANIFEST problem. */
export function checkManifest(files: BundleFiles, findings: Findings): ManifestFacts {
  const found = findManifest(files);
  if (found === undefined) {
    findings.problem('MANIFEST_NOT_FOUND', 'manifest.json', 'the bundle has no manifest.json at its root or one folder deep');
    return NO_FACTS;
  }
  if (found.path !== 'manifest.json') {
    findings.warning(
      'MANIFEST_NESTED',
      found.path,
      `manifest.json is at ${found.path}; publish accepts it there, but the Runner reads dist/main.wasm and ui/ from the archive root`,
    );
  }
  const text = new TextDecoder().decode(found.bytes);
  const result = parseOrRefuse(text, found.path, findings);
  if (result === undefined) return factsOfRaw(text);
  if (result.ok) {
    for (const w of result.warnings) findings.warning('MANIFEST_WARNING', w.path, w.message);
  } else {
    for (const issue of result.issues) findings.problem('INVALID_MANIFEST', issue.path, issue.message);
  }
  return result.ok ? factsOfValid(result.manifest) : factsOfRaw(text);
}

/** Publish's parse; a manifest over the size limit is one MANIFEST_TOO_LARGE problem, as finalize answers. */
function parseOrRefuse(text: string, where: string, findings: Findings): ManifestResult | undefined {
  try {
    return parseManifestText(text);
  } catch (err) {
    if (!(err instanceof ManifestTooLargeError)) throw err;
    findings.problem('MANIFEST_TOO_LARGE', where, `manifest.json ${err.issues[0]?.message ?? 'is too large'}`);
    return undefined;
  }
}

function factsOfValid(manifest: ExtensionManifest): ManifestFacts {
  const facts: ManifestFacts = { endpointCount: manifest.api?.endpoints.length ?? 0, hasUi: manifest.ui !== undefined };
  if (manifest.ui !== undefined) facts.uiEntry = manifest.ui.entry;
  return facts;
}

function factsOfRaw(text: string): ManifestFacts {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return NO_FACTS;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return NO_FACTS;
  const { api, ui } = raw as { api?: unknown; ui?: unknown };
  const endpoints = isObject(api) ? api.endpoints : undefined;
  const facts: ManifestFacts = { endpointCount: Array.isArray(endpoints) ? endpoints.length : 0, hasUi: ui !== undefined };
  if (isObject(ui) && typeof ui.entry === 'string' && ui.entry.trim() !== '') facts.uiEntry = ui.entry;
  return facts;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
