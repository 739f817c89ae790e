import type { BundleEntry } from '../bundles/archive.ts';
import { collectBundle } from '../bundles/scan.ts';
import { describeError, EmulatorError } from '../errors.ts';
import { checkEntries, type BundleFiles } from './archive-checks.ts';
import { checkComponent } from './component-check.ts';
import { checkUi, checkWasmPresence, WASM_PATH } from './file-checks.ts';
import { checkManifest } from './manifest-check.ts';
import { Findings, type DoctorOptions, type DoctorReport } from './problems.ts';
import { checkSignature } from './signature-check.ts';
import { loadTarget, type LoadedTarget } from './target.ts';

/**
 * Checks an extension folder (packed in memory) or a `bundle.tar.zst` offline, the way publish,
 * install and the Runner would treat it, and reports every problem in one run: archive and entry
 * paths, manifest (spec 06), `dist/main.wasm` (component, link, `handler`), UI files and the
 * signature. Never throws for a bad bundle; `ok` is false when there are problems.
 *
 * @example
 * const report = await runDoctor('sample-extensions/hello-host', { mode: 'strict', trust });
 * if (!report.ok) { console.error(formatDoctorReport(report)); process.exitCode = 1; }
 */
export async function runDoctor(target: string, options: DoctorOptions = {}): Promise<DoctorReport> {
  const findings = new Findings();
  const progress = options.onProgress ?? (() => undefined);
  progress('reading the bundle');
  const loaded = await loadTarget(target, findings);
  if (loaded !== undefined) await checkLoaded(loaded, options, findings, progress);
  const report: DoctorReport = {
    ok: findings.problems.length === 0,
    source: target,
    problems: findings.problems,
    warnings: findings.warnings,
    checked: findings.checked,
  };
  if (loaded !== undefined) report.contentHash = loaded.contentHash;
  return report;
}

async function checkLoaded(loaded: LoadedTarget, options: DoctorOptions, findings: Findings, progress: (step: string) => void): Promise<void> {
  progress('reading the archive');
  const entries = await readEntries(loaded.bytes, findings);
  if (entries !== undefined) await checkContents(entries, options, findings, progress);
  // The signature covers the archive bytes, so it is checked even when they do not unpack.
  progress('verifying the signature');
  const sidecar = loaded.sidecarSignature;
  checkSignature(
    {
      contentHash: loaded.contentHash,
      signatureText: options.signatureText ?? sidecar?.text,
      signatureSource: options.signatureText !== undefined ? 'signature' : (sidecar?.where ?? 'signature'),
      trust: options.trust,
      mode: options.mode ?? 'dev',
    },
    findings,
  );
  findings.checked.push('signature');
}

/** Limit refusals of the archive reading, reported under one doctor code. */
const LIMIT_CODES = new Set(['BUNDLE_UNPACKED_TOO_LARGE', 'BUNDLE_TOO_MANY_ENTRIES', 'BUNDLE_ENTRY_TOO_LARGE', 'BUNDLE_PATH_TOO_LONG', 'BUNDLE_PATH_TOO_DEEP', 'BUNDLE_RATIO_TOO_HIGH', 'BUNDLE_ZSTD_WINDOW_TOO_LARGE']);

async function readEntries(bytes: Uint8Array, findings: Findings): Promise<BundleEntry[] | undefined> {
  try {
    const collected = await collectBundle(bytes);
    findings.checked.push('archive');
    // Duplicates and file/folder clashes: what publish refuses beyond the per-entry checks below.
    for (const refusal of collected.refusals ?? []) {
      if (refusal.code === 'BUNDLE_DUPLICATE_ENTRY' || refusal.code === 'BUNDLE_PATH_CLASH') findings.problem(refusal.code, refusal.path, refusal.message);
    }
    return collected.entries;
  } catch (err) {
    const code = err instanceof EmulatorError ? err.code : 'BUNDLE_BAD_TAR';
    findings.fromError('BUNDLE_BAD_TAR', 'bundle.tar.zst', LIMIT_CODES.has(code) ? 'ARCHIVE_LIMIT' : code, describeError(err));
    return undefined;
  }
}

async function checkContents(entries: BundleEntry[], options: DoctorOptions, findings: Findings, progress: (step: string) => void): Promise<void> {
  progress('checking entry paths');
  const files: BundleFiles = checkEntries(entries, findings);
  findings.checked.push('entries');
  progress('validating manifest.json');
  const facts = checkManifest(files, findings);
  findings.checked.push('manifest');
  progress('checking dist/main.wasm');
  checkWasmPresence(files, facts, findings);
  findings.checked.push('wasm');
  const wasm = files.get(WASM_PATH);
  if (wasm !== undefined) {
    progress('checking the component');
    await checkComponent(wasm, findings, { cacheRoot: options.cacheRoot, onProgress: progress });
    findings.checked.push('component');
  }
  progress('checking ui files');
  checkUi(files, facts, findings);
  findings.checked.push('ui');
}
