import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describeError, EmulatorError } from '../errors.ts';
import { algorithmOfKey, describeKeyType, keyIdOfKey, type SigningAlgorithm } from './keys.ts';

/** A public key the emulator accepts bundle signatures from. */
export interface TrustedKey {
  keyId: string;
  algorithm: SigningAlgorithm;
  publicKey: KeyObject;
}

interface PemSource {
  label: string;
  text: string;
}

interface PemBlock {
  label: string;
  pem: string;
}

// No `g` flag here: a shared global regex would carry lastIndex between calls.
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/;
const PEM_FIX = 'Provide "-----BEGIN PUBLIC KEY-----" or "-----BEGIN CERTIFICATE-----" blocks holding ed25519 or ECDSA P-256 keys.';

/**
 * The set of trusted public keys, indexed by key id. Immutable: build a new store to rotate keys.
 *
 * @example TrustStore.fromBundle(process.env.SIGNING_TRUST_BUNDLE).has('sha256:…')
 */
export class TrustStore {
  readonly #keys: ReadonlyMap<string, TrustedKey>;

  private constructor(keys: readonly TrustedKey[]) {
    this.#keys = new Map(keys.map((key) => [key.keyId, key]));
  }

  /** Trusts every PEM block in `pems`; each string may hold several blocks. */
  static fromPems(pems: readonly string[]): TrustStore {
    return new TrustStore(keysOf(pems.map((text, i) => ({ label: `trusted PEM #${i + 1}`, text }))));
  }

  /**
   * Trusts the keys of `SIGNING_TRUST_BUNDLE` (a file path, or inline PEM when the value contains
   * "-----BEGIN") plus `extraPems`. An unset or blank bundle trusts only the extras.
   */
  static fromBundle(pathOrPem: string | undefined, extraPems: readonly string[] = []): TrustStore {
    const sources: PemSource[] = [];
    const bundle = pathOrPem?.trim() ?? '';
    if (bundle !== '') sources.push(bundleSource(bundle));
    extraPems.forEach((text, i) => sources.push({ label: `extra trusted PEM #${i + 1}`, text }));
    return new TrustStore(keysOf(sources));
  }

  /** Key ids in the order they were first listed. */
  keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** The trusted key with this id, for verification. */
  get(keyId: string): TrustedKey | undefined {
    return this.#keys.get(keyId);
  }
}

function bundleSource(bundle: string): PemSource {
  if (bundle.includes('-----BEGIN')) return { label: 'SIGNING_TRUST_BUNDLE (inline PEM)', text: bundle };
  try {
    return { label: `SIGNING_TRUST_BUNDLE file "${bundle}"`, text: readFileSync(bundle, 'utf8') };
  } catch (err) {
    throw trustInvalid(
      `cannot read SIGNING_TRUST_BUNDLE file "${bundle}" (${describeError(err)})`,
      'Set SIGNING_TRUST_BUNDLE to a readable PEM file path or to inline PEM text.',
      err,
    );
  }
}

function keysOf(sources: readonly PemSource[]): TrustedKey[] {
  return sources.flatMap((source) => splitPemBlocks(source).map((block, i) => trustedKeyOf(block, `${source.label} block ${i + 1} (${block.label})`)));
}

// Walks BEGIN markers itself (rather than one regex for whole blocks) so a block cut short is
// reported instead of silently skipped.
function splitPemBlocks(source: PemSource): PemBlock[] {
  const blocks: PemBlock[] = [];
  const begin = new RegExp(PEM_BEGIN.source, 'g');
  for (let match = begin.exec(source.text); match; match = begin.exec(source.text)) {
    const label = match[1] ?? '';
    const endMarker = `-----END ${label}-----`;
    const end = source.text.indexOf(endMarker, match.index);
    if (end < 0) {
      throw trustInvalid(`${source.label} block ${blocks.length + 1} (${label}) has no "${endMarker}" line`, 'Restore the complete PEM block.');
    }
    blocks.push({ label, pem: source.text.slice(match.index, end + endMarker.length) });
    begin.lastIndex = end + endMarker.length;
  }
  if (blocks.length === 0) throw trustInvalid(`${source.label} holds no PEM block`, PEM_FIX);
  return blocks;
}

function trustedKeyOf(block: PemBlock, where: string): TrustedKey {
  const publicKey = publicKeyOf(block, where);
  const algorithm = algorithmOfKey(publicKey);
  if (!algorithm) {
    throw trustInvalid(
      `${where} holds a key of type ${describeKeyType(publicKey)}; only ed25519 and ECDSA P-256 keys can verify bundle signatures`,
      'Remove that block or replace it with an ed25519 or P-256 public key or certificate.',
    );
  }
  return { keyId: keyIdOfKey(publicKey), algorithm, publicKey };
}

function publicKeyOf(block: PemBlock, where: string): KeyObject {
  if (block.label !== 'PUBLIC KEY' && block.label !== 'CERTIFICATE') {
    throw trustInvalid(`${where} is neither a public key nor a certificate`, `${PEM_FIX} For a private key, list its public key instead.`);
  }
  try {
    return block.label === 'PUBLIC KEY' ? createPublicKey(block.pem) : new X509Certificate(block.pem).publicKey;
  } catch (err) {
    throw trustInvalid(`${where} cannot be parsed (${describeError(err)})`, 'Replace it with a valid PEM public key or certificate.', err);
  }
}

function trustInvalid(what: string, fix: string, cause?: unknown): EmulatorError {
  return new EmulatorError('SIGNING_TRUST_INVALID', `Invalid signing trust bundle: ${what}. ${fix}`, { cause });
}
