// The globalSetup that fails a run whose tests wrote into the repository (vite.config.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoWritesMessage, snapshotFiles, unexpectedWrites } from '../support/repo-writes-guard.ts';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'repo-writes-guard-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('snapshotFiles', () => {
  it('should list every file by relative path, skipping .git and node_modules', () => {
    const dir = tree({ 'a.txt': 'a', 'sub/b.txt': 'bb', '.git/HEAD': 'x', 'node_modules/p/index.js': 'x', '.emulator/storage.sqlite': 'db' });
    const files = snapshotFiles(dir);
    expect([...files.keys()].sort()).toEqual(['.emulator/storage.sqlite', 'a.txt', 'sub/b.txt']);
    expect(files.get('sub/b.txt')).toMatch(/^2:\d+(\.\d+)?$/);
  });
});

describe('unexpectedWrites', () => {
  const before = new Map([['src/a.ts', '1:1'], ['.emulator/storage.sqlite', '4:1'], ['.cache/vitest-summary.json', '2:1']]);

  it('should report new and changed untracked files, sorted, and nothing else', () => {
    const after = new Map([
      ['src/a.ts', '9:9'],
      ['.emulator/storage.sqlite', '8:2'],
      ['.emulator/bundles/x', '1:2'],
      ['.cache/vitest-summary.json', '3:2'],
      ['sample-extensions/hello-host/dist/main.wasm', '5:2'],
      ['notes.txt', '1:1'],
    ]);
    expect(unexpectedWrites(before, after, new Set(['src/a.ts']))).toEqual(['.emulator/bundles/x', '.emulator/storage.sqlite', 'notes.txt']);
  });

  it('should report nothing when the untracked files are unchanged', () => {
    expect(unexpectedWrites(before, new Map(before), new Set())).toEqual([]);
  });
});

describe('repoWritesMessage', () => {
  it('should name each file and the fix', () => {
    expect(repoWritesMessage(['.emulator/storage.sqlite'], '/repo/').split('\n')).toEqual([
      'Failed the test run: tests wrote 1 untracked file(s) into the repository /repo/:',
      '  .emulator/storage.sqlite',
      'Give every test a temp folder (mkdtemp(join(tmpdir(), …))) as its dataDir or working folder: the Runner and the emulator default to .emulator under the working directory.',
    ]);
  });

  it('should list the first 20 files and count the rest', () => {
    const many = Array.from({ length: 23 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    const lines = repoWritesMessage(many, '/repo/').split('\n');
    expect([lines.length, lines[20], lines[21]]).toEqual([23, '  f19', '  … and 3 more']);
  });
});
