// `alga-emulator create <dir>` / `npm run create-extension <dir>`: checks everything first (name,
// target folder, conflicts, template), then writes the project all or nothing.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { describeError } from '../errors.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { nameProblem, suggestName } from './extension-name.ts';
import { renderProject, TEMPLATE_DIR, type EmulatorPackage, type ProjectFile } from './project-files.ts';
import { dirNotEmptyError, invalidNameError, notAFolderError, pathConflictError, writeFailedError } from './scaffold-errors.ts';
import { NODE_WRITE_FS, writeIntoFolder, writeNewFolder, type WriteFs } from './write-project.ts';

/** This package's root folder (the one holding its package.json). */
export const EMULATOR_ROOT = PACKAGE_ROOT;

export interface CreateProjectOptions {
  /** The project folder, absolute or relative to `cwd`; created when missing. */
  dir: string;
  /** Resolves a relative `dir`; default the process's working folder. */
  cwd?: string;
  /** The extension's name; default the folder's name. */
  name?: string;
  /** Handler plus iframe UI (default) or handler only. */
  ui?: boolean;
  /** Write into a non-empty folder, replacing files of the same name. */
  force?: boolean;
  /** The project's dependency on this package; default `defaultEmulatorSpec()`. */
  emulatorSpec?: string;
}

export interface CreatedProject {
  /** Absolute project folder. */
  dir: string;
  name: string;
  ui: boolean;
  /** The files written, relative to `dir`, in writing order. */
  files: string[];
}

/**
 * Scaffolds an extension project that builds, packs, runs in the emulator and passes its own
 * tests. Nothing is written unless every check passes, and a failed write leaves nothing behind.
 *
 * @example await createExtensionProject({ dir: 'acme-notes', ui: false }) // { name: 'acme-notes', files: ['manifest.json', …] }
 */
export async function createExtensionProject(options: CreateProjectOptions, fs: WriteFs = NODE_WRITE_FS): Promise<CreatedProject> {
  const dir = resolve(options.cwd ?? process.cwd(), options.dir);
  const shown = options.dir;
  const name = checkedName(options.name, dir);
  const target = await inspectTarget(dir, shown, options.force === true);
  const ui = options.ui ?? true;
  const emulatorPackage = await readEmulatorPackage();
  const emulatorSpec = options.emulatorSpec ?? defaultEmulatorSpec(EMULATOR_ROOT, emulatorPackage.version);
  const files = await renderProject({ name, ui, emulatorSpec, emulatorPackage }, (rel) => readFile(join(TEMPLATE_DIR, rel), 'utf8'));
  if (target.kind === 'folder') await checkConflicts(dir, shown, files);
  try {
    if (target.kind === 'missing') await writeNewFolder(dir, target.ancestor, files, fs);
    else await writeIntoFolder(dir, files, fs);
  } catch (err) {
    throw writeFailedError(shown, describeError(err), err);
  }
  return { dir, name, ui, files: files.map((f) => f.path) };
}

/**
 * `file:<folder>` for a checkout (what `npm install` links), `^<version>` when this package was
 * itself installed from a registry into some node_modules.
 */
export function defaultEmulatorSpec(root: string, version: string): string {
  return root.split(/[\\/]/).includes('node_modules') ? `^${version}` : `file:${root}`;
}

function checkedName(given: string | undefined, dir: string): string {
  const name = given ?? basename(dir);
  const problem = nameProblem(name);
  if (problem !== undefined) throw invalidNameError(name, given === undefined ? 'folder' : 'option', problem, suggestName(name));
  return name;
}

type Target = { kind: 'missing'; ancestor: string } | { kind: 'folder' };

/** The target must be a missing path under a folder, an empty folder, or (with force) any folder. */
async function inspectTarget(dir: string, shown: string, force: boolean): Promise<Target> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) {
    let ancestor = dirname(dir);
    let found = await stat(ancestor).catch(() => undefined);
    while (found === undefined && dirname(ancestor) !== ancestor) {
      ancestor = dirname(ancestor);
      found = await stat(ancestor).catch(() => undefined);
    }
    if (found !== undefined && !found.isDirectory()) throw notAFolderError(shown, shownPath(shown, dir, ancestor));
    return { kind: 'missing', ancestor };
  }
  if (!info.isDirectory()) throw notAFolderError(shown, shown);
  const entries = (await readdir(dir)).sort();
  if (entries.length > 0 && !force) throw dirNotEmptyError(shown, entries);
  return { kind: 'folder' };
}

/** With --force: every folder on a file's path must be a folder, and the file itself not a folder. */
async function checkConflicts(dir: string, shown: string, files: readonly ProjectFile[]): Promise<void> {
  for (const file of files) {
    const parts = file.path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      const info = await stat(join(dir, rel)).catch(() => undefined);
      if (info === undefined) break;
      const isLast = i === parts.length;
      if (isLast && info.isDirectory()) throw pathConflictError(shown, rel, 'folder');
      if (!isLast && !info.isDirectory()) throw pathConflictError(shown, rel, 'file');
    }
  }
}

/** `ancestor` as the user would write it: relative to what they typed when it lies inside it. */
function shownPath(shown: string, dir: string, ancestor: string): string {
  const up = relative(ancestor, dir).split(sep).length;
  const parts = shown.split(/[\\/]/).filter((p) => p !== '');
  return parts.length > up ? parts.slice(0, parts.length - up).join('/') : ancestor;
}

async function readEmulatorPackage(): Promise<EmulatorPackage> {
  return JSON.parse(await readFile(join(EMULATOR_ROOT, 'package.json'), 'utf8')) as EmulatorPackage;
}
