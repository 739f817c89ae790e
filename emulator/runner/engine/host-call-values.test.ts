import { describe, expect, it } from 'vitest';
import { BYTES_PREVIEW_CHARS, recordValue, secretValues } from './host-call-values.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('recordValue', () => {
  it('should make bigint, bytes and undefined JSON-safe', () => {
    const entry = { namespace: 'ns', key: 'k', value: bytes('42'), revision: 7n, missing: undefined };
    expect(recordValue([entry, undefined], [])).toEqual([{ namespace: 'ns', key: 'k', value: { bytes: 2, utf8: '42' }, revision: '7' }, null]);
  });

  it('should redact a string equal to a secret value, and a long secret inside a string, but nothing else', () => {
    const secrets = secretValues({ api_token: 'tok-1', short: 'ab' });
    expect(recordValue(['tok-1', 'Bearer tok-1', 'ab', 'cab', 'other'], secrets)).toEqual(['[redacted]', 'Bearer [redacted]', '[redacted]', 'cab', 'other']);
    expect(recordValue({ body: bytes('{"token":"tok-1"}') }, secrets)).toEqual({ body: { bytes: 17, utf8: '{"token":"[redacted]"}' } });
  });

  it('should keep only the length and a 256-character preview of a large body', () => {
    const big = bytes('é'.repeat(100_000));
    const out = recordValue(big, []) as { bytes: number; utf8: string };
    expect([out.bytes, out.utf8.length, out.utf8]).toEqual([200_000, BYTES_PREVIEW_CHARS, 'é'.repeat(BYTES_PREVIEW_CHARS)]);
  });

  it('should leave out the preview of bytes that are not UTF-8', () => {
    expect(recordValue(new Uint8Array([0xff, 0xfe, 0x00]), [])).toEqual({ bytes: 3 });
  });

  it('should never list empty secret values', () => {
    expect(secretValues({ a: '', b: 'xyz', c: 'longer' })).toEqual(['longer', 'xyz']);
    expect(secretValues(undefined)).toEqual([]);
  });
});
