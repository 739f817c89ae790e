import { readFileSync } from 'node:fs';
const files = ['main.core.wasm','main.core2.wasm','main.core3.wasm'];
const mods = {}; for (const n of files) mods[n] = await WebAssembly.compile(readFileSync('/tmp/prof/' + n));
const glue = await import('/tmp/prof/main.js');
const imports = {}; const stub = new Proxy({}, { get: () => () => { throw { payload: 'denied' }; } });
for (const i of ['context','secrets','http','storage','logging','ui-proxy','user','user-v2','scheduler','invoicing','clients','services']) imports['alga:extension/' + i] = stub;
let marks;
const core = async (m, imp) => { marks.push(['s', performance.now()]); const x = await WebAssembly.instantiate(m, imp); marks.push(['e', performance.now()]); return x; };
const rows = [];
for (let i = 0; i < 40; i++) {
  marks = []; const t0 = performance.now();
  await glue.instantiate((n) => mods[n], imports, core);
  const t1 = performance.now();
  rows.push([marks[0][1]-t0, marks[1][1]-marks[0][1], marks[2][1]-marks[1][1], marks[3][1]-marks[2][1], marks[4][1]-marks[3][1], marks[5][1]-marks[4][1], t1-marks[5][1], t1-t0]);
}
const med = (k) => rows.map(r => r[k]).sort((a,b)=>a-b)[20].toFixed(2);
console.log('pre-core1 core1 gap core2(main) gap core3 post total (median ms)');
console.log([0,1,2,3,4,5,6,7].map(med).join('  '));
// Raw: instantiate main core module alone with plain imports
const sync = (m, imp) => { marks.push(['s', performance.now()]); const x = new WebAssembly.Instance(m, imp); marks.push(['e', performance.now()]); return x; };
const rows2 = [];
for (let i = 0; i < 60; i++) {
  marks = []; const t0 = performance.now();
  const inst = await glue.instantiate((n) => mods[n], imports, sync);
  const t1 = performance.now();
  rows2.push([marks[0][1]-t0, marks[1][1]-marks[0][1], marks[2][1]-marks[1][1], marks[3][1]-marks[2][1], marks[4][1]-marks[3][1], marks[5][1]-marks[4][1], t1-marks[5][1], t1-t0]);
}
const med2 = (k) => rows2.map(r => r[k]).sort((a,b)=>a-b)[30].toFixed(2);
console.log('SYNC: ' + [0,1,2,3,4,5,6,7].map(med2).join('  '));
