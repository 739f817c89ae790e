// `create`, `build` and `emulate`: the commands of an author's own project (`npm run build`,
// `npm run emulate` in a scaffolded project call them).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProject, planProjectBuild } from '../../toolchain/build-project.ts';
import { createExtensionProject, type CreatedProject } from '../../scaffold/index.ts';
import { EMULATOR_ROOT } from '../../scaffold/scaffold.ts';
import { BIN, flagOption, listOption, stringOption, usageError } from './args.ts';
import { EXIT_OK, formatSeconds, report, shellQuote } from './output.ts';
import type { CommandInput, CommandSpec, Output } from './types.ts';
import { SERVER_PROCESS_ENV, serverNodeFlags } from '../server-env.ts';

async function create(input: CommandInput, io: Output): Promise<number> {
  if (flagOption(input.options, 'ui') && flagOption(input.options, 'no-ui')) throw usageError('pass either --ui or --no-ui, not both.');
  const given = input.args[0] as string;
  const created = await createExtensionProject({
    dir: given,
    cwd: input.ctx.cwd,
    name: stringOption(input.options, 'name'),
    ui: !flagOption(input.options, 'no-ui'),
    force: flagOption(input.options, 'force'),
    emulatorSpec: stringOption(input.options, 'emulator-spec'),
  });
  const linksUnbuiltCheckout = stringOption(input.options, 'emulator-spec') === undefined && checkoutPackageUnbuilt();
  return report(io, input.globals, created, createdLines(created, input.ctx.cwd, linksUnbuiltCheckout));
}

/**
 * Run from a checkout, a project depends on it by `file:` (npm links it), and the linked package's
 * entry points and bin are its compiled `dist/`, which only `npm run build:package` (or `npm pack`)
 * makes. True when that build is missing, so the next steps start with it.
 */
function checkoutPackageUnbuilt(): boolean {
  return !EMULATOR_ROOT.split(/[\\/]/).includes('node_modules') && !existsSync(join(EMULATOR_ROOT, 'dist/emulator/cli/bin/alga-emulator.js'));
}

function createdLines(created: CreatedProject, cwd: string, linksUnbuiltCheckout = false): string[] {
  const kind = created.ui ? 'handler and iframe UI' : 'handler';
  const where = relative(cwd, created.dir) || '.';
  return [
    `created ${created.name} (${kind}) in ${created.dir}:`,
    ...created.files.map((file) => `  ${file}`),
    '',
    'Next:',
    ...(linksUnbuiltCheckout ? [`  npm run --prefix ${shellQuote(EMULATOR_ROOT)} build:package   # once, and after each pull: the project links to this checkout's compiled package`] : []),
    ...(where === '.' ? [] : [`  cd ${shellQuote(where)}`]),
    '  npm install',
    '  npm test          # builds dist/main.wasm (about 15 s the first time), then runs test/extension.test.ts',
    '  npm run emulate   # the emulator with this extension installed; rebuilds when you save src/',
  ];
}

async function build(input: CommandInput, io: Output): Promise<number> {
  const given = input.args[0] ?? '.';
  const plan = await planProjectBuild(resolve(input.ctx.cwd, given), { entry: stringOption(input.options, 'entry'), uiEntry: stringOption(input.options, 'ui-entry') });
  const started = input.ctx.now();
  const result = await buildProject(plan, (step) => io.err(`${step}…`));
  const lines: string[] = [];
  if (result.component) lines.push(result.component.cached ? `${result.component.outFile} is up to date` : `built ${result.component.outFile} in ${formatSeconds(input.ctx.now() - started)}`);
  if (result.ui) lines.push(result.ui.changed ? `built ${result.ui.outFile}` : `${result.ui.outFile} is up to date`);
  if (lines.length === 0) lines.push(`nothing to build in ${given}: no handler entry (src/handler.ts or src/index.ts) and no ui-src/main.ts`);
  return report(io, input.globals, result, lines);
}

/**
 * Where `npm run emulate` lives inside this package: `emulate.ts` in a checkout, the compiled
 * `emulate.js` in an installed package (whichever this module itself is).
 */
