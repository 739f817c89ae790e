/**
 * Bundle signing: detached signatures over a bundle's content hash, a trust store of public
 * keys, and the dev / strict / off verification policy. Everything else in this folder is
 * internal.
 *
 * Design:
 * - What is signed: the UTF-8 message `alga-extension-bundle:v1:sha256:<64 lowercase hex>`, where
 *   the hex is sha256 of the exact `bundle.tar.zst` bytes (the content hash). Signing the hash
 *   rather than the archive lets the registry sign and check without re-reading large files,
 *   and is as strong as signing the bytes because callers always pass a hash computed from the
 *   bytes they actually read: an archive swapped on disk gives another hash and fails with
 *   SIGNATURE_INVALID. The prefix stops a signature made for another purpose from passing.
 * - Algorithms: `ed25519` (default) and `ecdsa-p256` (ECDSA P-256, SHA-256, DER signature), both
 *   in Node's `crypto`.
 * - Key id: `sha256:` + the first 32 hex characters of sha256(SPKI DER of the public key).
 * - Signature text, stored in `extension_bundle.signature` and in `<bundle>.SIGNATURE` files:
 *   one line `alga-signature-v1 alg=<ed25519|ecdsa-p256> kid=<keyId> sig=<base64>` (a trailing
 *   newline is fine). The official CLI's `alga sign` writes a placeholder starting with
 *   `# SIGNATURE PLACEHOLDER` and an `algorithm: cosign|x509|pgp` line; it is recognised and
 *   reported as unverifiable.
 * - Trust: `SIGNING_TRUST_BUNDLE` is a file path or inline PEM with any number of PUBLIC KEY and
 *   CERTIFICATE blocks (a certificate contributes its public key; chains are not validated).
 *   Only ed25519 and P-256 keys are accepted (SIGNING_TRUST_INVALID otherwise). Rotation: list
 *   the old and the new key, re-sign, then drop the old key.
 * - Modes: `off` verifies nothing (production today). `strict` refuses missing, placeholder,
 *   malformed, untrusted and non-matching signatures. `dev` accepts missing signatures (the
 *   caller signs with the dev key, created once in `{dataDir}/keys/` and trusted) and
 *   placeholders with a warning; a present but bad signature is refused as in strict.
 *
 * @example
 * const policy = loadSigningPolicy(process.env, dataDir);
 * const contentHash = computeContentHash(bytes);
 * const signature = existing ?? (policy.devKey && signContentHash(contentHash, policy.devKey.privateKeyPem));
 * verifyBundleSignature({ contentHash, signatureText: signature, trust: policy.trust, mode: policy.mode });
 */
export {
  generateSigningKey,
  isSigningAlgorithm,
  keyIdOf,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
  type SigningKeyPair,
} from './keys.ts';
export {
  formatSignatureText,
  parseSignatureText,
  PLACEHOLDER_HEADER,
  SIGNATURE_FORMAT,
  signatureMessage,
  signContentHash,
  type ParsedSignature,
} from './signature-text.ts';
export { TrustStore, type TrustedKey } from './trust-store.ts';
export {
  isSigningMode,
  SIGNING_MODES,
  verifyBundleSignature,
  type SigningMode,
  type VerifyInput,
  type VerifyResult,
  type VerifyStatus,
} from './verify.ts';
export { devKeyPaths, ensureDevKey, readPrivateKey, writeKeyPair, type KeyPairPaths } from './key-files.ts';
export { loadSigningPolicy, parseSigningMode, SIGNING_SETTINGS, type SigningPolicy } from './policy.ts';
