import { describe, expect, it } from 'vitest';
import { RunnerFixture } from './runner-fixture.ts';

describe('RunnerFixture', () => {
  it('should keep its data and cache in its temp folder when an override leaves them undefined', async () => {
    const fx = await RunnerFixture.start({ dataDir: undefined, cacheRoot: undefined }, {}, { EMULATOR_DATA_DIR: '' });
    try {
      expect([fx.runner.config.dataDir, fx.runner.config.cacheRoot]).toEqual([fx.dataDir, `${fx.dataDir}/cache`]);
    } finally {
      await fx.close();
    }
  });
});
