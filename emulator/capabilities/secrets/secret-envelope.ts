import type { SecretEnvelope, TransitDecrypter } from '../../contracts/secret-envelope.ts';
import { EmulatorError } from '../../errors.ts';

const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Opens an envelope into its secret map. `inline/base64` (anything not `vault-transit*`) means
 * the ciphertext is base64 of a JSON object of strings. Any failure is `secret_decrypt_failed`.
 */
export function openSecretEnvelope(
  envelope: SecretEnvelope,
  transit: TransitDecrypter | undefined,
): Record<string, string> {
  const algorithm = envelope.algorithm ?? 'inline/base64';
  let plaintext: Uint8Array;
  if (algorithm.startsWith('vault-transit')) {
    if (!transit) throw decryptFailed('no transit key is configured in this emulator');
    try {
      plaintext = transit.decrypt(envelope);
    } catch (err) {
      throw decryptFailed('transit decryption failed', err);
    }
  } else {
    const text = envelope.ciphertext_b64.trim();
    if (text === '') return {};
    if (!STRICT_BASE64.test(text) || text.length % 4 !== 0) throw decryptFailed('ciphertext_b64 is not base64');
    plaintext = Buffer.from(text, 'base64');
  }
  return parseSecretJson(plaintext);
}

function parseSecretJson(plaintext: Uint8Array): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(plaintext).toString('utf8'));
  } catch (err) {
    throw decryptFailed('plaintext is not JSON', err);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw decryptFailed('plaintext is not a JSON object');
  }
  // A null-prototype map keeps keys such as `__proto__` as ordinary secrets.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw decryptFailed(`secret "${key}" is not a string`);
    out[key] = value;
  }
  return out;
}

function decryptFailed(reason: string, cause?: unknown): EmulatorError {
  return new EmulatorError('SECRET_DECRYPT_FAILED', `secret_decrypt_failed: ${reason}`, { cause });
}
