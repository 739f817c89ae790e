import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmulatorError } from '../errors.ts';
import type { SecretEnvelope, TransitDecrypter } from '../contracts/secret-envelope.ts';

/** Names the sealed rows carry, mirroring a Vault transit setup (algorithm, key, mount). */
export const SEALED_ALGORITHM = 'vault-transit';
export const TRANSIT_KEY = 'alga-emulator-secrets';
export const TRANSIT_MOUNT = 'transit';
const PREFIX = 'vault:v1:';

export interface SealedSecrets {
  ciphertext: string;
  algorithm: string;
  transitKey: string;
  transitMount: string;
}

/**
 * The emulator's local stand-in for Vault transit: install secrets are sealed at rest with
 * AES-256-GCM under a key that lives only in the data folder (`keys/secrets.key`, mode 0600).
 * The Gateway sends the sealed text to the Runner as a `vault-transit` secret envelope and the
 * Runner opens it with the same key, so plaintext exists only inside one execute.
 */
export class SecretSealer implements TransitDecrypter {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new EmulatorError('SECRETS_KEY_INVALID', `Failed to create the secret sealer: the key is ${key.length} bytes: AES-256-GCM needs 32. Fix: pass 32 random bytes (randomBytes(32)).`);
    this.#key = key;
  }

  /** Loads `{dataDir}/keys/secrets.key`, creating it (random, 0600) on first use. */
  static fromDataDir(dataDir: string): SecretSealer {
    const dir = join(dataDir, 'keys');
    const file = join(dir, 'secrets.key');
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, randomBytes(32).toString('base64'), { mode: 0o600 });
      chmodSync(temp, 0o600);
      renameSync(temp, file);
    }
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) {
      throw new EmulatorError(
        'SECRETS_KEY_INVALID',
        `the secrets key ${file} is not 32 base64 bytes: it was edited or truncated. Sealed secrets cannot be opened without it; run \`alga-emulator reset\` to start over.`,
      );
    }
    return new SecretSealer(key);
  }

  seal(secrets: Readonly<Record<string, string>>): SealedSecrets {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    return { ciphertext: `${PREFIX}${sealed}`, algorithm: SEALED_ALGORITHM, transitKey: TRANSIT_KEY, transitMount: TRANSIT_MOUNT };
  }

  /** Opens a sealed row back into its map (used by merges; never by any API response). */
  unseal(ciphertext: string): Record<string, string> {
    return JSON.parse(Buffer.from(this.#open(ciphertext)).toString('utf8')) as Record<string, string>;
  }

  /** TransitDecrypter for the Runner: `ciphertext_b64` is base64 of the sealed text. */
  decrypt(envelope: SecretEnvelope): Uint8Array {
    return this.#open(Buffer.from(envelope.ciphertext_b64, 'base64').toString('utf8'));
  }

  #open(ciphertext: string): Uint8Array {
    if (!ciphertext.startsWith(PREFIX)) throw new Error(`sealed secrets must start with "${PREFIX}"`);
    const raw = Buffer.from(ciphertext.slice(PREFIX.length), 'base64');
    if (raw.length < 28) throw new Error('sealed secrets are truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
  }
}
