// Helpers shared by the doctor tests (not part of the public API).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { packEntries, type PackEntry } from '../bundles/pack.ts';

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A core (non-component) WebAssembly module header: `\0asm` version 1. */
export const CORE_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** A fresh temp folder removed when the current test finishes. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'alga-doctor-test-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The bundles tests' helper: writes `{ 'rel/path': contents }` under a folder. */
export { writeTree } from '../bundles/test-support.ts';

/** Packs `entries` verbatim into `<temp>/bundle.tar.zst`; returns its path and content hash. */
export async function writeBundle(entries: readonly PackEntry[]): Promise<{ file: string; contentHash: string }> {
  const { bytes, contentHash } = await packEntries(entries, { level: 1 });
  const file = join(await tempDir(), 'bundle.tar.zst');
  await writeFile(file, bytes);
  return { file, contentHash };
}

/** A manifest.json entry from an object. */
export function manifestEntry(manifest: unknown, path = 'manifest.json'): PackEntry {
  return { path, data: text(JSON.stringify(manifest)) };
}

/** Code and location of each finding, the shape most assertions compare. */
export function codesOf(list: readonly { code: string; where: string }[]): [string, string][] {
  return list.map((p) => [p.code, p.where]);
}
