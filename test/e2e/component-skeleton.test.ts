// The loader transpiles a component's skeleton (component-skeleton.ts) and puts the original core
// modules back: the cache must hold exactly what jco writes for the whole component, and every
// refusal must stay a refusal. Each case runs jco on real 12 MB samples (a few seconds each).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDirs } from '../../emulator/bundles/test-support.ts';
import { ComponentLoader, TRANSPILE_CACHE_VERSION } from '../../emulator/runner/engine/component-loader.ts';
import { runColdTranspile, type WarmTranspiler } from '../../emulator/runner/engine/warm-transpiler.ts';
import { readSections } from '../../emulator/runner/engine/wasm-sections.ts';
import { exportAllGlobals } from '../../emulator/runner/engine/export-globals.ts';
import { capModuleMemory, memoryMbToPages } from '../../emulator/runner/engine/memory-cap.ts';
import { prepareModuleBytes, readModuleWithRoom } from '../../emulator/runner/engine/module-rewrite.ts';
import { WIT_PATH } from '../../emulator/wit/world.ts';
import { SERVER_NODE_FLAGS } from '../../emulator/cli/server-env.ts';
import { HELLO_HOST_DIR, ROOT } from '../../harness/runner-fixture.ts';

const temp = tempDirs();
const open: ComponentLoader[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((l) => l.close()));
  await temp.cleanup();
});

const CODE_SECTION = 10;
const CUSTOM_SECTION = 0;

async function sample(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(ROOT, 'sample-extensions', name, 'dist/main.wasm')));
}

async function loaderIn(warmTranspiler?: WarmTranspiler): Promise<{ loader: ComponentLoader; cacheRoot: string }> {
  const cacheRoot = await temp.make('skeleton-');
  const loader = new ComponentLoader({ cacheRoot, witPath: WIT_PATH, warmTranspiler });
  open.push(loader);
  return { loader, cacheRoot };
}

/** jco on the whole component, as the loader did before skeletons: the reference output. */
async function fullTranspile(wasm: Uint8Array): Promise<{ dir: string; outcome: Awaited<ReturnType<typeof runColdTranspile>> }> {
  const dir = await temp.make('full-jco-');
  await writeFile(join(dir, 'input.wasm'), wasm);
  const out = join(dir, 'out');
  await mkdir(out);
  return { dir: out, outcome: await runColdTranspile([join(dir, 'input.wasm'), out]) };
}

/** Every file under `dir` as [relative path, SHA-256], sorted by path. */
async function filesUnder(dir: string): Promise<[string, string][]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Promise.all(files.sort().map(async (file) => [relative(dir, file), createHash('sha256').update(await readFile(file)).digest('hex')] as [string, string]));
}

/** hello-host whose first function body is `i32.add` on an empty stack (no locals, padded with `nop`s to its size). */
async function helloHostWithInvalidBody(): Promise<Uint8Array> {
  const wasm = new Uint8Array(await readFile(join(HELLO_HOST_DIR, 'dist/main.wasm')));
  let at = mainModuleSection(wasm, CODE_SECTION);
  while ((wasm[at] as number) & 0x80) at++; // past the body count's LEB bytes
  at++;
  const size = wasm[at] as number; // the first body's size, one LEB byte
  expect(size).toBeGreaterThanOrEqual(3);
  expect(size).toBeLessThan(0x80);
  wasm.set([0x00, 0x6a, ...Array.from({ length: size - 3 }, () => 0x01), 0x0b], at + 1);
  return wasm;
}

const INVALID_BODY_REFUSAL = /^execute_failed: cannot prepare core module main\.core\.wasm: WebAssembly\.compile\(\): Compiling function #\d+:"[^"]+" failed: not enough arguments on the stack for i32\.add \(need 1, got 0\)/;

// Loads a component as a server would (argv: cache folder, component file, lazyValidation
// `default` or `off`) and prints the outcome as JSON.
const LOAD_SCRIPT = `
import { readFile } from 'node:fs/promises';
const { ComponentLoader } = await import(${JSON.stringify(fileURLToPath(new URL('../../emulator/runner/engine/component-loader.ts', import.meta.url)))});
const { lazyValidationOn } = await import(${JSON.stringify(fileURLToPath(new URL('../../emulator/runner/engine/full-validation.ts', import.meta.url)))});
const { WIT_PATH } = await import(${JSON.stringify(fileURLToPath(new URL('../../emulator/wit/world.ts', import.meta.url)))});
const [cacheRoot, wasmFile, mode] = process.argv.slice(2);
const loader = new ComponentLoader({ cacheRoot, witPath: WIT_PATH, ...(mode === 'off' && { lazyValidation: false }) });
const outcome = { lazyValidation: lazyValidationOn() };
try {
  await loader.load('sha256:bad-body', async () => new Uint8Array(await readFile(wasmFile)), 256);
  Object.assign(outcome, { loaded: true });
} catch (err) {
  Object.assign(outcome, { code: err.code, message: err.message });
}
await loader.close();
console.log(JSON.stringify({ ...outcome, stats: loader.stats }));
`;

