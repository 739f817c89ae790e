import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleOf } from '../registry/test-support.ts';
import { openEmulatorData, type EmulatorData } from './start-emulator.ts';

let data: EmulatorData | undefined;
let dataDir = '';
afterEach(async () => {
  await data?.close();
  data = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

describe('archive limits: one setting for finalize and the Runner', () => {
  it('should make finalize read archives under the Runner\'s EXT_BUNDLE_MAX_* limits', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'archive-limits-'));
    data = await openEmulatorData({ env: { EXT_BUNDLE_MAX_ENTRIES: '2' }, settings: { dataDir } });
    expect(data.runnerConfig.archiveLimits.maxEntries).toBe(2);
    await expect(data.registry.publishBytes((await bundleOf()).bytes)).rejects.toMatchObject({
      code: 'BUNDLE_TOO_MANY_ENTRIES',
      status: 400,
      message: 'bundle has more than 2 entries (EXT_BUNDLE_MAX_ENTRIES). Fix: bundle the UI into fewer files, or raise EXT_BUNDLE_MAX_ENTRIES.',
    });
  });
});
