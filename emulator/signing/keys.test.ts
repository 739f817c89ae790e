import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, keyIdOf, type SigningAlgorithm } from './keys.ts';
import { catchError, FIXED_ED25519_KEY_ID, FIXED_ED25519_PUBLIC_PEM } from './test-support.ts';

function spkiKeyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex').slice(0, 32)}`;
}

describe('generateSigningKey', () => {
  it('creates an ed25519 key by default', () => {
    const pair = generateSigningKey();
    expect(pair.algorithm).toBe('ed25519');
    expect(createPublicKey(pair.publicKeyPem).asymmetricKeyType).toBe('ed25519');
    expect(pair.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
  });

  it('creates a P-256 key for ecdsa-p256', () => {
    const pair = generateSigningKey('ecdsa-p256');
    expect(pair.algorithm).toBe('ecdsa-p256');
    expect(createPublicKey(pair.publicKeyPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it.each<SigningAlgorithm>(['ed25519', 'ecdsa-p256'])('gives a %s pair the key id of its SPKI public key', (algorithm) => {
    const pair = generateSigningKey(algorithm);
    expect(pair.keyId).toBe(spkiKeyId(pair.publicKeyPem));
    expect(pair.keyId).toMatch(/^sha256:[0-9a-f]{32}$/);
  });

  it('answers SIGNING_ALGORITHM_UNSUPPORTED for an unknown algorithm', () => {
    const err = catchError(() => generateSigningKey('rsa' as SigningAlgorithm));
    expect(err.code).toBe('SIGNING_ALGORITHM_UNSUPPORTED');
    expect(err.status).toBe(400);
    expect(err.message).toBe('Cannot generate a signing key: algorithm "rsa" is not supported. Use one of ed25519, ecdsa-p256.');
  });
});

describe('keyIdOf', () => {
  it('returns sha256: plus the first 32 hex of sha256(SPKI DER)', () => {
    expect(keyIdOf(FIXED_ED25519_PUBLIC_PEM)).toBe(FIXED_ED25519_KEY_ID);
    expect(spkiKeyId(FIXED_ED25519_PUBLIC_PEM)).toBe(FIXED_ED25519_KEY_ID);
  });

  it('works for any public key type (trust checks reject unsupported types separately)', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(keyIdOf(pem)).toBe(spkiKeyId(pem));
  });

  it('answers SIGNING_KEY_INVALID for text that is not a public key', () => {
    const err = catchError(() => keyIdOf('not a key'));
    expect(err.code).toBe('SIGNING_KEY_INVALID');
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^Cannot compute a key id: the text is not a PEM public key \(.+\)\. Pass a "-----BEGIN PUBLIC KEY-----" block\.$/);
  });
});
