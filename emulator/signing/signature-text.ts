import { sign as cryptoSign } from 'node:crypto';
import { EmulatorError } from '../errors.ts';
import { normalizeContentHash } from '../bundles/hash.ts';
import { isSigningAlgorithm, parsePrivateKeyPem, SIGNING_ALGORITHMS, type SigningAlgorithm } from './keys.ts';

/** The one-line signature format, as quoted in error messages. */
export const SIGNATURE_FORMAT = `alga-signature-v1 alg=<${SIGNING_ALGORITHMS.join('|')}> kid=sha256:<32 hex> sig=<base64>`;

/** First line of the placeholder file the official CLI's `alga sign` writes. */
export const PLACEHOLDER_HEADER = '# SIGNATURE PLACEHOLDER';

/** Signature text, parsed: a real signature, or the official CLI's placeholder. */
export type ParsedSignature =
  | { kind: 'signature'; algorithm: SigningAlgorithm; keyId: string; signature: Buffer }
  | { kind: 'placeholder'; algorithm: string };

const SIGNATURE_LINE = /^alga-signature-v1 alg=(\S*) kid=(\S*) sig=(\S*)$/;
const KEY_ID = /^sha256:[0-9a-f]{32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PLACEHOLDER_ALGORITHM = /^algorithm:[ \t]*(.*?)[ \t]*$/m;

/**
 * The bytes a signature covers: `alga-extension-bundle:v1:sha256:<hex>`. The prefix binds the
 * signature to this purpose and version, so a signature made for something else never passes.
 *
 * @example signatureMessage('ABC…').toString() // 'alga-extension-bundle:v1:sha256:abc…'
 */
export function signatureMessage(contentHash: string): Buffer {
  return Buffer.from(`alga-extension-bundle:v1:${normalizeContentHash(contentHash)}`, 'utf8');
}

/**
 * Signs a content hash (`sha256:<hex>` or bare hex) and returns the signature text.
 *
 * @example signContentHash(computeContentHash(bytes), pair.privateKeyPem)
 * // 'alga-signature-v1 alg=ed25519 kid=sha256:… sig=…'
 */
export function signContentHash(contentHash: string, privateKeyPem: string): string {
  const message = signatureMessage(contentHash);
  const { pair, privateKey } = parsePrivateKeyPem(privateKeyPem, 'the signing key');
  // Ed25519 hashes internally (digest must be null); ECDSA uses SHA-256 with a DER signature.
  const signature =
    pair.algorithm === 'ed25519'
      ? cryptoSign(null, message, privateKey)
      : cryptoSign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
  return formatSignatureText(pair.algorithm, pair.keyId, signature);
}

/** Builds the one-line signature text from its parts. */
export function formatSignatureText(algorithm: SigningAlgorithm, keyId: string, signature: Uint8Array): string {
  return `alga-signature-v1 alg=${algorithm} kid=${keyId} sig=${Buffer.from(signature).toString('base64')}`;
}

/**
 * Parses signature text (a trailing newline is fine). Recognises the official CLI's placeholder;
 * anything else that is not one well-formed signature line is SIGNATURE_INVALID.
 *
 * @example parseSignatureText(text) // { kind: 'signature', algorithm: 'ed25519', keyId, signature }
 */
export function parseSignatureText(text: string): ParsedSignature {
  const body = text.replace(/\s+$/, '');
  if (isPlaceholder(body)) return { kind: 'placeholder', algorithm: placeholderAlgorithm(body) };
  if (body.trim() === '') throw invalid('the signature text is empty');
  if (body.includes('\n')) throw invalid('it has more than one line');
  const match = SIGNATURE_LINE.exec(body);
  if (!match) {
    const reason = body.startsWith('alga-signature-v1 ') ? 'its fields are not "alg=… kid=… sig=…" in that order' : 'it does not start with "alga-signature-v1"';
    throw invalid(reason);
  }
  const [, algorithm = '', keyId = '', sig = ''] = match;
  if (!isSigningAlgorithm(algorithm)) throw invalid(`algorithm "${algorithm}" is not one of ${SIGNING_ALGORITHMS.join(', ')}`);
  if (!KEY_ID.test(keyId)) throw invalid(`key id "${keyId}" is not "sha256:" followed by 32 lowercase hex characters`);
  if (sig === '' || !BASE64.test(sig)) throw invalid('the sig field is not base64');
  return { kind: 'signature', algorithm, keyId, signature: Buffer.from(sig, 'base64') };
}

function isPlaceholder(body: string): boolean {
  const firstLine = body.replace(/^\uFEFF?\s*/, '').split(/\r?\n/, 1)[0] ?? '';
  return firstLine.trimEnd() === PLACEHOLDER_HEADER;
}

// The CLI always writes an `algorithm:` line; a hand-edited file may not.
function placeholderAlgorithm(body: string): string {
  const value = PLACEHOLDER_ALGORITHM.exec(body)?.[1] ?? '';
  return value === '' ? 'unknown' : value;
}

function invalid(reason: string): EmulatorError {
  return new EmulatorError(
    'SIGNATURE_INVALID',
    `Invalid bundle signature: ${reason}. Expected one line "${SIGNATURE_FORMAT}"; re-sign the bundle with \`alga-emulator sign\`.`,
  );
}
