import type { BundleFiles } from './archive-checks.ts';
import type { ManifestFacts } from './manifest-check.ts';
import { UI_CONTENT_TYPES } from '../runner/ui/ui-path.ts';
import type { Findings } from './problems.ts';

export const WASM_PATH = 'dist/main.wasm';
const UI_INDEX = 'ui/index.html';

/**
 * File types the Runner's `/ext-ui` serves (spec 02, path rules): the Runner's own list, so the
 * two cannot drift. Any other extension is a 400 there; a last segment without a dot is allowed.
 */
export const UI_EXTENSIONS: readonly string[] = Object.keys(UI_CONTENT_TYPES);

/** Endpoints need the component; a component without endpoints is never called. */
export function checkWasmPresence(files: BundleFiles, facts: ManifestFacts, findings: Findings): void {
  const hasWasm = files.has(WASM_PATH);
  if (facts.endpointCount > 0 && !hasWasm) {
    findings.problem(
      'WASM_MISSING',
      WASM_PATH,
      `manifest.json declares ${plural(facts.endpointCount, 'endpoint')} but the bundle has no ${WASM_PATH} to handle them`,
    );
  }
  if (hasWasm && facts.endpointCount === 0) {
    findings.warning('WASM_UNUSED', WASM_PATH, `the bundle has ${WASM_PATH} but manifest.json declares no api.endpoints, so nothing routes to it`);
  }
}

/** The iframe entry must exist and every file under ui/ must be a type /ext-ui serves. */
export function checkUi(files: BundleFiles, facts: ManifestFacts, findings: Findings): void {
  const uiFiles = [...files.keys()].filter((p) => p.startsWith('ui/'));
  if (facts.hasUi) checkEntryFiles(files, facts, findings);
  else if (uiFiles.length > 0) {
    findings.warning('UI_NOT_DECLARED', 'ui/', `the bundle has ${plural(uiFiles.length, 'file')} under ui/ but manifest.json has no ui section, so no iframe shows them`);
  }
  for (const file of uiFiles) {
    if (!isServableUiPath(file)) {
      findings.problem(
        'UI_ASSET_TYPE',
        file,
        `${file} has a type /ext-ui does not serve; allowed extensions: ${UI_EXTENSIONS.join(', ')} (or no extension)`,
      );
    }
  }
}

function checkEntryFiles(files: BundleFiles, facts: ManifestFacts, findings: Findings): void {
  if (!files.has(UI_INDEX)) {
    findings.problem('UI_ENTRY_MISSING', UI_INDEX, `manifest.json has a ui section but the bundle has no ${UI_INDEX}, which /ext-ui serves as the page`);
  }
  if (facts.uiEntry === undefined) return;
  const entry = entryArchivePath(facts.uiEntry);
  // ui/index.html was reported just above; do not report the same missing file twice.
  if (entry !== UI_INDEX && !files.has(entry)) {
    findings.problem('UI_ENTRY_MISSING', entry, `manifest.ui.entry ${JSON.stringify(facts.uiEntry)} points to ${entry}, which is not in the bundle`);
  }
}

/** `ui/index.html` stays as is; a path without the `ui/` prefix is taken relative to ui/. */
export function entryArchivePath(entry: string): string {
  let p = entry;
  while (p.startsWith('./')) p = p.slice(2);
  while (p.startsWith('/')) p = p.slice(1);
  return p.startsWith('ui/') ? p : `ui/${p}`;
}

/** Spec 02: a last segment with a dot needs an allowed extension (so a trailing dot fails). */
export function isServableUiPath(file: string): boolean {
  const last = file.slice(file.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  if (dot < 0) return true;
  return UI_EXTENSIONS.includes(last.slice(dot + 1).toLowerCase());
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
