// hello-host: one route per host capability. Built with esbuild and componentize-js into
// dist/main.wasm (world alga:extension/runner, export `handler`).
import { jsonResponse, type ExecuteRequest, type ExecuteResponse } from '@alga-psa/extension-runtime';
import * as storage from 'alga:extension/storage';
import { getUser } from 'alga:extension/user-v2';
import { host } from './host.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const COUNTER = { namespace: 'hello-host', key: 'counter' };

/** Module state: a fresh instance per call means this is always 1 when a route reads it. */
let calls = 0;

type Route = (req: ExecuteRequest, url: URL) => Promise<ExecuteResponse> | ExecuteResponse;

const routes: Record<string, Route> = {
  'GET /context': async (req) => jsonResponse({ context: await host.context.get(), url: req.http.url, calls }),
  'POST /counter': () => jsonResponse(incrementCounter()),
  'POST /counter/stale': () => staleWrite(),
  'GET /fetch': (_req, url) => proxyFetch(url.searchParams.get('url') ?? ''),
  'GET /user': () => currentUser(),
};

/** Compare-and-swap loop: read the revision, write with it, retry on `conflict`. */
function incrementCounter(): { count: number; revision: string } {
  for (;;) {
    let current: storage.StorageEntry | undefined;
    try {
      current = storage.get(COUNTER.namespace, COUNTER.key);
    } catch (err) {
      if (payloadOf(err) !== 'missing') throw err;
    }
    const count = current ? Number(decoder.decode(current.value)) + 1 : 1;
    try {
      const written = storage.put({ ...COUNTER, value: encoder.encode(String(count)), revision: current?.revision });
      return { count, revision: String(written.revision) };
    } catch (err) {
      if (payloadOf(err) !== 'conflict') throw err;
    }
  }
}

function staleWrite(): ExecuteResponse {
  try {
    storage.put({ ...COUNTER, value: encoder.encode('stale'), revision: 999_999n });
    return jsonResponse({ written: true });
  } catch (err) {
    return jsonResponse({ error: payloadOf(err) }, { status: 409 });
  }
}

async function readSecret(key: string): Promise<ExecuteResponse> {
  try {
    return jsonResponse({ key, value: await host.secrets.get(key), keys: await host.secrets.list() });
  } catch (err) {
    return jsonResponse({ key, error: payloadOf(err) }, { status: 404 });
  }
}

async function proxyFetch(target: string): Promise<ExecuteResponse> {
  try {
    const res = await host.http.fetch({ method: 'GET', url: target, headers: [{ name: 'accept', value: 'application/json' }] });
    return jsonResponse({ status: res.status, body: decoder.decode(res.body ?? new Uint8Array()) });
  } catch (err) {
    await host.logging.warn(`fetch ${target} failed: ${payloadOf(err)}`);
    return jsonResponse({ error: payloadOf(err) }, { status: 502 });
  }
}

function currentUser(): ExecuteResponse {
  try {
    return jsonResponse({ user: getUser() });
  } catch (err) {
    return jsonResponse({ error: payloadOf(err) }, { status: 401 });
  }
}

function payloadOf(err: unknown): string {
  return String((err as { payload?: unknown })?.payload ?? err);
}

export async function handler(request: ExecuteRequest): Promise<ExecuteResponse> {
  calls += 1;
  const url = new URL(request.http.url, 'http://extension.local');
  await host.logging.info(`${request.http.method} ${url.pathname}`);
  const secret = /^\/secret\/([^/]+)$/.exec(url.pathname);
  if (request.http.method === 'GET' && secret) return readSecret(decodeURIComponent(secret[1] ?? ''));
  const route = routes[`${request.http.method} ${url.pathname}`];
  if (!route) return jsonResponse({ error: 'not_found', path: url.pathname }, { status: 404 });
  return route(request, url);
}
