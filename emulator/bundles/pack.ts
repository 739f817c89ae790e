import type { Stats } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { compress, init } from '@bokuweb/zstd-wasm';
import { decompress } from 'fzstd';
import { packTar, type TarHeader } from 'modern-tar';
import { EmulatorError, describeError } from '../errors.ts';
import { computeContentHash } from './hash.ts';

/**
 * One member for `packEntries`. Paths are written verbatim (never sanitized) so tests can craft
 * hostile archives (`../x`, `/abs`, links).
 */
export type PackEntry =
  | { path: string; data: Uint8Array; type?: 'file'; mode?: number }
  | { path: string; type: 'directory'; mode?: number }
  | { path: string; type: 'symlink'; linkTarget: string };

export interface PackOptions {
  /** zstd level 1–22. Default 10: a 12 MB component packs in ~0.7 s here; 19 takes ~8 s for ~2% less. */
  level?: number;
}

export interface PackResult {
  /** The `bundle.tar.zst` bytes. */
  bytes: Uint8Array;
  /** `sha256:<hex>` of `bytes`. */
  contentHash: string;
  /** Paths of the file members, in archive order (directories are not listed). */
  files: string[];
}

export const DEFAULT_PACK_LEVEL = 10;

/** Single files packed when present (manifest.json is also required). */
const OPTIONAL_FILES = ['dist/main.wasm', 'dist/component.json', 'sbom.spdx.json'];
/** Folders packed recursively when present. */
const OPTIONAL_DIRS = ['ui', 'artifacts', 'wit', 'precompiled'];

// Fixed metadata so that packing the same inputs twice yields the same bytes and hash.
const EPOCH = new Date(0);
const FILE_MODE = 0o644;
const DIR_MODE = 0o755;

/**
 * Packs an extension folder into a deterministic `bundle.tar.zst`: `manifest.json` (required),
 * `dist/main.wasm` when present (UI-only extensions have none), `ui/**`, and the optional
 * `dist/component.json`, `artifacts/**`, `wit/**`, `precompiled/**`, `sbom.spdx.json`.
 * Hidden files/folders and symlinks are skipped.
 *
 * @example const { bytes, contentHash } = await packExtension('sample-extensions/hello');
 */
export async function packExtension(dir: string, options: PackOptions = {}): Promise<PackResult> {
  resolveLevel(options.level); // fail on a bad level before reading megabytes of input
  await requireManifest(dir);
  const files = ['manifest.json'];
  for (const rel of OPTIONAL_FILES) if (await isRegularFile(dir, rel)) files.push(rel);
  const dirs: string[] = [];
  for (const rel of OPTIONAL_DIRS) if (await isRealDir(dir, rel)) await walk(dir, rel, dirs, files);
  const entries = await toPackEntries(dir, files, dirs);
  return packEntries(entries, options);
}

/**
 * Packs an explicit list of members in the given order, without any sanitizing. The low-level
 * half of `packExtension`; tests use it to build archives the extractor must refuse.
 *
 * @example await packEntries([{ path: '../escape', data: new Uint8Array([1]) }])
 */
export async function packEntries(entries: readonly PackEntry[], options: PackOptions = {}): Promise<PackResult> {
  const level = resolveLevel(options.level);
  const tar = await packTar(entries.map(toTarEntry));
  const bytes = await compressZstd(tar, level);
  const files = entries.filter((e) => e.type === undefined || e.type === 'file').map((e) => e.path);
  return { bytes, contentHash: computeContentHash(bytes), files };
}

async function requireManifest(dir: string): Promise<void> {
  if (await isRegularFile(dir, 'manifest.json')) return;
  const manifestPath = path.join(dir, 'manifest.json');
  throw new EmulatorError(
    'MANIFEST_NOT_FOUND',
    `cannot pack ${dir}: ${manifestPath} is missing or not a regular file. ` +
      'Every extension needs a manifest.json at its root; create one or pass the extension root folder.',
  );
}

/** Recursively lists `rel` under `root`, skipping hidden names, symlinks and special files. */
async function walk(root: string, rel: string, dirs: string[], files: string[]): Promise<void> {
  dirs.push(rel);
  const children = await readdir(path.join(root, rel), { withFileTypes: true });
  for (const child of children) {
    if (child.name.startsWith('.')) continue;
    const childRel = `${rel}/${child.name}`;
    // Dirent types come from lstat semantics, so a symlink is never followed here.
    if (child.isDirectory()) await walk(root, childRel, dirs, files);
    else if (child.isFile()) files.push(childRel);
  }
}

