// A small streaming tar parser (ustar, GNU long names, pax path/size records) for the archive
// worker: it is fed decompressed chunks as they arrive and never holds more than one header.
import { REPACK, ScanRefusal } from './scan-refusal.js';

/** Largest pax / GNU long-name header body read. */
const MAX_META_BYTES = 64 * 1024;
const BLOCK = 512;

function badTar(reason, detail) {
  return new ScanRefusal('BUNDLE_BAD_TAR', `bundle is not a valid tar archive inside its zstd frame: ${reason}. ${REPACK}`, detail);
}

function cString(block, from, to) {
  let end = from;
  while (end < to && block[end] !== 0) end++;
  return Buffer.from(block.buffer, block.byteOffset + from, end - from).toString('utf8');
}

function octal(block, from, to, what) {
  if (block[from] & 0x80) {
    // GNU base-256: big-endian binary after the marker bit.
    let v = block[from] & 0x7f;
    for (let i = from + 1; i < to; i++) v = v * 256 + block[i];
    if (!Number.isSafeInteger(v)) throw badTar(`the ${what} field is out of range`);
    return v;
  }
  const text = cString(block, from, to).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw badTar(`the ${what} field ${JSON.stringify(text)} is not octal`);
  return parseInt(text, 8);
}

function checksumOk(block) {
  const text = cString(block, 148, 156).trim();
  if (!/^[0-7]+$/.test(text)) return false;
  const stored = parseInt(text, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
  return sum === stored;
}

const TYPES = { 0: 'file', 7: 'file', 5: 'directory', 2: 'symlink', 1: 'hardlink', 3: 'character device', 4: 'block device', 6: 'fifo' };

function parsePax(data) {
  const text = Buffer.from(data).toString('utf8');
  const out = {};
  let at = 0;
  while (at < text.length) {
    const space = text.indexOf(' ', at);
    const length = Number(text.slice(at, space));
    if (space < 0 || !Number.isInteger(length) || length <= 0) throw badTar('a pax extended header is malformed');
    const record = text.slice(space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

/**
 * Consumes the decompressed tar stream chunk by chunk and calls `onEntry(header)` before each
 * member's data, `onData(chunk)` for its data, `onEnd()` after it.
 */
export class TarStream {
  constructor(sink) {
    this.sink = sink;
    this.header = new Uint8Array(BLOCK);
    this.headerFill = 0;
    /** Bytes of the current member's data still to come, then of its padding. */
    this.dataLeft = 0;
    this.padLeft = 0;
    /** Collected body of a pax / long-name header. */
    this.meta = undefined;
    this.pending = {};
    this.zeroBlocks = 0;
    this.inEntry = false;
  }

  write(chunk) {
    let at = 0;
    while (at < chunk.length) {
      if (this.dataLeft > 0) {
        const n = Math.min(this.dataLeft, chunk.length - at);
        const part = chunk.subarray(at, at + n);
        if (this.meta) this.meta.push(part);
        else this.sink.onData(part);
        this.dataLeft -= n;
        at += n;
        if (this.dataLeft === 0) this.#finishData();
        continue;
      }
      if (this.padLeft > 0) {
        const n = Math.min(this.padLeft, chunk.length - at);
        this.padLeft -= n;
        at += n;
        continue;
      }
      const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
      this.header.set(chunk.subarray(at, at + n), this.headerFill);
      this.headerFill += n;
      at += n;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.#onHeader(this.header);
      }
    }
  }

  end() {
    if (this.dataLeft > 0 || this.padLeft > 0 || this.headerFill > 0) throw badTar('the tar archive is truncated');
    if (this.zeroBlocks === 0) throw badTar('the tar archive is truncated (it has no end-of-archive marker)');
  }

  #onHeader(block) {
    if (this.zeroBlocks > 0) return; // after the end-of-archive marker: padding, ignored
    if (block.every((b) => b === 0)) {
      this.zeroBlocks++;
      return;
    }
    if (!checksumOk(block)) throw badTar('a tar header checksum is wrong (the data is corrupt or not a tar)');
    const flag = String.fromCharCode(block[156] || 48);
    let bodySize = octal(block, 124, 136, 'size');
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (bodySize > MAX_META_BYTES) throw badTar(`an extended header of ${bodySize} bytes is over the ${MAX_META_BYTES}-byte limit`);
      this.meta = [];
      this.metaFlag = flag;
      this.#expect(bodySize);
      return;
    }
    const magic = cString(block, 257, 263);
    const prefix = magic === 'ustar' ? cString(block, 345, 500) : '';
    let name = cString(block, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    let linkTarget = cString(block, 157, 257) || undefined;
    const pending = this.pending;
    this.pending = {};
    if (pending.path !== undefined) name = pending.path;
    if (pending.linkpath !== undefined) linkTarget = pending.linkpath;
    if (pending.size !== undefined) bodySize = pending.size;
    const type = TYPES[flag] ?? `entry of type "${flag}"`;
    this.inEntry = true;
    this.sink.onEntry({ name, type, size: bodySize, mode: octal(block, 100, 108, 'mode'), linkTarget });
    // Links and devices carry no body even when a size is recorded (hard links in some tars).
    this.#expect(type === 'file' || type.startsWith('entry') ? bodySize : 0);
  }

  #expect(n) {
    this.dataLeft = n;
    this.padLeft = (BLOCK - (n % BLOCK)) % BLOCK;
    if (n === 0) this.#finishData();
  }

  #finishData() {
    if (this.meta) {
      const body = Buffer.concat(this.meta);
      this.meta = undefined;
      if (this.metaFlag === 'L') this.pending.path = cString(body, 0, body.length);
      else if (this.metaFlag === 'K') this.pending.linkpath = cString(body, 0, body.length);
      else if (this.metaFlag === 'x') {
        const pax = parsePax(body);
        if (pax.path !== undefined) this.pending.path = pax.path;
        if (pax.linkpath !== undefined) this.pending.linkpath = pax.linkpath;
        if (pax.size !== undefined) {
          const n = Number(pax.size);
          if (!Number.isSafeInteger(n) || n < 0) throw badTar('a pax size record is not a byte count');
          this.pending.size = n;
        }
      }
      return;
    }
    if (this.inEntry) {
      this.inEntry = false;
      this.sink.onEnd();
    }
  }
}
