// The one reading of a `bundle.tar.zst`: decompresses zstd block by block and parses tar headers
// as they arrive, enforcing the archive limits and the entry rules as it goes, and stopping at
// the first one passed. Never holds the whole output. Plain JavaScript on purpose: it runs inside
// a worker thread (archive-worker.js), which must start under tsx, vitest and plain node alike;
// types are in archive-scan.d.ts.
//
// Used three ways, always with the same rules:
// - `validate` (publish finalize): lists the entries and keeps the manifest candidates' text;
// - `extract` (the Runner's BundleCache): also writes every entry under `extractTo`;
// - `collect` (doctor, tests): keeps every raw entry with its data; rule refusals are recorded
//   instead of thrown (the doctor reports them); limits still stop the reading.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Decompress } from 'fzstd';
import { REPACK, ScanRefusal, quotePath, size } from './scan-refusal.js';
import { TarStream } from './tar-stream.js';

export { ScanRefusal, quotePath } from './scan-refusal.js';

/** Compression ratio is only judged once this much has been unpacked: small bundles never trip it. */
export const RATIO_FLOOR_BYTES = 16 * 1024 * 1024;
/** Compressed bytes handed to the decompressor at a time (ratio is judged per slice). */
const INPUT_SLICE = 64 * 1024;

const utf8Length = (s) => Buffer.byteLength(s, 'utf8');

/**
 * The archive path an entry is written to, or null for the bundle root itself (`.`, `./`):
 * leading `./` and a trailing `/` are dropped. Unsafe paths throw BUNDLE_UNSAFE_PATH.
 */
export function cleanEntryPath(raw) {
  let p = raw;
  while (p.startsWith('./')) p = p.slice(2);
  if (p.endsWith('/')) p = p.slice(0, -1);
  if (p === '' || p === '.') return null;
  const reason = unsafeReason(p);
  if (reason) throw new ScanRefusal('BUNDLE_UNSAFE_PATH', `bundle entry ${quotePath(raw)} ${reason}; the Runner never writes such an entry. Fix: pack only relative paths inside the extension folder. ${REPACK}`);
  return p;
}

/** Why a cleaned path is unsafe to write, or undefined. The same rules `sanitizeEntryPath` applies to reads. */
export function unsafeReason(p) {
  if (p.startsWith('/')) return 'is an absolute path';
  if (p.includes('..')) return 'contains ".."';
  if (p.includes('\\')) return 'contains a backslash';
  if (p.includes('\0')) return 'contains a NUL character';
  if (p.split('/').some((segment) => segment === '')) return 'has an empty segment ("//")';
  return undefined;
}

/** Hidden (dot-prefixed) segments are never extracted or served, by the Runner as in production. */
export function isHiddenPath(p) {
  return p.split('/').some((segment) => segment.startsWith('.'));
}

/** Path length, name length and depth limits, checked on the cleaned path. */
function checkPathLimits(p, limits) {
  const bytes = utf8Length(p);
  if (bytes > limits.maxPathBytes) {
    throw new ScanRefusal('BUNDLE_PATH_TOO_LONG', `bundle entry path ${quotePath(p)} is ${bytes} bytes; the limit is ${limits.maxPathBytes} (EXT_BUNDLE_MAX_PATH_BYTES). Fix: shorten the path, or raise EXT_BUNDLE_MAX_PATH_BYTES.`);
  }
  const segments = p.split('/');
  for (const segment of segments) {
    const n = utf8Length(segment);
    if (n > limits.maxNameBytes) {
      throw new ScanRefusal('BUNDLE_PATH_TOO_LONG', `bundle entry ${quotePath(p)} has a ${n}-byte name; the limit is ${limits.maxNameBytes} bytes per file or folder name (EXT_BUNDLE_MAX_NAME_BYTES; most file systems stop at 255). Fix: shorten the name, or raise EXT_BUNDLE_MAX_NAME_BYTES.`);
    }
  }
  if (segments.length > limits.maxPathDepth) {
    throw new ScanRefusal('BUNDLE_PATH_TOO_DEEP', `bundle entry ${quotePath(p)} is ${segments.length} folders deep; the limit is ${limits.maxPathDepth} (EXT_BUNDLE_MAX_PATH_DEPTH). Fix: flatten the folder tree, or raise EXT_BUNDLE_MAX_PATH_DEPTH.`);
  }
}

