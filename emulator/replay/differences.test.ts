import { describe, expect, it } from 'vitest';
import { envelopeDifferences, formatDifference, type CallIdentity } from './differences.ts';
import { redactEnvelope } from './invocation-recordings.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const ok = { status: 200, headers: { 'Content-Type': 'application/json', 'x-ext-a': '1' }, body_b64: b64('{"a":1}'), error: null };
const ID: CallIdentity = { index: 3, requestId: 'r-3', method: 'POST', path: '/items?x=1', tenantId: 't', extensionId: 'e', installId: 'i' };

describe('envelopeDifferences', () => {
  it('finds nothing in the same answer, header names compared case-insensitively', () => {
    expect(envelopeDifferences(ok, { ...ok, headers: { 'content-type': 'application/json', 'X-Ext-A': '1' } })).toEqual([]);
  });

  it('lists status, each header and the body', () => {
    expect(envelopeDifferences(ok, { status: 201, headers: { 'content-type': 'text/plain', 'x-ext-b': '2' }, body_b64: b64('{"a":2}'), error: null })).toEqual([
      { kind: 'status', recorded: 200, replayed: 201 },
      { kind: 'header', name: 'content-type', recorded: 'application/json', replayed: 'text/plain' },
      { kind: 'header', name: 'x-ext-a', recorded: '1', replayed: null },
      { kind: 'header', name: 'x-ext-b', recorded: null, replayed: '2' },
      { kind: 'body', recorded: b64('{"a":1}'), replayed: b64('{"a":2}') },
    ]);
  });

  it('reports a differing Runner error alone, by kind', () => {
    const failed = (error: string) => ({ status: 500, headers: {}, body_b64: null, error });
    expect([
      envelopeDifferences(ok, failed('execute_failed: component failed to link: x')),
      envelopeDifferences(ok, failed('execute_failed: wasm trap: interrupt')),
      envelopeDifferences(failed('execute_failed: wasm trap: x'), ok),
      envelopeDifferences(ok, failed('bundle_fetch_failed: gone')),
    ].map((d) => d.map((x) => x.kind))).toEqual([['link-error'], ['trap'], ['trap'], ['error']]);
  });
});

describe('formatDifference', () => {
  it('names the call in every line', () => {
    expect([
      formatDifference(ID, { kind: 'status', recorded: 200, replayed: 500 }),
      formatDifference(ID, { kind: 'header', name: 'etag', recorded: null, replayed: '"v2"' }),
      formatDifference(ID, { kind: 'body', recorded: b64('a'), replayed: Buffer.from([0xff]).toString('base64') }),
      formatDifference({ ...ID, requestId: undefined }, { kind: 'link-error', recorded: null, replayed: 'execute_failed: component failed to link: y' }),
      formatDifference(ID, { kind: 'host-call', change: 'unexpected', position: 4, call: 'http.fetch', replayedArgs: [{ url: 'https://x' }] }),
    ]).toEqual([
      'call 3 POST /items?x=1 (request r-3): status 200 → 500',
      'call 3 POST /items?x=1 (request r-3): header etag: none → "\\"v2\\""',
      'call 3 POST /items?x=1 (request r-3): body "a" → 1 bytes (not UTF-8)',
      'call 3 POST /items?x=1: link-error none → "execute_failed: component failed to link: y"',
      'call 3 POST /items?x=1 (request r-3): host call #4 http.fetch({"url":"https://x"}) is not in the recording (the recording has no more host calls)',
    ]);
  });

  it('cuts long values at 120 characters', () => {
    const line = formatDifference(ID, { kind: 'body', recorded: null, replayed: b64('x'.repeat(500)) });
    expect(line).toBe(`call 3 POST /items?x=1 (request r-3): body none → "${'x'.repeat(119)}…`);
  });
});

describe('redactEnvelope', () => {
  it('redacts secret values from a UTF-8 body, headers and the error', () => {
    const envelope = { status: 200, headers: { 'x-ext-token': 'sk-9' + '876' }, body_b64: b64('{"token":"sk-9876"}'), error: null };
    expect(redactEnvelope(envelope, ['sk-9876'])).toEqual({ status: 200, headers: { 'x-ext-token': '[redacted]' }, body_b64: b64('{"token":"[redacted]"}'), error: null });
    expect(redactEnvelope({ ...envelope, body_b64: null, error: 'execute_failed: sk-9876' }, ['sk-9876']).error).toBe('execute_failed: [redacted]');
  });
});
