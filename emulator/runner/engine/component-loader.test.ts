// ComponentLoader's start-up repair of the transpile cache (loading itself is covered end to end).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processOwner } from '../../bundles/leftovers.ts';
import { deadOwner, listTree, tempDirs, writeTree } from '../../bundles/test-support.ts';
import { ComponentLoader } from './component-loader.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

describe('ComponentLoader.removeInterruptedTranspiles', () => {
  it('removes the transpile and host-types temps of processes that are gone, keeps finished entries and live work', async () => {
    const cacheRoot = await temp.make('component-cache-');
    const dead = deadOwner();
    const live = processOwner();
    await writeTree(cacheRoot, {
      [`transpiled/v1/sha256-aa.tmp-${dead}-k3j2h1/input.wasm`]: 'killed mid-transpile',
      'transpiled/v1/sha256-bb.tmp-4242-zz9x8w/glue.js': 'written before owners were named',
      [`transpiled/v1/sha256-cc.tmp-${live}-q1w2e3/input.wasm`]: 'a transpile in flight',
      'transpiled/v1/sha256-dd/glue.js': 'finished',
      [`host-types/0123abcd.json.${dead}.tmp`]: '{}',
      'host-types/0123abcd.json': '{}',
    });
    const loader = new ComponentLoader({ cacheRoot, witPath: path.join(cacheRoot, 'unused.wit') });
    expect(await loader.removeInterruptedTranspiles()).toEqual([
      `host-types/0123abcd.json.${dead}.tmp`,
      `transpiled/v1/sha256-aa.tmp-${dead}-k3j2h1`,
      'transpiled/v1/sha256-bb.tmp-4242-zz9x8w',
    ]);
    expect(await listTree(cacheRoot)).toEqual([
      'host-types/',
      'host-types/0123abcd.json',
      'transpiled/',
      'transpiled/v1/',
      `transpiled/v1/sha256-cc.tmp-${live}-q1w2e3/`,
      `transpiled/v1/sha256-cc.tmp-${live}-q1w2e3/input.wasm`,
      'transpiled/v1/sha256-dd/',
      'transpiled/v1/sha256-dd/glue.js',
    ]);
  });

  it('finds nothing in a cache that was never used', async () => {
    const cacheRoot = path.join(await temp.make('component-cache-'), 'missing');
    expect(await new ComponentLoader({ cacheRoot, witPath: 'unused.wit' }).removeInterruptedTranspiles()).toEqual([]);
  });
});
