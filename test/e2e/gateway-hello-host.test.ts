// The Gateway on a real emulator: the hello-host sample's component runs through /api/ext with a
// dev bearer token and through /api/ext-proxy with a shell session cookie.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packExtension } from '../../emulator/bundles/pack.ts';
import { SESSION_COOKIE } from '../../emulator/gateway/sessions.ts';
import { startEmulator, type RunningEmulator } from '../../emulator/host/start-emulator.ts';
import { seededUserId } from '../../emulator/registry/identity.ts';
import type { InstallView } from '../../emulator/registry/registry.ts';
import { HELLO_HOST_DIR } from '../../harness/runner-fixture.ts';

let emu: RunningEmulator | undefined;
let dataDir = '';
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<{ e: RunningEmulator; install: InstallView; adminToken: string }> {
  dataDir = await mkdtemp(join(tmpdir(), 'gateway-e2e-'));
  const e = await startEmulator({ env, settings: { dataDir, port: 0, runnerPort: 0, apiKey: 'k' } });
  emu = e;
  const packed = await packExtension(HELLO_HOST_DIR);
  const published = await e.registry.publishBytes(packed.bytes);
  await e.registry.install(e.seed.defaultTenantId, published.extension.id, published.version.version);
  const install = e.registry.installOf(e.seed.defaultTenantId, published.extension.id) as InstallView;
  const adminToken = e.sessions.devTokens(e.seed.defaultTenantId).find((d) => d.role === 'msp-admin')?.token ?? '';
  return { e, install, adminToken };
}

describe('Gateway → Runner → hello-host', () => {
  it('runs POST /counter through /api/ext with a bearer token and through /api/ext-proxy with a session cookie', async () => {
    const { e, install, adminToken } = await start();
    const direct = await fetch(`${e.urls.main}/api/ext/${install.registryId}/counter`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'x-request-id': 'e2e-1' } });
    expect(direct.status).toBe(200);
    expect(direct.headers.get('x-request-id')).toBe('e2e-1');
    expect(direct.headers.get('content-type')).toBe('application/json');
    expect(await direct.json()).toEqual({ count: 1, revision: '1' });

    const session = e.sessions.signIn(seededUserId(e.seed.defaultTenantId, 'msp-admin'));
    const proxied = await fetch(`${e.urls.main}/api/ext-proxy/alga-emulator.hello-host/counter`, { method: 'POST', headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    expect(proxied.status).toBe(200);
    expect(await proxied.json()).toEqual({ count: 2, revision: '2' });

    const rows = e.registry.executionLog({ tenantId: install.tenantId, registryId: install.registryId });
    expect(rows.map((r) => [r.status, r.metrics?.endpoint_template, r.metrics?.http_status])).toEqual([['ok', '/counter', 200], ['ok', '/counter', 200]]);
  }, 120_000);

  it('gives the guest the envelope context, user and sealed secrets, and refuses what policy forbids', async () => {
    const { e, install, adminToken } = await start();
    const admin = { authorization: `Bearer ${adminToken}` };
    const context = await fetch(`${e.urls.main}/api/ext/alga-emulator.hello-host/context?x=1&x=2`, { headers: { ...admin, 'x-request-id': 'ctx-1' } });
    expect(await context.json()).toMatchObject({
      context: { requestId: 'ctx-1', tenantId: install.tenantId, extensionId: install.registryId, installId: install.installId, versionId: install.versionId },
      url: '/context?x=2',
    });
    const session = e.sessions.signIn(seededUserId(e.seed.defaultTenantId, 'msp-admin'));
    const user = await fetch(`${e.urls.main}/api/ext-proxy/${install.installId}/user`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    expect(await user.json()).toMatchObject({ user: { userEmail: 'admin@emulator.test', userName: 'Morgan Admin', userType: 'internal', tenantId: install.tenantId } });

    e.registry.setSecrets(install.tenantId, install.registryId, { api_token: 'tok-via-gateway' });
    const secret = await fetch(`${e.urls.main}/api/ext/alga-emulator.hello-host/secret/api_token`, { headers: admin });
    expect(await secret.json()).toEqual({ key: 'api_token', value: 'tok-via-gateway', keys: ['api_token'] });
    expect(JSON.stringify(e.registry.executionLog({ tenantId: install.tenantId }))).not.toContain('tok-via-gateway');

    const tech = e.sessions.devTokens(e.seed.defaultTenantId).find((d) => d.role === 'msp-user')?.token;
    const forbidden = await fetch(`${e.urls.main}/api/ext/alga-emulator.hello-host/context`, { headers: { authorization: `Bearer ${tech}` } });
    expect([forbidden.status, await forbidden.json()]).toEqual([403, { error: 'forbidden' }]);
    const anonymous = await fetch(`${e.urls.main}/api/ext/alga-emulator.hello-host/context`);
    expect([anonymous.status, await anonymous.json()]).toEqual([401, { error: 'unauthenticated' }]);
  }, 120_000);

  it('warns about an undeclared endpoint in advisory mode and refuses it in strict mode', async () => {
    const advisory = await start();
    const res = await fetch(`${advisory.e.urls.main}/api/ext/alga-emulator.hello-host/nope/42`, { headers: { authorization: `Bearer ${advisory.adminToken}`, 'x-request-id': 'adv-e2e' } });
    expect([res.status, await res.json()]).toEqual([404, { error: 'not_found', path: '/nope/42' }]);
    const warnings = advisory.e.runner.debugEvents.recent({ request_id: 'adv-e2e' }).filter((ev) => ev.level === 'warn');
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('Add {"method":"GET","path":"/nope/:id","handler":"dist/main.wasm"} to manifest.json api.endpoints')]);
    await emu?.close();
    await rm(dataDir, { recursive: true, force: true });

    const strict = await start({ EXT_GATEWAY_ENDPOINT_MODE: 'strict' });
    const refused = await fetch(`${strict.e.urls.main}/api/ext/alga-emulator.hello-host/nope/42`, { headers: { authorization: `Bearer ${strict.adminToken}` } });
    expect([refused.status, await refused.json()]).toEqual([404, { error: 'endpoint_not_found' }]);
  }, 120_000);
});
