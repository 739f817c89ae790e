import { statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulatorError, describeError, type ErrorCode } from '../errors.ts';
import { hashHex } from './hash.ts';
import { OWNER_PATTERN, ownedTempTag, ownerIsGone } from './leftovers.ts';

/**
 * Where published `bundle.tar.zst` archives live (production: object storage under
 * `BUNDLE_STORE_BASE`). Keys are relative, `/`-separated paths from `bundleStoreKey`.
 */
export interface BundleStore {
  /** The archive bytes, or null when nothing is stored under `key`. */
  get(key: string): Promise<Uint8Array | null>;
  /** Stores `bytes` under `key` atomically: readers see the old value or the whole new one. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  has(key: string): Promise<boolean>;
  /** Removes the object under `key`; nothing stored there is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Size and change marker of the object under `key`, or null when nothing is stored there. Cheap
   * (no bytes read): the Runner calls it on every load to notice an archive replaced after it was
   * verified. Any write under `key` must change the result.
   */
  stat(key: string): Promise<StoreStat | null>;
  /** Human-readable location for logs and health output. */
  describe(): string;
  /** True when the store can be used (e.g. its folder exists or can be created). */
  healthy(): Promise<boolean>;
  /**
   * Start-up repair, for stores that write through temp files: removes the temp files of writes
   * whose process no longer runs (killed between writing and renaming) and returns where they were.
   */
  removeInterruptedWrites?(): Promise<string[]>;
  /** The keys stored under `prefix` (a folder: `sha256/_staging`), with when each was written (epoch ms, real time). */
  list?(prefix: string): Promise<{ key: string; writtenAtMs: number }[]>;
}

/** What `BundleStore.stat` reports; two stats are the same object only when every field is equal. */
export interface StoreStat {
  size: number;
  /** Modification time (file store) or a write sequence number (memory store). */
  mtimeMs: number;
  /**
   * File identity where the store has one (inode). Every `FileBundleStore.put` renames a new file
   * into place, so this changes even when two writes land within one file-system clock tick.
   */
  ino?: number;
}

