// Kill -9 at every step of a publish (and inside the store's write, and midway through an
// extraction): the next start either has the version completely or no trace of it.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { BundleCache, readBundleFile } from '../../../emulator/bundles/extract.ts';
import { computeContentHash } from '../../../emulator/bundles/hash.ts';
import { listTree } from '../../../emulator/bundles/test-support.ts';
import { openEmulatorData, startEmulator } from '../../../emulator/host/start-emulator.ts';
import { bundleOf } from '../../../emulator/registry/test-support.ts';

const ROOT = join(import.meta.dirname, '../../..');
const CHILD = join(import.meta.dirname, 'kill-during-publish.child.ts');
const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs the child on `dataDir`; `killWhen` lets the parent kill it (SIGKILL) once its check passes. */
function runChild(dataDir: string, killAt: string, killWhen?: () => Promise<boolean>): Promise<ChildExit> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, killAt], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let watching = killWhen !== undefined;
  const watch = async (): Promise<void> => {
    while (watching) {
      if (await killWhen!()) {
        child.kill('SIGKILL');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  void watch();
  // 'exit' fires once the child is reaped, so its pid no longer counts as running.
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      watching = false;
      resolve({ code, signal, output });
    });
  });
}

/** Every file under `dir` whose name ends in `.tmp`. */
async function tempFilesUnder(dir: string): Promise<string[]> {
  return (await listTree(dir)).filter((p) => p.endsWith('.tmp'));
}

function rowCounts(dataDir: string): Record<string, number> {
  const db = new Database(join(dataDir, 'registry.sqlite'), { readonly: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return Object.fromEntries(['extension_registry', 'extension_version', 'extension_bundle', 'extension_api_endpoint', 'publish_journal', 'staged_upload'].map((t) => [t, count(t)]));
  } finally {
    db.close();
  }
}

/** The next start's repair, as `npm run emulate` and the CLI open a data folder. */
function reopen(dataDir: string, warn: (message: string) => void) {
  return openEmulatorData({ env: { SIGNING_MODE: 'off' }, settings: { dataDir }, warn });
}

const NOTHING = { extension_registry: 0, extension_version: 0, extension_bundle: 0, extension_api_endpoint: 0, publish_journal: 0, staged_upload: 0 };
const REGISTERED = { extension_registry: 1, extension_version: 1, extension_bundle: 1, extension_api_endpoint: 2, publish_journal: 0, staged_upload: 0 };

describe('kill -9 during publish', () => {
  // Each kill point, and what the data folder held at the kill that the next start must deal with.
  const cases: [killAt: string, registered: boolean, leftBehind: RegExp[], repaired: [publishes: number, uploads: number, temps: number]][] = [
    ['rename:staging', false, [/^bundles\/sha256\/_staging\/[0-9a-f-]{36}\/\.bundle\.tar\.zst\.\d+-\d+-[0-9a-f-]{36}\.tmp$/], [0, 1, 1]],
    ['staged-written', false, [/^bundles\/sha256\/_staging\/[0-9a-f-]{36}\/bundle\.tar\.zst$/], [0, 1, 0]],
    ['hashed', false, [/^bundles\/sha256\/_staging\/[0-9a-f-]{36}\/bundle\.tar\.zst$/], [0, 1, 0]],
    ['journaled', false, [/^bundles\/sha256\/_staging\//], [1, 1, 0]],
    ['rename:canonical', false, [/^bundles\/sha256\/_staging\//, /^bundles\/sha256\/[0-9a-f]{64}\/\.bundle\.tar\.zst\.\d+-\d+-[0-9a-f-]{36}\.tmp$/], [1, 1, 1]],
    ['archive-copied', false, [/^bundles\/sha256\/_staging\//, /^bundles\/sha256\/[0-9a-f]{64}\/bundle\.tar\.zst$/], [1, 1, 0]],
    ['rows-committed', true, [/^bundles\/sha256\/_staging\//], [0, 1, 0]],
    ['staging-deleted', true, [], [0, 0, 0]],
  ];

  it.each(cases)('at %s (registered afterwards: %s)', async (killAt, registered, leftBehind, [publishes, uploads, temps]) => {
    const dataDir = await tempDir('kill-publish-');
    const exit = await runChild(dataDir, killAt);
    expect(exit, exit.output).toMatchObject({ code: null, signal: 'SIGKILL' });
    const atKill = (await listTree(dataDir)).filter((p) => !p.endsWith('/'));
    for (const pattern of leftBehind) expect(atKill, `left behind at ${killAt}`).toContainEqual(expect.stringMatching(pattern));

    const warnings: string[] = [];
    const data = await reopen(dataDir, (w) => warnings.push(w));
    try {
      const repairs = publishes + uploads + temps > 0
        ? [`Removed what interrupted work left in the bundle store: ${publishes} unfinished publish(es), ${uploads} expired or abandoned upload(s), ${temps} temp file(s).`]
        : [];
      expect(warnings).toEqual(repairs);
      const bundle = await bundleOf();
      const canonical = `sha256/${bundle.hex}/bundle.tar.zst`;
      expect(rowCounts(dataDir)).toEqual(registered ? REGISTERED : NOTHING);
      expect(await tempFilesUnder(dataDir)).toEqual([]);
      const bundleFiles = (await listTree(join(dataDir, 'bundles'))).filter((p) => !p.endsWith('/'));
      if (registered) {
        const [extension] = data.registry.extensions();
        expect(data.registry.versions(extension!.id).map((v) => v.version)).toEqual(['1.0.0']);
        expect(bundleFiles).toEqual([canonical]);
        const bytes = (await data.store.get(canonical))!;
        expect(computeContentHash(bytes)).toBe(bundle.contentHash);
        const cache = new BundleCache({ root: await tempDir('kill-publish-cache-') });
        const extracted = await cache.ensureExtracted(bundle.contentHash, async () => bytes);
        expect(new TextDecoder().decode((await readBundleFile(extracted, 'manifest.json'))!)).toBe(bundle.manifestJson);
        await expect(data.registry.publishBytes(bundle.bytes)).rejects.toMatchObject({ code: 'EXTENSION_VERSION_ALREADY_EXISTS' });
      } else {
        expect(data.registry.extensions()).toEqual([]);
        expect(bundleFiles).toEqual([]);
        // The registry still works: the same publish now succeeds.
        expect((await data.registry.publishBytes(bundle.bytes)).version.version).toBe('1.0.0');
      }
    } finally {
      await data.close();
    }
  });
});

describe('kill -9 during extraction', () => {
  it('leaves a work folder in the cache that the next emulator start removes', async () => {
    const dataDir = await tempDir('kill-extract-');
    const tmp = join(dataDir, 'cache', 'tmp');
    const exit = await runChild(dataDir, 'extract', async () => (await readdir(tmp).catch(() => [])).length > 0);
    expect(exit, exit.output).toMatchObject({ code: null, signal: 'SIGKILL' });
    const [work, ...more] = await readdir(tmp);
    expect([work, more]).toEqual([expect.stringMatching(/^[0-9a-f]{16}-\d+-\d+-[A-Za-z0-9]{6}$/), []]);

    const emu = await startEmulator({ env: { SIGNING_MODE: 'off' }, settings: { dataDir, port: 0, runnerPort: 0 }, shell: false });
    try {
      expect(await readdir(tmp)).toEqual([]);
      expect((await fetch(`${emu.urls.runner}/healthz`)).status).toBe(200);
    } finally {
      await emu.close();
    }
  });
});
