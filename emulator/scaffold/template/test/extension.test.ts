// __EXTENSION_NAME__ through the emulator: the real Gateway, Runner and registry on loopback, with
// the capability ledger. `npm test` builds first (pretest), so dist/main.wasm is current.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type TestEmulator } from 'alga-extension-emulator/harness';
import 'alga-extension-emulator/harness/matchers';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
let emu: TestEmulator;
let ext: InstallResult;

beforeAll(async () => {
  // Strict endpoint mode answers 404 for routes missing from manifest.json, as production does.
  emu = await createEmulator({ env: { EXT_GATEWAY_ENDPOINT_MODE: 'strict' } });
  ext = await emu.install(PROJECT_DIR);
});
afterAll(() => emu?.close());

describe('__EXTENSION_NAME__ handler', () => {
  it('GET /hello greets the calling tenant', async () => {
    const res = await emu.invoke(ext, { path: '/hello' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ message: 'Hello from __EXTENSION_NAME__!', tenant: ext.tenantId });
    expect(res).not.toHaveCalledCapability('storage.get');
  });

  it('POST /notes stores notes that GET /notes lists, in order', async () => {
    const first = await emu.invoke(ext, { method: 'POST', path: '/notes', json: { text: 'first' } });
    expect([first.status, first.json()]).toEqual([201, { note: { id: 1, text: 'first' } }]);
    expect(first).toHaveCalledCapability('storage.put', { namespace: 'notes', key: 'list' });
    await emu.invoke(ext, { method: 'POST', path: '/notes', json: { text: '  second  ' } });

    const list = await emu.invoke(ext, { path: '/notes' });
    expect([list.status, list.json()]).toEqual([200, { notes: [{ id: 1, text: 'first' }, { id: 2, text: 'second' }] }]);
  });

  it('POST /notes without text answers 400 and stores nothing', async () => {
    const res = await emu.invoke(ext, { method: 'POST', path: '/notes', json: { text: ' ' } });
    expect([res.status, res.json()]).toEqual([400, { error: 'text_required', message: 'send a JSON body {"text": "…"} with 1 to 500 characters' }]);
    expect(res).not.toHaveCalledCapability('storage.put');
  });

  it('answers 404 for a route manifest.json does not declare', async () => {
    const res = await emu.invoke(ext, { method: 'DELETE', path: '/notes' });
    expect([res.status, res.json<{ error: string }>().error]).toEqual([404, 'endpoint_not_found']);
  });

  it('makes only host calls its manifest grants', () => {
    expect(emu.ledger).toStayWithinGrants();
    expect(emu.leastPrivilege(ext).denied).toEqual([]);
  });
});
// ui:start

describe('__EXTENSION_NAME__ UI', () => {
  it('reaches the handler through the iframe bridge route', async () => {
    const res = await emu.invoke(ext, { path: '/hello', route: 'ext-proxy' });
    expect([res.status, res.json()]).toEqual([200, { message: 'Hello from __EXTENSION_NAME__!', tenant: ext.tenantId }]);
  });

  it('is served by the Runner with its built script', async () => {
    const res = await fetch(`${emu.urls.runner}/ext-ui/${ext.registryId}/${ext.contentHash}/index.html?tenant=${ext.tenantId}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<script type="module" src="app.js"></script>');
  });
});
// ui:end
