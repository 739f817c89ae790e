// hello-ui's handler written only with the public harness: a unit-level test on a bare Runner
// (RunnerFixture), and a contract test through the real Gateway (useEmulator). The UI in the
// shell is tested in hello-ui.ui.spec.ts (Playwright).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerFixture, executeBody, type InstallResult } from '../../../harness/index.ts';
import { useEmulator } from '../../../harness/vitest.ts';
import '../../../harness/matchers.ts';

const HELLO_UI_DIR = fileURLToPath(new URL('..', import.meta.url));
const EXT = '77777777-7777-4777-8777-777777777777';
const USER = { user_id: 'u-1', user_email: 'robin@emulator.test', user_name: 'Robin Client', user_type: 'client', client_name: 'Acme Client Co', client_id: 'c-1' };
let fx: RunnerFixture;
let hash: string;

beforeAll(async () => {
  fx = await RunnerFixture.start();
  hash = await fx.install(HELLO_UI_DIR, EXT);
});
afterAll(() => fx.close());

describe('hello-ui handler', () => {
  it('GET /greeting greets the user the Gateway put in the envelope', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/greeting', { user: USER }));
    expect(res.envelope.status).toBe(200);
    expect(res.json()).toEqual({ message: 'Hello, Robin Client!', userType: 'client', tenant: 'tenant-1' });
  });

  it('GET /greeting without a user greets anonymously', async () => {
    expect((await fx.execute(executeBody(EXT, hash, 'GET', '/greeting'))).json()).toEqual({ message: 'Hello, there!', userType: 'unknown', tenant: 'tenant-1' });
  });

  it('POST /visits counts with storage and needs the storage grant', async () => {
    const grant = { providers: ['cap:storage.kv'] };
    const counts = [];
    for (let i = 0; i < 2; i++) counts.push((await fx.execute(executeBody(EXT, hash, 'POST', '/visits', grant))).json());
    expect(counts).toEqual([{ visits: 1 }, { visits: 2 }]);
    const denied = await fx.execute(executeBody(EXT, hash, 'POST', '/visits'));
    expect(denied.envelope.error).toMatch(/^execute_failed: /);
  });

  it('answers 404 for a route it does not have', async () => {
    const res = await fx.execute(executeBody(EXT, hash, 'DELETE', '/visits'));
    expect([res.envelope.status, res.json()]).toEqual([404, { error: 'not_found', route: 'DELETE /visits' }]);
  });
});

describe('hello-ui through the Gateway', () => {
  let ext: InstallResult;
  const emu = useEmulator({
    env: { EXT_GATEWAY_RATE_LIMIT: 'off' },
    setup: async (e) => {
      ext = await e.install(HELLO_UI_DIR);
    },
  });

  it('greets the signed-in MSP admin by the name the Gateway puts in the envelope', async () => {
    const res = await emu.invoke(ext, { path: '/greeting', route: 'ext-proxy' });
    expect([res.status, res.json()]).toEqual([200, { message: 'Hello, Morgan Admin!', userType: 'internal', tenant: ext.tenantId }]);
    expect(res).toHaveCalledCapability('user-v2.getUser');
  });

  it('counts visits per install, from 1 in every test', async () => {
    const first = await emu.invoke(ext, { method: 'POST', path: '/visits' });
    const second = await emu.invoke(ext, { method: 'POST', path: '/visits' });
    expect([first.json(), second.json()]).toEqual([{ visits: 1 }, { visits: 2 }]);
    expect(second).toHaveCalledCapability('storage.put', { namespace: 'hello-ui' });
    expect(emu.ledger).toStayWithinGrants();
  });

  it('greets a client-portal user: hello-ui has a clientPortalMenu label, so the Gateway lets clients call it', async () => {
    const res = await emu.invoke(ext, { path: '/greeting', as: 'client', route: 'ext-proxy' });
    expect([res.status, res.json()]).toEqual([200, { message: 'Hello, Robin Client!', userType: 'client', tenant: ext.tenantId }]);
  });

  it('refuses an MSP user without extension permissions, as production does', async () => {
    const res = await emu.invoke(ext, { path: '/greeting', as: 'msp-user' });
    expect([res.status, res.json(), res.hostCalls]).toEqual([403, { error: 'forbidden' }, []]);
  });
});
