// The refusal type and message helpers shared by archive-scan.js and tar-stream.js (plain
// JavaScript: they run in the archive worker thread).

export const REPACK = 'Repack the extension with the emulator packer or `tar -cf - … | zstd`.';

/** A refusal: a stable code (see emulator/error-catalog.ts) and a message; `detail` is for the server log only. */
export class ScanRefusal extends Error {
  constructor(code, message, detail) {
    super(message);
    this.code = code;
    this.detail = detail;
  }
}

const MIB = 1024 * 1024;

/** A byte count for a message, with MiB when it is a whole number of them. */
export function size(n) {
  return n >= MIB && n % MIB === 0 ? `${n} bytes (${n / MIB} MiB)` : `${n} bytes`;
}

/** An archive path for a message: quoted, control characters escaped, long ones shortened. */
export function quotePath(p) {
  const shown = p.length > 80 ? `${p.slice(0, 60)}…${p.slice(-16)}` : p;
  return JSON.stringify(shown);
}
