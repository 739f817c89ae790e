// Vitest globalSetup (vite.config.ts): fails the run when a test wrote a file into the repository
// instead of a temp folder. The Runner and the emulator default their data folder to `.emulator`
// under the working directory, so a test that forgets its temp dataDir leaves one behind.
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Never walked: git's own folder and the installed packages. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);

/**
 * What a run may write besides temp folders: build outputs and caches the repository ignores on
 * purpose. The summary reporter's counts; the sample builds (`npm test` builds them first, a test
 * may rebuild a stale one) and the shell build that `startEmulator` reuses across runs.
 */
export const ALLOWED_WRITES: readonly RegExp[] = [
  /^\.cache\/vitest-summary\.json$/,
  /^sample-extensions\/[^/]+\/dist\//,
  /^sample-extensions\/[^/]+\/ui\/app\.js$/,
  /^emulator\/shell\/dist\//,
];

/** Every file under `root` (paths relative, `/`-separated) with its size and mtime. */
export function snapshotFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED_FOLDERS.has(entry.name)) continue;
      const rel = prefix + entry.name;
      if (entry.isDirectory()) {
        walk(join(dir, entry.name), `${rel}/`);
      } else {
        const stat = lstatSync(join(dir, entry.name));
        files.set(rel, `${stat.size}:${stat.mtimeMs}`);
      }
    }
  };
  walk(root, '');
  return files;
}

/** Files new or changed since `before` that git does not track and no allowance covers, sorted. */
export function unexpectedWrites(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, tracked: ReadonlySet<string>, allowed: readonly RegExp[] = ALLOWED_WRITES): string[] {
  return [...after]
    .filter(([path, stamp]) => before.get(path) !== stamp && !tracked.has(path) && !allowed.some((pattern) => pattern.test(path)))
    .map(([path]) => path)
    .sort();
}

export function repoWritesMessage(written: readonly string[], root: string = ROOT): string {
  const listed = written.slice(0, 20).map((path) => `  ${path}`);
  if (written.length > listed.length) listed.push(`  … and ${written.length - listed.length} more`);
  return [
    `Failed the test run: tests wrote ${written.length} untracked file(s) into the repository ${root}:`,
    ...listed,
    'Give every test a temp folder (mkdtemp(join(tmpdir(), …))) as its dataDir or working folder: the Runner and the emulator default to .emulator under the working directory.',
  ].join('\n');
}

export default function setup(project: TestProject): (() => void) | undefined {
  // In watch mode the author edits and creates files while the tests run.
  if (project.config.watch) return undefined;
  const before = snapshotFiles(ROOT);
  return () => {
    const tracked = new Set(execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0'));
    const written = unexpectedWrites(before, snapshotFiles(ROOT), tracked);
    if (written.length === 0) return;
    // Vitest only logs a teardown error; the exit code is what fails CI.
    process.exitCode = 1;
    throw new Error(repoWritesMessage(written));
  };
}
