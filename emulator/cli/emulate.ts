// `npm run emulate`: builds the samples (cached), starts the Runner with them in its bundle
// store, and prints a working curl per sample. The Gateway, registry and shell come later.
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildComponent } from '../build/build-component.ts';
import { projectGuests } from '../build/samples.ts';
import { packExtension } from '../bundles/pack.ts';
import { bundleStoreKey } from '../bundles/store.ts';
import { loadRunnerConfig } from '../runner/config.ts';
import { exitWithError, serveRunner, stopOnSignals } from './serve-runner.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The emulator's default tenant (ALGA_TENANT_ID overrides it). */
const TENANT = process.env.ALGA_TENANT_ID ?? '00000000-0000-4000-8000-000000000001';
const SAMPLE_ROUTES: Record<string, { method: string; path: string; providers: string[] }> = {
  'hello-host': { method: 'POST', path: '/counter', providers: ['cap:storage.kv'] },
};

/** A stable UUID-shaped registry id derived from the slug, so curls survive restarts. */
function registryIdFor(slug: string): string {
  const hex = createHash('sha256').update(`alga-emulator:${slug}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

try {
  const config = loadRunnerConfig(process.env);
  for (const { name, build } of await projectGuests(ROOT)) {
    if (!name.startsWith('sample-extensions/')) continue;
    const result = await buildComponent(build);
    console.log(`${name}: ${result.cached ? 'component up to date' : `component built in ${(result.ms / 1000).toFixed(1)} s`}`);
  }
  const served = await serveRunner(config, () => undefined);
  stopOnSignals(served.close);
  console.log(`\nRunner listening on ${served.url}  (data in ${config.dataDir}; Ctrl-C stops)\n`);
  for (const [sample, route] of Object.entries(SAMPLE_ROUTES)) {
    const dir = join(ROOT, 'sample-extensions', sample);
    const packed = await packExtension(dir);
    const id = registryIdFor(`alga-emulator.${basename(dir)}`);
    await served.runner.store.put(bundleStoreKey(TENANT, id, packed.contentHash), packed.bytes);
    const body = JSON.stringify({
      context: { tenant_id: TENANT, extension_id: id, install_id: `${id.slice(0, 8)}-install`, content_hash: packed.contentHash },
      http: { method: route.method, path: route.path },
      providers: route.providers,
    });
    console.log(`${sample} (${packed.contentHash})`);
    console.log(`  curl -s ${served.url}/v1/execute -H 'content-type: application/json' \\`);
    console.log(`    -H 'x-alga-tenant: ${TENANT}' -H 'x-alga-extension: ${id}' \\`);
    console.log(`    -d '${body}'`);
    console.log(`  (the answer's body_b64 is base64: append | node -e "process.stdin.on('data',d=>console.log(Buffer.from(JSON.parse(d).body_b64,'base64').toString()))")\n`);
  }
} catch (err) {
  exitWithError(err);
}
