// emu.record() → a cassette file of real calls through the Gateway; replay(file, bundle) offline,
// after the emulator (its storage, secrets and http mocks) is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { CASSETTE_VERSION, createEmulator, formatReplayReport, readCassette, replay, type Cassette } from '../../harness/index.ts';
import { HELLO_HOST_DIR } from '../../harness/runner-fixture.ts';
import { harnessCacheDir } from '../../harness/create-emulator.ts';
import { TRANSPILE_CACHE_VERSION } from '../../emulator/runner/engine/component-loader.ts';

const SECRET = 'tok-live-5f3a9c';
let tmp: string;
let file: string;
let cassette: Cassette;
let recordedCalls: number;
let everyInstall: number;
let afterClose: unknown;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'harness-replay-'));
  file = join(tmp, 'traffic.cassette.json');
  const emu = await createEmulator({ env: { EXT_EGRESS_ALLOWLIST: 'api.example.com' } });
  try {
    const ext = await emu.install('hello-host', { secrets: { api_token: SECRET } });
    const other = await emu.install('hello-host', { tenant: 'second' });
    emu.storage(ext).put('hello-host', 'counter', '41');
    emu.http.use(http.get('https://api.example.com/status', () => HttpResponse.json({ up: true })));
    const recording = emu.record(ext);
    const all = emu.record();
    await emu.invoke(ext, { method: 'POST', path: '/counter', headers: { 'x-request-id': 'counter-1' } });
    await emu.invoke(ext, { path: '/secret/api_token', headers: { 'x-request-id': 'secret-1' } });
    await emu.invoke(ext, { path: '/fetch', query: { url: 'https://api.example.com/status' }, headers: { 'x-request-id': 'fetch-1' } });
    await emu.invoke(other, { path: '/context', tenant: 'second' }); // another install: not recorded
    recordedCalls = recording.calls;
    await recording.stop(file);
    await emu.invoke(ext, { path: '/context' }); // after stop: not recorded
    everyInstall = (await all.stop()).calls.length;
  } finally {
    await emu.close();
  }
  try {
    emu.record();
  } catch (err) {
    afterClose = err;
  }
  cassette = await readCassette(file);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('emu.record()', () => {
  it('writes a versioned cassette of the install\'s calls only, until stopped', () => {
    expect([recordedCalls, cassette.version, CASSETTE_VERSION]).toEqual([3, 1, 1]);
    expect(cassette.calls.map((c) => [c.requestId, c.request.http.method, c.request.http.path, c.response.status])).toEqual([
      ['counter-1', 'POST', '/counter', 200],
      ['secret-1', 'GET', '/secret/api_token', 200],
      ['fetch-1', 'GET', '/fetch', 200],
    ]);
  });

  it('without an extension records every install; after close it refuses with EMULATOR_CLOSED', () => {
    expect(everyInstall).toBe(5);
    expect(afterClose).toMatchObject({ code: 'EMULATOR_CLOSED', message: 'Failed to start a recording: this emulator is closed (close() was called). Create another with createEmulator().' });
  });

  it('keeps host calls with arguments and answers in full', () => {
    const counter = cassette.calls[0];
    expect(counter?.hostCalls.map((c) => [c.function, c.outcome, c.args, c.result])).toEqual([
      ['logInfo', 'ok', ['POST /counter'], { $undefined: true }],
      ['get', 'ok', ['hello-host', 'counter'], { namespace: 'hello-host', key: 'counter', value: { $utf8: '41' }, revision: { $bigint: '1' } }],
      ['put', 'ok', [{ namespace: 'hello-host', key: 'counter', value: { $utf8: '42' }, revision: { $bigint: '1' } }], { namespace: 'hello-host', key: 'counter', value: { $utf8: '42' }, revision: { $bigint: '2' } }],
    ]);
  });

  it('never writes a secret value into the file: secrets.get and the answer echoing it read "[redacted]"', async () => {
    expect(await readFile(file, 'utf8')).not.toContain(SECRET);
    const secret = cassette.calls[1];
    expect(secret?.hostCalls[1]).toMatchObject({ function: 'get', args: ['api_token'], result: '[redacted]' });
    expect(JSON.parse(Buffer.from(secret?.response.body_b64 ?? '', 'base64').toString())).toEqual({ key: 'api_token', value: '[redacted]', keys: ['api_token'] });
    expect(cassette.calls.every((c) => !('secret_envelope' in c.request))).toBe(true);
  });
});

describe('replay(cassette, bundle) offline', () => {
  it('reports no differences against the same build, with no emulator, storage, secrets or network', async () => {
    const report = await replay(file, HELLO_HOST_DIR);
    expect([report.ok, report.calls.map((c) => c.verdict)]).toEqual([true, ['same', 'same', 'same']]);
    expect(report.calls[0]?.replayed.envelope.body_b64).toBe(Buffer.from('{"count":42,"revision":"2"}').toString('base64'));
    // Transpiled into the cache createEmulator shares, so the next replay of this build does not transpile.
    expect(existsSync(join(harnessCacheDir(), 'transpiled', TRANSPILE_CACHE_VERSION, report.bundle.contentHash.replace(':', '-')))).toBe(true);
  });

  it('reports a host call the recording does not have, naming it and its call', async () => {
    const edited = structuredClone(cassette);
    edited.calls[0]?.hostCalls.splice(2, 1); // as if the recorded build never wrote the counter
    const report = await replay(edited, HELLO_HOST_DIR, { cacheDir: join(tmp, 'cache') });
    expect(report.calls.map((c) => c.verdict)).toEqual(['different', 'same', 'same']);
    expect(formatReplayReport(report).split('\n').slice(1)).toEqual([
      'call 1 POST /counter (request counter-1): host call #3 storage.put({"namespace":"hello-host","key":"counter","value":{"$utf8":"42"},"revision":{"$bigint":"1"}}) is not in the recording (the recording has no more host calls)',
    ]);
  });
});
