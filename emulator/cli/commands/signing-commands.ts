// `keygen`, `sign`, `verify`: signing keys and detached bundle signatures (spec 07).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { computeContentHash } from '../../bundles/hash.ts';
import { EmulatorError } from '../../errors.ts';
import { generateSigningKey, isSigningAlgorithm, readPrivateKey, signContentHash, SIGNING_ALGORITHMS, verifyBundleSignature, writeKeyPair, type VerifyResult } from '../../signing/index.ts';
import { BIN, flagOption, requiredOption, stringOption, usageError } from './args.ts';
import { findBundleFile, readBytes, readSidecarSignature, readSignatureFile, signingModeOf, trustFor } from './data.ts';
import { count, report, shellQuote } from './output.ts';
import type { CommandInput, CommandSpec, Output } from './types.ts';

async function keygen(input: CommandInput, io: Output): Promise<number> {
  const algorithm = stringOption(input.options, 'algorithm') ?? 'ed25519';
  if (!isSigningAlgorithm(algorithm)) throw usageError(`--algorithm must be one of ${SIGNING_ALGORITHMS.join(', ')}; got "${algorithm}".`);
  const dir = resolve(input.ctx.cwd, stringOption(input.options, 'out') ?? '.');
  const name = stringOption(input.options, 'name') ?? 'signing';
  refuseOverwrite([join(dir, `${name}.key.pem`), join(dir, `${name}.pub.pem`)], flagOption(input.options, 'force'));
  const pair = generateSigningKey(algorithm);
  const paths = writeKeyPair(dir, name, pair);
  const trustLine = `export SIGNING_TRUST_BUNDLE=${shellQuote(paths.publicKeyPath)}`;
  return report(io, input.globals, { keyId: pair.keyId, algorithm, ...paths, trust: trustLine }, [
    `generated ${algorithm} key ${pair.keyId}`,
    `  private key: ${paths.privateKeyPath} (mode 0600; keep it secret and out of version control)`,
    `  public key: ${paths.publicKeyPath}`,
    'trust it (strict mode, verify, doctor) with:',
    trustLine,
  ]);
}

function refuseOverwrite(files: readonly string[], force: boolean): void {
  const existing = files.filter((file) => existsSync(file));
  if (existing.length === 0 || force) return;
  throw new EmulatorError(
    'KEY_EXISTS',
    `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}. Pick another --name or --out, or pass --force to replace the key (bundles signed with it then need signing again).`,
  );
}

async function sign(input: CommandInput, io: Output): Promise<number> {
  const keyFile = resolve(input.ctx.cwd, requiredOption(input.options, 'key', 'sign'));
  const target = await findBundleFile(input.ctx, input.args[0] as string, 'sign');
  const pair = readPrivateKey(keyFile);
  const contentHash = computeContentHash(await readBytes(target.path));
  const signatureFile = `${target.path}.SIGNATURE`;
  await writeFile(signatureFile, `${signContentHash(contentHash, pair.privateKeyPem)}\n`);
  return report(io, input.globals, { bundle: target.path, contentHash, keyId: pair.keyId, algorithm: pair.algorithm, signatureFile }, [
    `signed ${target.path}`,
    `  content hash: ${contentHash}`,
    `  key id: ${pair.keyId} (${pair.algorithm})`,
    `  signature: ${signatureFile}`,
  ]);
}

async function verify(input: CommandInput, io: Output): Promise<number> {
  // Strict unless --mode says otherwise: SIGNING_MODE (often dev for `npm run emulate`) is ignored
  // so that "verify" means what it says.
  const mode = signingModeOf(input, 'strict', { readEnv: false });
  const target = await findBundleFile(input.ctx, input.args[0] as string, 'verify');
  const contentHash = computeContentHash(await readBytes(target.path));
  const given = stringOption(input.options, 'signature');
  const signatureText = given === undefined ? await readSidecarSignature(target.path) : await readSignatureFile(input.ctx, given);
  const trust = trustFor(input, mode);
  const source = given ?? (signatureText === undefined ? 'no signature file' : `${target.shown}.SIGNATURE`);
  io.err(`checking ${source} against ${count(trust.keyIds().length, 'trusted key')} (mode ${mode})`);
  const result = verifyBundleSignature({ contentHash, signatureText: signatureText ?? null, trust, mode });
  for (const warning of result.warnings) io.err(`warning: ${warning}`);
  return report(io, input.globals, { bundle: target.path, contentHash, mode, status: result.status, keyId: result.keyId ?? null }, [verdictLine(result, mode)]);
}

function verdictLine(result: VerifyResult, mode: string): string {
  switch (result.status) {
    case 'verified':
      return `verified by ${result.keyId ?? '?'}`;
    case 'unsigned':
      return `not verified: the bundle is unsigned (accepted in ${mode} mode)`;
    case 'placeholder':
      return `not verified: the signature is an \`alga sign\` placeholder (accepted in ${mode} mode)`;
    default:
      return 'not checked (mode off)';
  }
}

const TRUST_OPTION = { type: 'string', value: '<path-or-pem>', description: 'trusted public keys: a PEM file or inline PEM (default: $SIGNING_TRUST_BUNDLE; dev mode adds the data folder\'s dev key)' } as const;
const MODE_OPTION = { type: 'string', value: '<dev|strict|off>', description: 'signing mode to judge by' } as const;

export const SIGNING_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'keygen',
    summary: 'create a signing key pair (<name>.key.pem, <name>.pub.pem) and print its key id',
    usage: '',
    args: { min: 0, max: 0 },
    options: {
      algorithm: { type: 'string', value: '<ed25519|ecdsa-p256>', description: 'key algorithm (default: ed25519)' },
      out: { type: 'string', value: '<dir>', description: 'folder for the key files (default: the current folder)' },
      name: { type: 'string', value: '<name>', description: 'file name stem (default: signing)' },
      force: { type: 'boolean', description: 'replace existing key files of that name' },
    },
    example: `${BIN} keygen --out ~/.alga-keys --name release`,
    run: keygen,
  },
  {
    name: 'sign',
    summary: 'sign a bundle: writes <bundle>.SIGNATURE over its content hash',
    usage: '<bundle.tar.zst>',
    args: { min: 1, max: 1 },
    options: { key: { type: 'string', value: '<private.pem>', description: 'private key from `keygen` (ed25519 or ECDSA P-256 PEM)' } },
    example: `${BIN} sign bundle.tar.zst --key ~/.alga-keys/release.key.pem`,
    run: sign,
  },
  {
    name: 'verify',
    summary: "verify a bundle's signature (strict by default); exit 1 when it fails",
    usage: '<bundle.tar.zst>',
    args: { min: 1, max: 1 },
    options: {
      signature: { type: 'string', value: '<file>', description: 'signature file (default: <bundle>.SIGNATURE)' },
      trust: TRUST_OPTION,
      mode: { ...MODE_OPTION, description: 'signing mode to judge by (default: strict; SIGNING_MODE is not read)' },
    },
    example: `${BIN} verify bundle.tar.zst --trust ~/.alga-keys/release.pub.pem`,
    run: verify,
  },
];

export { MODE_OPTION, TRUST_OPTION };
