import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, type SigningAlgorithm } from './keys.ts';
import { TrustStore } from './trust-store.ts';
import { catchError, FIXED_ED25519_KEY_ID, FIXED_ED25519_PRIVATE_PEM, FIXED_ED25519_PUBLIC_PEM, HAS_OPENSSL, selfSignedCertificate, useTempDir } from './test-support.ts';

const FIX = 'Provide "-----BEGIN PUBLIC KEY-----" or "-----BEGIN CERTIFICATE-----" blocks holding ed25519 or ECDSA P-256 keys.';

function publicPem(type: 'rsa' | 'p384'): string {
  const { publicKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 1024 }) : generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

describe('TrustStore.fromPems', () => {
  it('trusts every block of a string holding several keys, in order', () => {
    const p256 = generateSigningKey('ecdsa-p256');
    const store = TrustStore.fromPems([FIXED_ED25519_PUBLIC_PEM + p256.publicKeyPem]);
    expect(store.keyIds()).toEqual([FIXED_ED25519_KEY_ID, p256.keyId]);
    expect(store.has(p256.keyId)).toBe(true);
    expect(store.get(p256.keyId)?.algorithm).toBe('ecdsa-p256');
    expect(store.get(FIXED_ED25519_KEY_ID)?.algorithm).toBe('ed25519');
  });

  it('lists a key given twice once', () => {
    expect(TrustStore.fromPems([FIXED_ED25519_PUBLIC_PEM, FIXED_ED25519_PUBLIC_PEM]).keyIds()).toEqual([FIXED_ED25519_KEY_ID]);
  });

  it('is empty for no PEMs and trusts nothing', () => {
    const store = TrustStore.fromPems([]);
    expect(store.keyIds()).toEqual([]);
    expect(store.has(FIXED_ED25519_KEY_ID)).toBe(false);
  });

  it('answers SIGNING_TRUST_INVALID naming the block that holds an RSA key', () => {
    const err = catchError(() => TrustStore.fromPems([`${FIXED_ED25519_PUBLIC_PEM}\n${publicPem('rsa')}`]));
    expect(err.code).toBe('SIGNING_TRUST_INVALID');
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      'Invalid signing trust bundle: trusted PEM #1 block 2 (PUBLIC KEY) holds a key of type "rsa"; only ed25519 and ECDSA P-256 keys can verify bundle signatures. ' +
        'Remove that block or replace it with an ed25519 or P-256 public key or certificate.',
    );
  });

  it('rejects an EC key on another curve than P-256', () => {
    const err = catchError(() => TrustStore.fromPems([publicPem('p384')]));
    expect(err.code).toBe('SIGNING_TRUST_INVALID');
    expect(err.message).toBe('Invalid signing trust bundle: trusted PEM #1 block 1 (PUBLIC KEY) holds a key of type "ec secp384r1"; only ed25519 and ECDSA P-256 keys can verify bundle signatures. Remove that block or replace it with an ed25519 or P-256 public key or certificate.');
  });

  it('rejects a private key block and says to list its public key', () => {
    const err = catchError(() => TrustStore.fromPems([FIXED_ED25519_PRIVATE_PEM]));
    expect(err.code).toBe('SIGNING_TRUST_INVALID');
    expect(err.message).toBe(`Invalid signing trust bundle: trusted PEM #1 block 1 (PRIVATE KEY) is neither a public key nor a certificate. ${FIX} For a private key, list its public key instead.`);
  });

  it('rejects a block cut short', () => {
    const err = catchError(() => TrustStore.fromPems([FIXED_ED25519_PUBLIC_PEM.replace('-----END PUBLIC KEY-----', '')]));
    expect(err.code).toBe('SIGNING_TRUST_INVALID');
    expect(err.message).toBe('Invalid signing trust bundle: trusted PEM #1 block 1 (PUBLIC KEY) has no "-----END PUBLIC KEY-----" line. Restore the complete PEM block.');
  });

  it('rejects a block whose body is not a key', () => {
    const err = catchError(() => TrustStore.fromPems(['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n']));
    expect(err.code).toBe('SIGNING_TRUST_INVALID');
    expect(err.message).toMatch(/^Invalid signing trust bundle: trusted PEM #1 block 1 \(PUBLIC KEY\) cannot be parsed \(.+\)\. Replace it with a valid PEM public key or certificate\.$/);
  });

  it('rejects text without any PEM block', () => {
    const err = catchError(() => TrustStore.fromPems(['hello']));
    expect(err.code).toBe('SIGNING_TRUST_INVALID');
    expect(err.message).toBe(`Invalid signing trust bundle: trusted PEM #1 holds no PEM block. ${FIX}`);
  });

  // Node can read certificates but not create them; the test makes one with openssl.
  it.skipIf(!HAS_OPENSSL).each<SigningAlgorithm>(['ed25519', 'ecdsa-p256'])(
    'trusts the public key of a self-signed %s X.509 certificate (skipped without /usr/bin/openssl)',
    (algorithm) => {
      const key = generateSigningKey(algorithm);
      const certificate = selfSignedCertificate(key.privateKeyPem);
      expect(certificate.startsWith('-----BEGIN CERTIFICATE-----\n')).toBe(true);
      const store = TrustStore.fromPems([certificate]);
      expect(store.keyIds()).toEqual([key.keyId]);
      expect(store.get(key.keyId)?.algorithm).toBe(algorithm);
    },
  );
});

