import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
const bytes = readFileSync('sample-extensions/hello-host/dist/main.wasm');
const r = await transpileBytes(bytes, { name: 'main', instantiation: 'async', wasiShim: false, base64Cutoff: 1e12, emitTypescriptDeclarations: false });
mkdirSync('/tmp/prof', { recursive: true });
for (const [n, b] of Object.entries(r.files)) { writeFileSync('/tmp/prof/' + n, b); }
const mods = {};
for (const n of Object.keys(r.files).filter(n => n.endsWith('.wasm'))) { mods[n] = await WebAssembly.compile(r.files[n]); console.log(n, r.files[n].length, WebAssembly.Module.imports(mods[n]).length, WebAssembly.Module.exports(mods[n]).length); }
const glue = await import('/tmp/prof/main.js');
const imports = {};
const stub = new Proxy({}, { get: () => () => { throw { payload: 'denied' }; } });
for (const i of ['context','secrets','http','storage','logging','ui-proxy','user','user-v2','scheduler','invoicing','clients','services']) imports['alga:extension/' + i] = stub;
let coreMs = [];
const timedCore = async (m, imp) => { const t = performance.now(); const x = await WebAssembly.instantiate(m, imp); coreMs.push([m === mods['main.core.wasm'] ? 'main' : 'other', performance.now() - t]); return x; };
for (let i = 0; i < 30; i++) {
  coreMs = [];
  const t = performance.now();
  await glue.instantiate((n) => mods[n], imports, timedCore);
  const total = performance.now() - t;
  if (i % 5 === 4) console.log('total', total.toFixed(1), coreMs.map(([n, ms]) => n + ':' + ms.toFixed(1)).join(' '));
}
const mem = new WebAssembly.Instance(mods['main.core.wasm'], WebAssembly.Module.imports(mods['main.core.wasm']).reduce((o, i) => o, {})).exports;
