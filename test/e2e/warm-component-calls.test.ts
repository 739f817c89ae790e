// A long-running emulator's steady state: once a component has answered 1000 calls, the main thread
// takes a lone call's host calls and result itself (RUNNER_MAIN_SPIN_MS, engine/worker-pool.ts).
// Answers, the capability ledger and a host call answered later (fetch) must stay exactly as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type TestEmulator } from '../../harness/index.ts';
import { MAIN_SPIN_AFTER_CALLS } from '../../emulator/runner/engine/worker-pool.ts';

describe(`hello-host after ${MAIN_SPIN_AFTER_CALLS} calls`, () => {
  let emu: TestEmulator;
  let ext: InstallResult;

  beforeAll(async () => {
    // Production's rate limit would refuse most of these calls; it is not what this file checks.
    emu = await createEmulator({ env: { EXT_GATEWAY_RATE_LIMIT: 'off' } });
    ext = await emu.install('hello-host');
  }, 120_000);
  afterAll(async () => {
    await emu.close();
  });

  it('counts every call exactly, with the same three host calls each, past the point where the main thread spins', async () => {
    const total = MAIN_SPIN_AFTER_CALLS + 200;
    const wrong: string[] = [];
    for (let n = 1; n <= total; n++) {
      const res = await emu.invoke(ext, { method: 'POST', path: '/counter' });
      const answer = JSON.stringify([res.status, res.json()]);
      if (answer !== JSON.stringify([200, { count: n, revision: String(n) }])) wrong.push(`call ${n}: ${answer}`);
      const calls = res.hostCalls.map((c) => `${c.function} ${c.outcome}`).join(', ');
      if (calls !== 'logInfo ok, get ' + (n === 1 ? 'err' : 'ok') + ', put ok') wrong.push(`call ${n} host calls: ${calls}`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('still answers a host call that settles later (fetch to a host not allowed) through the event loop', async () => {
    const res = await emu.invoke(ext, { path: '/fetch', query: { url: 'https://example.invalid/x' } });
    expect([res.status, res.json()]).toEqual([502, { error: 'not-allowed' }]);
    expect(res.hostCalls.map((c) => `${c.function} ${c.outcome}`)).toEqual(['logInfo ok', 'fetch err', 'logWarn ok']);
  });
});
