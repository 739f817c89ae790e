/**
 * Node caps neither a worker's nor an instance's wasm linear memory, so the Runner rewrites the
 * core module's memory section to declare a maximum (64 KiB pages). Growth past it fails inside
 * the guest, which then traps — the same outcome as Wasmtime's memory limiter.
 */
import { WasmFormatError, concat, encodeLeb, makeSection, readLeb, readSections } from './wasm-sections.ts';

const MEMORY_SECTION = 5;
const PAGE_BYTES = 64 * 1024;

/** A 32-bit memory holds at most 65 536 pages (4 GiB). */
const MAX_PAGES = 65_536;

export function memoryMbToPages(memoryMb: number): number {
  return Math.min(MAX_PAGES, Math.max(1, Math.floor((memoryMb * 1024 * 1024) / PAGE_BYTES)));
}

export class MemoryCapError extends WasmFormatError {}

/** Returns a copy of `module` whose defined 32-bit memories have `max <= maxPages`. */
export function capModuleMemory(module: Uint8Array, maxPages: number): Uint8Array {
  if (module.length < 8) return module;
  const sections = readSections(module);
  if (!sections.some((s) => s.id === MEMORY_SECTION)) return module;
  const parts = [module.subarray(0, 8)];
  for (const s of sections) {
    parts.push(s.id === MEMORY_SECTION ? makeSection(MEMORY_SECTION, rewriteMemories(module.subarray(s.start, s.end), maxPages)) : s.raw);
  }
  return concat(parts);
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
