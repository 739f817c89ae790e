import { readFile, stat } from 'node:fs/promises';
import { computeContentHash } from '../bundles/hash.ts';
import { packExtension } from '../bundles/pack.ts';
import { describeError, EmulatorError } from '../errors.ts';
import type { Findings } from './problems.ts';

/** The archive to check and the signature that came with it. */
export interface LoadedTarget {
  bytes: Uint8Array;
  contentHash: string;
  /** Text of `<bundle>.SIGNATURE` next to a bundle file, when there is one. */
  sidecarSignature?: { where: string; text: string };
}

/**
 * Reads a bundle file, or packs an extension folder in memory exactly as publish would ship it
 * (the packer is deterministic, so its hash is the one a signature over that pack covers).
 */
export async function loadTarget(target: string, findings: Findings): Promise<LoadedTarget | undefined> {
  const stats = await stat(target).catch(() => null);
  if (stats === null || (!stats.isDirectory() && !stats.isFile())) {
    findings.problem('TARGET_NOT_FOUND', target, `${target} is not an extension folder or a bundle file`);
    return undefined;
  }
  return stats.isDirectory() ? packFolder(target, findings) : readBundleFile(target, findings);
}

async function packFolder(dir: string, findings: Findings): Promise<LoadedTarget | undefined> {
  try {
    const { bytes, contentHash } = await packExtension(dir);
    return { bytes, contentHash };
  } catch (err) {
    const code = err instanceof EmulatorError ? err.code : 'PACK_FAILED';
    findings.fromError('PACK_FAILED', dir, code, describeError(err));
    return undefined;
  }
}

async function readBundleFile(file: string, findings: Findings): Promise<LoadedTarget | undefined> {
  let bytes: Uint8Array;
  try {
    const buf = await readFile(file);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    findings.problem('TARGET_NOT_FOUND', file, `cannot read ${file}: ${describeError(err)}`);
    return undefined;
  }
  const loaded: LoadedTarget = { bytes, contentHash: computeContentHash(bytes) };
  const sidecar = `${file}.SIGNATURE`;
  const text = await readFile(sidecar, 'utf8').catch(() => undefined);
  if (text !== undefined) loaded.sidecarSignature = { where: sidecar, text };
  return loaded;
}
