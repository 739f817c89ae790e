import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../errors.ts';
import { computeContentHash, hashHex, normalizeContentHash } from './hash.ts';

const EMPTY_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('computeContentHash', () => {
  it('returns sha256: plus lowercase hex of the exact bytes', () => {
    expect(computeContentHash(new Uint8Array())).toBe(`sha256:${EMPTY_HEX}`);
    expect(computeContentHash(new TextEncoder().encode('abc'))).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('normalizeContentHash', () => {
  it('accepts the prefixed form in any case and lowercases it', () => {
    expect(normalizeContentHash(`SHA256:${EMPTY_HEX.toUpperCase()}`)).toBe(`sha256:${EMPTY_HEX}`);
  });

  it('accepts a bare 64-hex digest', () => {
    expect(normalizeContentHash(EMPTY_HEX.toUpperCase())).toBe(`sha256:${EMPTY_HEX}`);
  });

  it.each(['', 'sha256:', `md5:${EMPTY_HEX}`, EMPTY_HEX.slice(1), `${EMPTY_HEX}0`, `sha256:${'g'.repeat(64)}`, ` ${EMPTY_HEX}`])(
    'rejects %j with INVALID_CONTENT_HASH (400)',
    (input) => {
      const err = catchError(() => normalizeContentHash(input));
      expect(err.code).toBe('INVALID_CONTENT_HASH');
      expect(err.status).toBe(400);
      expect(err.message).toBe(
        `invalid content hash ${JSON.stringify(input)}: expected "sha256:" followed by 64 hex characters. ` +
          'Use the contentHash reported by the pack or publish step.',
      );
    },
  );
});

describe('hashHex', () => {
  it('returns the lowercase hex part', () => {
    expect(hashHex(`sha256:${EMPTY_HEX.toUpperCase()}`)).toBe(EMPTY_HEX);
  });
});

function catchError(fn: () => unknown): EmulatorError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EmulatorError) return err;
    throw err;
  }
  throw new Error('expected an EmulatorError');
}
