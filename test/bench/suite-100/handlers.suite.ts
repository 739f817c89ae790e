// 100 independent handler tests on one emulator, each starting from the same snapshot.
import { expect, it } from 'vitest';
import type { InstallResult } from '../../../harness/index.ts';
import { useEmulator } from '../../../harness/vitest.ts';

let ext: InstallResult;
const emu = useEmulator({
  env: { EXT_GATEWAY_RATE_LIMIT: 'off' },
  setup: async (e) => {
    ext = await e.install('hello-host');
  },
});

for (let i = 1; i <= 100; i++) {
  it(`counter starts from 1 in test ${i}`, async () => {
    const res = await emu.invoke(ext, { method: 'POST', path: '/counter' });
    expect(res.json()).toEqual({ count: 1, revision: '1' });
  });
}
