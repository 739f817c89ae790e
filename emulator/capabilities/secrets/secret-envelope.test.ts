import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../../errors.ts';
import type { SecretEnvelope, TransitDecrypter } from '../../contracts/secret-envelope.ts';
import { openSecretEnvelope } from './secret-envelope.ts';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function decryptError(fn: () => unknown): EmulatorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EmulatorError);
    return err as EmulatorError;
  }
  throw new Error('expected an EmulatorError, nothing was thrown');
}

describe('openSecretEnvelope', () => {
  it('opens an inline envelope of base64 JSON into its map', () => {
    const envelope = { ciphertext_b64: b64('{"api_key":"k-123","region":"eu"}'), algorithm: 'inline/base64' };
    expect(openSecretEnvelope(envelope, undefined)).toEqual({ api_key: 'k-123', region: 'eu' });
  });

  it('treats a missing or null algorithm as inline base64', () => {
    expect(openSecretEnvelope({ ciphertext_b64: b64('{"a":"1"}') }, undefined)).toEqual({ a: '1' });
    expect(openSecretEnvelope({ ciphertext_b64: b64('{"a":"1"}'), algorithm: null }, undefined)).toEqual({ a: '1' });
  });

  it('keeps non-ASCII secret values intact', () => {
    expect(openSecretEnvelope({ ciphertext_b64: b64('{"greeting":"héllo ✓"}') }, undefined)).toEqual({ greeting: 'héllo ✓' });
  });

  it.each(['', '   '])('answers no keys for the empty ciphertext %j', (ciphertext_b64) => {
    expect(openSecretEnvelope({ ciphertext_b64, algorithm: 'inline/base64' }, undefined)).toEqual({});
  });

  // BUG (secret-envelope.ts line 59): `out[key] = value` on a plain object turns a secret named
  // "__proto__" into a prototype assignment, which is ignored for a string, so the secret is
  // silently dropped instead of being part of the map.
  it('keeps a secret named "__proto__" as an own key', () => {
    const secrets = openSecretEnvelope({ ciphertext_b64: b64('{"__proto__":"x","a":"1"}') }, undefined);
    expect(Object.keys(secrets).sort()).toEqual(['__proto__', 'a']);
  });

  it('answers no keys for an empty JSON object', () => {
    expect(openSecretEnvelope({ ciphertext_b64: b64('{}') }, undefined)).toEqual({});
  });

  it.each([
    ['not base64', 'not base64!', 'secret_decrypt_failed: ciphertext_b64 is not base64'],
    ['unpadded base64', 'eyJhIjoiMSJ9Cg', 'secret_decrypt_failed: ciphertext_b64 is not base64'],
    ['base64 of text that is not JSON', b64('hello there'), 'secret_decrypt_failed: plaintext is not JSON'],
    ['a JSON array', b64('["a","b"]'), 'secret_decrypt_failed: plaintext is not a JSON object'],
    ['JSON null', b64('null'), 'secret_decrypt_failed: plaintext is not a JSON object'],
    ['a JSON string', b64('"text"'), 'secret_decrypt_failed: plaintext is not a JSON object'],
    ['a non-string value', b64('{"a":"1","port":8080}'), 'secret_decrypt_failed: secret "port" is not a string'],
    ['a null value', b64('{"a":null}'), 'secret_decrypt_failed: secret "a" is not a string'],
  ])('fails with SECRET_DECRYPT_FAILED for %s', (_label, ciphertext_b64, message) => {
    const err = decryptError(() => openSecretEnvelope({ ciphertext_b64, algorithm: 'inline/base64' }, undefined));
    expect(err.code).toBe('SECRET_DECRYPT_FAILED');
    expect(err.status).toBe(500);
    expect(err.message).toBe(message);
  });

  it('fails with SECRET_DECRYPT_FAILED for vault-transit without a transit decrypter', () => {
    const err = decryptError(() =>
      openSecretEnvelope({ ciphertext_b64: 'vault:v1:abc', algorithm: 'vault-transit/aes256-gcm96' }, undefined),
    );
    expect(err.code).toBe('SECRET_DECRYPT_FAILED');
    expect(err.message).toBe('secret_decrypt_failed: no transit key is configured in this emulator');
  });

  it('parses what the transit decrypter returns for a vault-transit envelope', () => {
    const seen: SecretEnvelope[] = [];
    const transit: TransitDecrypter = {
      decrypt(envelope) {
        seen.push(envelope);
        return new TextEncoder().encode('{"token":"t-1"}');
      },
    };
    const envelope: SecretEnvelope = { ciphertext_b64: 'vault:v1:sealed', algorithm: 'vault-transit', key_path: 'ext/key' };
    expect(openSecretEnvelope(envelope, transit)).toEqual({ token: 't-1' });
    expect(seen).toEqual([envelope]);
  });

  it('never hands an inline envelope to the transit decrypter', () => {
    const transit: TransitDecrypter = {
      decrypt() {
        throw new Error('must not be called');
      },
    };
    expect(openSecretEnvelope({ ciphertext_b64: b64('{"a":"1"}'), algorithm: 'inline/base64' }, transit)).toEqual({ a: '1' });
  });

  it('fails with SECRET_DECRYPT_FAILED when the transit decrypter throws, keeping the cause', () => {
    const cause = new Error('bad key');
    const transit: TransitDecrypter = {
      decrypt() {
        throw cause;
      },
    };
    const err = decryptError(() => openSecretEnvelope({ ciphertext_b64: 'x', algorithm: 'vault-transit' }, transit));
    expect(err.code).toBe('SECRET_DECRYPT_FAILED');
    expect(err.message).toBe('secret_decrypt_failed: transit decryption failed');
    expect(err.cause).toBe(cause);
  });

  it('fails with SECRET_DECRYPT_FAILED when the transit plaintext is not a JSON object of strings', () => {
    const transit: TransitDecrypter = { decrypt: () => new TextEncoder().encode('[1]') };
    const err = decryptError(() => openSecretEnvelope({ ciphertext_b64: 'x', algorithm: 'vault-transit' }, transit));
    expect(err.code).toBe('SECRET_DECRYPT_FAILED');
    expect(err.message).toBe('secret_decrypt_failed: plaintext is not a JSON object');
  });
});
