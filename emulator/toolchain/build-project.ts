// `alga-emulator build [dir]`: an author's project built the way the samples are, by convention:
// the handler (src/handler.ts, else src/index.ts) into dist/main.wasm, and the browser code
// (ui-src/main.ts) into ui/app.js. Options name other entries.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { EmulatorError } from '../errors.ts';
import { buildComponent, type BuildResult } from './build-component.ts';
import { buildUi } from './build-ui.ts';

/** Handler entries tried in order when none is given. */
export const HANDLER_ENTRIES = ['src/handler.ts', 'src/index.ts'] as const;
export const UI_ENTRY = 'ui-src/main.ts';
export const COMPONENT_OUT = 'dist/main.wasm';
export const UI_OUT = 'ui/app.js';
/** The scaffold's `build` script: a folder whose build is this one is built by the emulator itself. */
export const EMULATOR_BUILD_SCRIPT = 'alga-emulator build .';

export interface ProjectBuildOptions {
  /** Handler entry relative to the project (or absolute); default the first of HANDLER_ENTRIES that exists. */
  entry?: string;
  /** Browser entry relative to the project (or absolute); default ui-src/main.ts when it exists. */
  uiEntry?: string;
}

/** What will be built, with paths relative to the project (for messages). */
export interface ProjectBuildPlan {
  dir: string;
  component?: { entry: string; outFile: string };
  ui?: { entry: string; outFile: string };
}

export interface ProjectBuildResult {
  component?: { entry: string; outFile: string; cached: boolean };
  ui?: { entry: string; outFile: string; changed: boolean };
}

/**
 * Finds the project's entries. Throws BUILD_NOT_AN_EXTENSION without a manifest.json and
 * BUILD_ENTRY_NOT_FOUND for a named entry that does not exist.
 */
export async function planProjectBuild(dir: string, options: ProjectBuildOptions = {}): Promise<ProjectBuildPlan> {
  const root = resolve(dir);
  if ((await kindOf(join(root, 'manifest.json'))) !== 'file') {
    throw new EmulatorError('BUILD_NOT_AN_EXTENSION', `Failed to build ${dir}: there is no manifest.json in it. Run the build in an extension project (\`alga-emulator create <dir>\` makes one).`);
  }
  const plan: ProjectBuildPlan = { dir: root };
  const entry = options.entry === undefined ? await firstFile(root, HANDLER_ENTRIES) : await namedFile(root, dir, options.entry, '--entry');
  if (entry !== undefined) plan.component = { entry, outFile: COMPONENT_OUT };
  const uiEntry = options.uiEntry === undefined ? await firstFile(root, [UI_ENTRY]) : await namedFile(root, dir, options.uiEntry, '--ui-entry');
  if (uiEntry !== undefined) plan.ui = { entry: uiEntry, outFile: UI_OUT };
  return plan;
}

/**
 * Builds what the plan names: the component with componentize-js (cached: unchanged inputs skip
 * the ~15 s step) and the UI bundle with esbuild. `onStep` hears each step before it starts.
 */
export async function buildProject(plan: ProjectBuildPlan, onStep: (step: string) => void = () => undefined, signal?: AbortSignal): Promise<ProjectBuildResult> {
  const result: ProjectBuildResult = {};
  if (plan.component) {
    const { entry, outFile } = plan.component;
    onStep(`building ${outFile} from ${entry}`);
    const built: BuildResult = await buildComponent({ entry: join(plan.dir, entry), outFile: join(plan.dir, outFile), signal });
    result.component = { entry, outFile, cached: built.cached };
  }
  if (plan.ui) {
    const { entry, outFile } = plan.ui;
    onStep(`bundling ${outFile} from ${entry}`);
    await mkdir(dirname(join(plan.dir, outFile)), { recursive: true });
    const built = await buildUi({ entry: join(plan.dir, entry), outFile: join(plan.dir, outFile) });
    result.ui = { entry, outFile, changed: built.changed };
  }
  return result;
}

async function firstFile(root: string, candidates: readonly string[]): Promise<string | undefined> {
  for (const candidate of candidates) if ((await kindOf(join(root, candidate))) === 'file') return candidate;
  return undefined;
}

async function namedFile(root: string, dir: string, given: string, option: string): Promise<string> {
  const path = resolve(root, given);
  if ((await kindOf(path)) !== 'file') {
    throw new EmulatorError('BUILD_ENTRY_NOT_FOUND', `Failed to build ${dir}: ${option} ${given} is not a file in the project. Check the path (it is relative to the project folder).`);
  }
  return relative(root, path).split('\\').join('/');
}

async function kindOf(path: string): Promise<'file' | 'folder' | 'missing'> {
  const info = await stat(path).catch(() => undefined);
  return info === undefined ? 'missing' : info.isDirectory() ? 'folder' : 'file';
}
