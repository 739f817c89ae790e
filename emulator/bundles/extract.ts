import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmulatorError, describeError } from '../errors.ts';
import { cleanEntryPath, isHiddenPath } from './archive-scan.js';
import { computeContentHash, hashHex, normalizeContentHash } from './hash.ts';
import { OWNER_PATTERN, ownerIsGone, processOwner } from './leftovers.ts';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './limits.ts';
import { scanBundle } from './scan.ts';

/** Where one extracted bundle lives on disk. */
export interface ExtractedBundle {
  /** Normalized `sha256:<hex>`. */
  contentHash: string;
  /** Everything from the archive except `ui/` (e.g. `dist/main.wasm`), plus the `.ready` marker. */
  bundleRoot: string;
  /** The archive's `ui/` folder with the `ui/` prefix stripped (e.g. `index.html`). */
  uiRoot: string;
}

export interface BundleCacheOptions {
  /** Cache folder (`EXT_CACHE_ROOT`); holds `bundles/`, `ui/` and `tmp/`. */
  root: string;
  /**
   * How long to wait for another process's `.ready` marker when its extraction already occupies
   * the final folders; after that the folders are treated as left over by a crash and replaced.
   */
  staleAfterMs?: number;
  /** Limits of the one archive reading finalize also applies (`parseArchiveLimits`); default DEFAULT_ARCHIVE_LIMITS. */
  limits?: ArchiveLimits;
}

const READY_MARKER = '.ready';
const POLL_MS = 20;
const DEFAULT_STALE_AFTER_MS = 2000;
/** Hashes whose archive was refused, remembered so that each call does not read it again. */
const MAX_REMEMBERED_REFUSALS = 256;

/**
 * The Runner's extraction cache, keyed by content hash only: a hash is extracted once and served
 * for any tenant. Layout: `{root}/bundles/{hex}/` (bundle root), `{root}/ui/{hex}/` (UI root),
 * `{root}/bundles/{hex}/.ready` (written last), `{root}/tmp/` (work folders, emptied on exit).
 *
 * @example
 * const cache = new BundleCache({ root: '.emulator/cache' });
 * const bundle = await cache.ensureExtracted(hash, () => store.get(key).then(requireBytes));
 */
export class BundleCache {
  readonly root: string;
  readonly #staleAfterMs: number;
  readonly #limits: ArchiveLimits;
  /** One extraction per hash at a time within this instance; entries are removed when settled. */
  readonly #inflight = new Map<string, Promise<ExtractedBundle>>();
  /**
   * Content refusals (BUNDLE_CORRUPT) by hash: the same bytes under the same limits are refused
   * again, so later calls answer at once instead of fetching and reading the archive each time.
   */
  readonly #refused = new Map<string, EmulatorError>();

  constructor(options: BundleCacheOptions) {
    this.root = path.resolve(options.root);
    this.#staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    this.#limits = { ...(options.limits ?? DEFAULT_ARCHIVE_LIMITS) };
  }

  /**
   * Returns the extracted bundle, calling `fetchArchive` and extracting only when the `.ready`
   * marker is missing. Concurrent calls for one hash share a single extraction.
   */
  ensureExtracted(contentHash: string, fetchArchive: () => Promise<Uint8Array>): Promise<ExtractedBundle> {
    let hash: string;
    try {
      hash = normalizeContentHash(contentHash);
    } catch (err) {
      return Promise.reject(err);
    }
    const running = this.#inflight.get(hash);
    if (running) return running;
    const run = this.#load(hash, fetchArchive).finally(() => this.#inflight.delete(hash));
    this.#inflight.set(hash, run);
    return run;
  }

  /** True when the bundle for `contentHash` is fully extracted (its `.ready` marker exists). */
  async isReady(contentHash: string): Promise<boolean> {
    return isFile(this.#layout(normalizeContentHash(contentHash)).marker);
  }

  /** The extracted bundle for `contentHash` when it is complete (`.ready`), else null. Never fetches. */
  async readyBundle(contentHash: string): Promise<ExtractedBundle | null> {
    const layout = this.#layout(normalizeContentHash(contentHash));
    return (await isFile(layout.marker)) ? layout.bundle : null;
  }

  async #load(hash: string, fetchArchive: () => Promise<Uint8Array>): Promise<ExtractedBundle> {
    const layout = this.#layout(hash);
    if (await isFile(layout.marker)) return layout.bundle;
    const refused = this.#refused.get(hash);
    if (refused) throw refused;
    const bytes = await fetchBytes(hash, fetchArchive);
    verifyHash(hash, bytes);
    try {
      await this.#extract(layout, bytes);
    } catch (err) {
      if (err instanceof EmulatorError && err.code === 'BUNDLE_CORRUPT') this.#remember(hash, err);
      throw err;
    }
    return layout.bundle;
  }

