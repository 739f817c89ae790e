import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeError, EmulatorError } from '../errors.ts';
import { generateSigningKey, parsePrivateKeyPem, type SigningKeyPair } from './keys.ts';

export interface KeyPairPaths {
  privateKeyPath: string;
  publicKeyPath: string;
}

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PRIVATE_MODE = 0o600;
const PUBLIC_MODE = 0o644;

/** Where the dev key lives: `{dataDir}/keys/dev-signing.{key,pub}.pem`. */
export function devKeyPaths(dataDir: string): KeyPairPaths {
  return keyPairPaths(join(dataDir, 'keys'), 'dev-signing');
}

/**
 * Writes `<name>.key.pem` (0600) and `<name>.pub.pem` (0644) into `dir`, each atomically (temp
 * file + rename), replacing existing files.
 *
 * @example writeKeyPair('.keys', 'release', generateSigningKey())
 */
export function writeKeyPair(dir: string, name: string, pair: SigningKeyPair): KeyPairPaths {
  if (!KEY_NAME.test(name)) {
    throw new EmulatorError(
      'SIGNING_KEY_NAME_INVALID',
      `Cannot write key pair "${name}": the name must be letters, digits, ".", "_" or "-", starting with a letter or digit.`,
    );
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const paths = keyPairPaths(dir, name);
  // Public first: a crash in between leaves no private key without its public half.
  replaceFile(paths.publicKeyPath, pair.publicKeyPem, PUBLIC_MODE);
  replaceFile(paths.privateKeyPath, pair.privateKeyPem, PRIVATE_MODE);
  return paths;
}

/**
 * Reads a PEM private key and derives its public key and key id.
 *
 * @example readPrivateKey('.keys/release.key.pem').keyId // 'sha256:…'
 */
export function readPrivateKey(path: string): SigningKeyPair {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new EmulatorError(
      'SIGNING_KEY_INVALID',
      `Cannot read signing key file "${path}" (${describeError(err)}). Check the path; the file must hold an unencrypted ed25519 or ECDSA P-256 private key in PEM form.`,
      { cause: err },
    );
  }
  return parsePrivateKeyPem(pem, `signing key file "${path}"`).pair;
}

/**
 * Returns the data folder's ed25519 dev key, creating it on first use. Creation publishes the
 * private key with a hard link, which fails if the file exists, so two emulators starting at
 * once on one data folder agree on a single key instead of the later one overwriting it.
 *
 * @example ensureDevKey('.emulator').keyId // same id on every call
 */
export function ensureDevKey(dataDir: string): SigningKeyPair {
  const paths = devKeyPaths(dataDir);
  if (!existsSync(paths.privateKeyPath)) {
    mkdirSync(dirname(paths.privateKeyPath), { recursive: true, mode: 0o700 });
    createFileOnce(paths.privateKeyPath, generateSigningKey('ed25519').privateKeyPem, PRIVATE_MODE);
  }
  const pair = readPrivateKey(paths.privateKeyPath);
  // Rewritten when missing or stale, so the public file always matches the private key.
  if (readIfExists(paths.publicKeyPath) !== pair.publicKeyPem) replaceFile(paths.publicKeyPath, pair.publicKeyPem, PUBLIC_MODE);
  return pair;
}

function keyPairPaths(dir: string, name: string): KeyPairPaths {
  return { privateKeyPath: join(dir, `${name}.key.pem`), publicKeyPath: join(dir, `${name}.pub.pem`) };
}

function replaceFile(path: string, text: string, mode: number): void {
  const temp = writeTemp(path, text, mode);
  try {
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

function createFileOnce(path: string, text: string, mode: number): void {
  const temp = writeTemp(path, text, mode);
  try {
    linkSync(temp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return; // another process created it first; use theirs
    // Some filesystems have no hard links; fall back to a plain atomic rename.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') renameSync(temp, path);
    else throw err;
  } finally {
    rmSync(temp, { force: true });
  }
}

// The temp file sits beside the target so the rename stays on one filesystem; it is fsynced so
// a crash never leaves a renamed but empty key file.
function writeTemp(path: string, text: string, mode: number): string {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // The umask may have narrowed `mode`; key files must have exactly these permissions.
    chmodSync(temp, mode);
    return temp;
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
