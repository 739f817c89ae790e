// Helpers shared by the bundles tests (not part of the public API).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Creates temp folders and removes them all in `cleanup()` (call it from afterEach). */
export function tempDirs() {
  const made: string[] = [];
  return {
    async make(prefix = 'bundles-test-'): Promise<string> {
      const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async cleanup(): Promise<void> {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** Writes `{ 'rel/path': contents }` under `dir`, creating parent folders. */
export async function writeTree(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [rel, contents] of Object.entries(files)) {
    const file = path.join(dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, contents);
  }
}

/**
 * Every path under `dir`, relative and sorted, folders with a trailing `/`, symlinks included
 * (lstat semantics) so that nothing written anywhere can hide from an assertion.
 */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const children = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
    for (const child of children) {
      const childRel = rel === '' ? child.name : `${rel}/${child.name}`;
      if (child.isDirectory()) {
        out.push(`${childRel}/`);
        await visit(childRel);
      } else {
        out.push(childRel);
      }
    }
  };
  await visit('');
  return out.sort();
}

/** Packs `entries` of `dir` the way the official CLI does: `tar -C dir -cf - … | zstd -19` (streamed frames). */
export function gnuTarZstd(dir: string, entries: string[], out: string): void {
  execFileSync('sh', ['-c', 'dir="$1"; out="$2"; shift 2; tar -C "$dir" -cf - "$@" | zstd -19 -q -c > "$out"', 'sh', dir, out, ...entries]);
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Deterministic, poorly compressible bytes. */
export function randomish(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 2463534242;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * An owner string (`{pid}-{start}`, see leftovers.ts) of a process that has exited: a child that
 * ran and was reaped. Its pid could be reused later, but not within a test.
 */
export function deadOwner(): string {
  const child = spawnSync('true');
  return `${child.pid}-1`;
}