describe('TrustStore.fromBundle', () => {
  it('reads a file path', () => {
    const path = join(useTempDir(), 'trust.pem');
    writeFileSync(path, FIXED_ED25519_PUBLIC_PEM);
    expect(TrustStore.fromBundle(path).keyIds()).toEqual([FIXED_ED25519_KEY_ID]);
  });

  it('takes inline PEM text', () => {
    expect(TrustStore.fromBundle(FIXED_ED25519_PUBLIC_PEM).keyIds()).toEqual([FIXED_ED25519_KEY_ID]);
  });

  it('adds the extra PEMs after the bundle', () => {
    const extra = generateSigningKey();
    expect(TrustStore.fromBundle(FIXED_ED25519_PUBLIC_PEM, [extra.publicKeyPem]).keyIds()).toEqual([FIXED_ED25519_KEY_ID, extra.keyId]);
  });

  it.each([undefined, '', '  '])('trusts only the extras when the bundle is %j', (bundle) => {
    const extra = generateSigningKey();
    expect(TrustStore.fromBundle(bundle, [extra.publicKeyPem]).keyIds()).toEqual([extra.keyId]);
    expect(TrustStore.fromBundle(bundle).keyIds()).toEqual([]);
  });

  it('answers SIGNING_TRUST_INVALID with the fix for an unreadable path', () => {
    const path = join(useTempDir(), 'missing.pem');
    const err = catchError(() => TrustStore.fromBundle(path));
    expect(err.code).toBe('SIGNING_TRUST_INVALID');
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      `Invalid signing trust bundle: cannot read SIGNING_TRUST_BUNDLE file "${path}" (ENOENT: no such file or directory, open '${path}'). ` +
        'Set SIGNING_TRUST_BUNDLE to a readable PEM file path or to inline PEM text.',
    );
  });

  it('answers SIGNING_TRUST_INVALID for a file without PEM blocks', () => {
    const path = join(useTempDir(), 'empty.pem');
    writeFileSync(path, '\n');
    const err = catchError(() => TrustStore.fromBundle(path));
    expect(err.message).toBe(`Invalid signing trust bundle: SIGNING_TRUST_BUNDLE file "${path}" holds no PEM block. ${FIX}`);
  });

  it('names the inline bundle in errors', () => {
    const err = catchError(() => TrustStore.fromBundle(publicPem('rsa')));
    expect(err.message).toBe('Invalid signing trust bundle: SIGNING_TRUST_BUNDLE (inline PEM) block 1 (PUBLIC KEY) holds a key of type "rsa"; only ed25519 and ECDSA P-256 keys can verify bundle signatures. Remove that block or replace it with an ed25519 or P-256 public key or certificate.');
  });
});
