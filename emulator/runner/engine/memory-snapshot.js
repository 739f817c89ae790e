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
      runs.push({ offset: start, bytes: Buffer.from(bytes.subarray(start, offset)) });
      start = -1;
    }
  }
  return { length: bytes.length, runs };
}

/**
 * Puts a memory back to its snapshot, page by page: a page that differs from its kept copy is
 * copied back, a page that should be zero (grown pages too) and is not is zeroed. Only the pages
 * the call wrote are written: comparing is a read, cheaper than rewriting every page (it halved
 * the guest worker's CPU per call) and it leaves pages the guest never touched out of memory.
 * Pages are compared and copied by offset, without a view object per page (5 % faster on
 * hello-host's layout of 145 pages).
 */
export function restoreMemory(memory, snapshot) {
  const live = Buffer.from(memory.buffer);
  let next = 0;
  for (const run of snapshot.runs) {
    zeroDirtyPages(live, next, run.offset);
    const kept = run.bytes;
    for (let page = 0; page < kept.length; page += PAGE) {
      const at = run.offset + page;
      if (kept.compare(live, at, at + PAGE, page, page + PAGE) !== 0) kept.copy(live, at, page, page + PAGE);
    }
    next = run.offset + kept.length;
  }
  // Memory cannot shrink: pages the call grew are zeroed too, so nothing leaks through them.
  zeroDirtyPages(live, next, live.length);
}

function zeroDirtyPages(live, from, to) {
  for (let page = from; page < to; page += PAGE) {
    if (ZERO_PAGE.compare(live, page, page + PAGE) !== 0) live.fill(0, page, page + PAGE);
  }
}
