import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devKeyPaths, ensureDevKey } from './key-files.ts';
import { generateSigningKey } from './keys.ts';
import { loadSigningPolicy } from './policy.ts';
import { signContentHash } from './signature-text.ts';
import { catchError, FIXED_ED25519_KEY_ID, FIXED_ED25519_PUBLIC_PEM, HASH_A, useTempDir } from './test-support.ts';
import { verifyBundleSignature } from './verify.ts';

describe('loadSigningPolicy', () => {
  it('defaults to dev mode, creating and trusting the dev key', () => {
    const dataDir = useTempDir();
    const policy = loadSigningPolicy({}, dataDir);
    expect(policy.mode).toBe('dev');
    expect(policy.devKey).toEqual(ensureDevKey(dataDir));
    expect(policy.trust.keyIds()).toEqual([policy.devKey?.keyId]);
    const signature = signContentHash(HASH_A, policy.devKey?.privateKeyPem ?? '');
    expect(verifyBundleSignature({ contentHash: HASH_A, signatureText: signature, trust: policy.trust, mode: policy.mode }).status).toBe('verified');
  });

  it('trusts SIGNING_TRUST_BUNDLE keys and the dev key in dev mode', () => {
    const policy = loadSigningPolicy({ SIGNING_TRUST_BUNDLE: FIXED_ED25519_PUBLIC_PEM }, useTempDir());
    expect(policy.trust.keyIds()).toEqual([FIXED_ED25519_KEY_ID, policy.devKey?.keyId]);
  });

  it('uses the given default mode when SIGNING_MODE is unset or blank', () => {
    expect(loadSigningPolicy({}, useTempDir(), 'strict').mode).toBe('strict');
    expect(loadSigningPolicy({ SIGNING_MODE: ' ' }, useTempDir(), 'off').mode).toBe('off');
  });

  it.each([
    ['STRICT', 'strict'],
    [' Off ', 'off'],
    ['Dev', 'dev'],
  ] as const)('reads SIGNING_MODE=%j case-insensitively', (raw, mode) => {
    expect(loadSigningPolicy({ SIGNING_MODE: raw }, useTempDir()).mode).toBe(mode);
  });

  it.each(['strict', 'off'])('does not create a dev key in %s mode', (mode) => {
    const dataDir = useTempDir();
    const policy = loadSigningPolicy({ SIGNING_MODE: mode }, dataDir);
    expect(policy.devKey).toBeUndefined();
    expect(existsSync(devKeyPaths(dataDir).privateKeyPath)).toBe(false);
    expect(existsSync(join(dataDir, 'keys'))).toBe(false);
  });

  it('does not trust an existing dev key in strict mode', () => {
    const dataDir = useTempDir();
    const devKey = ensureDevKey(dataDir);
    const policy = loadSigningPolicy({ SIGNING_MODE: 'strict' }, dataDir);
    expect(policy.trust.has(devKey.keyId)).toBe(false);
    const signature = signContentHash(HASH_A, devKey.privateKeyPem);
    const err = catchError(() => verifyBundleSignature({ contentHash: HASH_A, signatureText: signature, trust: policy.trust, mode: policy.mode }));
    expect(err.code).toBe('SIGNATURE_UNTRUSTED');
  });

  it('trusts only SIGNING_TRUST_BUNDLE keys in strict mode, read from a file path', () => {
    const dataDir = useTempDir();
    const release = generateSigningKey('ecdsa-p256');
    const bundlePath = join(dataDir, 'trust.pem');
    writeFileSync(bundlePath, FIXED_ED25519_PUBLIC_PEM + release.publicKeyPem);
    const policy = loadSigningPolicy({ SIGNING_MODE: 'strict', SIGNING_TRUST_BUNDLE: bundlePath }, dataDir);
    expect(policy.trust.keyIds()).toEqual([FIXED_ED25519_KEY_ID, release.keyId]);
  });

  it('answers CONFIG_INVALID listing the valid modes', () => {
    const err = catchError(() => loadSigningPolicy({ SIGNING_MODE: 'lenient' }, useTempDir()));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.status).toBe(400);
    expect(err.message).toBe('SIGNING_MODE must be one of dev, strict, off, got "lenient". Fix or unset it.');
  });

  it('passes on SIGNING_TRUST_INVALID for a bad trust bundle, in every mode', () => {
    for (const mode of ['dev', 'strict', 'off']) {
      const err = catchError(() => loadSigningPolicy({ SIGNING_MODE: mode, SIGNING_TRUST_BUNDLE: 'no-such-file.pem' }, useTempDir()));
      expect(err.code).toBe('SIGNING_TRUST_INVALID');
    }
  });
});