/** True for `manifest.json` at the root or one folder deep: where finalize looks for the manifest. */
export function isManifestCandidate(p) {
  return p === 'manifest.json' || /^[^/]+\/manifest\.json$/.test(p);
}

// ---------------------------------------------------------------------------------------------
// zstd: walk the frame and block headers first (cheap, no decompression) to refuse windows the
// decoder would have to allocate and touch in full, then decompress block by block.

function notZstd(reason, detail) {
  return new ScanRefusal('BUNDLE_NOT_ZSTD', `bundle is not a valid zstd archive: ${reason}. ${REPACK}`, detail);
}

function readLE(bytes, at, n) {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + bytes[at + i];
  return v;
}

/** Checks every frame's structure and window size; throws BUNDLE_NOT_ZSTD or BUNDLE_ZSTD_WINDOW_TOO_LARGE. */
export function checkZstdFrames(bytes, maxWindowBytes) {
  if (bytes.byteLength === 0) throw notZstd('the file is empty');
  let pos = 0;
  while (pos < bytes.byteLength) {
    if (bytes.byteLength - pos < 6) throw notZstd(pos === 0 ? 'invalid zstd data' : 'the archive is truncated');
    const magic = readLE(bytes, pos, 4);
    if (magic >= 0x184d2a50 && magic <= 0x184d2a5f) {
      if (bytes.byteLength - pos < 8) throw notZstd('the archive is truncated');
      pos += 8 + readLE(bytes, pos + 4, 4);
      continue;
    }
    if (magic !== 0xfd2fb528) throw notZstd('invalid zstd data');
    pos = walkFrame(bytes, pos + 4, maxWindowBytes);
  }
  if (pos > bytes.byteLength) throw notZstd('the archive is truncated');
}

function walkFrame(bytes, at, maxWindowBytes) {
  const fhd = bytes[at];
  if (fhd & 8) throw notZstd('invalid zstd data');
  const single = (fhd >> 5) & 1;
  const fcsFlag = fhd >> 6;
  let p = at + 1;
  let window = 0;
  if (!single) {
    const wd = bytes[p++];
    const base = 2 ** (10 + (wd >> 3));
    window = base + (base / 8) * (wd & 7);
  }
  p += [0, 1, 2, 4][fhd & 3];
  const fcsBytes = fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag];
  if (p + fcsBytes > bytes.byteLength) throw notZstd('the archive is truncated');
  if (single) window = readLE(bytes, p, fcsBytes) + (fcsFlag === 1 ? 256 : 0);
  p += fcsBytes;
  if (window > maxWindowBytes) {
    throw new ScanRefusal('BUNDLE_ZSTD_WINDOW_TOO_LARGE', `bundle's zstd frame needs a ${size(window)} decoding window; the limit is ${size(maxWindowBytes)} (EXT_BUNDLE_MAX_ZSTD_WINDOW_BYTES). Fix: recompress at level 19 or lower without --long (\`zstd -19\`), or raise EXT_BUNDLE_MAX_ZSTD_WINDOW_BYTES.`);
  }
  for (;;) {
    if (p + 3 > bytes.byteLength) throw notZstd('the archive is truncated');
    const header = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16);
    const type = (header >> 1) & 3;
    if (type === 3) throw notZstd('invalid block type');
    p += 3 + (type === 1 ? 1 : header >>> 3);
    if (header & 1) break;
  }
  return p + ((fhd >> 2) & 1) * 4;
}

// ---------------------------------------------------------------------------------------------
// The rules: what an entry may be, and where it goes.

/** Throws the first rule an entry breaks; in `collect` mode records it and carries on. */
class EntryRules {
  constructor(mode) {
    this.mode = mode;
    this.files = new Set();
    // The UI root is always a folder: a file named `ui` could not be written.
    this.dirs = new Set(['ui']);
    this.refusals = [];
  }

  /** The cleaned path to write, null for the root entry or a hidden path (skipped), or a refusal. */
  check(entry) {
    try {
      return this.#check(entry);
    } catch (err) {
      if (this.mode !== 'collect' || !(err instanceof ScanRefusal)) throw err;
      this.refusals.push({ code: err.code, path: entry.name, message: err.message });
      return null;
    }
  }

