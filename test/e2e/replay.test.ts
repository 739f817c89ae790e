import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FOREIGN_IMPORT_DIR, ROOT, RunnerFixture, TEST_GUEST_DIR, executeBody, probe } from '../../harness/runner-fixture.ts';
import { packExtension } from '../../emulator/index.ts';
import { formatReplayReport, recordRunner, replay, type Cassette, type ReplayReport } from '../../emulator/replay/index.ts';

const CHANGED_DIR = join(ROOT, 'test/fixtures/guests/replay-changed');
const EXT = '77777777-7777-4777-8777-777777777771';
/** What the Runner answers when the changed build throws from its handler. */
const TRAP = 'execute_failed: wasm trap: wasm trap: wasm `unreachable` instruction executed';

let fx: RunnerFixture;
let tmp: string;
let cacheDir: string;
let cassette: Cassette;

/** The calls recorded against test-guest, by request id. */
const CALLS = [
  ['r-empty', 'GET', '/empty-body'],
  ['r-headers', 'GET', '/headers'],
  ['r-global', 'GET', '/global'],
  ['r-no-body', 'GET', '/no-body'],
  ['r-log', 'POST', 'logging'],
  ['r-context', 'POST', 'context'],
  ['r-storage', 'POST', 'storage'],
] as const;

beforeAll(async () => {
  fx = await RunnerFixture.start();
  tmp = await mkdtemp(join(tmpdir(), 'replay-e2e-'));
  cacheDir = join(tmp, 'cache');
  const hash = await fx.install(TEST_GUEST_DIR, EXT);
  const recording = recordRunner(fx.runner, { extensionId: EXT });
  for (const [requestId, method, route] of CALLS) {
    const context = { tenant_id: 'tenant-1', extension_id: EXT, install_id: 'install-1', content_hash: hash, request_id: requestId };
    const http = (method === 'POST' && PROBES[route]) || { method, path: route };
    await fx.execute({ ...executeBody(EXT, hash, method, '/'), context, http, providers: ['cap:storage.kv'] });
  }
  recording.stop();
  cassette = await recording.recorder.write(join(tmp, 'traffic.cassette.json'));
});

afterAll(async () => {
  await fx.close();
  await rm(tmp, { recursive: true, force: true });
});

const PROBES: Record<string, ReturnType<typeof probe>> = {
  logging: probe('logging', 'logInfo', ['hello']),
  context: probe('context', 'getContext'),
  storage: probe('storage', 'get', ['notes', 'missing-key']),
};

function call(report: ReplayReport, requestId: string) {
  const found = report.calls.find((c) => c.identity.requestId === requestId);
  if (!found) throw new Error(`no replayed call ${requestId}`);
  return found;
}

describe('recording a Runner', () => {
  it('records each call with its request, host calls in full and envelope', () => {
    expect(cassette.calls.map((c) => c.requestId)).toEqual(CALLS.map(([id]) => id));
    const storage = cassette.calls[6];
    expect(storage?.request.http.path).toBe('/probe');
    expect(storage?.hostCalls.map((c) => [c.interface, c.function, c.outcome, c.error, c.args])).toEqual([
      ['alga:extension/storage', 'get', 'err', 'missing', ['notes', 'missing-key']],
    ]);
    expect(cassette.calls[1]?.response).toEqual({
      status: 201,
      headers: { 'Content-Type': 'text/plain', 'x-ext-trace': 'second', ETag: '"v1"' },
      body_b64: Buffer.from('headers').toString('base64'),
      error: null,
    });
  });
});

