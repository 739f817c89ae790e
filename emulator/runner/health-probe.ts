import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `/healthz`'s `cache_writable`: whether a file can be created and removed in `dir`. */
export async function isWritable(dir: string): Promise<boolean> {
  const probe = join(dir, `.healthz-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
    return true;
  } catch {
    return false;
  }
}
