// What a new extension project holds: the template files (real, typechecked files under
// template/, with the name filled in and the UI parts kept or dropped) plus manifest.json and
// package.json, which are built here because their content depends on the options. Pure: the
// template is read through the function passed in.
import { fileURLToPath } from 'node:url';
import { EmulatorError } from '../errors.ts';
import { validateManifest } from '../manifest/index.ts';
import { EMULATOR_BUILD_SCRIPT } from '../toolchain/build-project.ts';
import { titleOf } from './extension-name.ts';

/** The template folder: a working extension project, named `__EXTENSION_NAME__`. */
export const TEMPLATE_DIR = fileURLToPath(new URL('./template/', import.meta.url));

/** Every template file, where it goes in the project, and whether only UI projects get it. */
export const TEMPLATE_FILES: readonly { from: string; to: string; ui?: true }[] = [
  { from: 'README.md', to: 'README.md' },
  // Stored without the dot so that it does not apply to this repository.
  { from: 'gitignore', to: '.gitignore' },
  { from: 'tsconfig.json', to: 'tsconfig.json' },
  { from: 'vitest.config.ts', to: 'vitest.config.ts' },
  { from: 'src/handler.ts', to: 'src/handler.ts' },
  { from: 'src/wit-types.d.ts', to: 'src/wit-types.d.ts' },
  { from: 'test/extension.test.ts', to: 'test/extension.test.ts' },
  { from: 'ui-src/main.ts', to: 'ui-src/main.ts', ui: true },
  { from: 'ui/index.html', to: 'ui/index.html', ui: true },
  { from: 'ui/style.css', to: 'ui/style.css', ui: true },
];

/** The author-facing packages a project depends on; their ranges are copied from this package's own. */
const PROJECT_DEV_DEPENDENCIES = ['@alga-psa/extension-runtime', '@types/node', 'typescript', 'vitest'] as const;
const UI_DEV_DEPENDENCY = '@alga-psa/extension-iframe-sdk';

/** The emulator package's own package.json, as far as the project's package.json needs it. */
export interface EmulatorPackage {
  name: string;
  version: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface ProjectSpec {
  name: string;
  /** Handler plus iframe UI (true) or handler only. */
  ui: boolean;
  /** How the project's package.json names this package, e.g. `file:/path/to/emulator` or `^0.1.0`. */
  emulatorSpec: string;
  emulatorPackage: EmulatorPackage;
}

export interface ProjectFile {
  /** Relative path inside the project, with `/` separators. */
  path: string;
  contents: string;
}

/**
 * The project's files, in a stable order. Throws SCAFFOLD_TEMPLATE_BROKEN when the result would
 * not be a valid extension (a bug in the template, never the user's input).
 *
 * @example const files = await renderProject(spec, (rel) => readFile(join(TEMPLATE_DIR, rel), 'utf8'));
 */
export async function renderProject(spec: ProjectSpec, readTemplate: (rel: string) => Promise<string>): Promise<ProjectFile[]> {
  const manifest = projectManifest(spec);
  const checked = validateManifest(manifest);
  if (!checked.ok) throw templateBroken(`manifest.json is invalid: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  const files: ProjectFile[] = [
    { path: 'manifest.json', contents: json(manifest) },
    { path: 'package.json', contents: json(projectPackageJson(spec)) },
  ];
  for (const file of TEMPLATE_FILES) {
    if (file.ui && !spec.ui) continue;
    files.push({ path: file.to, contents: renderTemplate(await readTemplate(file.from), spec) });
  }
  return files;
}

/** manifest.json: three endpoints served by dist/main.wasm, storage, and the iframe UI when wanted. */
export function projectManifest(spec: Pick<ProjectSpec, 'name' | 'ui'>): Record<string, unknown> {
  const handler = 'dist/main.wasm';
  return {
    name: spec.name,
    version: '0.1.0',
    runtime: 'wasm-js@1',
    capabilities: ['cap:context.read', 'cap:log.emit', 'cap:storage.kv'],
    ...(spec.ui ? { ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: titleOf(spec.name) } } } } : {}),
    api: {
      endpoints: [
        { method: 'GET', path: '/hello', handler },
        { method: 'GET', path: '/notes', handler },
        { method: 'POST', path: '/notes', handler },
      ],
    },
  };
}

/** package.json: scripts that go through the `alga-emulator` CLI, and the packages they need. */
export function projectPackageJson(spec: ProjectSpec): Record<string, unknown> {
  const own = spec.emulatorPackage;
  const ranges = { ...own.dependencies, ...own.devDependencies };
  const wanted = [...PROJECT_DEV_DEPENDENCIES, ...(spec.ui ? [UI_DEV_DEPENDENCY] : [])];
  const devDependencies: Record<string, string> = { [own.name]: spec.emulatorSpec };
  for (const name of wanted) {
    const range = ranges[name];
    if (range === undefined) throw templateBroken(`${own.name}'s package.json has no version range for ${name}`);
    devDependencies[name] = range;
  }
  return {
    name: spec.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      build: EMULATOR_BUILD_SCRIPT,
      test: `${EMULATOR_BUILD_SCRIPT} && vitest run`,
      typecheck: 'tsc --noEmit',
      doctor: 'alga-emulator doctor .',
      pack: `${EMULATOR_BUILD_SCRIPT} && alga-emulator pack .`,
      emulate: `${EMULATOR_BUILD_SCRIPT} && alga-emulator emulate --ext .`,
    },
    devDependencies: Object.fromEntries(Object.entries(devDependencies).sort(([a], [b]) => a.localeCompare(b))),
    ...(own.engines ? { engines: { ...own.engines } } : {}),
  };
}

/** `<!-- ui:start -->text<!-- ui:end -->` within one line (a Markdown table cell). */
const INLINE_UI = /<!-- ui:start -->(.*?)<!-- ui:end -->/g;

/**
 * Fills in the name and title, and keeps what lies between `ui:start` and `ui:end` markers only
 * for UI projects: whole lines between marker lines, or text between inline HTML-comment markers.
 * The markers themselves never reach the project.
 */
export function renderTemplate(text: string, spec: Pick<ProjectSpec, 'name' | 'ui'>): string {
  const out: string[] = [];
  let inUi = false;
  for (const line of text.split('\n')) {
    if (line.includes('ui:start') && line.includes('ui:end')) out.push(line.replace(INLINE_UI, (_match, kept: string) => (spec.ui ? kept : '')));
    else if (line.includes('ui:start')) inUi = true;
    else if (line.includes('ui:end')) inUi = false;
    else if (!inUi || spec.ui) out.push(line);
  }
  const rendered = out.join('\n').replaceAll('__EXTENSION_NAME__', spec.name).replaceAll('__EXTENSION_TITLE__', titleOf(spec.name));
  const leftover = /__[A-Z_]+__/.exec(rendered);
  if (leftover) throw templateBroken(`unknown placeholder ${leftover[0]}`);
  return rendered;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function templateBroken(reason: string): EmulatorError {
  return new EmulatorError('SCAFFOLD_TEMPLATE_BROKEN', `Failed to create the extension project: the scaffold template is broken (${reason}). This is a bug in the emulator; please report it.`);
}
