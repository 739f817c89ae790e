/** Minimal reading and writing of core wasm sections, for the Runner's module rewrites. */

export interface Section {
  id: number;
  /** Offset of the section body (after id and size). */
  start: number;
  end: number;
  /** The whole section including id and size. */
  raw: Uint8Array;
}

export class WasmFormatError extends Error {}

export function readLeb(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let at = offset;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new WasmFormatError('truncated module');
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: at };
    shift += 7;
  }
}

export function encodeLeb(value: number): number[] {
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

export function readSections(module: Uint8Array): Section[] {
  const sections: Section[] = [];
  let offset = 8;
  while (offset < module.length) {
    const id = module[offset] as number;
    const size = readLeb(module, offset + 1);
    const end = size.next + size.value;
    if (end > module.length) throw new WasmFormatError(`section ${id} at offset ${offset} runs past the end of the binary`);
    sections.push({ id, start: size.next, end, raw: module.subarray(offset, end) });
    offset = end;
  }
  return sections;
}

/** A section with id `id` and the given body. */
export function makeSection(id: number, body: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(id, ...encodeLeb(body.length)), body]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
