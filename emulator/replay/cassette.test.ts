import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASSETTE_VERSION, newCassette, parseCassette, readCassette, recordedRequest, writeCassette, type CassetteCall } from './cassette.ts';
import { decodeValue, encodeValue, sameValue } from './cassette-values.ts';
import { cassetteHostCall } from './invocation-recordings.ts';

const CALL: CassetteCall = {
  requestId: 'r-1',
  request: { context: { tenant_id: 't', extension_id: 'e', content_hash: 'sha256:ab' }, http: { method: 'GET', path: '/x' } },
  hostCalls: [{ interface: 'alga:extension/storage', function: 'get', outcome: 'err', error: 'missing', durationMs: 0.2, args: ['ns', 'k'] }],
  response: { status: 200, headers: { 'content-type': 'text/plain' }, body_b64: 'aGk=', error: null },
};

describe('cassette values', () => {
  it('round-trips what jco passes: bytes, bigints, none, records, lists, typed arrays', () => {
    const value = {
      text: 'hi',
      utf8: new TextEncoder().encode('héllo'),
      binary: Uint8Array.of(0xff, 0x00, 0xfe),
      revision: 12345678901234567890n,
      list: [1, undefined, 'x'],
      words: Uint32Array.of(1, 2),
      nan: Number.NaN,
    };
    const encoded = encodeValue(value, []);
    expect(encoded).toEqual({
      text: 'hi',
      utf8: { $utf8: 'héllo' },
      binary: { $bytes: '/wD+' },
      revision: { $bigint: '12345678901234567890' },
      list: [1, { $undefined: true }, 'x'],
      words: { $typed: 'Uint32Array', values: [1, 2] },
      nan: { $number: 'NaN' },
    });
    expect(decodeValue(JSON.parse(JSON.stringify(encoded)))).toEqual(value);
  });

  it('keeps a byte order mark of UTF-8 bytes', () => {
    const bytes = Uint8Array.of(0xef, 0xbb, 0xbf, 0x41);
    expect(decodeValue(encodeValue(bytes, []))).toEqual(bytes);
  });

  it('drops undefined record fields and encodes a bare undefined', () => {
    expect([encodeValue({ a: 1, b: undefined }, []), encodeValue(undefined, [])]).toEqual([{ a: 1 }, { $undefined: true }]);
  });

  it('redacts secrets in strings and UTF-8 bytes, whole or embedded', () => {
    expect(encodeValue(['tok-123', 'Bearer tok-123', new TextEncoder().encode('k=tok-123')], ['tok-123'])).toEqual([
      '[redacted]', 'Bearer [redacted]', { $utf8: 'k=[redacted]' },
    ]);
  });

  it('compares values regardless of key order', () => {
    expect([sameValue({ a: 1, b: [2] }, { b: [2], a: 1 }), sameValue({ a: 1 }, { a: 1, b: 2 }), sameValue(['x'], ['y'])]).toEqual([true, false, false]);
  });
});

describe('cassette host calls', () => {
  it('keep the ledger record with arguments and answer in full; secrets.get always reads "[redacted]"', () => {
    const record = { interface: 'alga:extension/secrets', function: 'get', outcome: 'ok' as const, durationMs: 1, requestId: 'r', args: ['api_token'], result: '[redacted]' };
    expect(cassetteHostCall({ args: ['api_token'], reply: { ok: true, value: 'sk-live-1' }, record }, ['sk-live-1'])).toEqual({
      interface: 'alga:extension/secrets', function: 'get', outcome: 'ok', durationMs: 1, args: ['api_token'], result: '[redacted]',
    });
    const put = { interface: 'alga:extension/storage', function: 'put', outcome: 'ok' as const, durationMs: 1, args: [] };
    const entry = { namespace: 'n', key: 'k', value: new Uint8Array(300).fill(65), revision: 2n };
    expect(cassetteHostCall({ args: [entry], reply: { ok: true, value: entry }, record: put }, []).result).toEqual({
      namespace: 'n', key: 'k', value: { $utf8: 'A'.repeat(300) }, revision: { $bigint: '2' },
    });
  });

  it('keep a WIT error without a result', () => {
    const record = { interface: 'alga:extension/storage', function: 'get', outcome: 'err' as const, error: 'missing', durationMs: 1, args: [] };
    expect(cassetteHostCall({ args: ['ns', 'k'], reply: { ok: false, payload: 'missing' }, record }, [])).toEqual({
      interface: 'alga:extension/storage', function: 'get', outcome: 'err', error: 'missing', durationMs: 1, args: ['ns', 'k'],
    });
  });
});

describe('cassette files', () => {
  it('leave the secret envelope and config out of the recorded request', () => {
    const request = recordedRequest({
      context: { tenant_id: 't', extension_id: 'e', content_hash: 'sha256:ab', config: { region: 'eu' } },
      http: { method: 'GET', path: '/' },
      secret_envelope: { ciphertext_b64: 'c2VjcmV0' },
    });
    expect(request).toEqual({ context: { tenant_id: 't', extension_id: 'e', content_hash: 'sha256:ab' }, http: { method: 'GET', path: '/' } });
  });

  it('write version 1 and read back the same cassette', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cassette-'));
    try {
      const file = join(dir, 'nested', 'a.cassette.json');
      const cassette = newCassette([CALL], new Date('2026-01-02T03:04:05Z'));
      await writeCassette(file, cassette);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ format: 'alga-emulator-cassette', version: 1, recordedAt: '2026-01-02T03:04:05.000Z', calls: [CALL] });
      expect(await readCassette(file)).toEqual(cassette);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuse another version with CASSETTE_VERSION_UNSUPPORTED', () => {
    const text = JSON.stringify({ ...newCassette([], new Date(0)), version: 2 });
    expect(() => parseCassette(text, 'old.json')).toThrow(
      expect.objectContaining({
        code: 'CASSETTE_VERSION_UNSUPPORTED',
        message: `Failed to read old.json: it is cassette version 2, and this emulator reads version ${CASSETTE_VERSION}. Fix: record it again with this emulator, or replay it with the emulator that wrote it.`,
      }),
    );
  });

  it('refuse a bad field with CASSETTE_INVALID naming it', () => {
    const bad = newCassette([{ ...CALL, hostCalls: [{ ...CALL.hostCalls[0], outcome: 'maybe' } as never] }], new Date(0));
    expect(() => parseCassette(JSON.stringify(bad), 'x.json')).toThrow(
      expect.objectContaining({ code: 'CASSETTE_INVALID', message: 'Failed to read x.json: calls[0].hostCalls[0].outcome is not "ok", "err" or "trap". Fix: pass a file emu.record() wrote, unedited.' }),
    );
    expect(() => parseCassette('{', 'y.json')).toThrow(expect.objectContaining({ code: 'CASSETTE_INVALID' }));
  });

  it('refuse a missing file with CASSETTE_UNREADABLE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cassette-'));
    try {
      await writeFile(join(dir, 'empty.json'), '');
      await expect(readCassette(join(dir, 'nope.json'))).rejects.toMatchObject({ code: 'CASSETTE_UNREADABLE' });
      await expect(readCassette(join(dir, 'empty.json'))).rejects.toMatchObject({ code: 'CASSETTE_INVALID' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