  #remember(hash: string, err: EmulatorError): void {
    if (this.#refused.size >= MAX_REMEMBERED_REFUSALS) this.#refused.delete(this.#refused.keys().next().value as string);
    this.#refused.set(hash, err);
  }

  async #extract(layout: CacheLayout, bytes: Uint8Array): Promise<void> {
    const tmpRoot = path.join(this.root, 'tmp');
    const placed: string[] = [];
    let work: string | undefined;
    try {
      await Promise.all([tmpRoot, layout.bundlesDir, layout.uiDir].map((d) => mkdir(d, { recursive: true })));
      work = await mkdtemp(path.join(tmpRoot, workFolderPrefix(layout.bundle.contentHash)));
      const parts = { bundle: path.join(work, 'bundle'), ui: path.join(work, 'ui') };
      // Read, checked and written on a worker thread, with finalize's rules and limits.
      await scanBundle(bytes, this.#limits, { extractTo: parts });
      if (await this.#place(parts.bundle, layout.bundle.bundleRoot, layout.marker, placed)) return;
      if (await this.#place(parts.ui, layout.bundle.uiRoot, layout.marker, placed)) return;
      await writeMarker(layout.marker, layout.bundle.contentHash);
    } catch (err) {
      // Only folders this call renamed into place: another process may own the others.
      await Promise.all(placed.map((p) => rm(p, { recursive: true, force: true })));
      throw toExtractError(err, layout.bundle.contentHash);
    } finally {
      if (work !== undefined) await rm(work, { recursive: true, force: true });
    }
  }

  /**
   * Start-up repair: removes the work folders in `{root}/tmp/` of extractions whose process no
   * longer runs (killed midway) and returns their names. Anything else there is left alone.
   */
  async removeInterruptedExtractions(): Promise<string[]> {
    const tmpRoot = path.join(this.root, 'tmp');
    const names = await readdir(tmpRoot).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    });
    const removed: string[] = [];
    for (const name of names.sort()) {
      const match = WORK_FOLDER.exec(name);
      if (!match || !ownerIsGone(match[1] ?? null)) continue;
      await rm(path.join(tmpRoot, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  /**
   * Renames a finished part into place. Returns true when another process completed the same
   * hash meanwhile (its `.ready` appeared), so this extraction can be dropped.
   */
  async #place(from: string, to: string, marker: string, placed: string[]): Promise<boolean> {
    try {
      await rename(from, to);
      placed.push(to);
      return false;
    } catch (err) {
      if (!isOccupied(err)) throw err;
    }
    if (await waitForFile(marker, this.#staleAfterMs)) return true;
    // No marker after the grace period: a crashed extraction left this folder behind; replace it.
    await rm(to, { recursive: true, force: true });
    await rename(from, to);
    placed.push(to);
    return false;
  }

  #layout(hash: string): CacheLayout {
    const hex = hashHex(hash);
    const bundlesDir = path.join(this.root, 'bundles');
    const uiDir = path.join(this.root, 'ui');
    const bundleRoot = path.join(bundlesDir, hex);
    return {
      bundlesDir,
      uiDir,
      marker: path.join(bundleRoot, READY_MARKER),
      bundle: { contentHash: hash, bundleRoot, uiRoot: path.join(uiDir, hex) },
    };
  }
}

/** Work folders: `{hex16}-{owner}-{random6}` (mkdtemp), or `{hex16}-{random6}` before owners were named. */
const WORK_FOLDER = new RegExp(`^[0-9a-f]{16}-(?:(${OWNER_PATTERN})-)?[A-Za-z0-9]{6}$`);

/** Names the extracting process, so start-up repair removes the folder only once it is gone. */
function workFolderPrefix(contentHash: string): string {
  return `${hashHex(contentHash).slice(0, 16)}-${processOwner()}-`;
}

interface CacheLayout {
  bundlesDir: string;
  uiDir: string;
  marker: string;
  bundle: ExtractedBundle;
}

/**
 * Reads one file of an extracted bundle by its archive path (`dist/main.wasm`, `ui/index.html`).
 * Returns null when the file does not exist; refuses paths that could leave the bundle.
 *
 * @example const wasm = await readBundleFile(bundle, 'dist/main.wasm');
 */
export async function readBundleFile(bundle: ExtractedBundle, relPath: string): Promise<Uint8Array | null> {
  const clean = sanitizeEntryPath(relPath);
  if (clean === null) {
    throw new EmulatorError(
      'INVALID_BUNDLE_PATH',
      `cannot read ${JSON.stringify(relPath)} from bundle ${bundle.contentHash}: the path is empty, absolute, ` +
        'or has "..", empty or hidden segments. Use a relative archive path such as "dist/main.wasm".',
    );
  }
  const file = clean === 'ui' || clean.startsWith('ui/')
    ? path.join(bundle.uiRoot, clean.slice(3))
    : path.join(bundle.bundleRoot, clean);
  try {
    const buf = await readFile(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new EmulatorError('BUNDLE_READ_FAILED', `cannot read ${JSON.stringify(clean)} of bundle ${bundle.contentHash}: ${reason}. Fix: check that the cache folder (EXT_CACHE_ROOT) is readable; deleting it makes the bundle extract again.`, { cause: err });
  }
}

/**
 * The archive path an entry may be read at, or null when it is refused: leading `./` is
 * stripped; empty, absolute, `..`-containing, backslash/NUL-containing paths and paths with an
 * empty or dot-prefixed segment are refused. A trailing `/` (directory entries) is ignored. The
 * same rules `scanBundle` applies when an archive is validated and extracted (archive-scan.js).
 */
export function sanitizeEntryPath(raw: string): string | null {
  let clean: string | null;
  try {
    clean = cleanEntryPath(raw);
  } catch {
    return null;
  }
  return clean === null || isHiddenPath(clean) ? null : clean;
}

async function fetchBytes(hash: string, fetchArchive: () => Promise<Uint8Array>): Promise<Uint8Array> {
  try {
    return await fetchArchive();
  } catch (err) {
    if (err instanceof EmulatorError) throw err;
    throw new EmulatorError(
      'EXTRACT_FAILED',
      `cannot fetch bundle ${hash}: ${describeError(err)}. Check that the bundle store holds this archive.`,
      { cause: err },
    );
  }
}

function verifyHash(expected: string, bytes: Uint8Array): void {
  const actual = computeContentHash(bytes);
  if (actual !== expected) throw archiveHashMismatch(expected, actual);
}

/**
 * The one error for archive bytes whose sha256 is not the content hash they were fetched for
 * (code ARCHIVE_HASH_MISMATCH, 502; the message production's Runner reports).
 *
 * @example throw archiveHashMismatch('sha256:ab…', computeContentHash(bytes));
 */
export function archiveHashMismatch(expected: string, actual: string): EmulatorError {
  return new EmulatorError('ARCHIVE_HASH_MISMATCH', `archive hash mismatch: expected ${expected}, got ${actual}`);
}

/**
 * The archive's own refusals (BUNDLE_NOT_ZSTD, BUNDLE_BAD_TAR, a limit or an entry rule: 400, the
 * caller's bytes at finalize) become BUNDLE_CORRUPT (500) with the same message: here the archive
 * came from our store, not from the caller. EXTRACT_FAILED and other codes are kept. Messages
 * never name the cache folder; the file system's own error stays in `cause` for the server log.
 */
function toExtractError(err: unknown, hash: string): EmulatorError {
  if (err instanceof EmulatorError && err.status === 400) {
    return new EmulatorError('BUNDLE_CORRUPT', err.message, { cause: err });
  }
  if (err instanceof EmulatorError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? 'an unexpected error';
  return new EmulatorError(
    'EXTRACT_FAILED',
    `cannot extract bundle ${hash}: ${code}. Check that the cache folder (EXT_CACHE_ROOT) is writable and has free space.`,
    { cause: err },
  );
}

/** Written last; an existing marker means another process finished the same (identical) content. */
async function writeMarker(marker: string, hash: string): Promise<void> {
  try {
    await writeFile(marker, `${hash}\n`, { mode: 0o444, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

function isOccupied(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false);
}

async function waitForFile(file: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isFile(file)) return true;
    await sleep(POLL_MS);
  }
  return isFile(file);
}
