// Proves the `alga-emulator` bin shim works as installed: plain `node` runs bin.js, which
// registers tsx and loads the TypeScript CLI. The commands themselves are tested in-process
// beside their code (emulator/cli/commands/*.test.ts).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'emulator/cli/bin/alga-emulator.js');
const run = promisify(execFile);
const temps: string[] = [];

async function temp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'alga-cli-e2e-'));
  temps.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('alga-emulator bin', () => {
  it('should run --help and publish an extension folder into EMULATOR_DATA_DIR, with exit codes', async () => {
    const help = await run(process.execPath, [BIN, '--help'], { cwd: ROOT });
    expect(help.stderr).toBe('');
    expect(help.stdout.split('\n')[0]).toBe("alga-emulator: create, build, publish, install and configure Alga PSA extensions in the emulator's data folder.");
    expect(help.stdout).toContain('  publish         publish a folder or bundle to the registry and install it for the tenant\n');

    const dataDir = await temp();
    const ext = await temp();
    const manifest = { name: 'cli-ui', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1', capabilities: [], ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: 'CLI UI' } } } };
    await writeFile(join(ext, 'manifest.json'), JSON.stringify(manifest));
    await mkdir(join(ext, 'ui'));
    await writeFile(join(ext, 'ui/index.html'), '<p>CLI UI</p>');
    const env = { ...process.env, EMULATOR_DATA_DIR: dataDir, ALGA_TENANT_ID: '', SIGNING_MODE: '', SIGNING_TRUST_BUNDLE: '' };
    const published = await run(process.execPath, [BIN, 'publish', ext], { cwd: ROOT, env });
    const lines = published.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('published acme.cli-ui 1.0.0');
    expect(lines[5]).toBe('installed acme.cli-ui 1.0.0 for tenant 00000000-0000-4000-8000-000000000001');
    expect(published.stderr.trimEnd().split('\n')).toEqual([
      `packing ${ext}…`,
      expect.stringMatching(/^packed 2 files, \d+ B in \d+\.\d s$/),
      expect.stringMatching(new RegExp(`^publishing \\d+ B to ${dataDir}…$`)),
      expect.stringMatching(/^warning: sha256:[0-9a-f]{64} is unsigned: signed it with the emulator's dev key sha256:[0-9a-f]{32} \(SIGNING_MODE=dev\)\. /),
      'installing acme.cli-ui 1.0.0 for tenant 00000000-0000-4000-8000-000000000001…',
    ]);

    // The exit code reaches the shell: versions are immutable, so a second publish fails.
    const again = await run(process.execPath, [BIN, 'publish', ext], { cwd: ROOT, env }).catch((err: { code: number; stderr: string }) => err);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/\nerror EXTENSION_VERSION_ALREADY_EXISTS: /) });
  });
});
