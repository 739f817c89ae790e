/**
 * Fresh-instance semantics without paying for a new instance every call: the worker snapshots an
 * instance's linear memory and mutable globals right after instantiation and restores them after
 * each call (the reset Wasmtime's pooling allocator does). Globals a module keeps private (the
 * stack pointer, allocator state) are only reachable from JS when exported, so this rewrite adds
 * an export for every global a module defines.
 */
import { concat, encodeLeb, makeSection, readLeb, readSections } from './wasm-sections.ts';

export const SNAPSHOT_GLOBAL_PREFIX = '__alga_snapshot_global_';
const IMPORT_SECTION = 2;
const GLOBAL_SECTION = 6;
const EXPORT_SECTION = 7;
const GLOBAL_KIND = 3;

export function exportAllGlobals(module: Uint8Array): Uint8Array {
  if (module.length < 8) return module;
  const sections = readSections(module);
  const globalSection = sections.find((s) => s.id === GLOBAL_SECTION);
  if (!globalSection) return module;
  const defined = readLeb(module, globalSection.start).value;
  const imported = countImportedGlobals(module, sections.find((s) => s.id === IMPORT_SECTION));
  const extra: number[] = [];
  for (let i = 0; i < defined; i++) {
    const name = new TextEncoder().encode(`${SNAPSHOT_GLOBAL_PREFIX}${i}`);
    extra.push(...encodeLeb(name.length), ...name, GLOBAL_KIND, ...encodeLeb(imported + i));
  }
  const existing = sections.find((s) => s.id === EXPORT_SECTION);
  const count = existing ? readLeb(module, existing.start) : { value: 0, next: 0 };
  const oldEntries = existing ? module.subarray(count.next, existing.end) : new Uint8Array();
  const exportSection = makeSection(EXPORT_SECTION, concat([Uint8Array.from(encodeLeb(count.value + defined)), oldEntries, Uint8Array.from(extra)]));
  const parts = [module.subarray(0, 8)];
  let placed = false;
  for (const s of sections) {
    if (s.id === EXPORT_SECTION) {
      parts.push(exportSection);
      placed = true;
      continue;
    }
    // Without an export section, it goes right before the first section that must follow it
    // (start, element, data count, code, data — in the binary format's order).
    if (!placed && [8, 9, 12, 10, 11].includes(s.id)) {
      parts.push(exportSection);
      placed = true;
    }
    parts.push(s.raw);
  }
  if (!placed) parts.push(exportSection);
  return concat(parts);
}

function countImportedGlobals(module: Uint8Array, section: { start: number; end: number } | undefined): number {
  if (!section) return 0;
  const count = readLeb(module, section.start);
  let at = count.next;
  let globals = 0;
  for (let i = 0; i < count.value; i++) {
    at = skipName(module, skipName(module, at));
    const kind = module[at++];
    if (kind === 0) at = readLeb(module, at).next;
    else if (kind === 1) at = skipLimits(module, at + 1);
    else if (kind === 2) at = skipLimits(module, at);
    else if (kind === GLOBAL_KIND) {
      at += 2;
      globals++;
    } else at = readLeb(module, at).next; // tag
  }
  return globals;
}

function skipName(module: Uint8Array, at: number): number {
  const len = readLeb(module, at);
  return len.next + len.value;
}

function skipLimits(module: Uint8Array, at: number): number {
  const flags = module[at] as number;
  let next = readLeb(module, at + 1).next;
  if (flags & 1) next = readLeb(module, next).next;
  return next;
}
