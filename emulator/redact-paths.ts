// Absolute file paths must not reach an HTTP client or the debug stream (issue 12): they tell a
// caller where the data folder lives and nothing it can act on. The server log keeps them.
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute } from 'node:path';
import { PACKAGE_ROOT } from './package-root.ts';

/** The emulator package's own folder (its code and node_modules show up in stack-derived messages). */

/** Rewrites a message for a client: the same text with internal file paths replaced. */
export type Redact = (text: string) => string;

/** A folder whose absolute path is replaced by `label` (e.g. the data folder → `<data>`). */
export interface RedactRoot {
  path: string;
  label: string;
}

// A quoted absolute path where Node's system errors print one: after the failing call's name
// (`stat '/a/b'`, `open "C:\\x"`) or after `->` (`rename '/a' -> '/b'`). Only there: messages also
// quote extension routes ("/api/tickets", '/nope/:id'), which are not file paths and must stay
// whole. The quote is kept; the path becomes `…/<last segment>`.
const SYSCALLS = 'open|stat|lstat|fstat|mkdir|mkdtemp|rmdir|rm|rename|scandir|opendir|unlink|access|readlink|realpath|copyfile|cp|chmod|chown|utime|symlink|link|watch|spawn';
const QUOTED_ABSOLUTE = new RegExp(`((?:\\b(?:${SYSCALLS})|->) )(['"\`])((?:\\/|[A-Za-z]:[\\\\/])[^'"\`\\n]*)\\2`, 'g');

/**
 * Replaces every quoted absolute path (`ENOENT: …, open '/x/y/z.js'` → `open '…/z.js'`). Needs no
 * configuration, so `errorResponse` applies it to every message it sends.
 *
 * @example scrubQuotedPaths("ENAMETOOLONG: name too long, stat '/home/a/.emulator/cache/x'") // "ENAMETOOLONG: name too long, stat '…/x'"
 */
export function scrubQuotedPaths(text: string): string {
  return text.replace(QUOTED_ABSOLUTE, (_whole, before: string, quote: string, path: string) => `${before}${quote}…/${lastSegment(path)}${quote}`);
}

/**
 * A redactor for one emulator: each root (and its real path, when a symlink leads to it) becomes
 * its label wherever it appears, quoted or not; then any other quoted absolute path is scrubbed.
 * Roots that are not absolute are ignored. Longer roots win, so a cache folder inside the data
 * folder keeps its own label.
 *
 * @example pathRedactor([{ path: '/srv/emu', label: '<data>' }])('cannot read /srv/emu/cache/a.js') // 'cannot read <data>/cache/a.js'
 */
export function pathRedactor(roots: readonly RedactRoot[]): Redact {
  const pairs: RedactRoot[] = [];
  for (const root of roots) {
    if (!isAbsolute(root.path)) continue;
    const trimmed = trimSeparators(root.path);
    if (trimmed === '') continue;
    pairs.push({ path: trimmed, label: root.label });
    const real = realPath(trimmed);
    if (real !== undefined && real !== trimmed) pairs.push({ path: real, label: root.label });
  }
  pairs.sort((a, b) => b.path.length - a.path.length);
  // A root matches only as a whole path prefix: `/srv/emu` inside `/srv/emu2` is not that root.
  const patterns = pairs.map(({ path, label }) => ({ pattern: new RegExp(`${escapeRegExp(path)}(?![\\w-])`, 'g'), label }));
  return (text) => {
    let out = text;
    for (const { pattern, label } of patterns) out = out.replace(pattern, () => label);
    return scrubQuotedPaths(out);
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The redactor of one emulator's folders: the data folder → `<data>`, the Runner cache →
 * `<cache>`, a folder bundle store → `<bundles>`, the emulator package → `<emulator>`, the home
 * folder → `~`.
 *
 * @example emulatorPathRedactor({ dataDir: '/srv/emu' })("ENOENT: open '/srv/emu/cache/x'") // "ENOENT: open '<data>/cache/x'"
 */
export function emulatorPathRedactor(folders: { dataDir: string; cacheRoot?: string; bundleStoreBase?: string }): Redact {
  const roots: RedactRoot[] = [{ path: folders.dataDir, label: '<data>' }];
  if (folders.cacheRoot) roots.push({ path: folders.cacheRoot, label: '<cache>' });
  if (folders.bundleStoreBase && isAbsolute(folders.bundleStoreBase)) roots.push({ path: folders.bundleStoreBase, label: '<bundles>' });
  roots.push({ path: PACKAGE_ROOT, label: '<emulator>' }, { path: homedir(), label: '~' });
  return pathRedactor(roots);
}

function lastSegment(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  return parts.at(-1) ?? '';
}

function trimSeparators(path: string): string {
  return path.length > 1 ? path.replace(/[\\/]+$/, '') : '';
}

function realPath(path: string): string | undefined {
  try {
    return trimSeparators(realpathSync.native(path));
  } catch {
    return undefined;
  }
}
