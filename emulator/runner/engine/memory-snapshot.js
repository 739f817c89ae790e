// A guest's linear memory right after instantiation, and putting it back after every call
// (guest-worker.js). Plain JavaScript: workers import it under plain node.
/** Wasm page size: the unit a linear memory's snapshot is cut into. */
const PAGE = 65536;
const ZERO_PAGE = Buffer.alloc(PAGE);

/**
 * A linear memory's contents as runs of non-zero pages (offset and copy); the zero pages between
 * them are not kept (a fresh componentize-js instance is more than half zero pages).
 */
export function snapshotMemory(memory) {
  const bytes = Buffer.from(memory.buffer);
  const runs = [];
  let start = -1;
  for (let offset = 0; offset <= bytes.length; offset += PAGE) {
    const zero = offset === bytes.length || ZERO_PAGE.equals(bytes.subarray(offset, offset + PAGE));
    if (!zero && start < 0) start = offset;
    if (zero && start >= 0) {
      runs.push({ offset: start, bytes: new Uint8Array(bytes.subarray(start, offset)) });
      start = -1;
    }
  }
  return { length: bytes.length, runs };
}

/** Puts a memory back to its snapshot: the kept runs copied, every other byte (grown pages too) zeroed. */
export function restoreMemory(memory, snapshot) {
  const view = new Uint8Array(memory.buffer);
  let next = 0;
  for (const run of snapshot.runs) {
    if (run.offset > next) view.fill(0, next, run.offset);
    view.set(run.bytes, run.offset);
    next = run.offset + run.bytes.length;
  }
  // Memory cannot shrink: pages the call grew are zeroed too, so nothing leaks through them.
  if (view.length > next) view.fill(0, next);
}