export const EMULATE_SCRIPT = fileURLToPath(new URL(`../bin/emulate${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/**
 * The process `emulate` starts: Node running this package's emulate script (with tsx's loader
 * only in a checkout, where it is TypeScript), with the extension folders made absolute, the
 * data folder passed as EMULATOR_DATA_DIR, the servers' Node options and their environment
 * (server-env.ts) as defaults.
 */
export function emulateProcess(input: CommandInput): { args: string[]; env: Record<string, string | undefined> } {
  const exts = listOption(input.options, 'ext').flatMap((ext) => ['--ext', resolve(input.ctx.cwd, ext)]);
  const build = stringOption(input.options, 'build');
  const loader = EMULATE_SCRIPT.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  const flags = ['fresh', 'samples'].filter((flag) => flagOption(input.options, flag)).map((flag) => `--${flag}`);
  const args = [...serverNodeFlags(input.ctx.env), ...loader, EMULATE_SCRIPT, ...exts, ...(build === undefined ? [] : ['--build', build]), ...flags];
  return { args, env: { ...SERVER_PROCESS_ENV, ...input.ctx.env, EMULATOR_DATA_DIR: input.globals.dataDir } };
}

/**
 * Runs until the emulator stops (Ctrl-C); its output goes straight to the terminal. Stop signals
 * are passed on, so this process waits for the emulator to close instead of leaving it behind.
 */
async function emulate(input: CommandInput): Promise<number> {
  const { args, env } = emulateProcess(input);
  const child = spawn(process.execPath, args, { cwd: input.ctx.cwd, env, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((done, fail) => {
      child.once('error', fail);
      child.once('exit', (code, signal) => done(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? EXIT_OK : 1)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}

export const PROJECT_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'create',
    summary: 'scaffold a new extension project that builds, packs, runs and passes its tests',
    usage: '<dir>',
    args: { min: 1, max: 1 },
    options: {
      name: { type: 'string', value: '<name>', description: 'the extension\'s name (default: the folder\'s name); lower-case words joined by hyphens' },
      ui: { type: 'boolean', description: 'a handler and an iframe UI (the default)' },
      'no-ui': { type: 'boolean', description: 'a handler only' },
      force: { type: 'boolean', description: 'write into a non-empty folder, replacing files of the same name' },
      'emulator-spec': { type: 'string', value: '<spec>', description: 'how package.json depends on this emulator (default: file:<checkout> run from a checkout, ^<version> run from an installed package)' },
    },
    example: `${BIN} create acme-notes --no-ui`,
    details: [
      'Writes manifest.json, package.json (scripts build, test, typecheck, doctor, pack, emulate), src/handler.ts, test/extension.test.ts,',
      'tsconfig.json, vitest.config.ts, .gitignore, README.md and, unless --no-ui, ui-src/main.ts, ui/index.html and ui/style.css.',
      'Nothing is written unless every check passes; a failed write leaves nothing behind.',
    ],
    run: create,
  },
  {
    name: 'build',
    summary: 'build an extension project: the handler into dist/main.wasm, ui-src/main.ts into ui/app.js',
    usage: '[dir]',
    args: { min: 0, max: 1 },
    options: {
      entry: { type: 'string', value: '<file>', description: 'handler entry (default: src/handler.ts, else src/index.ts)' },
      'ui-entry': { type: 'string', value: '<file>', description: 'browser entry bundled into ui/app.js (default: ui-src/main.ts when present)' },
    },
    example: `${BIN} build acme-notes`,
    details: ['The handler is bundled with esbuild and componentized with componentize-js (about 15 s); unchanged inputs skip that step.'],
    run: build,
  },
  {
    name: 'emulate',
    summary: 'start the emulator (Runner, Gateway, shell) and publish and watch extension folders',
    usage: '',
    args: { min: 0, max: 0 },
    options: {
      ext: { type: 'string', multiple: true, value: '<dir>', description: 'build, publish, install and watch this extension folder' },
      build: { type: 'string', value: '<command>', description: 'how --ext folders are built (sh -c in the folder); default their build script, or the emulator\'s build' },
      fresh: { type: 'boolean', description: 'empty the data folder before starting' },
      samples: { type: 'boolean', description: 'also publish and install the samples this package ships (off by default)' },
    },
    example: `${BIN} emulate --ext .`,
    details: ['The same as `npm run emulate` in the emulator\'s folder; runs until Ctrl-C. A saved src/** or ui-src/** rebuilds the folder; a change to manifest.json, dist/main.wasm or ui/** republishes it.'],
    run: emulate,
  },
];
