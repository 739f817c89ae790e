// Runs a real emulator for the browser tests (started by global-setup.ts as a child process, so
// the emulator runs under tsx like `npm run emulate`): ephemeral ports, a temp data folder, the
// fixture extensions installed. Prints one `EMULATOR_READY {json}` line; SIGTERM stops it.
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildComponent } from '../../../emulator/toolchain/build-component.ts';
import { buildUi } from '../../../emulator/toolchain/build-ui.ts';
import { projectGuests, projectUis } from '../../../emulator/toolchain/samples.ts';
import { packEntries, packExtension, type PackEntry } from '../../../emulator/bundles/pack.ts';
import { startEmulator } from '../../../emulator/host/start-emulator.ts';
import { seededUserId } from '../../../emulator/registry/identity.ts';
import type { BrowserTestInfo } from './info.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const HANDWRITTEN = join(ROOT, 'test/fixtures/extensions/ui-only-handwritten');
const HELLO_HOST = join(ROOT, 'sample-extensions/hello-host');
/** The sample whose UI is written with @alga-psa/extension-iframe-sdk. */
const HELLO_UI = join(ROOT, 'sample-extensions/hello-ui');

async function files(dir: string, prefix: string): Promise<PackEntry[]> {
  const out: PackEntry[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out.push({ path: `${prefix}${relative(dir, full).split('\\').join('/')}`, data: new Uint8Array(await readFile(full)) });
  }
  return out;
}

async function helloHostWasm(): Promise<Uint8Array> {
  const wasm = join(HELLO_HOST, 'dist/main.wasm');
  if (!existsSync(wasm)) {
    const guest = (await projectGuests(ROOT)).find((g) => g.name === 'sample-extensions/hello-host');
    if (guest) await buildComponent(guest.build);
  }
  return new Uint8Array(await readFile(wasm));
}

const dataDir = await mkdtemp(join(tmpdir(), 'browser-tests-'));
// Strict endpoint matching, as production: an undeclared route is 404 endpoint_not_found.
const emu = await startEmulator({
  env: {},
  settings: { dataDir, port: 0, runnerPort: 0, apiKey: 'browser-test-key', endpointMode: 'strict' },
  warn: (m) => console.error(`warning: ${m}`),
});
const tenant = emu.seed.defaultTenantId;
const ui = await files(join(HANDWRITTEN, 'ui'), 'ui/');
const handwrittenManifest = JSON.parse(await readFile(join(HANDWRITTEN, 'manifest.json'), 'utf8')) as Record<string, unknown>;

async function install(manifest: Record<string, unknown>, extra: PackEntry[] = []): Promise<string> {
  const text = JSON.stringify(manifest);
  const packed = await packEntries([{ path: 'manifest.json', data: new TextEncoder().encode(text) }, ...ui, ...extra]);
  const published = await emu.registry.publishBytes(packed.bytes);
  await emu.registry.install(tenant, published.extension.id, published.version.version);
  return published.extension.id;
}

const handwritten = await install(handwrittenManifest);
const clientOnly = await install({
  ...handwrittenManifest,
  name: 'ui-client-portal',
  ui: { type: 'iframe', entry: 'index.html', hooks: { clientPortalMenu: { label: 'Client portal fixture' } } },
});
const helloManifest = JSON.parse(await readFile(join(HELLO_HOST, 'manifest.json'), 'utf8')) as Record<string, unknown>;
const helloHost = await install(
  { ...helloManifest, name: 'hello-host-ui', ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: 'Hello host UI' } } } },
  [{ path: 'dist/main.wasm', data: await helloHostWasm() }],
);

/** hello-ui built (cached) and installed as published; null when the sample is absent. */
async function installSdkSample(): Promise<string | null> {
  if (!existsSync(join(HELLO_UI, 'manifest.json'))) return null;
  for (const { name, build } of await projectGuests(ROOT)) if (name === 'sample-extensions/hello-ui') await buildComponent(build);
  for (const { name, build } of projectUis(ROOT)) if (name.startsWith('sample-extensions/hello-ui')) await buildUi(build);
  const published = await emu.registry.publishBytes((await packExtension(HELLO_UI)).bytes);
  await emu.registry.install(tenant, published.extension.id, published.version.version);
  return published.extension.id;
}
const helloUi = await installSdkSample();
const helloIframe = await (async () => {
  const published = await emu.registry.publishBytes((await packExtension(join(ROOT, 'sample-extensions/hello-iframe'))).bytes);
  await emu.registry.install(tenant, published.extension.id, published.version.version);
  return published.extension.id;
})();

/** A copy of the handwritten fixture the emulator watches, as `npm run emulate -- --ext <dir>` does. */
async function watchedCopy(): Promise<{ dir: string; registryId: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'browser-watch-'));
  await cp(join(HANDWRITTEN, 'ui'), join(dir, 'ui'), { recursive: true });
  const manifest = { ...handwrittenManifest, name: 'ui-watched', ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: 'Watched UI' } } } };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const install = await emu.watch(dir);
  if (!install) throw new Error('the watched fixture did not publish');
  return { dir, registryId: install.registryId };
}
const watched = await watchedCopy();

// PSA data for the PSA data view: a manual invoice in the default tenant (through the store the
// invoicing capability writes), a schedule on hello-host (yearly, so it never fires during a run),
// and one more client in the second tenant so the tenant switch shows different data.
const psaIds = { acme: 'c0000000-0000-4000-8000-000000000001', workstation: '5e000000-0000-4000-8000-000000000001', monitor: '5e000000-0000-4000-8000-000000000011' };
const invoice = emu.runner.psa.createManualInvoice(tenant, {
  clientId: psaIds.acme,
  poNumber: 'PO-1001',
  items: [
    { serviceId: psaIds.workstation, quantity: 3, description: 'Managed Workstation', rate: 4500 },
    { serviceId: psaIds.monitor, quantity: 2, description: '24" Monitor', rate: 21900 },
  ],
}, { today: '2025-03-04', newId: randomUUID });
if (!invoice.success) throw new Error(`the PSA invoice fixture failed: ${invoice.error}`);
const helloHostInstall = emu.registry.installOf(tenant, helloHost);
if (!helloHostInstall) throw new Error('hello-host-ui is not installed');
emu.registry.createSchedule(helloHostInstall.installId, { name: 'yearly-context', cron: '0 0 1 1 *', method: 'GET', path: '/context' });
emu.runner.psa.loadFixture(emu.seed.secondTenantId, { clients: [{ clientId: 'c2000000-0000-4000-8000-000000000001', clientName: 'Second Tenant Dental', defaultCurrencyCode: 'EUR' }] }, 'extend');

const info: BrowserTestInfo = {
  main: emu.urls.main,
  runner: emu.urls.runner,
  dataDir,
  defaultTenantId: tenant,
  secondTenantId: emu.seed.secondTenantId,
  users: {
    admin: seededUserId(tenant, 'msp-admin'),
    tech: seededUserId(tenant, 'msp-user'),
    client: seededUserId(tenant, 'client-user'),
    secondAdmin: seededUserId(emu.seed.secondTenantId, 'msp-admin'),
  },
  secondTenantApiKey: emu.registry.identity.apiKeys(emu.seed.secondTenantId).find((k) => k.user_id === seededUserId(emu.seed.secondTenantId, 'msp-admin'))?.key ?? '',
  extensions: { handwritten, clientOnly, helloHost, helloUi, helloIframe, watched: watched.registryId },
  watchDir: watched.dir,
};
console.log(`EMULATOR_READY ${JSON.stringify(info)}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await emu.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(watched.dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
