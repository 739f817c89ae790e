import { describe, expect, it } from 'vitest';
import { plainJsAssets } from './build-package.ts';

describe('plainJsAssets', () => {
  it('should list the plain JavaScript the compiled code loads beside itself, not the tsx bin wrapper or browser code', async () => {
    const assets = await plainJsAssets();
    expect(assets).toEqual(expect.arrayContaining(['emulator/bundles/archive-worker.js', 'emulator/runner/engine/guest-worker.js', 'emulator/runner/engine/transpile-child.js']));
    expect(assets.filter((rel) => rel === 'emulator/cli/bin/alga-emulator.js' || rel.startsWith('emulator/shell/') || rel.startsWith('emulator/scaffold/template/'))).toEqual([]);
  });
});
