// The peer issue 13 compares the Gateway with: Cloudflare's Miniflare 4 serving a KV counter
// worker that behaves like hello-host's `POST /counter` (read the key, add one, write it, answer
// JSON `{count}`). workerd runs in its own process, as the emulator does in the bench, and its KV
// is persisted to a temp folder, as the emulator's storage is on disk. Runs alone with
// `npx tsx test/bench/miniflare-peer.ts` (a short interleaved run against nothing but itself).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';

/** The worker: hello-host's counter route without its revision check (Workers KV has none). */
export const COUNTER_WORKER = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== 'POST' || url.pathname !== '/counter') return new Response('not found', { status: 404 });
    const count = Number((await env.KV.get('counter')) ?? '0') + 1;
    await env.KV.put('counter', String(count));
    return Response.json({ count });
  },
};`;

/** A started Miniflare with the counter worker; `counterUrl` is its `POST /counter`. */
export interface MiniflarePeer {
  counterUrl: string;
  /** Time from `new Miniflare` to its URL answering, in ms. */
  readyMs: number;
  stop(): Promise<void>;
}

export async function startMiniflarePeer(): Promise<MiniflarePeer> {
  const persist = await mkdtemp(join(tmpdir(), 'bench-miniflare-'));
  const started = performance.now();
  const mf = new Miniflare({ modules: true, script: COUNTER_WORKER, kvNamespaces: ['KV'], kvPersist: persist, compatibilityDate: '2025-12-01' });
  try {
    const url = await mf.ready;
    return {
      counterUrl: new URL('/counter', url).href,
      readyMs: performance.now() - started,
      stop: async () => {
        await mf.dispose();
        await rm(persist, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await mf.dispose().catch(() => undefined);
    await rm(persist, { recursive: true, force: true });
    throw new Error(`Failed to start Miniflare for the bench: ${String(err)}. Is the workerd binary installed (npm install runs its postinstall)?`, { cause: err });
  }
}

/** One `POST /counter` to the peer; throws unless it answers 200 with a number. */
export async function callMiniflareCounter(counterUrl: string): Promise<void> {
  const res = await fetch(counterUrl, { method: 'POST' });
  if (res.status !== 200) throw new Error(`Miniflare answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { count?: unknown };
  if (typeof body.count !== 'number') throw new Error(`Miniflare answered ${JSON.stringify(body)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const peer = await startMiniflarePeer();
  try {
    const call = () => callMiniflareCounter(peer.counterUrl);
    for (let i = 0; i < 50; i++) await call();
    const samples: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t = performance.now();
      await call();
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    console.log(JSON.stringify({ readyMs: peer.readyMs, p50: samples[250], p99: samples[495] }));
  } finally {
    await peer.stop();
  }
}
