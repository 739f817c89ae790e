import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from './base64.ts';

describe('base64', () => {
  it('should encode empty bytes as the empty string', () => {
    expect(toBase64(new Uint8Array())).toBe('');
  });

  it('should round-trip every byte value, beyond one chunk', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
    const text = toBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(Buffer.from(fromBase64(text)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('should throw on text that is not base64', () => {
    expect(() => fromBase64('@@@')).toThrow();
  });
});
