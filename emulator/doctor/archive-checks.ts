import type { BundleEntry } from '../bundles/archive.ts';
import { sanitizeEntryPath } from '../bundles/extract.ts';
import type { Findings } from './problems.ts';

/** The files the Runner would extract: clean archive path → bytes (duplicates are reported, the last one is kept). */
export type BundleFiles = ReadonlyMap<string, Uint8Array>;

/**
 * Reports every entry that publish and the Runner's extraction would refuse or skip (see
 * `scanBundle`) and returns the files they would keep.
 */
export function checkEntries(entries: readonly BundleEntry[], findings: Findings): BundleFiles {
  const files = new Map<string, Uint8Array>();
  for (const entry of entries) {
    if (!reportSkipped(entry, findings) && entry.type === 'file') {
      files.set(sanitizeEntryPath(entry.path) as string, entry.data);
    }
  }
  return files;
}

/** True when the entry is skipped at extraction (and reported). */
function reportSkipped(entry: BundleEntry, findings: Findings): boolean {
  if (entry.type === 'symlink' || (entry.type === 'other' && entry.linkTarget !== undefined)) {
    findings.problem('LINK_ENTRY', entry.path, `${quote(entry.path)} is a link to ${quote(entry.linkTarget ?? '')}; publish and the Runner refuse a bundle holding links`);
    return true;
  }
  if (entry.type === 'other') {
    findings.problem('UNSAFE_ENTRY', entry.path, `${quote(entry.path)} is neither a regular file nor a directory; publish and the Runner refuse the bundle for it`);
    return true;
  }
  if (sanitizeEntryPath(entry.path) !== null) return false;
  const unsafe = unsafeReason(entry.path);
  if (unsafe !== undefined) findings.problem('UNSAFE_ENTRY', entry.path, `${quote(entry.path)} ${unsafe}; publish and the Runner refuse the bundle for it`);
  else findings.problem('HIDDEN_ENTRY', entry.path, `${quote(entry.path)} has a hidden (dot-prefixed) segment; it is never extracted or served`);
  return true;
}

/**
 * Why `sanitizeEntryPath` refuses a path, for the message; undefined when the only reason is a
 * hidden segment. Mirrors its rules in the same order.
 */
function unsafeReason(raw: string): string | undefined {
  let p = raw;
  while (p.startsWith('./')) p = p.slice(2);
  if (p.endsWith('/')) p = p.slice(0, -1);
  if (p === '') return 'is an empty path';
  if (p.startsWith('/')) return 'is an absolute path';
  if (p.includes('..')) return 'contains ".."';
  if (p.includes('\\')) return 'contains a backslash';
  if (p.includes('\0')) return 'contains a NUL character';
  if (p.split('/').some((segment) => segment === '')) return 'has an empty segment ("//")';
  return undefined;
}

export interface ManifestLocation {
  path: string;
  bytes: Uint8Array;
}

/**
 * Finds manifest.json where publish looks for it: at the archive root, else one folder deep
 * (the first such entry in archive order).
 */
export function findManifest(files: BundleFiles): ManifestLocation | undefined {
  const root = files.get('manifest.json');
  if (root !== undefined) return { path: 'manifest.json', bytes: root };
  for (const [path, bytes] of files) {
    if (/^[^/]+\/manifest\.json$/.test(path)) return { path, bytes };
  }
  return undefined;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