function runNode(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

/** A loaded component's transpile folder: jco's files, once the (empty) mark that its core modules were validated is checked and left out. */
async function cachedTranspile(dir: string): Promise<[string, string][]> {
  const files = await filesUnder(dir);
  expect(files).toContainEqual(['validated', createHash('sha256').digest('hex')]);
  return files.filter(([path]) => path !== 'validated');
}

/** Offset in `component` of the body of section `id` (the first one) of its largest core module. */
function mainModuleSection(component: Uint8Array, id: number): number {
  const modules = readSections(component).filter((s) => s.id === 1);
  const main = modules.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
  const module = component.subarray(main.start, main.end);
  const section = readSections(module).find((s) => s.id === id);
  if (!section) throw new Error(`main module has no section ${id}`);
  return main.start + section.start;
}

describe('skeleton transpile', () => {
  for (const name of ['hello-host', 'psa-invoices']) {
    it(`caches byte for byte what jco writes for the whole ${name} component`, async () => {
      const wasm = await sample(name);
      const full = await fullTranspile(wasm);
      expect(full.outcome).toEqual({ ok: true });
      const { loader, cacheRoot } = await loaderIn();
      const loaded = await loader.load(`sha256:${name}`, () => Promise.resolve(wasm), 256);

      expect(loader.stats).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 1, separateValidations: 0 });
      expect(await cachedTranspile(join(cacheRoot, `transpiled/${TRANSPILE_CACHE_VERSION}/sha256-${name}`))).toEqual(await filesUnder(full.dir));
      expect(Object.keys(loaded.modules)).toEqual(['main.core.wasm', 'main.core2.wasm', 'main.core3.wasm']);
    });
  }

  it('refuses a function body that does not validate, when the Runner compiles the real module', async () => {
    const wasm = await helloHostWithInvalidBody();
    expect((await fullTranspile(wasm)).outcome.ok).toBe(false);
    const { loader } = await loaderIn();

    await expect(loader.load('sha256:bad-body', () => Promise.resolve(wasm), 256)).rejects.toMatchObject({
      code: 'EXECUTE_FAILED',
      message: expect.stringMatching(INVALID_BODY_REFUSAL),
    });
    expect(loader.stats.skeletonTranspiles).toBe(1);
  });

  it('refuses it with the same words in a server started with lazy validation, which validates in a child what it never validated, after a restart too', async () => {
    const dir = await temp.make('lazy-validation-');
    const wasmFile = join(dir, 'main.wasm');
    await writeFile(wasmFile, await helloHostWithInvalidBody());
    await writeFile(join(dir, 'load.mts'), LOAD_SCRIPT);
    const cacheRoot = await temp.make('lazy-cache-');
    const load = async (lazyValidation: string, cache = cacheRoot) => JSON.parse(await runNode([...SERVER_NODE_FLAGS, '--import', 'tsx', join(dir, 'load.mts'), cache, wasmFile, lazyValidation])) as Record<string, unknown>;

    const refused = await load('default');
    expect(refused).toMatchObject({ lazyValidation: true, code: 'EXECUTE_FAILED', message: expect.stringMatching(INVALID_BODY_REFUSAL) });
    // The two modules prepared while jco ran; the refusal of main.core stops the load before main.core3.
    expect(refused.stats).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 1, separateValidations: 2 });
    // A restart finds the transpile in the cache, never validated: it is validated and refused again.
    const restarted = await load('default');
    expect(restarted).toMatchObject({ lazyValidation: true, code: 'EXECUTE_FAILED', message: expect.stringMatching(INVALID_BODY_REFUSAL) });
    expect(restarted.stats).toEqual({ transpiled: 0, diskCacheHits: 1, warmTranspiles: 0, skeletonTranspiles: 0, separateValidations: 1 });
    // What the separate validation is for: with the option on, the compile alone accepts the module.
    expect(await load('off', await temp.make('lazy-cache-'))).toMatchObject({ lazyValidation: true, loaded: true });
  });

  it('validates separately only modules never validated: a restart compiles the cached modules alone', async () => {
    const cacheRoot = await temp.make('lazy-restart-');
    const first = new ComponentLoader({ cacheRoot, witPath: WIT_PATH, lazyValidation: true });
    open.push(first);
    await first.load('sha256:hello-host', () => sample('hello-host'), 256);
    expect(first.stats).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 1, separateValidations: 3 });

    const restarted = new ComponentLoader({ cacheRoot, witPath: WIT_PATH, lazyValidation: true });
    open.push(restarted);
    const loaded = await restarted.load('sha256:hello-host', () => sample('hello-host'), 256);
    expect(Object.keys(loaded.modules)).toEqual(['main.core.wasm', 'main.core2.wasm', 'main.core3.wasm']);
    expect(restarted.stats).toEqual({ transpiled: 0, diskCacheHits: 1, warmTranspiles: 0, skeletonTranspiles: 0, separateValidations: 0 });

    // A transpile cached without the mark (by an emulator before it, or whose write failed) is validated once more.
    await rm(join(cacheRoot, `transpiled/${TRANSPILE_CACHE_VERSION}/sha256-hello-host/validated`));
    const unmarked = new ComponentLoader({ cacheRoot, witPath: WIT_PATH, lazyValidation: true });
    open.push(unmarked);
    await unmarked.load('sha256:hello-host', () => sample('hello-host'), 256);
    expect(unmarked.stats).toEqual({ transpiled: 0, diskCacheHits: 1, warmTranspiles: 0, skeletonTranspiles: 0, separateValidations: 3 });
    expect(await readFile(join(cacheRoot, `transpiled/${TRANSPILE_CACHE_VERSION}/sha256-hello-host/validated`), 'utf8')).toBe('');
  });

  it("refuses with jco's own words on the original when jco refuses the skeleton", async () => {
    const wasm = await sample('hello-host');
    // A custom section after the code whose name is not UTF-8: its offset differs in the skeleton.
    const modules = readSections(wasm).filter((s) => s.id === 1);
    const main = modules.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
    const customs = readSections(wasm.subarray(main.start, main.end)).filter((s) => s.id === CUSTOM_SECTION);
    const last = customs.at(-1);
    if (!last) throw new Error('no custom section in the main module');
    wasm[main.start + last.start + 1] = 0xff; // first byte of the name, after its length
    const full = await fullTranspile(wasm);
    expect(full.outcome.ok).toBe(false);
    const { loader } = await loaderIn();

    await expect(loader.load('sha256:bad-name', () => Promise.resolve(wasm), 256)).rejects.toMatchObject({
      code: 'EXECUTE_FAILED',
      message: `execute_failed: dist/main.wasm is not a valid component: ${(full.outcome as { stderr: string }).stderr}`,
    });
    expect(loader.stats).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 0, separateValidations: 0 });
  });

  it('transpiles the original when a skeleton module does not come back intact', async () => {
    const wasm = await sample('hello-host');
    const full = await fullTranspile(wasm);
    let jobs = 0;
    // A transpiler that damages the first job's main module, as a jco that rewrote modules would.
    const tampering = {
      start: () => undefined,
      close: async () => undefined,
      transpile: async (input: string, outDir: string) => {
        const outcome = await runColdTranspile([input, outDir]);
        if (jobs++ === 0) await writeFile(join(outDir, 'main.core.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
        return { ...outcome, by: 'cold' as const };
      },
    } as unknown as WarmTranspiler;
    const { loader, cacheRoot } = await loaderIn(tampering);
    await loader.load('sha256:hello-host', () => Promise.resolve(wasm), 256);

    expect(jobs).toBe(2);
    expect(loader.stats).toEqual({ transpiled: 1, diskCacheHits: 0, warmTranspiles: 0, skeletonTranspiles: 0, separateValidations: 0 });
    expect(await cachedTranspile(join(cacheRoot, `transpiled/${TRANSPILE_CACHE_VERSION}/sha256-hello-host`))).toEqual(await filesUnder(full.dir));
  });

  it('compiles the original core modules while jco works on the skeleton, from the moment jco has the job', async () => {
    const wasm = await sample('hello-host');
    const events: string[] = [];
    const compile = WebAssembly.compile.bind(WebAssembly);
    vi.spyOn(WebAssembly, 'compile').mockImplementation((bytes) => {
      events.push('compile');
      return compile(bytes);
    });
    const recording = {
      start: () => undefined,
      close: async () => undefined,
      transpile: async (input: string, outDir: string) => {
        events.push('jco start');
        const outcome = await runColdTranspile([input, outDir]);
        events.push('jco end');
        return { ...outcome, by: 'cold' as const };
      },
    } as unknown as WarmTranspiler;
    const { loader } = await loaderIn(recording);
    await loader.load('sha256:hello-host', () => Promise.resolve(wasm), 256);

    // The two stripped modules (main.core, main.core2) while jco runs; main.core3 had nothing to strip.
    expect(events).toEqual(['jco start', 'compile', 'compile', 'jco end', 'compile']);
  });

  it("compiles from a cached module read with room the bytes the two whole-module rewrites give, written over its old head", async () => {
    const { loader, cacheRoot } = await loaderIn();
    await loader.load('sha256:hello-host', () => sample('hello-host'), 256);
    const file = join(cacheRoot, `transpiled/${TRANSPILE_CACHE_VERSION}/sha256-hello-host/main.core.wasm`);
    const original = new Uint8Array(await readFile(file));
    const expected = exportAllGlobals(capModuleMemory(original, memoryMbToPages(256)));
    const read = await readModuleWithRoom(file);
    const prepared = prepareModuleBytes(read, memoryMbToPages(256));
    expect(prepared.buffer).toBe(read.bytes.buffer);
    expect(prepared.length).toBe(expected.length);
    expect(createHash('sha256').update(prepared).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
  });
});
