// The author loop on one long-running emulator: the hello-host component in an `--ext` folder
// whose manifest.json is edited on disk. A new endpoint and a new capability take effect through
// the Gateway; config, secrets and storage set before survive, a restart on the same data folder
// keeps it all, and a dropped capability is taken away.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DevLoopEvent } from '../../emulator/host/dev-loop.ts';
import { startEmulator, type RunningEmulator } from '../../emulator/host/start-emulator.ts';
import { HELLO_HOST_DIR } from '../../harness/runner-fixture.ts';

const BASE_CAPS = ['cap:context.read', 'cap:log.emit', 'cap:storage.kv'];
const COUNTER = { method: 'POST', path: '/counter', handler: 'dist/main.wasm' };
const SECRET = { method: 'GET', path: '/secret/:key', handler: 'dist/main.wasm' };
const manifest = (capabilities: string[], endpoints: object[]) => ({ name: 'manifest-loop', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1', capabilities, api: { endpoints } });

let emu: RunningEmulator | undefined;
const folders: string[] = [];
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  await Promise.all(folders.splice(0).map((f) => rm(f, { recursive: true, force: true })));
});

/** One emulator on `dataDir` watching `extDir`; `edit` writes manifest.json and waits for the dev loop's answer. */
async function startWatching(dataDir: string, extDir: string): Promise<{ e: RunningEmulator; call: (method: string, path: string) => Promise<{ status: number; body: unknown; hint: string | null }>; edit: (m: object) => Promise<DevLoopEvent> }> {
  const e = await startEmulator({ settings: { dataDir, port: 0, runnerPort: 0, apiKey: 'k', endpointMode: 'strict' }, shell: false });
  emu = e;
  const waiters: ((event: DevLoopEvent) => void)[] = [];
  const first = await e.watch(extDir, (event) => waiters.shift()?.(event));
  expect(first).toMatchObject({ slug: 'acme.manifest-loop', version: '1.0.0' });
  const token = e.sessions.devTokens(e.seed.defaultTenantId).find((d) => d.role === 'msp-admin')?.token ?? '';
  return {
    e,
    call: async (method, path) => {
      const res = await fetch(`${e.urls.main}/api/ext/acme.manifest-loop${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: await res.json(), hint: res.headers.get('x-emulator-hint') };
    },
    edit: async (m) => {
      const answered = new Promise<DevLoopEvent>((resolve) => waiters.push(resolve));
      await writeFile(join(extDir, 'manifest.json'), JSON.stringify(m));
      return answered;
    },
  };
}

describe('dev loop: manifest.json edits take effect on a running emulator', () => {
  it('grants an added capability, routes an added endpoint, keeps config, secrets and storage, survives a restart and takes a dropped capability away', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dev-manifest-data-'));
    const extDir = await mkdtemp(join(tmpdir(), 'dev-manifest-ext-'));
    folders.push(dataDir, extDir);
    await mkdir(join(extDir, 'dist'));
    await copyFile(join(HELLO_HOST_DIR, 'dist/main.wasm'), join(extDir, 'dist/main.wasm'));
    await writeFile(join(extDir, 'manifest.json'), JSON.stringify(manifest(BASE_CAPS, [COUNTER])));

    let { e, call, edit } = await startWatching(dataDir, extDir);
    const tenant = e.seed.defaultTenantId;
    expect(await call('POST', '/counter')).toMatchObject({ status: 200, body: { count: 1, revision: '1' } });
    e.registry.setConfig(tenant, 'acme.manifest-loop', { values: { region: 'eu' } });
    e.registry.setSecrets(tenant, 'acme.manifest-loop', { api_token: 'tok-1' });
    expect(await call('GET', '/secret/api_token')).toEqual({
      status: 404,
      body: { error: 'endpoint_not_found' },
      hint: 'GET /secret/api_token is not declared in api.endpoints of acme.manifest-loop 1.0.0: add {"method":"GET","path":"/secret/api_token","handler":"dist/main.wasm"} to manifest.json',
    });

    // The endpoint alone: routed now, but the guest is refused the secret it has no grant for.
    expect(await edit(manifest(BASE_CAPS, [COUNTER, SECRET]))).toMatchObject({ type: 'reload' });
    expect(await call('GET', '/secret/api_token')).toMatchObject({ status: 404, body: { key: 'api_token', error: 'denied' } });

    // The capability too: granted at once, to the same install with its config, secrets and storage.
    expect(await edit(manifest([...BASE_CAPS, 'cap:secrets.get'], [COUNTER, SECRET]))).toMatchObject({ type: 'reload' });
    expect(await call('GET', '/secret/api_token')).toEqual({ status: 200, body: { key: 'api_token', value: 'tok-1', keys: ['api_token'] }, hint: null });
    expect(await call('POST', '/counter')).toMatchObject({ status: 200, body: { count: 2, revision: '2' } });
    const config = e.registry.getConfig(tenant, 'acme.manifest-loop');
    expect([config.config, config.providers]).toEqual([{ region: 'eu' }, ['cap:context.read', 'cap:log.emit', 'cap:storage.kv', 'cap:secrets.get', 'cap:user.read']]);

    // A restart on the same data folder republishes the same folder: everything still holds.
    await e.close();
    ({ e, call, edit } = await startWatching(dataDir, extDir));
    expect(await call('GET', '/secret/api_token')).toEqual({ status: 200, body: { key: 'api_token', value: 'tok-1', keys: ['api_token'] }, hint: null });
    expect(await call('POST', '/counter')).toMatchObject({ status: 200, body: { count: 3, revision: '3' } });
    expect(e.registry.getConfig(tenant, 'acme.manifest-loop').config).toEqual({ region: 'eu' });

    // Dropping the capability takes it away; the endpoint stays routed.
    expect(await edit(manifest(BASE_CAPS, [COUNTER, SECRET]))).toMatchObject({ type: 'reload' });
    expect(await call('GET', '/secret/api_token')).toMatchObject({ status: 404, body: { key: 'api_token', error: 'denied' } });
    expect(e.registry.installOf(tenant, 'acme.manifest-loop')?.grantedCaps).toEqual(BASE_CAPS);
    expect(e.registry.listSecrets(tenant, 'acme.manifest-loop').names).toEqual(['api_token']);
  }, 240_000);
});
