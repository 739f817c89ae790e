import { verify as cryptoVerify, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from './keys.ts';
import { parseSignatureText, signatureMessage, signContentHash } from './signature-text.ts';
import { catchError, FIXED_ED25519_KEY_ID, FIXED_ED25519_PRIVATE_PEM, FIXED_ED25519_PUBLIC_PEM, placeholderText } from './test-support.ts';

const HEX = 'ab'.repeat(32);
// Ed25519 is deterministic, so the fixed key always gives this exact text for sha256:abab….
const FIXED_SIGNATURE =
  'alga-signature-v1 alg=ed25519 kid=sha256:324be2dea8bc44461b0233e51fa48902 ' +
  'sig=3ZevWyJ+0d1CNvqsl03MwCfz03RVLhCvKIFrhCccFuo3lnDxBVqfbBqyufURMQOi3mH/lUG0VzRAggUvVEL+CQ==';
const FORMAT = 'Expected one line "alga-signature-v1 alg=<ed25519|ecdsa-p256> kid=sha256:<32 hex> sig=<base64>"; re-sign the bundle with `alga-emulator sign`.';

describe('signatureMessage', () => {
  it('is the versioned prefix plus the normalised content hash', () => {
    expect(signatureMessage(HEX.toUpperCase()).toString('utf8')).toBe(`alga-extension-bundle:v1:sha256:${HEX}`);
  });
});

describe('signContentHash', () => {
  it('returns the exact one-line text for a fixed ed25519 key', () => {
    expect(signContentHash(`sha256:${HEX}`, FIXED_ED25519_PRIVATE_PEM)).toBe(FIXED_SIGNATURE);
  });

  it('signs the same message for a bare, upper-case hex hash', () => {
    expect(signContentHash(HEX.toUpperCase(), FIXED_ED25519_PRIVATE_PEM)).toBe(FIXED_SIGNATURE);
  });

  it('produces an ed25519 signature over "alga-extension-bundle:v1:sha256:<hex>"', () => {
    const parsed = parseSignatureText(FIXED_SIGNATURE);
    if (parsed.kind !== 'signature') throw new Error('expected a signature');
    const message = Buffer.from(`alga-extension-bundle:v1:sha256:${HEX}`);
    expect(cryptoVerify(null, message, createPublicKey(FIXED_ED25519_PUBLIC_PEM), parsed.signature)).toBe(true);
  });

  it('produces a DER ECDSA/SHA-256 signature for a P-256 key', () => {
    const pair = generateSigningKey('ecdsa-p256');
    const parsed = parseSignatureText(signContentHash(HEX, pair.privateKeyPem));
    if (parsed.kind !== 'signature') throw new Error('expected a signature');
    expect(parsed.algorithm).toBe('ecdsa-p256');
    expect(parsed.keyId).toBe(pair.keyId);
    expect(parsed.signature[0]).toBe(0x30); // DER SEQUENCE
    const message = Buffer.from(`alga-extension-bundle:v1:sha256:${HEX}`);
    expect(cryptoVerify('sha256', message, { key: pair.publicKeyPem, dsaEncoding: 'der' }, parsed.signature)).toBe(true);
  });

  it('answers SIGNING_KEY_INVALID for an RSA private key', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const err = catchError(() => signContentHash(HEX, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()));
    expect(err.code).toBe('SIGNING_KEY_INVALID');
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      'Cannot use the signing key: it is a key of type "rsa", which cannot sign bundles. Use an unencrypted ed25519 or ECDSA P-256 private key in PEM form.',
    );
  });

  it('answers INVALID_CONTENT_HASH for a malformed hash', () => {
    expect(catchError(() => signContentHash('sha256:xyz', FIXED_ED25519_PRIVATE_PEM)).code).toBe('INVALID_CONTENT_HASH');
  });
});

describe('parseSignatureText', () => {
  it('parses a signature line into algorithm, key id and bytes', () => {
    const parsed = parseSignatureText(FIXED_SIGNATURE);
    expect(parsed).toEqual({
      kind: 'signature',
      algorithm: 'ed25519',
      keyId: FIXED_ED25519_KEY_ID,
      signature: Buffer.from(FIXED_SIGNATURE.split('sig=')[1] ?? '', 'base64'),
    });
    expect(parsed.kind === 'signature' && parsed.signature.length).toBe(64);
  });

  it.each(['\n', '\r\n'])('tolerates a trailing %j', (ending) => {
    expect(parseSignatureText(FIXED_SIGNATURE + ending)).toEqual(parseSignatureText(FIXED_SIGNATURE));
  });

  it('recognises the official CLI placeholder and its algorithm', () => {
    expect(parseSignatureText(placeholderText('cosign'))).toEqual({ kind: 'placeholder', algorithm: 'cosign' });
    expect(parseSignatureText(placeholderText('x509').replaceAll('\n', '\r\n'))).toEqual({ kind: 'placeholder', algorithm: 'x509' });
  });

  it('reports a placeholder without an algorithm line as algorithm "unknown"', () => {
    expect(parseSignatureText('# SIGNATURE PLACEHOLDER\nbundle: b.tar.zst\n')).toEqual({ kind: 'placeholder', algorithm: 'unknown' });
  });

  const kid = FIXED_ED25519_KEY_ID;
  it.each([
    ['', 'the signature text is empty'],
    [' \n', 'the signature text is empty'],
    ['-----BEGIN PGP SIGNATURE-----', 'it does not start with "alga-signature-v1"'],
    [`${FIXED_SIGNATURE}\n${FIXED_SIGNATURE}`, 'it has more than one line'],
    [`alga-signature-v1 kid=${kid} alg=ed25519 sig=AAAA`, 'its fields are not "alg=… kid=… sig=…" in that order'],
    [`alga-signature-v1 alg=ed25519 kid=${kid} sig=AAAA extra=1`, 'its fields are not "alg=… kid=… sig=…" in that order'],
    [`alga-signature-v1 alg=rsa kid=${kid} sig=AAAA`, 'algorithm "rsa" is not one of ed25519, ecdsa-p256'],
    ['alga-signature-v1 alg=ed25519 kid=sha256:ABC sig=AAAA', 'key id "sha256:ABC" is not "sha256:" followed by 32 lowercase hex characters'],
    [`alga-signature-v1 alg=ed25519 kid=${kid} sig=`, 'the sig field is not base64'],
    [`alga-signature-v1 alg=ed25519 kid=${kid} sig=not*base64`, 'the sig field is not base64'],
    [`alga-signature-v1 alg=ed25519 kid=${kid} sig=AAA`, 'the sig field is not base64'],
  ])('answers SIGNATURE_INVALID for %j', (text, reason) => {
    const err = catchError(() => parseSignatureText(text));
    expect(err.code).toBe('SIGNATURE_INVALID');
    expect(err.status).toBe(400);
    expect(err.message).toBe(`Invalid bundle signature: ${reason}. ${FORMAT}`);
  });
});
