// `npm run emulate`: builds the samples (cached), starts the Runner and the main port (publish
// API), publishes and installs every sample through the registry (signed in dev mode), and prints
// the URLs, the dev identities with their bearer tokens and a working curl per sample (through
// the Gateway, and straight at the Runner).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildComponent } from '../build/build-component.ts';
import { projectGuests } from '../build/samples.ts';
import { packExtension } from '../bundles/pack.ts';
import { startEmulator, type RunningEmulator } from '../host/emulator.ts';
import type { InstallView } from '../registry/registry.ts';
import { exitWithError, stopOnSignals } from './serve-runner.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The route each sample's printed curl calls (first declared endpoint otherwise). */
const PREFERRED_ROUTES: Record<string, { method: string; path: string }> = {
  'hello-host': { method: 'POST', path: '/counter' },
};

async function buildSamples(): Promise<void> {
  for (const { name, build } of await projectGuests(ROOT)) {
    if (!name.startsWith('sample-extensions/')) continue;
    const result = await buildComponent(build);
    console.log(`${name}: ${result.cached ? 'component up to date' : `component built in ${(result.ms / 1000).toFixed(1)} s`}`);
  }
}

/** Every sample folder with a manifest, published as a new bundle of its version when it changed, then installed. */
async function installSamples(emu: RunningEmulator): Promise<{ sample: string; install: InstallView }[]> {
  const dir = join(ROOT, 'sample-extensions');
  const out: { sample: string; install: InstallView }[] = [];
  for (const sample of (await readdir(dir)).sort()) {
    const manifestText = await readFile(join(dir, sample, 'manifest.json'), 'utf8').catch(() => undefined);
    if (manifestText === undefined) continue;
    const packed = await packExtension(join(dir, sample));
    const published = await emu.registry.publishBytes(packed.bytes, { newBundleForExistingVersion: true });
    await emu.registry.install(emu.seed.defaultTenantId, published.extension.id, published.version.version);
    const install = emu.registry.installOf(emu.seed.defaultTenantId, published.extension.id);
    if (install) out.push({ sample, install });
  }
  return out;
}

function printHeader(emu: RunningEmulator): void {
  const { seed, settings, signing } = emu;
  const users = emu.registry.identity.users(seed.defaultTenantId);
  const tokens = new Map(emu.sessions.devTokens(seed.defaultTenantId).map((d) => [d.userId, d.token]));
  console.log(`\nAlga extension emulator (Ctrl-C stops)`);
  console.log(`  main port   ${emu.urls.main}   publish API (/api/ext-bundles/*, /api/v1/extensions/*), Gateway (/api/ext/*, /api/ext-proxy/*)`);
  console.log(`  Runner      ${emu.urls.runner}   /v1/execute, /ext-ui/…, /healthz`);
  console.log(`  data        ${settings.dataDir}`);
  console.log(`  signing     ${signing.mode}${signing.devKey ? ` (unsigned bundles are signed with the dev key ${signing.devKey.keyId})` : ''}`);
  console.log(`  tenant      ${seed.defaultTenantId}   (second tenant ${seed.secondTenantId})`);
  console.log(`  API key     ${seed.devApiKey}`);
  for (const user of users) console.log(`  user        ${user.email}  ${user.role}${user.permissions.length === 0 ? '' : `  [${user.permissions.join(', ')}]`}  dev token ${tokens.get(user.id)}`);
  console.log(`  (call the Gateway as a user with -H 'authorization: Bearer <dev token>'; EMULATOR_DEV_TOKEN fixes the admin's)`);
  console.log(`\nPublish your extension with the official CLI:`);
  console.log(`  npx alga extension publish <dir> --base-url ${emu.urls.main} --api-key ${seed.devApiKey} --tenant ${seed.defaultTenantId}\n`);
}

function printCurl(emu: RunningEmulator, sample: string, install: InstallView): void {
  console.log(`${sample} ${install.version} installed: registry id ${install.registryId}, install ${install.installId}, ${install.contentHash}`);
  const route = PREFERRED_ROUTES[sample] ?? install.endpoints.find((e) => !e.path.includes(':'));
  if (!route) return;
  const admin = emu.sessions.devTokens(install.tenantId).find((d) => d.role === 'msp-admin');
  const method = route.method === 'GET' ? '' : ` -X ${route.method}`;
  console.log(`  curl -s${method} ${emu.urls.main}/api/ext/${install.slug}${route.path} -H 'authorization: Bearer ${admin?.token}'`);
  console.log(`  or straight at the Runner, which answers the execute envelope:`);
  const body = JSON.stringify({
    context: { tenant_id: install.tenantId, extension_id: install.registryId, install_id: install.installId, content_hash: install.contentHash },
    http: { method: route.method, path: route.path },
    providers: install.grantedCaps,
  });
  console.log(`  curl -s ${emu.urls.runner}/v1/execute -H 'content-type: application/json' \\`);
  console.log(`    -H 'x-alga-tenant: ${install.tenantId}' -H 'x-alga-extension: ${install.registryId}' \\`);
  console.log(`    -d '${body}'`);
  console.log(`  (the answer's body_b64 is base64: append | node -e "process.stdin.on('data',d=>console.log(Buffer.from(JSON.parse(d).body_b64,'base64').toString()))")\n`);
}

try {
  await buildSamples();
  const emu = await startEmulator({ warn: (message) => console.warn(`warning: ${message}`) });
  stopOnSignals(emu.close);
  const installed = await installSamples(emu);
  printHeader(emu);
  for (const { sample, install } of installed) printCurl(emu, sample, install);
} catch (err) {
  exitWithError(err);
}
