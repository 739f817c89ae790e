/**
 * Node caps neither a worker's nor an instance's wasm linear memory, so the Runner rewrites the
 * core module's memory section to declare a maximum (64 KiB pages). Growth past it fails inside
 * the guest, which then traps — the same outcome as Wasmtime's memory limiter.
 */

const MEMORY_SECTION = 5;
const PAGE_BYTES = 64 * 1024;

export function memoryMbToPages(memoryMb: number): number {
  return Math.max(1, Math.floor((memoryMb * 1024 * 1024) / PAGE_BYTES));
}

export class MemoryCapError extends Error {}

/** Returns a copy of `module` whose defined 32-bit memories have `max <= maxPages`. */
export function capModuleMemory(module: Uint8Array, maxPages: number): Uint8Array {
  if (module.length < 8) return module;
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  let offset = 8;
  let changed = false;
  while (offset < module.length) {
    const id = module[offset] as number;
    const size = readLeb(module, offset + 1);
    const start = size.next;
    const end = start + size.value;
    if (id === MEMORY_SECTION) {
      parts.push(Uint8Array.of(id), ...section(rewriteMemories(module.subarray(start, end), maxPages)));
      changed = true;
    } else {
      parts.push(module.subarray(offset, end));
    }
    offset = end;
  }
  return changed ? concat(parts) : module;
}

function rewriteMemories(body: Uint8Array, maxPages: number): Uint8Array {
  const count = readLeb(body, 0);
  const out: number[] = [...encodeLeb(count.value)];
  let at = count.next;
  for (let i = 0; i < count.value; i++) {
    const flags = body[at] as number;
    if (flags > 1) throw new MemoryCapError(`unsupported memory flags 0x${flags.toString(16)} (shared or 64-bit memory)`);
    const min = readLeb(body, at + 1);
    at = min.next;
    let max = maxPages;
    if (flags === 1) {
      const declared = readLeb(body, at);
      at = declared.next;
      max = Math.min(declared.value, maxPages);
    }
    if (min.value > max) {
      throw new MemoryCapError(
        `the component needs ${min.value * 64} KiB of memory at start but limits.memory_mb allows ${maxPages * 64} KiB`,
      );
    }
    out.push(1, ...encodeLeb(min.value), ...encodeLeb(max));
  }
  return Uint8Array.from(out);
}

function section(body: Uint8Array): Uint8Array[] {
  return [Uint8Array.from(encodeLeb(body.length)), body];
}

function readLeb(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let at = offset;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new MemoryCapError('truncated module');
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: at };
    shift += 7;
  }
}

function encodeLeb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