describe('replay against the same build', () => {
  it('reports no differences, with every host call answered from the recording', async () => {
    const report = await replay(cassette, TEST_GUEST_DIR, { cacheDir });
    expect([report.ok, report.differing, report.calls.map((c) => c.verdict)]).toEqual([true, 0, CALLS.map(() => 'same')]);
    expect(formatReplayReport(report)).toBe(`replay of 7 calls against ${report.bundle.contentHash.slice(0, 19)}…: no differences`);
  });

  it('reads the cassette from the file the recorder wrote, and replays a bundle archive', async () => {
    const file = join(tmp, 'traffic.cassette.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ format: 'alga-emulator-cassette', version: 1, calls: cassette.calls });
    const packed = await packExtension(TEST_GUEST_DIR, { level: 1 });
    const report = await replay(file, packed.bytes, { cacheDir });
    expect([report.ok, report.bundle.contentHash]).toEqual([true, packed.contentHash]);
  });

  it('answers host calls from the cassette: a recorded storage entry no storage holds reaches the guest', async () => {
    const edited = structuredClone(cassette);
    const storage = edited.calls[6]?.hostCalls[0];
    if (!storage) throw new Error('no storage call recorded');
    Object.assign(storage, { outcome: 'ok', error: undefined, result: { namespace: 'notes', key: 'missing-key', value: { $utf8: 'from the cassette' }, revision: { $bigint: '7' } } });
    const report = await replay(edited, TEST_GUEST_DIR, { cacheDir });
    const body = call(report, 'r-storage').replayed.envelope.body_b64;
    expect(JSON.parse(Buffer.from(body ?? '', 'base64').toString())).toEqual({ ok: { namespace: 'notes', key: 'missing-key', value: { $bytes: 'from the cassette' }, revision: { $bigint: '7' } } });
  });
});

describe('replay against a changed build names each difference and its call', () => {
  let report: ReplayReport;
  beforeAll(async () => {
    report = await replay(cassette, CHANGED_DIR, { cacheDir });
  });

  it('a status', () => {
    expect(call(report, 'r-empty').differences).toEqual([{ kind: 'status', recorded: 204, replayed: 200 }]);
  });

  it('a header', () => {
    expect(call(report, 'r-headers').differences).toEqual([{ kind: 'header', name: 'x-ext-trace', recorded: 'second', replayed: 'changed' }]);
  });

  it('a body', () => {
    expect(call(report, 'r-global').differences).toEqual([
      { kind: 'body', recorded: Buffer.from('{"global":1}').toString('base64'), replayed: Buffer.from('{"global":1,"build":"changed"}').toString('base64') },
    ]);
  });

  it('a trap', () => {
    expect(call(report, 'r-no-body').differences).toEqual([{ kind: 'trap', recorded: null, replayed: TRAP }]);
  });

  it('host-call arguments, answered from the recording', () => {
    expect(call(report, 'r-log').differences).toEqual([
      { kind: 'host-call', change: 'arguments', position: 1, call: 'logging.logInfo', recordedArgs: ['hello'], replayedArgs: ['hello (changed)'] },
    ]);
  });

  it('a host call not in the recording, naming it', () => {
    expect(call(report, 'r-context').differences).toEqual([
      { kind: 'host-call', change: 'unexpected', position: 2, call: 'context.getContext', replayedArgs: [] },
    ]);
  });

  it('a recorded host call the build no longer makes', () => {
    expect(call(report, 'r-storage').differences).toEqual([
      { kind: 'host-call', change: 'missing', position: 1, call: 'storage.get', recordedArgs: ['notes', 'missing-key'] },
      { kind: 'body', recorded: Buffer.from('{"err":"missing"}').toString('base64'), replayed: Buffer.from('{"ok":null}').toString('base64') },
    ]);
  });

  it('renders one line per difference', () => {
    const lines = formatReplayReport(report).split('\n');
    expect(lines[0]).toBe(`replay of 7 calls against ${report.bundle.contentHash.slice(0, 19)}…: 7 differ`);
    expect(lines.slice(1)).toEqual([
      'call 1 GET /empty-body (request r-empty): status 204 → 200',
      'call 2 GET /headers (request r-headers): header x-ext-trace: "second" → "changed"',
      'call 3 GET /global (request r-global): body "{\\"global\\":1}" → "{\\"global\\":1,\\"build\\":\\"changed\\"}"',
      `call 4 GET /no-body (request r-no-body): trap none → ${JSON.stringify(TRAP)}`,
      'call 5 POST /probe (request r-log): host call #1 logging.logInfo arguments ["hello"] → ["hello (changed)"]',
      'call 6 POST /probe (request r-context): host call #2 context.getContext() is not in the recording (the recording has no more host calls)',
      'call 7 POST /probe (request r-storage): host call #1 storage.get("notes","missing-key") was recorded but not made',
      'call 7 POST /probe (request r-storage): body "{\\"err\\":\\"missing\\"}" → "{\\"ok\\":null}"',
    ]);
  });
});

describe('replay against a build that fails to link', () => {
  it('reports the link error for every call, and nothing else', async () => {
    const report = await replay(cassette, FOREIGN_IMPORT_DIR, { cacheDir });
    const error = 'execute_failed: component failed to link: component imports "alga:extension/telepathy", which is not part of world alga:extension/runner';
    expect(report.calls.map((c) => c.differences)).toEqual(CALLS.map(() => [{ kind: 'link-error', recorded: null, replayed: error }]));
  });
});
