import { it, expect } from 'vitest';
import { KvStore, encodedValueSize } from '/work/main/emulator/runner/capabilities/storage/kv-store.ts';
it('probe', () => {
  const kv = new KvStore({ file: ':memory:' });
  const v = new Uint8Array(49149);
  console.log(encodedValueSize(v));
  const scope = { tenantId: 't', installId: 'i' };
  const t = Date.now();
  let n = 0;
  try { for (let i = 0; i < 5000; i++) { kv.put(scope, { namespace: 'ns' + (i % 32), key: 'k' + i, value: v }); n++; } } catch (e) { console.log(n, (e as any).payload, (e as Error).message); }
  console.log(Date.now() - t);
  const s = new Uint8Array(12);
  console.log(typeof new Response(s).headers.get('content-type'), [...new Response(null,{headers:[['Set-Cookie','a'],['Set-Cookie','b'],['X-A','1']]}).headers]);
  const b = Buffer.from([0x61, 0xf0, 0x9f]).toString('utf8'); console.log(JSON.stringify(b));
});