async function toPackEntries(root: string, files: string[], dirs: string[]): Promise<PackEntry[]> {
  const allDirs = new Set(dirs);
  for (const file of files) for (const parent of parentsOf(file)) allDirs.add(parent);
  const entries: PackEntry[] = [...allDirs].map((d) => ({ path: `${d}/`, type: 'directory' as const }));
  for (const file of files) entries.push({ path: file, data: await readBytes(path.join(root, file)) });
  // Plain code-unit order (not localeCompare) so the archive does not depend on the machine's locale;
  // the trailing `/` on directory names puts each directory before its contents.
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function parentsOf(rel: string): string[] {
  const segments = rel.split('/').slice(0, -1);
  return segments.map((_, i) => segments.slice(0, i + 1).join('/'));
}

/** True when every segment of `rel` is a real (non-symlink) directory except the last, a regular file. */
async function isRegularFile(root: string, rel: string): Promise<boolean> {
  const stats = await lstatChain(root, rel);
  return stats !== null && stats.isFile();
}

async function isRealDir(root: string, rel: string): Promise<boolean> {
  const stats = await lstatChain(root, rel);
  return stats !== null && stats.isDirectory();
}

/** lstat of each path prefix so that a symlinked parent (e.g. `dist -> /elsewhere`) is not followed. */
async function lstatChain(root: string, rel: string): Promise<Stats | null> {
  const segments = rel.split('/');
  let current = root;
  for (const [i, segment] of segments.entries()) {
    current = path.join(current, segment);
    const stats = await lstat(current).catch(() => null);
    if (stats === null) return null;
    if (i < segments.length - 1 && !stats.isDirectory()) return null;
    if (i === segments.length - 1) return stats;
  }
  return null;
}

async function readBytes(file: string): Promise<Uint8Array> {
  const buf = await readFile(file);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function toTarEntry(entry: PackEntry): { header: TarHeader; body?: Uint8Array } {
  const base = { name: entry.path, mtime: EPOCH, uid: 0, gid: 0, uname: '', gname: '' };
  if (entry.type === 'directory') {
    return { header: { ...base, type: 'directory', size: 0, mode: entry.mode ?? DIR_MODE } };
  }
  if (entry.type === 'symlink') {
    return { header: { ...base, type: 'symlink', size: 0, mode: 0o777, linkname: entry.linkTarget } };
  }
  const header: TarHeader = { ...base, type: 'file', size: entry.data.byteLength, mode: entry.mode ?? FILE_MODE };
  return { header, body: entry.data };
}

function resolveLevel(level: number | undefined): number {
  const resolved = level ?? DEFAULT_PACK_LEVEL;
  if (!Number.isInteger(resolved) || resolved < 1 || resolved > 22) {
    throw new EmulatorError(
      'INVALID_COMPRESSION_LEVEL',
      `cannot pack: compression level ${String(level)} is not an integer from 1 to 22. ` +
        `Omit it to use the default (${DEFAULT_PACK_LEVEL}).`,
    );
  }
  return resolved;
}

// The wasm module is immutable once loaded, so one lazy init per process is safe to share; a failed
// init is forgotten so that the next pack retries. Never call `init()` of @bokuweb/zstd-wasm
// elsewhere: a second init swaps the wasm memory under the already-bound functions and the next
// outputs are garbage. Use `compressZstd` instead.
let zstdReady: Promise<void> | undefined;

function ensureZstd(): Promise<void> {
  zstdReady ??= init().catch((err: unknown) => {
    zstdReady = undefined;
    throw err;
  });
  return zstdReady;
}

/**
 * zstd-compresses `data` (one frame with a content size) and checks that it decompresses back to
 * the input, so a corrupted output is never hashed and published.
 */
export async function compressZstd(data: Uint8Array, level: number = DEFAULT_PACK_LEVEL): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    await ensureZstd();
    out = compress(data, resolveLevel(level));
  } catch (err) {
    if (err instanceof EmulatorError) throw err;
    throw packFailed(`zstd compression failed: ${describeError(err)}`, err);
  }
  if (!roundTrips(out, data)) {
    throw packFailed('zstd output does not decompress to its input (was @bokuweb/zstd-wasm init() called twice?)');
  }
  return out;
}

function roundTrips(compressed: Uint8Array, original: Uint8Array): boolean {
  try {
    return Buffer.from(decompress(compressed)).equals(Buffer.from(original.buffer, original.byteOffset, original.byteLength));
  } catch {
    return false;
  }
}

function packFailed(reason: string, cause?: unknown): EmulatorError {
  return new EmulatorError('PACK_FAILED', `cannot pack: ${reason}. Retry; if it persists, report it with the extension.`, {
    cause,
  });
}
