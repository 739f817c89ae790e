// `pack` and `publish`: from an extension folder to a bundle file, and into the registry.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EmulatorError } from '../../errors.ts';
import type { FinalizeResult } from '../../registry/publish.ts';
import { BIN, flagOption, stringOption } from './args.ts';
import { findTarget, packWithProgress, readBytes, readSidecarSignature, readSignatureFile, withEmulatorData, type Target } from './data.ts';
import { formatBytes, report, shellQuote } from './output.ts';
import type { CommandInput, CommandSpec, Output } from './types.ts';

const FOLDER_OR_BUNDLE = 'an extension folder (holding manifest.json) or a bundle.tar.zst file';

async function pack(input: CommandInput, io: Output): Promise<number> {
  const target = await findTarget(input.ctx, input.args[0] as string, 'an extension folder holding manifest.json');
  if (target.kind !== 'folder') throw notAFolder(target);
  const out = resolve(input.ctx.cwd, stringOption(input.options, 'out') ?? 'bundle.tar.zst');
  const packed = await packWithProgress(target, io, input.ctx);
  const previousHash = await fileHash(out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, packed.bytes);
  if (previousHash !== undefined && previousHash !== packed.contentHash && existsSync(`${out}.SIGNATURE`)) {
    io.err(`warning: ${out}.SIGNATURE signs the previous bundle, not this one; sign again: ${BIN} sign ${shellQuote(out)} --key <private.pem>`);
  }
  const size = packed.bytes.byteLength;
  return report(io, input.globals, { bundle: out, contentHash: packed.contentHash, size, files: packed.files }, [
    `wrote ${out}`,
    `content hash: ${packed.contentHash}`,
    `size: ${size} bytes (${formatBytes(size)}), ${packed.files.length} files`,
  ]);
}

function notAFolder(target: Target): EmulatorError {
  return new EmulatorError('NOT_A_FOLDER', `${target.shown} is a file; pack needs the extension folder that holds manifest.json.`);
}

async function fileHash(file: string): Promise<string | undefined> {
  const bytes = await readFile(file).catch(() => undefined);
  return bytes === undefined ? undefined : `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

interface PublishInput {
  bytes: Uint8Array;
  signatureText: string | undefined;
}

/** A folder is packed in memory; a bundle file brings `<bundle>.SIGNATURE` when present. */
async function publishInput(input: CommandInput, io: Output): Promise<PublishInput> {
  const target = await findTarget(input.ctx, input.args[0] as string, FOLDER_OR_BUNDLE);
  const signature = stringOption(input.options, 'signature');
  const explicit = signature === undefined ? undefined : await readSignatureFile(input.ctx, signature);
  if (target.kind === 'folder') return { bytes: (await packWithProgress(target, io, input.ctx)).bytes, signatureText: explicit };
  const bytes = await readBytes(target.path);
  if (explicit !== undefined) return { bytes, signatureText: explicit };
  const sidecar = await readSidecarSignature(target.path);
  if (sidecar !== undefined) io.err(`using the signature in ${target.shown}.SIGNATURE`);
  return { bytes, signatureText: sidecar };
}

async function publish(input: CommandInput, io: Output): Promise<number> {
  const { bytes, signatureText } = await publishInput(input, io);
  const install = !flagOption(input.options, 'no-install');
  return withEmulatorData(input, io, async (data, session) => {
    io.err(`publishing ${formatBytes(bytes.byteLength)} to ${data.settings.dataDir}…`);
    const published = await data.registry.publishBytes(bytes, { signatureText });
    const slug = `${published.extension.publisher}.${published.extension.name}`.toLowerCase();
    if (!input.globals.json) for (const line of publishedLines(slug, published)) io.out(line);
    let installed: { installId: string; tenantId: string } | null = null;
    if (install) {
      io.err(`installing ${slug} ${published.version.version} for tenant ${session.tenantId}…`);
      const result = await data.registry.install(session.tenantId, published.extension.id, published.version.version);
      installed = { installId: result.installId, tenantId: session.tenantId };
    }
    const lines = installed
      ? [`installed ${slug} ${published.version.version} for tenant ${installed.tenantId}`, `  install id: ${installed.installId}`]
      : [`not installed (--no-install); install it with: ${BIN} install ${slug} --version ${published.version.version}`];
    const json = { ...published, contentHash: `sha256:${published.contentHash}`, warnings: session.warnings, install: installed };
    return report(io, input.globals, json, lines);
  });
}

function publishedLines(slug: string, published: FinalizeResult): string[] {
  return [
    `published ${slug} ${published.version.version}`,
    `  registry id: ${published.extension.id}`,
    `  version id: ${published.version.id}`,
    `  content hash: sha256:${published.contentHash}`,
    `  signature: ${signatureStatus(published.signature)}`,
  ];
}

/** How publish judged the signature, in words. */
export function signatureStatus(signature: { status: string; keyId?: string }): string {
  switch (signature.status) {
    case 'verified':
      return `verified, signed by key ${signature.keyId ?? '?'}`;
    case 'dev-signed':
      return `dev-signed by key ${signature.keyId ?? '?'} (the data folder's dev key; strict mode needs a trusted key)`;
    case 'placeholder':
      return 'placeholder from `alga sign`, accepted unverified';
    case 'skipped':
      return 'not checked (SIGNING_MODE=off)';
    default:
      return signature.status;
  }
}

export const BUNDLE_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'pack',
    summary: 'pack an extension folder into a deterministic bundle.tar.zst',
    usage: '<dir>',
    args: { min: 1, max: 1 },
    options: { out: { type: 'string', value: '<file>', description: 'where to write the bundle (default: ./bundle.tar.zst in the current folder)' } },
    example: `${BIN} pack sample-extensions/hello-host --out hello.tar.zst`,
    details: [
      'Packs manifest.json, dist/main.wasm (when present), ui/**, and the optional dist/component.json, artifacts/, wit/, precompiled/, sbom.spdx.json.',
      'The default output is in the current folder, never <dir>/dist/bundle.tar.zst, which the official `alga` CLI writes.',
    ],
    run: pack,
  },
  {
    name: 'publish',
    summary: 'publish a folder or bundle to the registry and install it for the tenant',
    usage: '<dir|bundle.tar.zst>',
    args: { min: 1, max: 1 },
    options: {
      'no-install': { type: 'boolean', description: 'publish only; do not install for the tenant' },
      signature: { type: 'string', value: '<file>', description: 'detached signature file (default for a bundle: <bundle>.SIGNATURE when present)' },
    },
    example: `${BIN} publish sample-extensions/hello-host`,
    details: ['A folder is packed in memory first. Signing follows SIGNING_MODE (dev by default: unsigned bundles get the dev key\'s signature, with a warning).'],
    run: publish,
  },
];
