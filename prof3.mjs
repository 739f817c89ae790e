import { readFileSync } from 'node:fs';
// 1) add exports for every defined global of main.core.wasm
function leb(b, o) { let v = 0, s = 0, x; do { x = b[o++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return [v, o]; }
function enc(v) { const out = []; do { let x = v % 128; v = Math.floor(v / 128); if (v) x |= 0x80; out.push(x); } while (v); return out; }
function exportGlobals(bytes) {
  let o = 8, importedGlobals = 0, definedGlobals = 0; const parts = [bytes.subarray(0, 8)];
  const sections = [];
  while (o < bytes.length) { const id = bytes[o]; const [size, start] = leb(bytes, o + 1); sections.push({ id, start, end: start + size, raw: bytes.subarray(o, start + size) }); o = start + size; }
  for (const s of sections) {
    if (s.id === 2) { let [n, p] = leb(bytes, s.start); for (let i = 0; i < n; i++) { let [ml, q] = leb(bytes, p); q += ml; let [nl, r] = leb(bytes, q); r += nl; const kind = bytes[r++];
      if (kind === 0) { [, r] = leb(bytes, r); } else if (kind === 1) { r++; const f = bytes[r++]; [, r] = leb(bytes, r); if (f & 1) [, r] = leb(bytes, r); } else if (kind === 2) { const f = bytes[r++]; [, r] = leb(bytes, r); if (f & 1) [, r] = leb(bytes, r); } else if (kind === 3) { r += 2; importedGlobals++; } p = r; } }
    if (s.id === 6) { [definedGlobals] = leb(bytes, s.start); }
  }
  const out = [];
  for (const s of sections) {
    if (s.id !== 7) { out.push(s.raw); continue; }
    const [n, p] = leb(bytes, s.start);
    const extra = [];
    for (let i = 0; i < definedGlobals; i++) { const name = new TextEncoder().encode('__snapshot_global_' + i); extra.push(...enc(name.length), ...name, 3, ...enc(importedGlobals + i)); }
    const body = Uint8Array.from([...enc(n + definedGlobals), ...bytes.subarray(p, s.end), ...extra]);
    out.push(Uint8Array.from([7, ...enc(body.length)]), body);
  }
  const total = out.reduce((a, b) => a + b.length, 8); const res = new Uint8Array(total); res.set(bytes.subarray(0, 8)); let at = 8; for (const x of out) { res.set(x, at); at += x.length; } return res;
}
const mods = {
  'main.core.wasm': await WebAssembly.compile(exportGlobals(readFileSync('/tmp/prof/main.core.wasm'))),
  'main.core2.wasm': await WebAssembly.compile(readFileSync('/tmp/prof/main.core2.wasm')),
  'main.core3.wasm': await WebAssembly.compile(readFileSync('/tmp/prof/main.core3.wasm')),
};
console.log('exports', WebAssembly.Module.exports(mods['main.core.wasm']).filter(e => e.kind !== 'function').map(e => e.name + ':' + e.kind).join(','));
const glue = await import('/tmp/prof/main.js');
const store = new Map();
const imports = {
  'alga:extension/context': { getContext: () => ({ tenantId: 't', extensionId: 'e', installId: 'i' }) },
  'alga:extension/logging': { logInfo: () => {}, logWarn: () => {}, logError: () => {} },
  'alga:extension/storage': { get: (ns, k) => { const v = store.get(k); if (!v) throw { payload: 'missing' }; return v; }, put: (e) => { const cur = store.get(e.key); const n = { ...e, revision: (cur?.revision ?? 0n) + 1n }; store.set(e.key, n); return n; }, delete: () => {}, listEntries: () => [] },
};
for (const i of ['secrets','http','ui-proxy','user','user-v2','scheduler','invoicing','clients','services']) imports['alga:extension/' + i] = new Proxy({}, { get: () => () => { throw { payload: 'denied' }; } });
let captured = [];
const core = (m, imp) => { const inst = new WebAssembly.Instance(m, imp); captured.push(inst); return inst; };
const inst = await glue.instantiate((n) => mods[n], imports, core);
const main = captured.find(i => i.exports.memory);
const memory = main.exports.memory;
const globals = Object.entries(main.exports).filter(([n]) => n.startsWith('__snapshot_global_')).map(([, g]) => g);
const snapMem = new Uint8Array(memory.buffer).slice();
const snapGlobals = globals.map(g => g.value);
console.log('memory bytes', snapMem.length, 'globals', globals.length);
function restore() {
  const view = new Uint8Array(memory.buffer);
  view.set(snapMem);
  if (view.length > snapMem.length) view.fill(0, snapMem.length);
  globals.forEach((g, i) => { g.value = snapGlobals[i]; });
}
const req = (p) => ({ context: { tenantId: 't', extensionId: 'e' }, http: { method: 'GET', url: p, headers: [], body: undefined } });
const times = [];
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  restore();
  const t1 = performance.now();
  const path = i % 2 ? '/context' : '/counter';
  const res = inst.handler({ ...req(path), http: { ...req(path).http, method: i % 2 ? 'GET' : 'POST' } });
  const t2 = performance.now();
  times.push([t1 - t0, t2 - t1]);
  if (i < 4 || i > 197) console.log(res.status, new TextDecoder().decode(res.body));
}
const med = (k) => times.map(r => r[k]).sort((a, b) => a - b)[100].toFixed(2);
console.log('restore p50', med(0), 'call p50', med(1), 'mem now', memory.buffer.byteLength);
