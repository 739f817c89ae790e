import { verify as cryptoVerify } from 'node:crypto';
import { EmulatorError, type ErrorCode } from '../errors.ts';
import { normalizeContentHash } from '../bundles/hash.ts';
import { parseSignatureText, signatureMessage } from './signature-text.ts';
import type { TrustedKey, TrustStore } from './trust-store.ts';
import type { SigningAlgorithm } from './keys.ts';

/** `dev`: sign unsigned bundles with a local key; `strict`: refuse anything unverified; `off`: production today. */
export const SIGNING_MODES = ['dev', 'strict', 'off'] as const;
export type SigningMode = (typeof SIGNING_MODES)[number];

export type VerifyStatus = 'verified' | 'unsigned' | 'placeholder' | 'skipped';

export interface VerifyResult {
  status: VerifyStatus;
  /** Set when status is `verified`. */
  keyId?: string;
  /** Things the caller should log (dev mode accepting an unsigned or placeholder bundle). */
  warnings: string[];
}

export interface VerifyInput {
  /** Hash of the bytes the caller actually read, never one taken from metadata. */
  contentHash: string;
  signatureText: string | null | undefined;
  trust: TrustStore;
  mode: SigningMode;
}

const SIGN_FIX = 'sign it with `alga-emulator sign` using a key in SIGNING_TRUST_BUNDLE';

export function isSigningMode(value: string): value is SigningMode {
  return (SIGNING_MODES as readonly string[]).includes(value);
}

/**
 * Checks a bundle's detached signature against the trust store under the given mode. Throws
 * SIGNATURE_* errors (400) for what the mode refuses; returns warnings for what it tolerates.
 *
 * @example verifyBundleSignature({ contentHash, signatureText, trust, mode: 'strict' })
 * // { status: 'verified', keyId: 'sha256:…', warnings: [] }
 */
export function verifyBundleSignature(input: VerifyInput): VerifyResult {
  // Off mode is production-today parity: nothing is checked, so nothing can fail.
  if (input.mode === 'off') return { status: 'skipped', warnings: [] };
  if (!isSigningMode(input.mode)) {
    throw new EmulatorError('CONFIG_INVALID', `Unknown signing mode "${String(input.mode)}". Use one of ${SIGNING_MODES.join(', ')}.`);
  }
  const hash = normalizeContentHash(input.contentHash);
  const text = input.signatureText ?? '';
  if (text.trim() === '') return unsigned(hash, input.mode);
  const parsed = parseSignatureText(text);
  if (parsed.kind === 'placeholder') return placeholder(hash, parsed.algorithm, input.mode);
  const trusted = input.trust.get(parsed.keyId);
  if (!trusted) throw untrusted(hash, parsed.keyId, input.trust);
  checkSignature(hash, parsed.algorithm, parsed.signature, trusted);
  return { status: 'verified', keyId: parsed.keyId, warnings: [] };
}

function unsigned(hash: string, mode: SigningMode): VerifyResult {
  if (mode === 'strict') {
    throw signatureError('SIGNATURE_MISSING', `bundle ${hash} has no signature and strict mode requires one`, `${capitalise(SIGN_FIX)}, or set SIGNING_MODE=dev for local work.`);
  }
  return {
    status: 'unsigned',
    warnings: [
      `Bundle ${hash} is unsigned; dev mode signs it with the local dev key. Strict mode would refuse it with SIGNATURE_MISSING: ${SIGN_FIX}.`,
    ],
  };
}

function placeholder(hash: string, algorithm: string, mode: SigningMode): VerifyResult {
  const what = `the signature of bundle ${hash} is the official CLI's placeholder (algorithm ${algorithm}): \`alga sign\` writes a placeholder, not a signature`;
  if (mode === 'strict') throw signatureError('SIGNATURE_UNVERIFIABLE', what, `${capitalise(SIGN_FIX)}.`);
  return {
    status: 'placeholder',
    warnings: [`${capitalise(what)}; dev mode accepts it unverified. Strict mode would refuse it with SIGNATURE_UNVERIFIABLE: ${SIGN_FIX}.`],
  };
}

function untrusted(hash: string, keyId: string, trust: TrustStore): EmulatorError {
  const none = trust.keyIds().length === 0 ? ' (no key is trusted at all)' : '';
  return signatureError(
    'SIGNATURE_UNTRUSTED',
    `bundle ${hash} is signed by key ${keyId}, which is not trusted${none}`,
    'Add its public key to SIGNING_TRUST_BUNDLE, or sign with a trusted key (`alga-emulator sign`).',
  );
}

function checkSignature(hash: string, algorithm: SigningAlgorithm, signature: Buffer, trusted: TrustedKey): void {
  if (algorithm !== trusted.algorithm) {
    throw signatureError(
      'SIGNATURE_INVALID',
      `the signature of bundle ${hash} says alg=${algorithm}, but trusted key ${trusted.keyId} is an ${trusted.algorithm} key`,
      'Re-sign the bundle with `alga-emulator sign`.',
    );
  }
  if (!matches(hash, signature, trusted)) {
    throw signatureError(
      'SIGNATURE_INVALID',
      `the signature by key ${trusted.keyId} does not match bundle ${hash}: the archive bytes changed after signing (modified or swapped on disk) or the signature is corrupt`,
      'Restore the signed archive, or re-sign it with `alga-emulator sign`.',
    );
  }
}

function matches(hash: string, signature: Buffer, trusted: TrustedKey): boolean {
  const message = signatureMessage(hash);
  try {
    return trusted.algorithm === 'ed25519'
      ? cryptoVerify(null, message, trusted.publicKey, signature)
      : cryptoVerify('sha256', message, { key: trusted.publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    // OpenSSL rejects some garbage (e.g. malformed DER) by throwing; that is a bad signature too.
    return false;
  }
}

function signatureError(code: ErrorCode, what: string, fix: string): EmulatorError {
  return new EmulatorError(code, `Cannot accept bundle signature: ${what}. ${fix}`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
