import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeContentHash, hashHex } from '../bundles/hash.ts';
import { generateSigningKey, type SigningAlgorithm } from './keys.ts';
import { formatSignatureText, parseSignatureText, signContentHash } from './signature-text.ts';
import { TrustStore } from './trust-store.ts';
import { catchError, HASH_A, HASH_B, placeholderText, useTempDir } from './test-support.ts';
import { verifyBundleSignature, type SigningMode } from './verify.ts';

const SIGN_FIX = 'sign it with `alga-emulator sign` using a key in SIGNING_TRUST_BUNDLE';
const TRUST_FIX = 'Add its public key to SIGNING_TRUST_BUNDLE, or sign with a trusted key (`alga-emulator sign`).';

const trusted = generateSigningKey('ed25519');
const trust = TrustStore.fromPems([trusted.publicKeyPem]);

function verify(mode: SigningMode, signatureText: string | null | undefined, contentHash = HASH_A, store = trust) {
  return verifyBundleSignature({ contentHash, signatureText, trust: store, mode });
}

describe('verifyBundleSignature: good signatures', () => {
  it.each<SigningAlgorithm>(['ed25519', 'ecdsa-p256'])('verifies a %s signature by a trusted key and reports its key id', (algorithm) => {
    const key = generateSigningKey(algorithm);
    const store = TrustStore.fromPems([key.publicKeyPem]);
    const signature = signContentHash(HASH_A, key.privateKeyPem);
    for (const mode of ['strict', 'dev'] as const) {
      expect(verify(mode, signature, HASH_A, store)).toEqual({ status: 'verified', keyId: key.keyId, warnings: [] });
    }
  });

  it('verifies whatever form the content hash is passed in', () => {
    const signature = `${signContentHash(HASH_A, trusted.privateKeyPem)}\n`;
    expect(verify('strict', signature, hashHex(HASH_A).toUpperCase()).status).toBe('verified');
  });
});

describe('verifyBundleSignature: tampering', () => {
  it('answers SIGNATURE_INVALID when the archive bytes (content hash) differ from what was signed', () => {
    const signature = signContentHash(HASH_A, trusted.privateKeyPem);
    for (const mode of ['strict', 'dev'] as const) {
      const err = catchError(() => verify(mode, signature, HASH_B));
      expect(err.code).toBe('SIGNATURE_INVALID');
      expect(err.status).toBe(400);
      expect(err.message).toBe(
        `Cannot accept bundle signature: the signature by key ${trusted.keyId} does not match bundle ${HASH_B}: ` +
          'the archive bytes changed after signing (modified or swapped on disk) or the signature is corrupt. ' +
          'Restore the signed archive, or re-sign it with `alga-emulator sign`.',
      );
    }
  });

  it('answers SIGNATURE_INVALID when the archive on disk is swapped after signing', () => {
    const archive = join(useTempDir(), 'bundle.tar.zst');
    writeFileSync(archive, 'original archive bytes');
    const signature = signContentHash(computeContentHash(readFileSync(archive)), trusted.privateKeyPem);
    expect(verify('strict', signature, computeContentHash(readFileSync(archive))).status).toBe('verified');
    writeFileSync(archive, 'swapped archive bytes');
    expect(catchError(() => verify('strict', signature, computeContentHash(readFileSync(archive)))).code).toBe('SIGNATURE_INVALID');
  });

  it('answers SIGNATURE_INVALID for corrupted signature bytes', () => {
    const parsed = parseSignatureText(signContentHash(HASH_A, trusted.privateKeyPem));
    if (parsed.kind !== 'signature') throw new Error('expected a signature');
    const corrupted = Buffer.from(parsed.signature);
    corrupted[0] = (corrupted[0] ?? 0) ^ 0xff;
    expect(catchError(() => verify('strict', formatSignatureText('ed25519', trusted.keyId, corrupted))).code).toBe('SIGNATURE_INVALID');
    expect(catchError(() => verify('strict', formatSignatureText('ed25519', trusted.keyId, Buffer.alloc(3)))).code).toBe('SIGNATURE_INVALID');
  });

  it('answers SIGNATURE_INVALID when the algorithm does not match the trusted key type', () => {
    const p256 = generateSigningKey('ecdsa-p256');
    const parsed = parseSignatureText(signContentHash(HASH_A, p256.privateKeyPem));
    if (parsed.kind !== 'signature') throw new Error('expected a signature');
    const err = catchError(() => verify('strict', formatSignatureText('ecdsa-p256', trusted.keyId, parsed.signature)));
    expect(err.code).toBe('SIGNATURE_INVALID');
    expect(err.message).toBe(
      `Cannot accept bundle signature: the signature of bundle ${HASH_A} says alg=ecdsa-p256, but trusted key ${trusted.keyId} is an ed25519 key. ` +
        'Re-sign the bundle with `alga-emulator sign`.',
    );
  });
});

