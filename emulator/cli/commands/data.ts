// What several commands share: opening the data folder, reading the folder or bundle a user
// names, packing with progress, and the trust store for verification.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { packExtension, type PackResult } from '../../bundles/pack.ts';
import { describeError, EmulatorError } from '../../errors.ts';
import { openEmulatorData, type EmulatorData } from '../../host/start-emulator.ts';
import { devKeyPaths, isSigningMode, readPrivateKey, TrustStore, type SigningMode } from '../../signing/index.ts';
import { stringOption, usageError } from './args.ts';
import { formatBytes, formatSeconds } from './output.ts';
import type { CliContext, CommandInput, Output } from './types.ts';

export interface DataSession {
  /** The tenant commands act for (`--tenant`, ALGA_TENANT_ID or the default). */
  tenantId: string;
  /** Every warning the registry emitted, in order, without repeats. */
  warnings: string[];
}

/**
 * Opens the data folder (creating and seeding it when new), runs `fn`, and closes it. Registry
 * warnings go to stderr as they happen, once each, and are collected for JSON output.
 */
export async function withEmulatorData(input: CommandInput, io: Output, fn: (data: EmulatorData, session: DataSession) => Promise<number>): Promise<number> {
  const warnings: string[] = [];
  const warn = (message: string): void => {
    if (warnings.includes(message)) return;
    warnings.push(message);
    io.err(`warning: ${message}`);
  };
  const settings = { dataDir: input.globals.dataDir, ...(input.globals.tenant === undefined ? {} : { tenantId: input.globals.tenant }) };
  const data = await openEmulatorData({ env: input.ctx.env, settings, warn });
  try {
    return await fn(data, { tenantId: data.settings.tenantId, warnings });
  } finally {
    await data.close();
  }
}

export interface Target {
  kind: 'folder' | 'file';
  /** Absolute path. */
  path: string;
  /** The path as the user typed it, for messages. */
  shown: string;
}

/** A folder or file the user named; a missing path is TARGET_NOT_FOUND. */
export async function findTarget(ctx: CliContext, given: string, what: string): Promise<Target> {
  const path = resolve(ctx.cwd, given);
  const stats = await stat(path).catch(() => null);
  if (stats?.isDirectory()) return { kind: 'folder', path, shown: given };
  if (stats?.isFile()) return { kind: 'file', path, shown: given };
  throw new EmulatorError('TARGET_NOT_FOUND', `${given} does not exist. Pass ${what}.`);
}

/** A bundle file (not a folder) the user named. */
export async function findBundleFile(ctx: CliContext, given: string, command: string): Promise<Target> {
  const target = await findTarget(ctx, given, 'a bundle.tar.zst file');
  if (target.kind === 'folder') {
    throw new EmulatorError('NOT_A_BUNDLE', `${given} is a folder; ${command} needs a bundle file. Pack it first: \`alga-emulator pack ${given} --out bundle.tar.zst\`.`);
  }
  return target;
}

export async function readBytes(file: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw new EmulatorError('FILE_UNREADABLE', `cannot read ${file}: ${describeError(err)}. Check the path and its permissions.`, { cause: err });
  }
}

/** Text of a signature file named with `--signature` (it must exist). */
export async function readSignatureFile(ctx: CliContext, given: string): Promise<string> {
  const path = resolve(ctx.cwd, given);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new EmulatorError('SIGNATURE_FILE_NOT_FOUND', `cannot read the signature file ${given}: ${describeError(err)}. Pass the file \`alga-emulator sign\` wrote (<bundle>.SIGNATURE).`, { cause: err });
  }
}

/** `<bundle>.SIGNATURE` next to a bundle, or undefined when there is none. */
export async function readSidecarSignature(bundle: string): Promise<string | undefined> {
  return readFile(`${bundle}.SIGNATURE`, 'utf8').catch(() => undefined);
}

/** Packs a folder, telling stderr what it packs and how long it took. */
export async function packWithProgress(target: Target, io: Output, ctx: CliContext): Promise<PackResult> {
  io.err(`packing ${target.shown}…`);
  const started = ctx.now();
  const packed = await packExtension(target.path);
  io.err(`packed ${packed.files.length} files, ${formatBytes(packed.bytes.byteLength)} in ${formatSeconds(ctx.now() - started)}`);
  return packed;
}

/** `--mode`, else SIGNING_MODE (when `readEnv`), else `fallback`; a bad value is a usage error. */
export function signingModeOf(input: CommandInput, fallback: SigningMode, options: { readEnv: boolean }): SigningMode {
  const given = stringOption(input.options, 'mode') ?? (options.readEnv ? input.ctx.env.SIGNING_MODE?.trim() : undefined);
  if (given === undefined || given === '') return fallback;
  const mode = given.toLowerCase();
  if (isSigningMode(mode)) return mode;
  throw usageError(`--mode (or SIGNING_MODE) must be one of dev, strict, off; got "${given}".`);
}

/**
 * Keys a signature may come from: `--trust` (a PEM file path or inline PEM), else
 * SIGNING_TRUST_BUNDLE; in dev mode also the data folder's dev key when it exists (it is never
 * created here).
 */
export function trustFor(input: CommandInput, mode: SigningMode): TrustStore {
  const given = stringOption(input.options, 'trust') ?? input.ctx.env.SIGNING_TRUST_BUNDLE;
  const bundle = given === undefined || given.includes('-----BEGIN') || given.trim() === '' ? given : resolve(input.ctx.cwd, given.trim());
  const extras: string[] = [];
  const devKey = devKeyPaths(input.globals.dataDir).privateKeyPath;
  if (mode === 'dev' && existsSync(devKey)) extras.push(readPrivateKey(devKey).publicKeyPem);
  return TrustStore.fromBundle(bundle, extras);
}