  #check(entry) {
    if (entry.type !== 'file' && entry.type !== 'directory') {
      const what = entry.linkTarget !== undefined ? `${entry.type} to ${quotePath(entry.linkTarget)}` : entry.type;
      throw new ScanRefusal('BUNDLE_UNSUPPORTED_ENTRY', `bundle entry ${quotePath(entry.name)} is a ${what}; bundles may hold only regular files and folders. Fix: pack the file itself (\`tar -h\` follows links).`);
    }
    const p = cleanEntryPath(entry.name);
    if (p === null) {
      if (entry.type === 'file') throw new ScanRefusal('BUNDLE_UNSAFE_PATH', `bundle entry ${quotePath(entry.name)} is a file with an empty name. Fix: ${REPACK}`);
      return null;
    }
    if (isHiddenPath(p)) return null;
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (this.files.has(parent)) throw clash(parent, p);
    }
    if (entry.type === 'file') {
      if (this.files.has(p)) {
        throw new ScanRefusal('BUNDLE_DUPLICATE_ENTRY', `bundle holds ${quotePath(p)} more than once; one copy would be validated and another run. Fix: repack so that each path appears once.`);
      }
      if (this.dirs.has(p)) throw clash(p, `${p}/`);
      this.files.add(p);
    } else {
      if (this.files.has(p)) throw clash(p, `${p}/`);
      this.dirs.add(p);
    }
    for (let i = 1; i < parts.length; i++) this.dirs.add(parts.slice(0, i).join('/'));
    return p;
  }
}

function clash(file, other) {
  const why = file === 'ui' ? ' (the Runner extracts the UI into the folder ui/)' : '';
  return new ScanRefusal('BUNDLE_PATH_CLASH', `bundle entry ${quotePath(file)} is a file, but ${quotePath(other)} needs it to be a folder${why}. Fix: rename one of them.`);
}

// ---------------------------------------------------------------------------------------------

/**
 * Reads `bytes` under `limits`. Options: `mode` (validate | extract | collect), `extractTo`
 * ({bundle, ui} folders to create and fill; extract mode). Returns the scan result or throws a
 * ScanRefusal.
 */