describe('verifyBundleSignature: untrusted keys', () => {
  it.each<SigningMode>(['strict', 'dev'])('answers SIGNATURE_UNTRUSTED in %s mode, naming the key id', (mode) => {
    const stranger = generateSigningKey();
    const err = catchError(() => verify(mode, signContentHash(HASH_A, stranger.privateKeyPem)));
    expect(err.code).toBe('SIGNATURE_UNTRUSTED');
    expect(err.status).toBe(400);
    expect(err.message).toBe(`Cannot accept bundle signature: bundle ${HASH_A} is signed by key ${stranger.keyId}, which is not trusted. ${TRUST_FIX}`);
  });

  it('says so when no key is trusted at all', () => {
    const err = catchError(() => verify('strict', signContentHash(HASH_A, trusted.privateKeyPem), HASH_A, TrustStore.fromPems([])));
    expect(err.message).toBe(
      `Cannot accept bundle signature: bundle ${HASH_A} is signed by key ${trusted.keyId}, which is not trusted (no key is trusted at all). ${TRUST_FIX}`,
    );
  });
});

describe('verifyBundleSignature: key rotation', () => {
  it('verifies signatures by both keys while both are trusted, and refuses the old one once it is removed', () => {
    const oldKey = generateSigningKey('ed25519');
    const newKey = generateSigningKey('ecdsa-p256');
    const oldSignature = signContentHash(HASH_A, oldKey.privateKeyPem);
    const newSignature = signContentHash(HASH_A, newKey.privateKeyPem);
    const both = TrustStore.fromBundle(oldKey.publicKeyPem + newKey.publicKeyPem);
    expect(verify('strict', oldSignature, HASH_A, both)).toEqual({ status: 'verified', keyId: oldKey.keyId, warnings: [] });
    expect(verify('strict', newSignature, HASH_A, both)).toEqual({ status: 'verified', keyId: newKey.keyId, warnings: [] });

    const rotated = TrustStore.fromBundle(newKey.publicKeyPem);
    expect(verify('strict', newSignature, HASH_A, rotated).status).toBe('verified');
    const err = catchError(() => verify('strict', oldSignature, HASH_A, rotated));
    expect(err.code).toBe('SIGNATURE_UNTRUSTED');
    expect(err.message).toBe(`Cannot accept bundle signature: bundle ${HASH_A} is signed by key ${oldKey.keyId}, which is not trusted. Add its public key to SIGNING_TRUST_BUNDLE, or sign with a trusted key (\`alga-emulator sign\`).`);
  });
});

describe('verifyBundleSignature: missing signatures', () => {
  it.each([null, undefined, '', ' \n'])('answers SIGNATURE_MISSING for %j in strict mode', (text) => {
    const err = catchError(() => verify('strict', text));
    expect(err.code).toBe('SIGNATURE_MISSING');
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      `Cannot accept bundle signature: bundle ${HASH_A} has no signature and strict mode requires one. ` +
        'Sign it with `alga-emulator sign` using a key in SIGNING_TRUST_BUNDLE, or set SIGNING_MODE=dev for local work.',
    );
  });

  it('reports unsigned with a warning in dev mode', () => {
    expect(verify('dev', null)).toEqual({
      status: 'unsigned',
      warnings: [`Bundle ${HASH_A} is unsigned; dev mode signs it with the local dev key. Strict mode would refuse it with SIGNATURE_MISSING: ${SIGN_FIX}.`],
    });
  });

  it('skips in off mode', () => {
    expect(verify('off', undefined)).toEqual({ status: 'skipped', warnings: [] });
  });
});

describe('verifyBundleSignature: the official CLI placeholder', () => {
  const what = `the signature of bundle ${HASH_A} is the official CLI's placeholder (algorithm cosign): \`alga sign\` writes a placeholder, not a signature`;

  it('answers SIGNATURE_UNVERIFIABLE in strict mode', () => {
    const err = catchError(() => verify('strict', placeholderText('cosign')));
    expect(err.code).toBe('SIGNATURE_UNVERIFIABLE');
    expect(err.status).toBe(400);
    expect(err.message).toBe(`Cannot accept bundle signature: ${what}. Sign it with \`alga-emulator sign\` using a key in SIGNING_TRUST_BUNDLE.`);
  });

  it('reports placeholder with a warning in dev mode', () => {
    expect(verify('dev', placeholderText('cosign'))).toEqual({
      status: 'placeholder',
      warnings: [`The${what.slice(3)}; dev mode accepts it unverified. Strict mode would refuse it with SIGNATURE_UNVERIFIABLE: ${SIGN_FIX}.`],
    });
  });

  it('skips in off mode', () => {
    expect(verify('off', placeholderText('cosign'))).toEqual({ status: 'skipped', warnings: [] });
  });
});

describe('verifyBundleSignature: malformed text', () => {
  it.each<SigningMode>(['strict', 'dev'])('answers SIGNATURE_INVALID in %s mode', (mode) => {
    const err = catchError(() => verify(mode, 'garbage'));
    expect(err.code).toBe('SIGNATURE_INVALID');
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      'Invalid bundle signature: it does not start with "alga-signature-v1". ' +
        'Expected one line "alga-signature-v1 alg=<ed25519|ecdsa-p256> kid=sha256:<32 hex> sig=<base64>"; re-sign the bundle with `alga-emulator sign`.',
    );
  });

  it('skips garbage, and even a bad content hash, in off mode', () => {
    expect(verify('off', 'garbage', 'not-a-hash')).toEqual({ status: 'skipped', warnings: [] });
  });
});
