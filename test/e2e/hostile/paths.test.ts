// Hostile paths and request lines against a started emulator (issue 12, items 5, 6 and 8): every
// probe goes out verbatim over a raw TCP socket, so no client normalises `..`, `%2e` or `\`
// before the emulator sees them. Each answer's exact status and code is pinned, and no answer
// (nor any debug event) may carry the data folder's absolute path.
import { rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { packEntries } from '../../../emulator/bundles/pack.ts';
import { SESSION_COOKIE } from '../../../emulator/gateway/sessions.ts';
import { startEmulator, type RunningEmulator } from '../../../emulator/host/start-emulator.ts';
import { seededUserId } from '../../../emulator/registry/identity.ts';

const MANIFEST = {
  name: 'hostile-paths',
  publisher: 'acme',
  version: '1.0.0',
  runtime: 'wasm-js@1',
  capabilities: [],
  ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: 'Hostile paths' } } },
};
const text = (s: string) => new TextEncoder().encode(s);
const REFUSED = {
  error:
    'only /runner/ext-ui/{extensionId}/{contentHash}/{file} is proxied to the Runner, and this path is not under it once decoded and normalised. Fix: load extension UIs from RUNNER_PUBLIC_BASE/ext-ui/… without . or .. segments.',
  code: 'RUNNER_PROXY_PATH_REFUSED',
};

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The whole answer as received (status line, headers, body). */
  raw: string;
}

let emu: RunningEmulator;
let dataDir = '';
let ext = '';
let hash = '';
let tenant = '';
const logLines: Record<string, unknown>[] = [];
const answers: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hostile-paths-'));
  emu = await startEmulator({ env: {}, settings: { dataDir, port: 0, runnerPort: 0, apiKey: 'k' }, shell: true, log: (line) => logLines.push(line) });
  const packed = await packEntries([
    { path: 'manifest.json', data: text(JSON.stringify(MANIFEST)) },
    { path: 'ui/index.html', data: text('<!doctype html><p>hostile</p>') },
  ]);
  const published = await emu.registry.publishBytes(packed.bytes);
  tenant = emu.seed.defaultTenantId;
  await emu.registry.install(tenant, published.extension.id, published.version.version);
  ext = published.extension.id;
  hash = packed.contentHash;
});

afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Sends `METHOD target HTTP/1.1` exactly as given and reads the answer until the server closes (`connection: close`; no half-close, which would drop a slow answer). */
function raw(base: string, target: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawReply> {
  const { hostname, port } = new URL(base);
  const body = options.body ?? '';
  const headers = { host: `${hostname}:${port}`, connection: 'close', ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...options.headers };
  const head = `${options.method ?? 'GET'} ${target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head + body));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      answers.push(all);
      const split = all.indexOf('\r\n\r\n');
      const lines = all.slice(0, split).split('\r\n');
      const parsed: Record<string, string> = {};
      for (const line of lines.slice(1)) parsed[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      let rest = all.slice(split + 4);
      if (parsed['transfer-encoding'] === 'chunked') rest = unchunk(rest);
      resolve({ status: Number(lines[0]?.split(' ')[1]), headers: parsed, body: rest, raw: all });
    });
  });
}

function unchunk(data: string): string {
  let out = '';
  let rest = data;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

const json = (r: RawReply): unknown => JSON.parse(r.body);

describe('/runner on the main port forwards only paths under /runner/ext-ui/', () => {
  it.each([
    '/runner/ext-ui/../healthz',
    '/runner/ext-ui/%2e%2e/healthz',
    '/runner/ext-ui/%2E%2E/healthz',
    '/runner/ext-ui/.%2e/healthz',
    '/runner/ext-ui/%2e./healthz',
    '/runner/ext-ui/..\\healthz',
    '/runner/ext-ui/..%5chealthz',
    '/runner/ext-ui/%252e%252e/healthz',
    '/runner/ext-ui/../v1/execute',
    '/runner/ext-ui/..%2fv1%2fexecute',
    '/runner/ext-ui/x/sha256:00/../../../healthz',
    '/runner/healthz',
    '/runner/v1/execute',
  ])('answers 404 RUNNER_PROXY_PATH_REFUSED to GET %s', async (probe) => {
    const reply = await raw(emu.urls.main, probe);
    expect([reply.status, json(reply)]).toEqual([404, REFUSED]);
  });

  it('refuses an escape before the method check: POST ../v1/execute is 404, not forwarded', async () => {
    const reply = await raw(emu.urls.main, '/runner/ext-ui/../v1/execute', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([reply.status, json(reply)]).toEqual([404, REFUSED]);
  });

  it('still proxies a real UI file', async () => {
    const reply = await raw(emu.urls.main, `/runner/ext-ui/${ext}/${hash}/index.html?tenant=${tenant}`);
    expect([reply.status, reply.body]).toEqual([200, '<!doctype html><p>hostile</p>']);
  });
});

describe("the Runner's own /ext-ui refuses the same probes", () => {
  it.each([
    ['/ext-ui/../healthz', 404, ''],
    ['/ext-ui/%2e%2e/healthz', 404, ''],
    ['/ext-ui/%2E%2E/healthz', 404, ''],
    ['/ext-ui/.%2e/healthz', 404, ''],
    ['/ext-ui/..\\healthz', 404, ''],
    ['/ext-ui/../v1/execute', 400, 'invalid content hash'],
  ])('GET %s answers %i %j', async (probe, status, body) => {
    const reply = await raw(emu.urls.runner, probe);
    expect([reply.status, reply.body]).toEqual([status, body]);
  });

  it.each(['..%2f..%2fhealthz', '%2e%2e/%2e%2e/healthz', '..%5c..%5chealthz', 'a/../../healthz'])('answers 400 invalid path to the file path %s', async (tail) => {
    const reply = await raw(emu.urls.runner, `/ext-ui/${ext}/${hash}/${tail}?tenant=${tenant}`);
    expect([reply.status, reply.body]).toEqual([400, 'invalid path']);
  });
});

describe('over-long UI paths are refused before any file-system call, on both ports', () => {
  const long = 'a'.repeat(300);
  it.each([
    ['main', () => `/runner/ext-ui/${ext}/${hash}/${long}?tenant=${tenant}`],
    ['runner', () => `/ext-ui/${ext}/${hash}/${long}?tenant=${tenant}`],
    ['main', () => `/runner/ext-ui/${ext}/${hash}/${long}.js?tenant=${tenant}`],
    ['runner', () => `/ext-ui/${ext}/${hash}/dir/${'b'.repeat(256)}/x.js?tenant=${tenant}`],
  ] as const)('%s port answers 400 invalid path', async (port, target) => {
    const reply = await raw(port === 'main' ? emu.urls.main : emu.urls.runner, target());
    expect([reply.status, reply.body]).toEqual([400, 'invalid path']);
  });
});

describe('Gateway __method on a real server', () => {
  const cookie = () => `${SESSION_COOKIE}=${emu.sessions.signIn(seededUserId(tenant, 'msp-admin'))}`;

  it.each([
    ['TRACE', '"TRACE"'],
    ['GET%0D%0AX-Injected:%201', '"GET\\r\\nX-Injected: 1"'],
    ['', '""'],
  ])('answers 400 invalid_method_override to ?__method=%s', async (value, shown) => {
    const reply = await raw(emu.urls.main, `/api/ext-proxy/${ext}/items?__method=${value}`, { method: 'POST', headers: { cookie: cookie() } });
    expect(reply.status).toBe(400);
    expect(json(reply)).toEqual({
      error: 'invalid_method_override',
      message: `the __method query parameter must be one of GET, POST, PUT, PATCH, DELETE (any case), got ${shown}. Fix: send one of those, or leave __method out to run the call as POST.`,
    });
    expect(reply.raw).not.toMatch(/^X-Injected/im);
  });
});

describe('finalize body limit on a real server', () => {
  it('answers a 6 MB manifestJson with 413 REQUEST_BODY_TOO_LARGE naming the 5 MiB finalize limit', async () => {
    const body = JSON.stringify({ key: 'sha256/_staging/x/bundle.tar.zst', manifestJson: 'x'.repeat(6_000_000) });
    const res = await fetch(`${emu.urls.main}/api/ext-bundles/finalize`, {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'x-tenant-id': tenant, 'x-alga-admin': 'true', 'content-type': 'application/json' },
      body,
    });
    const answer = await res.text();
    answers.push(answer);
    expect([res.status, JSON.parse(answer)]).toEqual([
      413,
      {
        error:
          'the request body of POST /api/ext-bundles/finalize is over its 5 MiB (5242880 bytes) limit. Fix: leave manifestJson out (finalize then reads manifest.json from the uploaded archive) or shrink it; the bundle itself goes to /api/ext-bundles/upload-proxy, which takes up to 200 MiB.',
        code: 'REQUEST_BODY_TOO_LARGE',
      },
    ]);
  });
});

describe('no internal paths reach a client', () => {
  it('keeps extract errors on the debug stream free of absolute paths while the log keeps them', async () => {
    // A cache folder that is a file: extraction fails with a system error naming a path inside it.
    const other = await packEntries([
      { path: 'manifest.json', data: text(JSON.stringify({ ...MANIFEST, name: 'hostile-cache' })) },
      { path: 'ui/index.html', data: text('<p>x</p>') },
    ]);
    const published = await emu.registry.publishBytes(other.bytes);
    await emu.registry.install(tenant, published.extension.id, published.version.version);
    const cacheRoot = emu.runnerConfig.cacheRoot;
    await rm(cacheRoot, { recursive: true, force: true });
    await writeFile(cacheRoot, 'not a folder');
    try {
      const reply = await raw(emu.urls.main, `/runner/ext-ui/${published.extension.id}/${other.contentHash}/index.html?tenant=${tenant}`);
      expect([reply.status, json(reply)]).toEqual([500, { code: 'extract_failed' }]);
    } finally {
      await rm(cacheRoot, { force: true });
    }
    const events = emu.runner.debugEvents.recent({ extension_id: published.extension.id });
    expect(events.map((e) => [e.level, e.message.split(':')[0]])).toEqual([['error', 'ext-ui extract_failed']]);
    expect(JSON.stringify(events)).not.toContain(dataDir);
    // The extraction error names the failure and the setting, never a folder (the cause keeps it).
    expect(events[0]?.message).toMatch(/^ext-ui extract_failed: EXTRACT_FAILED: cannot extract bundle sha256:[0-9a-f]{64}: ENOTDIR\. Check that the cache folder \(EXT_CACHE_ROOT\) is writable and has free space\.$/);
    expect(JSON.stringify(logLines.filter((l) => l.source === 'ext-ui' && l.extension_id === published.extension.id))).toContain(dataDir);
  });

  it('answers an unexpected Runner error with 500 internal error and keeps the detail in the log', async () => {
    const detail = `EACCES: permission denied, open '${join(dataDir, 'cache', 'ui', 'x')}'`;
    const spy = vi.spyOn(emu.runner, 'serveUi').mockRejectedValueOnce(new Error(detail));
    try {
      const reply = await raw(emu.urls.main, `/runner/ext-ui/${ext}/${hash}/index.html?tenant=${tenant}`);
      expect([reply.status, reply.body]).toEqual([500, 'internal error']);
    } finally {
      spy.mockRestore();
    }
    expect(logLines.filter((l) => l.error === detail).map((l) => [l.level, l.msg])).toEqual([
      ['error', `unexpected error answering GET /ext-ui/${ext}/${hash}/index.html; the client got a 500 without it`],
    ]);
  });

  it('sent no answer that names the data folder or shows a stack', () => {
    expect(answers.length).toBeGreaterThan(30);
    expect(answers.filter((a) => a.includes(dataDir) || /\n\s+at /.test(a))).toEqual([]);
  });
});