export function scanArchive(bytes, limits, options) {
  const mode = options.mode;
  checkZstdFrames(bytes, limits.maxZstdWindowBytes);
  const rules = new EntryRules(mode);
  const writer = mode === 'extract' ? new Writer(options.extractTo) : undefined;
  const result = { entries: [], manifests: [], skipped: [], unpackedBytes: 0, compressedBytes: bytes.byteLength };
  let current;
  let consumed = 0;

  const tar = new TarStream({
    onEntry(header) {
      if (result.entries.length + result.skipped.length >= limits.maxEntries) {
        throw new ScanRefusal('BUNDLE_TOO_MANY_ENTRIES', `bundle has more than ${limits.maxEntries} entries (EXT_BUNDLE_MAX_ENTRIES). Fix: bundle the UI into fewer files, or raise EXT_BUNDLE_MAX_ENTRIES.`);
      }
      if (header.size > limits.maxEntryBytes) {
        throw new ScanRefusal('BUNDLE_ENTRY_TOO_LARGE', `bundle entry ${quotePath(header.name)} is ${size(header.size)}; the limit is ${size(limits.maxEntryBytes)} per file (EXT_BUNDLE_MAX_ENTRY_BYTES). Fix: shrink or split the file, or raise EXT_BUNDLE_MAX_ENTRY_BYTES.`);
      }
      let rawForLimits = header.name;
      while (rawForLimits.startsWith('./')) rawForLimits = rawForLimits.slice(2);
      if (rawForLimits.endsWith('/')) rawForLimits = rawForLimits.slice(0, -1);
      if (rawForLimits !== '') checkPathLimits(rawForLimits, limits);
      const clean = rules.check(header);
      current = { header, clean, chunks: undefined, fd: undefined };
      if (mode === 'collect') {
        current.chunks = [];
        result.entries.push(current);
        return;
      }
      if (clean === null) {
        if (rawForLimits !== '') result.skipped.push(header.name);
        return;
      }
      result.entries.push({ path: clean, type: header.type, size: header.size });
      if (header.type === 'file' && isManifestCandidate(clean)) current.chunks = [];
      if (writer) current.fd = writer.open(clean, header.type);
    },
    onData(part) {
      if (current.chunks) current.chunks.push(part.slice());
      if (current.fd !== undefined) writer.write(current.fd, part, current.clean);
    },
    onEnd() {
      if (current.fd !== undefined) writer.close(current.fd);
      if (current.chunks && mode !== 'collect') result.manifests.push({ path: current.clean, text: Buffer.concat(current.chunks).toString('utf8') });
      current = undefined;
    },
  });

  const decoder = new Decompress((chunk) => {
    result.unpackedBytes += chunk.length;
    if (result.unpackedBytes > limits.maxUnpackedBytes) {
      throw new ScanRefusal('BUNDLE_UNPACKED_TOO_LARGE', `bundle unpacks to more than ${size(limits.maxUnpackedBytes)} (EXT_BUNDLE_MAX_UNPACKED_BYTES); reading stopped there. Fix: shrink the bundle, or raise EXT_BUNDLE_MAX_UNPACKED_BYTES.`);
    }
    if (result.unpackedBytes > RATIO_FLOOR_BYTES && result.unpackedBytes / consumed > limits.maxCompressionRatio) {
      throw new ScanRefusal('BUNDLE_RATIO_TOO_HIGH', `bundle expands more than ${limits.maxCompressionRatio}× (EXT_BUNDLE_MAX_COMPRESSION_RATIO): ${consumed} compressed bytes gave over ${result.unpackedBytes} bytes, the shape of a decompression bomb. Fix: drop the padding or generated filler that compresses this well, or raise EXT_BUNDLE_MAX_COMPRESSION_RATIO.`);
    }
    tar.write(chunk);
  });
  try {
    for (let at = 0; at < bytes.byteLength; at += INPUT_SLICE) {
      const slice = bytes.subarray(at, Math.min(at + INPUT_SLICE, bytes.byteLength));
      consumed += slice.byteLength;
      decoder.push(slice, consumed === bytes.byteLength);
    }
  } catch (err) {
    if (writer && current?.fd !== undefined) writer.close(current.fd);
    if (err instanceof ScanRefusal) throw err;
    throw notZstd(String(err?.message ?? err).replace(/\.+$/, ''), String(err?.stack ?? err));
  }
  tar.end();
  if (mode === 'collect') {
    result.entries = result.entries.map(toCollected);
    result.refusals = rules.refusals;
  }
  return result;
}

function toCollected(e) {
  const type = e.header.type === 'file' || e.header.type === 'directory' || e.header.type === 'symlink' ? e.header.type : 'other';
  const entry = { path: e.header.name, type, data: e.chunks.length === 1 ? e.chunks[0] : new Uint8Array(Buffer.concat(e.chunks)), mode: e.header.mode };
  if (e.header.linkTarget !== undefined) entry.linkTarget = e.header.linkTarget;
  return entry;
}

/** Writes entries under the work folders, read-only from creation; errors name archive paths only. */
class Writer {
  constructor(folders) {
    this.folders = folders;
    mkdirSync(folders.bundle);
    mkdirSync(folders.ui);
  }

  #dest(p) {
    return p === 'ui' || p.startsWith('ui/') ? join(this.folders.ui, p.slice(3)) : join(this.folders.bundle, p);
  }

  open(p, type) {
    return this.#io(p, () => {
      const dest = this.#dest(p);
      if (type === 'directory') {
        mkdirSync(dest, { recursive: true });
        return undefined;
      }
      mkdirSync(join(dest, '..'), { recursive: true });
      return openSync(dest, 'wx', 0o444);
    });
  }

  write(fd, part, p) {
    this.#io(p, () => {
      let off = 0;
      while (off < part.length) off += writeSync(fd, part, off, part.length - off);
    });
  }

  close(fd) {
    try {
      closeSync(fd);
    } catch {
      // already failed; the work folder is removed by the caller
    }
  }

  #io(p, fn) {
    try {
      return fn();
    } catch (err) {
      const code = err?.code ?? 'EIO';
      throw new ScanRefusal('EXTRACT_FAILED', `cannot write bundle entry ${quotePath(p)} into the cache: ${code}. Fix: check that the cache folder (EXT_CACHE_ROOT) is writable and has free space.`, String(err?.message ?? err));
    }
  }
}
