import { describe, expect, it } from 'vitest';
import { SecretSealer } from './secret-sealer.ts';

describe('SecretSealer', () => {
  it('should refuse a key that is not 32 bytes, saying how to make one', () => {
    expect(() => new SecretSealer(Buffer.alloc(16))).toThrow(
      expect.objectContaining({
        code: 'SECRETS_KEY_INVALID',
        status: 500,
        message: 'Failed to create the secret sealer: the key is 16 bytes: AES-256-GCM needs 32. Fix: pass 32 random bytes (randomBytes(32)).',
      }),
    );
  });
});
