// Helpers shared by the alga-emulator command tests (not part of the public API): a temp working
// folder with a small UI-only extension, and an in-process `run` that captures the output.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { writeTree } from '../../bundles/test-support.ts';
import { openEmulatorData, type EmulatorData } from '../../host/start-emulator.ts';
import { runCli } from './main.ts';
import type { Env } from './types.ts';

/** The bundles tests' helper: writes `{ 'rel/path': contents }` under a folder. */
export { writeTree };

export const CLI_UI_MANIFEST = {
  name: 'cli-ui',
  publisher: 'acme',
  version: '1.0.0',
  runtime: 'wasm-js@1',
  capabilities: [],
  ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: 'CLI UI' } } },
};

export const DEFAULT_TENANT = '00000000-0000-4000-8000-000000000001';

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/** A fresh temp folder removed when the current test finishes. */
export async function tempDir(prefix = 'alga-cli-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}


/** Writes the cli-ui extension (manifest.json + ui/index.html) into `dir`, with manifest overrides. */
export async function writeUiExtension(dir: string, overrides: Record<string, unknown> = {}): Promise<string> {
  await writeTree(dir, { 'manifest.json': JSON.stringify({ ...CLI_UI_MANIFEST, ...overrides }), 'ui/index.html': '<!doctype html><p>CLI UI</p>' });
  return dir;
}

export interface CliFixture {
  /** The working folder: holds `ext/` (the extension) and `.emulator/` (the default data folder). */
  cwd: string;
  ext: string;
  dataDir: string;
  /** Runs the CLI in-process in `cwd` with `env` (nothing from the real environment). */
  run(argv: readonly string[], env?: Env): Promise<CliRun>;
  /** Opens the data folder the CLI wrote, for assertions; closed after the test. */
  open(): Promise<EmulatorData>;
}

export async function cliFixture(options: { home?: string } = {}): Promise<CliFixture> {
  const cwd = await tempDir();
  const ext = await writeUiExtension(join(cwd, 'ext'));
  const dataDir = join(cwd, '.emulator');
  return {
    cwd,
    ext,
    dataDir,
    run: (argv, env = {}) => runIn(cwd, argv, env, options.home ?? join(cwd, 'home')),
    open: async () => {
      const data = await openEmulatorData({ env: {}, settings: { dataDir } });
      onTestFinished(() => data.close());
      return data;
    },
  };
}

/** Runs the CLI in-process with a fixed clock, so progress timings read `0.0 s`. */
export async function runIn(cwd: string, argv: readonly string[], env: Env = {}, home = '/nonexistent-home'): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { env, cwd, home, now: () => 0 });
  return { code, out, err };
}
