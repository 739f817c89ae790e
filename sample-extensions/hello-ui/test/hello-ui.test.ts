// hello-ui's handler through the real Runner, written only with the public harness. The UI side
// (iframe SDK → shell bridge → Gateway → this handler) is covered by the browser tests.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerFixture, executeBody } from '../../../harness/index.ts';

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
