// Shared helpers for the signing tests: temp folders, error capture, fixed keys, certificates.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { EmulatorError } from '../errors.ts';
import { computeContentHash } from '../bundles/hash.ts';

/** An ed25519 key from the fixed seed 0x07 × 32, so key id and signatures can be pinned. */
export const FIXED_ED25519_PRIVATE_PEM =
  '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH\n-----END PRIVATE KEY-----\n';
export const FIXED_ED25519_PUBLIC_PEM =
  '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw=\n-----END PUBLIC KEY-----\n';
export const FIXED_ED25519_KEY_ID = 'sha256:324be2dea8bc44461b0233e51fa48902';

/** Content hashes of two different archives. */
export const HASH_A = computeContentHash(new TextEncoder().encode('bundle A'));
export const HASH_B = computeContentHash(new TextEncoder().encode('bundle B'));

/** The exact file the official CLI's `alga sign --algorithm <alg>` writes. */
export function placeholderText(algorithm: string): string {
  return [
    '# SIGNATURE PLACEHOLDER',
    'bundle: bundle.tar.zst',
    `algorithm: ${algorithm}`,
    'created_at: 2025-01-01T00:00:00.000Z',
    '',
    'TODO: Replace with real signing output (e.g., base64-encoded signature, certificate chain, etc.)',
    '',
  ].join('\n');
}

/** A fresh folder under the OS temp dir, removed when the current test finishes. */
export function useTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'alga-signing-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `fn` and returns the EmulatorError it throws; fails the test otherwise. */
export function catchError(fn: () => unknown): EmulatorError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EmulatorError) return err;
    throw err;
  }
  throw new Error('expected an EmulatorError');
}

export const OPENSSL = '/usr/bin/openssl';
export const HAS_OPENSSL = existsSync(OPENSSL);

/** A self-signed certificate (PEM) for `privateKeyPem`, made with openssl in a temp folder. */
export function selfSignedCertificate(privateKeyPem: string): string {
  const dir = useTempDir();
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  writeFileSync(keyPath, privateKeyPem, { mode: 0o600 });
  execFileSync(OPENSSL, ['req', '-x509', '-key', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=alga-signing-test'], {
    stdio: 'pipe',
  });
  return readFileSync(certPath, 'utf8');
}
