// `npm run emulate`: builds the samples (cached), starts the platform (Runner, Gateway, publish
// API, shell), publishes and installs every sample through the registry (signed in dev mode),
// watches the author's `--ext` folders, and prints the URLs, dev identities and working curls.
import { homedir } from 'node:os';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildComponent } from '../../toolchain/build-component.ts';
import { buildUi } from '../../toolchain/build-ui.ts';
import { projectGuests, projectUis } from '../../toolchain/samples.ts';
import { packExtension } from '../../bundles/pack.ts';
import type { DevLoopEvent } from '../../host/dev-loop.ts';
import { startEmulator, type RunningEmulator } from '../../host/start-emulator.ts';
import { loadEmulatorSettings } from '../../host/settings.ts';
import type { InstallView } from '../../registry/registry.ts';
import { runCli } from '../commands/main.ts';
import { EMULATE_USAGE, printHeader, printInstall } from '../emulate-output.ts';
import { exitWithError, stopOnSignals } from '../serve-runner.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

async function buildSamples(): Promise<void> {
  for (const { name, build } of await projectGuests(ROOT)) {
    if (!name.startsWith('sample-extensions/')) continue;
    const result = await buildComponent(build);
    console.log(`${name}: ${result.cached ? 'component up to date' : `component built in ${(result.ms / 1000).toFixed(1)} s`}`);
  }
  for (const { name, build } of projectUis(ROOT)) {
    const result = await buildUi(build);
    console.log(`${name}: ${result.changed ? 'built' : 'up to date'}`);
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

/** `--fresh`: the same removal as `alga-emulator reset`, which says what it removed. */
async function emptyDataFolder(): Promise<void> {
  const { dataDir } = loadEmulatorSettings(process.env);
  const io = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };
  const code = await runCli(['reset', '--data-dir', dataDir], io, { env: process.env, cwd: process.cwd(), home: homedir(), now: () => performance.now() });
  if (code !== 0) process.exit(code);
}

/** The terminal's half of a rebuild report (the emulator tells the shell). */
function reportDevLoop(event: DevLoopEvent): void {
  if (event.type === 'reload') console.log(`${event.dir}: published ${event.contentHash}${event.builtFrom ? ' (its component now answers instead of the fast path)' : ''}; open iframes reload`);
  else if (event.type === 'built' || event.type === 'fast-path' || (event.type === 'verdict' && event.ok)) console.log(`${event.dir}: ${event.message}`);
  else console.error(`${event.dir}: ${event.message}`);
}

function parseEmulateArgs(args: string[]): { ext?: string[]; build?: string; fresh?: boolean; help?: boolean } {
  try {
    return parseArgs({ args, options: { ext: { type: 'string', multiple: true }, build: { type: 'string' }, fresh: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (err) {
    console.error(`error USAGE: ${(err as Error).message}\n\n${EMULATE_USAGE}`);
    process.exit(2);
  }
}

try {
  const values = parseEmulateArgs(process.argv.slice(2));
  if (values.help) {
    console.log(EMULATE_USAGE);
    process.exit(0);
  }
  if (values.fresh) await emptyDataFolder();
  await buildSamples();
  const emu = await startEmulator({ warn: (message) => console.warn(`warning: ${message}`) });
  stopOnSignals(emu.close);
  const installed = await installSamples(emu);
  printHeader(emu);
  for (const { sample, install } of installed) printInstall(emu, sample, install);
  for (const folder of values.ext ?? []) {
    const install = await emu.watch(folder, reportDevLoop, { build: values.build });
    if (install) printInstall(emu, `${folder} (watched)`, install);
  }
} catch (err) {
  exitWithError(err);
}
