import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TENANT, openTestRegistry, type TestRegistry } from '../registry/test-support.ts';
import { ExtensionDevLoop, isWatched, type DevLoopEvent } from './dev-loop.ts';

const MANIFEST = { name: 'live-ui', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1', capabilities: [], ui: { type: 'iframe', entry: 'index.html' } };

let t: TestRegistry;
let loop: ExtensionDevLoop | undefined;
let dir = '';
afterEach(() => {
  loop?.close();
  t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function setUp(): Promise<{ events: DevLoopEvent[]; next: () => Promise<DevLoopEvent> }> {
  t = await openTestRegistry();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dev-loop-'));
  await mkdir(path.join(dir, 'ui'));
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(MANIFEST));
  await writeFile(path.join(dir, 'ui/index.html'), '<p>one</p>');
  const events: DevLoopEvent[] = [];
  const waiters: ((e: DevLoopEvent) => void)[] = [];
  loop = new ExtensionDevLoop({
    registry: t.registry,
    tenantId: TENANT,
    cacheRoot: path.join(dir, '.cache'),
    debounceMs: 50,
    notify: (e) => {
      events.push(e);
      waiters.shift()?.(e);
    },
  });
  return { events, next: () => new Promise((resolve) => waiters.push(resolve)) };
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

  it('watches only what goes into a bundle', () => {
    expect(['manifest.json', 'dist/main.wasm', 'ui/index.html', 'ui/a/b.js'].map(isWatched)).toEqual([true, true, true, true]);
    expect(['dist/bundle.tar.zst', 'src/index.ts', 'node_modules/x/y.js', 'README.md'].map(isWatched)).toEqual([false, false, false, false]);
  });
});
