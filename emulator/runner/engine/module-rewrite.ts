/**
 * The bytes the Runner compiles for a core module: its memories capped (memory-cap.ts) and every
 * global exported (export-globals.ts). Both rewrites change only sections that precede the code,
 * so they run on that head alone; the rest (code and data, nearly all of a 12 MB module) is
 * copied once, or not at all when the module was read with room before it (`readModuleWithRoom`).
 */
import { open } from 'node:fs/promises';
import { exportAllGlobals } from './export-globals.ts';
import { capModuleMemory } from './memory-cap.ts';
import { concat, readSections } from './wasm-sections.ts';

/** Sections that may follow the export section (start, element, data count, code, data). */
const AFTER_EXPORTS = new Set([8, 9, 12, 10, 11]);
/** Free bytes read in front of a cached module: the rewritten head's growth (a few per global). */
export const MODULE_ROOM_BYTES = 64 * 1024;

/**
 * A module's bytes and how many bytes before them, in the same buffer, are free to overwrite.
 * `room` is 0 unless the buffer was made for it (`readModuleWithRoom`).
 */
export interface ModuleBytes {
  bytes: Uint8Array;
  room: number;
}

/**
 * Equal, byte for byte, to `exportAllGlobals(capModuleMemory(module, maxPages))`. With enough
 * `room`, the rewritten head is written in front of the unchanged tail in the caller's buffer,
 * overwriting the old head: the input must not be used afterwards.
 */
export function prepareModuleBytes({ bytes, room }: ModuleBytes, maxPages: number): Uint8Array {
  if (bytes.length < 8) return bytes;
  const tail = readSections(bytes).find((s) => AFTER_EXPORTS.has(s.id));
  const headEnd = tail ? tail.raw.byteOffset - bytes.byteOffset : bytes.length;
  const oldHead = bytes.subarray(0, headEnd);
  const head = exportAllGlobals(capModuleMemory(oldHead, maxPages));
  if (head === oldHead) return bytes;
  const growth = head.length - headEnd;
  if (growth > room) return concat([head, bytes.subarray(headEnd)]);
  const out = new Uint8Array(bytes.buffer, bytes.byteOffset - growth, bytes.length + growth);
  out.set(head);
  return out;
}

/**
 * Reads a module file in one read into a buffer of its own, MODULE_ROOM_BYTES longer than the
 * file, the bytes at its end: `prepareModuleBytes` then copies only the module's head.
 */
export async function readModuleWithRoom(path: string): Promise<ModuleBytes> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = new Uint8Array(MODULE_ROOM_BYTES + size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(buffer, MODULE_ROOM_BYTES + read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    if (read !== size) throw new Error(`${path} shrank from ${size} to ${read} bytes while being read`);
    return { bytes: buffer.subarray(MODULE_ROOM_BYTES), room: MODULE_ROOM_BYTES };
  } finally {
    await handle.close();
  }
}
