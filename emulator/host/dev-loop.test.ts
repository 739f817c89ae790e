import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TENANT, openTestRegistry, type TestRegistry } from '../registry/test-support.ts';
import { ExtensionDevLoop, changeKind, type DevLoopEvent, type WatchOptions } from './dev-loop.ts';

const MANIFEST = { name: 'live-ui', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1', capabilities: [], ui: { type: 'iframe', entry: 'index.html' } };

let t: TestRegistry;
let loop: ExtensionDevLoop | undefined;
let dir = '';
afterEach(() => {
  loop?.close();
  t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function setUp(): Promise<{ events: DevLoopEvent[]; next: (type?: DevLoopEvent['type']) => Promise<DevLoopEvent> }> {
  t = await openTestRegistry();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dev-loop-'));
  await mkdir(path.join(dir, 'ui'));
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(MANIFEST));
  await writeFile(path.join(dir, 'ui/index.html'), '<p>one</p>');
  const events: DevLoopEvent[] = [];
  const waiters: { type?: DevLoopEvent['type']; resolve: (e: DevLoopEvent) => void }[] = [];
  loop = new ExtensionDevLoop({
    registry: t.registry,
    tenantId: TENANT,
    cacheRoot: path.join(dir, '.cache'),
    debounceMs: 50,
    notify: (e) => {
      events.push(e);
      const index = waiters.findIndex((w) => w.type === undefined || w.type === e.type);
      if (index >= 0) waiters.splice(index, 1)[0]!.resolve(e);
    },
  });
  return { events, next: (type) => new Promise((resolve) => waiters.push({ type, resolve })) };
}

describe('ExtensionDevLoop', () => {
  it('publishes and installs the folder, then republishes a UI change as the new active bundle', async () => {
    const { events, next } = await setUp();
    const first = await loop!.add(dir);
    expect(first).toMatchObject({ slug: 'acme.live-ui', version: '1.0.0', enabled: true });
    expect(events).toEqual([{ type: 'reload', registryId: first!.registryId, contentHash: first!.contentHash, dir }]);
    const changed = next();
    await writeFile(path.join(dir, 'ui/index.html'), '<p>two</p>');
    const event = await changed;
    expect(event).toMatchObject({ type: 'reload', registryId: first!.registryId });
    const now = t.registry.installOf(TENANT, first!.registryId);
    expect(now?.contentHash).not.toBe(first!.contentHash);
    expect(now?.contentHash).toBe((event as { contentHash: string }).contentHash);
    expect(now?.installId).toBe(first!.installId);
  }, 30_000);

  it('keeps the previous bundle and reports the error when the new build is broken, and recovers', async () => {
    const { next } = await setUp();
    const first = await loop!.add(dir);
    const broken = next();
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ ...MANIFEST, entry: 'main.js' }));
    const error = await broken;
    expect(error).toMatchObject({ type: 'build-error', registryId: first!.registryId, dir });
    expect((error as { message: string }).message).toBe("the new build was not published (the previous one keeps running):\nINVALID_MANIFEST $.entry: Unknown top-level field 'entry'");
    expect(t.registry.installOf(TENANT, first!.registryId)?.contentHash).toBe(first!.contentHash);
    const fixed = next();
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ ...MANIFEST, version: '1.1.0' }));
    expect(await fixed).toMatchObject({ type: 'reload', registryId: first!.registryId });
    expect(t.registry.installOf(TENANT, first!.registryId)?.version).toBe('1.1.0');
  }, 30_000);

  it('publishes a reverted mistake again, so the shell hears reload and drops the error', async () => {
    const { next } = await setUp();
    const first = await loop!.add(dir);
    const broken = next('build-error');
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ ...MANIFEST, entry: 'main.js' }));
    await broken;
    const reverted = next('reload');
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(MANIFEST));
    expect(await reverted).toEqual({ type: 'reload', registryId: first!.registryId, contentHash: first!.contentHash, dir });
  }, 30_000);

  it('reports a folder that cannot be published at all without throwing', async () => {
    const { events } = await setUp();
    await writeFile(path.join(dir, 'manifest.json'), '{ not json');
    expect(await loop!.add(dir)).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ type: 'build-error', registryId: undefined, dir })]);
  });

  it('refuses a manifest over the limits before publishing, with the doctor problems publish would answer', async () => {
    const { events } = await setUp();
    const labelled = { ...MANIFEST, ui: { ...MANIFEST.ui, hooks: { appMenu: { label: 'x'.repeat(129) } } } };
    await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(labelled)}${' '.repeat(512 * 1024)}`);
    expect(await loop!.add(dir)).toBeUndefined();
    expect(events).toEqual([
      {
        type: 'build-error',
        registryId: undefined,
        dir,
        message: `the new build was not published (the previous one keeps running):\nMANIFEST_TOO_LARGE manifest.json: manifest.json has ${JSON.stringify(labelled).length + 512 * 1024} bytes; the limit is 524288 bytes`,
      },
    ]);
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(labelled));
    expect(await loop!.add(dir)).toBeUndefined();
    expect(events[1]).toEqual({
      type: 'build-error',
      registryId: undefined,
      dir,
      message: 'the new build was not published (the previous one keeps running):\nINVALID_MANIFEST $.ui.hooks.appMenu.label: has 129 characters; the limit is 128',
    });
    expect(t.registry.installs(TENANT).filter((i) => i.slug === 'acme.live-ui')).toEqual([]);
  });

  it('publishes what goes into a bundle, builds after a source change, and ignores the rest', () => {
    expect(['manifest.json', 'dist/main.wasm', 'ui/index.html', 'ui/a/b.js'].map(changeKind)).toEqual(['outputs', 'outputs', 'outputs', 'outputs']);
    expect(['src/handler.ts', 'src/lib/x.ts', 'ui-src/main.ts'].map(changeKind)).toEqual(['sources', 'sources', 'sources']);
    expect(['dist/bundle.tar.zst', 'dist/main.wasm.build-hash', 'node_modules/x/y.js', 'README.md', 'srcx/a.ts'].map(changeKind)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  describe('building after a saved source', () => {
    /** A `--build` that copies src/page.txt into the UI page, failing when the source says so. */
    const COPY_BUILD = 'grep -q broken src/page.txt && { echo "src/page.txt:1:1: error: page is broken" >&2; exit 3; }; cp src/page.txt ui/index.html';

    async function watched(options: WatchOptions) {
      const ctx = await setUp();
      await mkdir(path.join(dir, 'src'));
      await writeFile(path.join(dir, 'src/page.txt'), '<p>from source one</p>');
      const install = await loop!.add(dir, options);
      return { ...ctx, install: install! };
    }

    it('runs --build when src/** changes and publishes what it wrote', async () => {
      const { events, next, install } = await watched({ build: COPY_BUILD });
      expect(events.map((e) => e.type)).toEqual(['built', 'reload']);
      expect((events[0] as { message: string }).message).toMatch(/^`grep -q broken src\/page\.txt .*` done in \d+\.\d s$/);
      const reload = next('reload');
      await writeFile(path.join(dir, 'src/page.txt'), '<p>from source two</p>');
      const event = (await reload) as { contentHash: string };
      expect(event.contentHash).not.toBe(install.contentHash);
      expect(t.registry.installOf(TENANT, install.registryId)?.contentHash).toBe(event.contentHash);
      expect(await readFile(path.join(dir, 'ui/index.html'), 'utf8')).toBe('<p>from source two</p>');
      await loop!.idle();
      expect(events.filter((e) => e.type === 'reload')).toHaveLength(2); // the build's own write to ui/ publishes nothing new
    }, 30_000);

    it('keeps the last good bundle and reports the failed command with its output', async () => {
      const { next, install } = await watched({ build: COPY_BUILD });
      const failed = next('build-error');
      await writeFile(path.join(dir, 'src/page.txt'), 'broken');
      expect(await failed).toEqual({
        type: 'build-error',
        registryId: install.registryId,
        dir,
        message: `Failed to build ${dir}: \`${COPY_BUILD}\` (--build) exited with 3:\nsrc/page.txt:1:1: error: page is broken\nFix the error above; the last good bundle keeps serving.`,
      });
      await loop!.idle();
      expect(t.registry.installOf(TENANT, install.registryId)?.contentHash).toBe(install.contentHash);
    }, 30_000);

    it("runs the package.json build script when it is not the scaffold's", async () => {
      await setUp();
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', private: true, scripts: { build: 'echo built-by-script > ui/index.html' } }));
      const events: DevLoopEvent[] = [];
      loop!.close();
      loop = new ExtensionDevLoop({ registry: t.registry, tenantId: TENANT, cacheRoot: path.join(dir, '.cache'), debounceMs: 50, notify: (e) => events.push(e) });
      await loop.add(dir);
      expect(events.map((e) => [e.type, 'message' in e ? e.message.replace(/\d+\.\d s$/, 'N s') : undefined])).toEqual([
        ['built', '`npm run build` done in N s'],
        ['reload', undefined],
      ]);
    }, 30_000);

    it('bundles ui-src/main.ts for the scaffold layout and reports an esbuild error with its file, line and column', async () => {
      const { next, events } = await setUp();
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', private: true, scripts: { build: 'alga-emulator build .' } }));
      await mkdir(path.join(dir, 'ui-src'));
      await writeFile(path.join(dir, 'ui-src/main.ts'), 'document.title = "one";\n');
      const install = (await loop!.add(dir))!;
      expect(events.map((e) => e.type)).toEqual(['built', 'reload']);
      expect((events[0] as { message: string }).message).toMatch(/^built ui\/app\.js in \d+\.\d s$/);
      const failed = next('build-error');
      await writeFile(path.join(dir, 'ui-src/main.ts'), 'const ok = 1;\nconst title: string = ;\n');
      expect(await failed).toEqual({
        type: 'build-error',
        registryId: install.registryId,
        dir,
        message: `Failed to bundle ${path.join(dir, 'ui-src/main.ts')}: ${path.join(dir, 'ui-src/main.ts')}:2:23: Unexpected ";". Fix the error above and rebuild.`,
      });
      await loop!.idle();
      expect(t.registry.installOf(TENANT, install.registryId)?.contentHash).toBe(install.contentHash);
    }, 30_000);

    it('reports a handler syntax error with its file, line and column before componentize runs', async () => {
      const { events } = await setUp();
      await mkdir(path.join(dir, 'src'));
      await writeFile(path.join(dir, 'src/handler.ts'), 'export function handler() {\n  return {;\n}\n');
      expect(await loop!.add(dir)).toBeUndefined();
      expect(events).toEqual([{
        type: 'build-error',
        registryId: undefined,
        dir,
        message: `Failed to bundle ${path.join(dir, 'src/handler.ts')}: ${path.join(dir, 'src/handler.ts')}:2:11: Expected identifier but found ";". Fix the TypeScript/JavaScript error above and rebuild.`,
      }]);
    });
  });
});
