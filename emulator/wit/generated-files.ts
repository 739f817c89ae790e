import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_TYPES_PATH, generateHostTypesFile } from './host-types.ts';
import { WIT_PATH } from './world.ts';

/**
 * Everything generated from the WIT and committed, so that nothing derived from it is written by
 * hand (`npm run build:wit-types` writes them; a test fails when they drift):
 * - `alga-extension.host-types.json`: jco's host declarations, read by the Runner's link check;
 * - `generated/host/`: the same declarations as `.d.ts` files, the types host functions implement;
 * - `generated/guest/`: the ambient `alga:extension/*` modules a guest imports, shipped to authors
 *   as `alga-extension-emulator/wit-types`.
 */
export const GENERATED_DIR = fileURLToPath(new URL('./generated/', import.meta.url));
const WIT_DIR = fileURLToPath(new URL('./', import.meta.url));

const BANNER = '// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.\n';

/** Path relative to the `wit/` folder → file text, for every generated file. */
export async function generateWitFiles(witPath: string = WIT_PATH): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const host = await generateHostTypesFile(witPath);
  files.set(relative(WIT_DIR, HOST_TYPES_PATH), `${JSON.stringify(host, null, 2)}\n`);
  for (const [name, text] of Object.entries(host.files)) files.set(`generated/host/${name}`, BANNER + text);
  const { generateGuestTypes } = await import('@bytecodealliance/jco-transpile');
  const guest = Object.entries(await generateGuestTypes(witPath, { worldName: 'runner' }))
    .map(([name, bytes]) => [name, new TextDecoder().decode(bytes)] as const)
    .filter(([name]) => name.startsWith('interfaces/'))
    .sort(([a], [b]) => a.localeCompare(b));
  for (const [name, text] of guest) files.set(`generated/guest/${name}`, BANNER + text);
  const references = guest.map(([name]) => `/// <reference path="./${name}" />`).join('\n');
  files.set(
    'generated/guest/index.d.ts',
    `${BANNER}// The host interfaces a guest imports (\`import { get } from 'alga:extension/storage'\`).\n` +
      `// Errors of a WIT \`result\` arrive as thrown values whose \`payload\` is the error case.\n${references}\n`,
  );
  return files;
}

/** The generated files on disk now (same keys as generateWitFiles). */
export async function readWitFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  files.set(relative(WIT_DIR, HOST_TYPES_PATH), await readFile(HOST_TYPES_PATH, 'utf8'));
  for (const entry of await readdir(GENERATED_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(WIT_DIR, path), await readFile(path, 'utf8'));
  }
  return files;
}

/** Absolute path of a generated file. */
export function witFilePath(name: string): string {
  return join(WIT_DIR, name);
}
