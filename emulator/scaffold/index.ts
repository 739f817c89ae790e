// Public surface of the scaffolder (`alga-emulator create`, `npm run create-extension`).
// Everything else in this folder is internal.
export { createExtensionProject, defaultEmulatorSpec, type CreatedProject, type CreateProjectOptions } from './scaffold.ts';
export { MAX_NAME_CHARS, nameProblem, suggestName } from './extension-name.ts';
export { TEMPLATE_DIR, TEMPLATE_FILES } from './project-files.ts';