/** True when two stats describe the same stored object (nothing was written in between). */
export function sameStoreStat(a: StoreStat, b: StoreStat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/**
 * The production key layout: `tenants/{tenant}/extensions/{registryId}/sha256/{hex}/bundle.tar.zst`.
 * `tenant` and `registryId` usually come from request headers, so anything that could leave the
 * store folder is refused.
 *
 * @example bundleStoreKey('acme', 'reg-1', 'sha256:AB…') // 'tenants/acme/extensions/reg-1/sha256/ab…/bundle.tar.zst'
 */
export function bundleStoreKey(tenant: string, registryId: string, contentHash: string): string {
  assertKeyPart('tenant', tenant);
  assertKeyPart('registryId', registryId);
  return `tenants/${tenant}/extensions/${registryId}/sha256/${hashHex(contentHash)}/bundle.tar.zst`;
}

function assertKeyPart(name: string, value: string): void {
  const unsafe =
    value === '' || value === '.' || value.includes('/') || value.includes('\\') || value.includes('..') || value.includes('\0');
  if (!unsafe) return;
  throw new EmulatorError(
    'INVALID_BUNDLE_KEY',
    `invalid bundle key: ${name} ${JSON.stringify(value)} must be a non-empty name without "/", "\\", ".." or NUL. ` +
      `Check the ${name} sent with the request.`,
  );
}

/** Refuses keys that are absolute or could climb out of the store (checked again by every store). */
function assertSafeKey(key: string): void {
  const segments = key.split('/');
  const unsafe =
    key.includes('\\') || key.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..');
  if (!unsafe) return;
  throw new EmulatorError(
    'INVALID_BUNDLE_KEY',
    `invalid bundle key ${JSON.stringify(key)}: keys are relative "/"-separated paths without empty, "." or ".." segments. ` +
      'Build keys with bundleStoreKey().',
  );
}

/** The writable side of a file handle that `FileBundleStore.put` needs. */
export interface StoreFileHandle {
  writeFile(data: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file-system calls `FileBundleStore` makes; injectable so tests can make a write fail midway. */
export interface StoreFs {
  mkdir(dir: string, options: { recursive: true }): Promise<unknown>;
  open(file: string, flags: string, mode?: number): Promise<StoreFileHandle>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string, options: { force: true }): Promise<void>;
  readFile(file: string): Promise<Uint8Array>;
  stat(file: string): Promise<{ isFile(): boolean; isDirectory(): boolean; size: number; mtimeMs: number; ino: number }>;
}

const nodeFs: StoreFs = {
  mkdir: (dir, options) => fsp.mkdir(dir, options),
  open: (file, flags, mode) => fsp.open(file, flags, mode),
  rename: (from, to) => fsp.rename(from, to),
  rm: (file, options) => fsp.rm(file, options),
  readFile: (file) => fsp.readFile(file),
  // Synchronous on purpose: the Runner stats the archive on every call (to see a replaced one),
  // and a local stat costs microseconds inline against a thread-pool round trip and a promise.
  stat: async (file) => statSync(file),
};

/**
 * Bundle store in a local folder (`BUNDLE_STORE_BASE` as a path or `file://` URL). Writes go to a
 * hidden temp file in the destination folder, are fsynced, then renamed into place.
 *
 * @example new FileBundleStore('file:///var/lib/alga/bundles')
 */
export class FileBundleStore implements BundleStore {
  readonly baseDir: string;
  readonly #fs: StoreFs;

  constructor(base: string, options: { fs?: Partial<StoreFs> } = {}) {
    this.baseDir = path.resolve(base.startsWith('file:') ? fileUrlToDir(base) : base);
    this.#fs = { ...nodeFs, ...options.fs };
  }

  async get(key: string): Promise<Uint8Array | null> {
    const file = this.#pathOf(key);
    try {
      const buf = await this.#fs.readFile(file);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (err) {
      if (isMissing(err)) return null;
      throw storeError('BUNDLE_STORE_READ_FAILED', `cannot read bundle ${key} from ${file}`, err);
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.#pathOf(key);
    try {
      await this.#fs.rm(file, { force: true });
    } catch (err) {
      throw storeError('BUNDLE_STORE_WRITE_FAILED', `cannot delete bundle ${key} at ${file}`, err);
    }
    await this.#pruneEmptyFolders(file);
  }

  async removeInterruptedWrites(): Promise<string[]> {
    const removed: string[] = [];
    for (const file of await filesUnder(this.baseDir)) {
      const match = TEMP_FILE.exec(path.basename(file));
      if (!match || !ownerIsGone(match[1] ?? null)) continue;
      await this.#fs.rm(file, { force: true });
      await this.#pruneEmptyFolders(file);
      removed.push(path.relative(this.baseDir, file).split(path.sep).join('/'));
    }
    return removed.sort();
  }

  async list(prefix: string): Promise<{ key: string; writtenAtMs: number }[]> {
    const listed: { key: string; writtenAtMs: number }[] = [];
    for (const file of await filesUnder(this.#pathOf(prefix))) {
      if (TEMP_FILE.test(path.basename(file))) continue;
      const info = await this.#fs.stat(file).catch(() => null);
      if (info?.isFile()) listed.push({ key: path.relative(this.baseDir, file).split(path.sep).join('/'), writtenAtMs: info.mtimeMs });
    }
    return listed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Drops the folders a key made (e.g. sha256/_staging/{uuid}/) once they are empty. */
  async #pruneEmptyFolders(file: string): Promise<void> {
    let dir = path.dirname(file);
    while (dir.startsWith(this.baseDir + path.sep)) {
      if (!(await fsp.rmdir(dir).then(() => true, () => false))) break;
      dir = path.dirname(dir);
    }
  }

  async has(key: string): Promise<boolean> {
    const file = this.#pathOf(key);
    try {
      return (await this.#fs.stat(file)).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw storeError('BUNDLE_STORE_READ_FAILED', `cannot check bundle ${key} at ${file}`, err);
    }
  }

  async stat(key: string): Promise<StoreStat | null> {
    const file = this.#pathOf(key);
    try {
      const info = await this.#fs.stat(file);
      return info.isFile() ? { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw storeError('BUNDLE_STORE_READ_FAILED', `cannot check bundle ${key} at ${file}`, err);
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.#pathOf(key);
    // Named after this process, so start-up repair removes it only once this process is gone.
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${ownedTempTag()}.tmp`);
    try {
      await this.#fs.mkdir(path.dirname(file), { recursive: true });
      await this.#writeDurably(temp, bytes);
      await this.#fs.rename(temp, file);
    } catch (err) {
      // Best effort: the original error is the one worth reporting.
      await this.#fs.rm(temp, { force: true }).catch(() => undefined);
      throw storeError('BUNDLE_STORE_WRITE_FAILED', `cannot write bundle ${key} to ${file}`, err);
    }
  }

  describe(): string {
    return `file bundle store at ${this.baseDir}`;
  }

  async healthy(): Promise<boolean> {
    try {
      await this.#fs.mkdir(this.baseDir, { recursive: true });
      return (await this.#fs.stat(this.baseDir)).isDirectory();
    } catch {
      return false;
    }
  }

  #pathOf(key: string): string {
    assertSafeKey(key);
    return path.join(this.baseDir, ...key.split('/'));
  }

  /** Writes and fsyncs a new file (`wx`: never reuses an existing one), closing it on every path. */
  async #writeDurably(file: string, bytes: Uint8Array): Promise<void> {
    const handle = await this.#fs.open(file, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/**
 * In-memory bundle store (`BUNDLE_STORE_BASE=memory:`), for tests and throwaway emulators.
 * Bytes are copied in and out so callers cannot change what is stored.
 */
export class MemoryBundleStore implements BundleStore {
  readonly #entries = new Map<string, { bytes: Uint8Array; written: number }>();
  /** Write sequence: each put gets a new number, reported as `mtimeMs` by `stat`. */
  #writes = 0;

  async get(key: string): Promise<Uint8Array | null> {
    assertSafeKey(key);
    return this.#entries.get(key)?.bytes.slice() ?? null;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    assertSafeKey(key);
    this.#entries.set(key, { bytes: bytes.slice(), written: ++this.#writes });
  }

  async stat(key: string): Promise<StoreStat | null> {
    assertSafeKey(key);
    const entry = this.#entries.get(key);
    return entry ? { size: entry.bytes.length, mtimeMs: entry.written } : null;
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    this.#entries.delete(key);
  }

  async has(key: string): Promise<boolean> {
    assertSafeKey(key);
    return this.#entries.has(key);
  }

  describe(): string {
    return 'memory bundle store';
  }

  async healthy(): Promise<boolean> {
    return true;
  }
}

/**
 * Picks the store for a `BUNDLE_STORE_BASE` value: unset → a folder at `defaultDir`; `memory:` →
 * in memory; a path or `file://` URL → that folder. Other schemes are refused loudly.
 *
 * @example createBundleStore(process.env.BUNDLE_STORE_BASE, '.emulator/bundles')
 */
export function createBundleStore(base: string | undefined, defaultDir: string): BundleStore {
  if (base === undefined || base === '') return new FileBundleStore(defaultDir);
  if (base.startsWith('memory:')) return new MemoryBundleStore();
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(base)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'file') {
    throw new EmulatorError(
      'UNSUPPORTED_BUNDLE_STORE',
      `unsupported BUNDLE_STORE_BASE ${JSON.stringify(base)}: the emulator stores bundles in a folder or in memory. ` +
        'Use a folder path, a file:// URL, or memory:.',
    );
  }
  return new FileBundleStore(base);
}

function fileUrlToDir(url: string): string {
  try {
    return fileURLToPath(url);
  } catch (err) {
    throw new EmulatorError(
      'UNSUPPORTED_BUNDLE_STORE',
      `invalid BUNDLE_STORE_BASE ${JSON.stringify(url)}: ${describeError(err)}. Use a file:///absolute/path URL or a plain folder path.`,
      { cause: err },
    );
  }
}

/** `FileBundleStore.put`'s temp files: `.{name}.{owner}-{uuid}.tmp`, or `.{name}.{uuid}.tmp` before owners were named. */
const TEMP_FILE = new RegExp(`^\\..+\\.(?:(${OWNER_PATTERN})-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp$`);

/** Every file below `dir` (not following symlinks); a missing folder has none. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true }).catch((err: unknown) => {
    if (isMissing(err)) return [];
    throw err;
  });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function storeError(code: ErrorCode, what: string, cause: unknown): EmulatorError {
  if (cause instanceof EmulatorError) return cause;
  return new EmulatorError(
    code,
    `${what}: ${describeError(cause)}. Check that the bundle store folder exists and is writable (BUNDLE_STORE_BASE).`,
    { cause },
  );
}
