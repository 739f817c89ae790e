import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describeError, EmulatorError } from '../errors.ts';

/** Signature algorithms the emulator signs and verifies with; the first is the default. */
export const SIGNING_ALGORITHMS = ['ed25519', 'ecdsa-p256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** A signing key in PEM form (PKCS#8 private, SPKI public) with its algorithm and key id. */
export interface SigningKeyPair {
  algorithm: SigningAlgorithm;
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

const KEY_FIX = 'Use an unencrypted ed25519 or ECDSA P-256 private key in PEM form.';

export function isSigningAlgorithm(value: string): value is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

/**
 * Creates a fresh key pair (ed25519 unless told otherwise).
 *
 * @example generateSigningKey('ecdsa-p256').keyId // 'sha256:3f1c…' (32 hex)
 */
export function generateSigningKey(algorithm: SigningAlgorithm = 'ed25519'): SigningKeyPair {
  // Runtime check too: CLI callers pass whatever the user typed.
  if (!isSigningAlgorithm(algorithm)) {
    throw new EmulatorError(
      'SIGNING_ALGORITHM_UNSUPPORTED',
      `Cannot generate a signing key: algorithm "${String(algorithm)}" is not supported. Use one of ${SIGNING_ALGORITHMS.join(', ')}.`,
    );
  }
  const { privateKey } =
    algorithm === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return pairFromPrivateKey(privateKey, 'the generated key');
}

/**
 * Key id of a public key: `sha256:` + the first 32 hex characters of sha256(SPKI DER). It names
 * the key inside signature text, so the verifier can pick the trusted key without trying all.
 *
 * @example keyIdOf(pair.publicKeyPem) === pair.keyId
 */
export function keyIdOf(publicKeyPem: string): string {
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
  } catch (err) {
    throw new EmulatorError(
      'SIGNING_KEY_INVALID',
      `Cannot compute a key id: the text is not a PEM public key (${describeError(err)}). Pass a "-----BEGIN PUBLIC KEY-----" block.`,
      { cause: err },
    );
  }
  return keyIdOfKey(key);
}

/** Key id of a parsed public key (see keyIdOf). */
export function keyIdOfKey(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex').slice(0, 32)}`;
}

/** The signing algorithm a key belongs to, or undefined for any other key type or curve. */
export function algorithmOfKey(key: KeyObject): SigningAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  // Node reports P-256 by its OpenSSL name.
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  return undefined;
}

/** Short description of a key's type for error messages, e.g. `"rsa"` or `"ec secp384r1"`. */
export function describeKeyType(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `"${key.asymmetricKeyType ?? key.type}${curve ? ` ${curve}` : ''}"`;
}

/** Parses a PEM private key into a key pair; `source` names it in error messages. */
export function parsePrivateKeyPem(pem: string, source: string): { pair: SigningKeyPair; privateKey: KeyObject } {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new EmulatorError(
      'SIGNING_KEY_INVALID',
      `Cannot use ${source}: it is not a readable PEM private key (${describeError(err)}). ${KEY_FIX}`,
      { cause: err },
    );
  }
  return { pair: pairFromPrivateKey(privateKey, source), privateKey };
}

function pairFromPrivateKey(privateKey: KeyObject, source: string): SigningKeyPair {
  const algorithm = algorithmOfKey(privateKey);
  if (!algorithm) {
    throw new EmulatorError(
      'SIGNING_KEY_INVALID',
      `Cannot use ${source}: it is a key of type ${describeKeyType(privateKey)}, which cannot sign bundles. ${KEY_FIX}`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  return {
    algorithm,
    keyId: keyIdOfKey(publicKey),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
