import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devKeyPaths, ensureDevKey, readPrivateKey, writeKeyPair } from './key-files.ts';
import { generateSigningKey } from './keys.ts';
import { catchError, FIXED_ED25519_KEY_ID, FIXED_ED25519_PRIVATE_PEM, FIXED_ED25519_PUBLIC_PEM, useTempDir } from './test-support.ts';

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('ensureDevKey', () => {
  it('creates an ed25519 key pair under {dataDir}/keys with the private key at mode 0600', () => {
    const dataDir = useTempDir();
    const pair = ensureDevKey(dataDir);
    const paths = devKeyPaths(dataDir);
    expect(paths).toEqual({ privateKeyPath: join(dataDir, 'keys', 'dev-signing.key.pem'), publicKeyPath: join(dataDir, 'keys', 'dev-signing.pub.pem') });
    expect(pair.algorithm).toBe('ed25519');
    expect(readFileSync(paths.privateKeyPath, 'utf8')).toBe(pair.privateKeyPem);
    expect(readFileSync(paths.publicKeyPath, 'utf8')).toBe(pair.publicKeyPem);
    expect(modeOf(paths.privateKeyPath)).toBe(0o600);
    expect(modeOf(paths.publicKeyPath)).toBe(0o644);
    expect(readdirSync(join(dataDir, 'keys')).sort()).toEqual(['dev-signing.key.pem', 'dev-signing.pub.pem']);
  });

  it('reuses the key on later calls', () => {
    const dataDir = useTempDir();
    const first = ensureDevKey(dataDir);
    const second = ensureDevKey(dataDir);
    expect(second).toEqual(first);
    expect(modeOf(devKeyPaths(dataDir).privateKeyPath)).toBe(0o600);
  });

  it('keeps an existing private key and rewrites a missing or stale public key from it', () => {
    const dataDir = useTempDir();
    const paths = writeKeyPair(join(dataDir, 'keys'), 'dev-signing', fixedPair());
    rmSync(paths.publicKeyPath);
    expect(ensureDevKey(dataDir).keyId).toBe(FIXED_ED25519_KEY_ID);
    expect(readFileSync(paths.publicKeyPath, 'utf8')).toBe(FIXED_ED25519_PUBLIC_PEM);
    writeFileSync(paths.publicKeyPath, 'stale');
    ensureDevKey(dataDir);
    expect(readFileSync(paths.publicKeyPath, 'utf8')).toBe(FIXED_ED25519_PUBLIC_PEM);
  });
});

describe('writeKeyPair and readPrivateKey', () => {
  it('round-trips a P-256 pair and leaves no temp files', () => {
    const dir = join(useTempDir(), 'nested', 'keys');
    const pair = generateSigningKey('ecdsa-p256');
    const paths = writeKeyPair(dir, 'release', pair);
    expect(paths).toEqual({ privateKeyPath: join(dir, 'release.key.pem'), publicKeyPath: join(dir, 'release.pub.pem') });
    expect(readPrivateKey(paths.privateKeyPath)).toEqual(pair);
    expect(modeOf(paths.privateKeyPath)).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['release.key.pem', 'release.pub.pem']);
  });

  it('replaces an existing pair of the same name', () => {
    const dir = useTempDir();
    writeKeyPair(dir, 'release', generateSigningKey());
    const replacement = generateSigningKey();
    const paths = writeKeyPair(dir, 'release', replacement);
    expect(readPrivateKey(paths.privateKeyPath).keyId).toBe(replacement.keyId);
  });

  it.each(['../escape', '.hidden', 'a/b', ''])('answers SIGNING_KEY_NAME_INVALID for the name %j', (name) => {
    const dir = useTempDir();
    const err = catchError(() => writeKeyPair(dir, name, generateSigningKey()));
    expect(err.code).toBe('SIGNING_KEY_NAME_INVALID');
    expect(err.message).toBe(`Cannot write key pair "${name}": the name must be letters, digits, ".", "_" or "-", starting with a letter or digit.`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('derives the public key and key id from the private PEM', () => {
    const path = join(useTempDir(), 'fixed.key.pem');
    writeFileSync(path, FIXED_ED25519_PRIVATE_PEM);
    expect(readPrivateKey(path)).toEqual(fixedPair());
  });

  it('answers SIGNING_KEY_INVALID with the fix for a missing file', () => {
    const path = join(useTempDir(), 'missing.pem');
    const err = catchError(() => readPrivateKey(path));
    expect(err.code).toBe('SIGNING_KEY_INVALID');
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      `Cannot read signing key file "${path}" (ENOENT: no such file or directory, open '${path}'). ` +
        'Check the path; the file must hold an unencrypted ed25519 or ECDSA P-256 private key in PEM form.',
    );
  });

  it('answers SIGNING_KEY_INVALID for a public key file', () => {
    const path = join(useTempDir(), 'public.pem');
    writeFileSync(path, FIXED_ED25519_PUBLIC_PEM);
    const err = catchError(() => readPrivateKey(path));
    expect(err.code).toBe('SIGNING_KEY_INVALID');
    expect(err.message).toMatch(
      new RegExp(`^Cannot use signing key file "${path}": it is not a readable PEM private key \\(.+\\)\\. Use an unencrypted ed25519 or ECDSA P-256 private key in PEM form\\.$`),
    );
  });

  it('answers SIGNING_KEY_INVALID for an RSA private key file', () => {
    const path = join(useTempDir(), 'rsa.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const err = catchError(() => readPrivateKey(path));
    expect(err.message).toBe(
      `Cannot use signing key file "${path}": it is a key of type "rsa", which cannot sign bundles. Use an unencrypted ed25519 or ECDSA P-256 private key in PEM form.`,
    );
    expect(existsSync(path)).toBe(true);
  });
});

function fixedPair() {
  return { algorithm: 'ed25519' as const, keyId: FIXED_ED25519_KEY_ID, privateKeyPem: FIXED_ED25519_PRIVATE_PEM, publicKeyPem: FIXED_ED25519_PUBLIC_PEM };
}
