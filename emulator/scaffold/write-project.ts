// Writes a rendered project all or nothing. A new folder is staged beside it and renamed into
// place in one step; an existing folder (empty, or with --force) gets each file by rename, with
// any file it replaces kept aside, so that a failure part-way puts everything back.
import { mkdir, mkdtemp, rm, stat, writeFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ProjectFile } from './project-files.ts';

/** The two operations that put bytes in place; tests swap them to fail part-way. */
export interface WriteFs {
  writeFile(path: string, contents: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export const NODE_WRITE_FS: WriteFs = { writeFile: (path, contents) => writeFile(path, contents), rename };

/** Prefix of the temporary folders the writer makes (and always removes). */
export const STAGING_PREFIX = '.create-extension-';

/**
 * Creates `target` (and any missing parent) holding exactly `files`. `ancestor` is the nearest
 * existing folder above `target`, where the staging folder goes so that the final rename stays
 * on one file system.
 */
export async function writeNewFolder(target: string, ancestor: string, files: readonly ProjectFile[], fs: WriteFs = NODE_WRITE_FS): Promise<void> {
  const staging = await mkdtemp(join(ancestor, STAGING_PREFIX));
  let createdParent: string | undefined;
  try {
    const root = join(staging, 'project');
    await writeAll(root, files, fs);
    createdParent = await mkdir(dirname(target), { recursive: true });
    await fs.rename(root, target);
  } catch (err) {
    if (createdParent !== undefined) await rm(createdParent, { recursive: true, force: true });
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Adds `files` to the existing folder `target`, replacing files of the same name. On failure the
 * new files and folders are removed and the replaced files restored.
 */
export async function writeIntoFolder(target: string, files: readonly ProjectFile[], fs: WriteFs = NODE_WRITE_FS): Promise<void> {
  const staging = await mkdtemp(join(target, STAGING_PREFIX));
  const moved: { dest: string; backup: string | undefined }[] = [];
  const createdDirs: string[] = [];
  try {
    await writeAll(join(staging, 'new'), files, fs);
    for (const file of files) {
      const dest = join(target, file.path);
      const backup = (await exists(dest)) ? join(staging, 'old', file.path) : undefined;
      if (backup !== undefined) {
        await mkdir(dirname(backup), { recursive: true });
        await fs.rename(dest, backup);
      }
      moved.push({ dest, backup });
      const made = await mkdir(dirname(dest), { recursive: true });
      if (made !== undefined) createdDirs.push(made);
      await fs.rename(join(staging, 'new', file.path), dest);
    }
  } catch (err) {
    await undo(moved, createdDirs);
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function writeAll(root: string, files: readonly ProjectFile[], fs: WriteFs): Promise<void> {
  for (const file of files) {
    const path = join(root, file.path);
    await mkdir(dirname(path), { recursive: true });
    await fs.writeFile(path, file.contents);
  }
}

/** Reverses `writeIntoFolder`'s moves, newest first. Uses the real fs: the injected one may be what failed. */
async function undo(moved: readonly { dest: string; backup: string | undefined }[], createdDirs: readonly string[]): Promise<void> {
  for (const { dest, backup } of [...moved].reverse()) {
    await rm(dest, { force: true });
    if (backup !== undefined) await rename(backup, dest);
  }
  for (const dir of [...createdDirs].reverse()) await rm(dir, { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
