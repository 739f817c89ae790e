// How the dev loop builds an author's folder after a source change: with the folder's own build
// (`--build "<command>"`, else its package.json `build` script) or, for the scaffold's layout
// (whose `build` script is the emulator's own build), in process with the emulator's toolchain.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmulatorError } from '../errors.ts';
import { EMULATOR_BUILD_SCRIPT, buildProject, planProjectBuild, type ProjectBuildPlan } from '../toolchain/build-project.ts';

/** Sources the dev loop watches (besides the bundle's own files): a change rebuilds, then republishes. */
export const SOURCE_FOLDERS = ['src', 'ui-src'] as const;

/** The last lines of a failed build command's output kept in the error (the terminal shows them). */
const OUTPUT_TAIL_LINES = 40;

export type DevBuild =
  | { kind: 'emulator' }
  | { kind: 'command'; command: string; origin: '--build' | 'package.json' };

/**
 * The build of `dir`: an explicit command wins; a package.json `build` script other than the
 * scaffold's runs as `npm run build`; otherwise the emulator builds the conventional layout
 * (src/handler.ts → dist/main.wasm, ui-src/main.ts → ui/app.js), which is a no-op without them.
 */
export async function chooseDevBuild(dir: string, explicit: string | undefined): Promise<DevBuild> {
  if (explicit !== undefined) return { kind: 'command', command: explicit, origin: '--build' };
  const script = await buildScript(dir);
  if (script === undefined || script.trim() === EMULATOR_BUILD_SCRIPT) return { kind: 'emulator' };
  return { kind: 'command', command: 'npm run build', origin: 'package.json' };
}

/** The emulator's plan for the folder (undefined entries mean nothing to build there). */
export function planEmulatorBuild(dir: string): Promise<ProjectBuildPlan> {
  return planProjectBuild(dir);
}

/**
 * Runs the build; resolves with one line saying what it did (undefined: the folder has nothing the
 * emulator builds), or throws BUILD_FAILED with the errors (file:line:column).
 */
export async function runDevBuild(dir: string, build: DevBuild, signal?: AbortSignal): Promise<string | undefined> {
  const started = performance.now();
  if (build.kind === 'emulator') {
    const plan = await planEmulatorBuild(dir);
    if (!plan.component && !plan.ui) return undefined;
    const result = await buildProject(plan, undefined, signal);
    const parts: string[] = [];
    if (result.component) parts.push(result.component.cached ? `${result.component.outFile} up to date` : `built ${result.component.outFile}`);
    if (result.ui) parts.push(result.ui.changed ? `built ${result.ui.outFile}` : `${result.ui.outFile} up to date`);
    return `${parts.join(', ') || 'nothing to build'} in ${seconds(started)}`;
  }
  const output = await runCommand(dir, build.command, signal);
  if (output.code !== 0) {
    const tail = output.text.trimEnd().split('\n').slice(-OUTPUT_TAIL_LINES).join('\n');
    throw new EmulatorError(
      'BUILD_FAILED',
      `Failed to build ${dir}: \`${build.command}\` (${build.origin === '--build' ? '--build' : "package.json's build script"}) exited with ${output.code}:\n${tail}\nFix the error above; the last good bundle keeps serving.`,
    );
  }
  return `\`${build.command}\` done in ${seconds(started)}`;
}

async function buildScript(dir: string): Promise<string | undefined> {
  const text = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const script = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts?.build;
    return typeof script === 'string' ? script : undefined;
  } catch {
    return undefined; // a broken package.json is the author's build tool's business, not ours
  }
}

/** `sh -c command` in the folder, stdout and stderr interleaved as the terminal would show them. */
function runCommand(dir: string, command: string, signal: AbortSignal | undefined): Promise<{ code: number; text: string }> {
  return new Promise((done) => {
    const child = spawn('sh', ['-c', command], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', (err) => done({ code: 127, text: `${text}${err.message}` }));
    child.once('close', (code, signal) => done({ code: code ?? (signal ? 128 : 1), text }));
  });
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
