// Runs the doctor on real components: each test spawns jco to transpile a 12 MB component (a few
// seconds), hence the long timeouts.
import { access, readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDoctor } from './doctor.ts';
import { codesOf, manifestEntry, tempDir, writeBundle } from './test-support.ts';

const GUESTS = fileURLToPath(new URL('../../test/fixtures/guests/', import.meta.url));
const TIMEOUT = 60_000;

const withEndpoint = { name: 'guest', version: '1.0.0', runtime: 'wasm-js@1', api: { endpoints: [{ method: 'GET', path: '/x', handler: 'dist/main.wasm' }] } };

async function bundleOf(guest: string): Promise<string> {
  const wasm = new Uint8Array(await readFile(`${GUESTS}${guest}/dist/main.wasm`));
  return (await writeBundle([manifestEntry(withEndpoint), { path: 'dist/main.wasm', data: wasm }])).file;
}

describe('runDoctor on real components', () => {
  it('should pass the sample test-guest folder, whose component links and exports handler', { timeout: TIMEOUT }, async () => {
    const folder = `${GUESTS}test-guest`;
    await access(`${folder}/dist/main.wasm`);
    const steps: string[] = [];
    const report = await runDoctor(folder, { onProgress: (s) => steps.push(s) });
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    // Its manifest declares no endpoints, and it is not signed.
    expect(codesOf(report.warnings)).toEqual([
      ['WASM_UNUSED', 'dist/main.wasm'],
      ['SIGNATURE_MISSING', 'signature'],
    ]);
    expect(report.checked).toEqual(['archive', 'entries', 'manifest', 'wasm', 'component', 'ui', 'signature']);
    expect(steps).toEqual([
      'reading the bundle',
      'reading the archive',
      'checking entry paths',
      'validating manifest.json',
      'checking dist/main.wasm',
      'checking the component',
      'transpiling dist/main.wasm with jco (a few seconds)',
      'checking ui files',
      'verifying the signature',
    ]);
  });

  it('should report the foreign import of the foreign-import guest', { timeout: TIMEOUT }, async () => {
    const report = await runDoctor(await bundleOf('foreign-import'), { mode: 'off' });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.code, p.where, p.message])).toEqual([
      ['COMPONENT_LINK', 'dist/main.wasm', 'component imports "alga:extension/telepathy", which is not part of world alga:extension/runner'],
    ]);
  });

  it('should report a record whose fields differ from the host world, and reuse a given cacheRoot', { timeout: TIMEOUT }, async () => {
    const cacheRoot = await tempDir();
    const report = await runDoctor(await bundleOf('layout-mismatch'), { mode: 'off', cacheRoot });
    expect(codesOf(report.problems)).toEqual([['COMPONENT_LINK', 'dist/main.wasm']]);
    expect(report.problems[0]?.message).toMatch(/^alga:extension\/types: interface ContextData differs from the host's \(guest: /);
    expect(await readdir(cacheRoot)).toEqual(['transpiled']);
  });
});
