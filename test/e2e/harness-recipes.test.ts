// harness/README.md's "Test a denied capability" recipe, run as written: hello-host's bundle with
// cap:http.fetch left out of its manifest.
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callName, createEmulator, type InstallResult, type TestEmulator } from '../../harness/index.ts';

const HELLO_HOST = fileURLToPath(new URL('../../sample-extensions/hello-host', import.meta.url));

/** The trimmed, non-empty lines of the first `ts` block after `marker` in harness/README.md. */
function recipeLines(marker: string): string[] {
  const guide = readFileSync(new URL('../../harness/README.md', import.meta.url), 'utf8');
  const at = guide.indexOf(marker);
  const block = at < 0 ? undefined : /```ts\n([\s\S]*?)```/.exec(guide.slice(at))?.[1];
  return (block ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

describe('recipe text', () => {
  it('should be the lines this file runs', () => {
    const lines = recipeLines('**Test a denied capability.**');
    const source = new Set(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').map((l) => l.trim()));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => !source.has(l))).toEqual([]);
  });
});

describe('recipe: test a denied capability', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recipe-denied-'));
    await cp(join(HELLO_HOST, 'dist'), join(dir, 'dist'), { recursive: true });
    const manifest = JSON.parse(await readFile(join(HELLO_HOST, 'manifest.json'), 'utf8')) as { capabilities: string[] };
    manifest.capabilities = manifest.capabilities.filter((c) => c !== 'cap:http.fetch');
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    emu = await createEmulator({ env: { EXT_EGRESS_ALLOWLIST: 'api.example.com' } });
    ext = await emu.install(dir);
  });
  afterAll(async () => {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should show the WIT error the guest saw and the manifest line that allows the call', async () => {
    const res = await emu.invoke(ext, { path: '/fetch', query: { url: 'https://api.example.com/x' } });
    const call = res.hostCalls.find((c) => callName(c) === 'http.fetch');
    expect([call?.outcome, call?.error]).toEqual(['err', 'not-allowed']);
    expect([res.status, res.json()]).toEqual([502, { error: 'not-allowed' }]);
    expect(emu.leastPrivilege(ext).denied).toEqual([
      { capability: 'cap:http.fetch', call: 'http.fetch', fix: 'add "cap:http.fetch" to "capabilities" in manifest.json', count: 1 },
    ]);
  });
});
