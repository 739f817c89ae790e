import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleFastPath } from '../toolchain/build-component.ts';
import { FastPaths } from './fast-path.ts';

const BASE = `sha256:${'a'.repeat(64)}`;
const NEXT = `sha256:${'b'.repeat(64)}`;
const WORLD = { 'alga:extension/storage': ['get', 'put', 'delete'], 'alga:extension/logging': ['logInfo'] };

let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

async function fastPathOf(handler: string): Promise<{ paths: FastPaths; source: string; preloaded: string[] }> {
  dir = await mkdtemp(join(tmpdir(), 'fast-path-'));
  await writeFile(join(dir, 'handler.js'), handler);
  const preloaded: string[] = [];
  return { paths: new FastPaths(dir, (url) => preloaded.push(url)), source: await bundleFastPath(join(dir, 'handler.js'), WORLD), preloaded };
}

type Glue = { instantiate(getCore: unknown, imports: unknown): { handler(request: unknown): { status: number; body: unknown } } };
const REQUEST = { context: {}, http: { method: 'GET', url: '/', headers: [], body: new Uint8Array([104, 105]) } };

describe('FastPaths', () => {
  it('serves only calls for the bundle it was set on, follows a rebase, and ends when cleared', async () => {
    const { paths, source, preloaded } = await fastPathOf('export function handler() { return { status: 200, headers: [], body: undefined }; }');
    const state = await paths.set('ext-1', BASE, source);
    expect(state.sourceHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(paths.componentFor('ext-1', BASE, 64)).toMatchObject({ state, component: { contentHash: `fast-path-${state.sourceHash}`, modules: {}, memoryMb: 64 } });
    expect(preloaded).toEqual([paths.componentFor('ext-1', BASE, 64)!.component.glueUrl]);
    expect([paths.componentFor('ext-1', NEXT, 64), paths.componentFor('ext-2', BASE, 64)]).toEqual([undefined, undefined]);
    paths.rebase('ext-1', NEXT);
    expect([paths.componentFor('ext-1', BASE, 64), paths.current('ext-1')]).toEqual([undefined, { ...state, baseContentHash: NEXT }]);
    paths.clear('ext-1');
    expect(paths.componentFor('ext-1', NEXT, 64)).toBeUndefined();
  });

  it("writes a jco-shaped glue module whose handler runs the bundle with the host's imports, bytes in its own realm", async () => {
    const { paths, source } = await fastPathOf(`
      import { get, delete as remove } from 'alga:extension/storage';
      export function handler(request) {
        let err;
        try { get('ns', 'k'); } catch (e) { err = [e.payload, String(e), e instanceof Error]; }
        remove('ns', 'k');
        return { status: 201, headers: [], body: [request.http.body instanceof Uint8Array, err, typeof Buffer, typeof process] };
      }`);
    await paths.set('ext-1', BASE, source);
    const glue = (await import(paths.componentFor('ext-1', BASE, 64)!.component.glueUrl)) as Glue;
    const removed: unknown[][] = [];
    const imports = { 'alga:extension/storage': { get: () => { throw { payload: 'missing' }; }, delete: (...args: unknown[]) => removed.push(args) } };
    const answer = glue.instantiate(undefined, imports).handler(REQUEST);
    expect([answer.status, answer.body, removed]).toEqual([201, [true, ['missing', 'Error: missing', false], 'undefined', 'undefined'], [['ns', 'k']]]);
  });

  it('fails the call when a host call trapped, even if the guest caught it', async () => {
    const { paths, source } = await fastPathOf(`
      import { logInfo } from 'alga:extension/logging';
      export function handler() { try { logInfo('x'); } catch {} return { status: 200, headers: [], body: undefined }; }`);
    await paths.set('ext-1', BASE, source);
    const glue = (await import(paths.componentFor('ext-1', BASE, 64)!.component.glueUrl)) as Glue;
    const imports = { 'alga:extension/logging': { logInfo: () => { throw new Error('denied by the host'); } } };
    expect(() => glue.instantiate(undefined, imports).handler(REQUEST)).toThrow('denied by the host');
  });

  it('refuses at bundle time an import the world does not have, with its file and line', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fast-path-'));
    await writeFile(join(dir, 'handler.js'), "import { rotate } from 'alga:extension/storage';\nexport const handler = () => rotate();\n");
    await expect(bundleFastPath(join(dir, 'handler.js'), WORLD)).rejects.toThrow(
      `Failed to bundle ${join(dir, 'handler.js')}: ${join(dir, 'handler.js')}:1:10: No matching export in "alga-import:alga:extension/storage" for import "rotate". Fix the TypeScript/JavaScript error above and rebuild.`,
    );
  });
});
