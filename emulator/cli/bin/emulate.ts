// `npm run emulate`: starts the platform (Runner, Gateway, publish API, shell), publishes and
// installs the bundled samples when asked (`--samples`), watches the author's `--ext` folders,
// and prints the URLs, dev identities and working curls. It builds nothing of this package: the
// samples are prebuilt (in the installed package, or by `npm run build:samples` in a checkout).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EmulatorError } from '../../errors.ts';
import { packExtension } from '../../bundles/pack.ts';
import type { DevLoopEvent } from '../../host/dev-loop.ts';
import { startEmulator, type RunningEmulator } from '../../host/start-emulator.ts';
import { loadEmulatorSettings } from '../../host/settings.ts';
import type { InstallView } from '../../registry/registry.ts';
import { runCli } from '../commands/main.ts';
import { EMULATE_USAGE, printHeader, printInstall } from '../emulate-output.ts';
import { exitWithError, stopOnSignals } from '../serve-runner.ts';
import { setRunningFlagsLater } from '../server-env.ts';

/** The samples beside this code: `sample-extensions/` of a checkout, `dist/sample-extensions/` of the package. */
const SAMPLES_DIR = fileURLToPath(new URL('../../../sample-extensions/', import.meta.url));

/** Refuses before anything starts when a sample with endpoints has no component (a checkout not built yet). */
async function requireBuiltSamples(): Promise<void> {
  for (const sample of (await readdir(SAMPLES_DIR)).sort()) {
    const manifestText = await readFile(join(SAMPLES_DIR, sample, 'manifest.json'), 'utf8').catch(() => undefined);
    if (manifestText === undefined) continue;
    const endpoints = (JSON.parse(manifestText) as { api?: { endpoints?: unknown[] } }).api?.endpoints ?? [];
    if (endpoints.length > 0 && !existsSync(join(SAMPLES_DIR, sample, 'dist/main.wasm'))) {
      throw new EmulatorError('COMPONENT_NOT_BUILT', `Failed to install the sample ${sample}: ${join(SAMPLES_DIR, sample, 'dist/main.wasm')} is missing. Fix: run npm run build:samples in the emulator's checkout (an installed package ships the samples built).`);
    }
  }
}

/** Every sample folder with a manifest, published as a new bundle of its version when it changed, then installed. */
async function installSamples(emu: RunningEmulator): Promise<{ sample: string; install: InstallView }[]> {
  const dir = SAMPLES_DIR;
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

function parseEmulateArgs(args: string[]): { ext?: string[]; build?: string; fresh?: boolean; samples?: boolean; help?: boolean } {
  try {
    return parseArgs({ args, options: { ext: { type: 'string', multiple: true }, build: { type: 'string' }, fresh: { type: 'boolean' }, samples: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values;
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
  if (values.samples) await requireBuiltSamples();
  if (values.fresh) await emptyDataFolder();
  const emu = await startEmulator({ warn: (message) => console.warn(`warning: ${message}`) });
  stopOnSignals(emu.close);
  const installed = values.samples ? await installSamples(emu) : [];
  printHeader(emu);
  for (const { sample, install } of installed) printInstall(emu, sample, install);
  for (const folder of values.ext ?? []) {
    const install = await emu.watch(folder, reportDevLoop, { build: values.build });
    if (install) printInstall(emu, `${folder} (watched)`, install);
  }
  setRunningFlagsLater(process.env);
} catch (err) {
  exitWithError(err);
}
