import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** jco's declarations of our own world, generated at build time (see `npm run build:wit-types`). */
export const HOST_TYPES_PATH = fileURLToPath(new URL('./alga-extension.host-types.json', import.meta.url));

export interface HostTypesFile {
  /** sha256 of the WIT text they were generated from; a mismatch means the file is stale. */
  witSha256: string;
  files: Record<string, string>;
}

export function witSha256(witText: string | Uint8Array): string {
  return createHash('sha256').update(witText).digest('hex');
}

/** Generates the declarations with jco (in this process: a build step, not the Runner). */
export async function generateHostTypesFile(witPath: string): Promise<HostTypesFile> {
  const { generateHostTypes } = await import('@bytecodealliance/jco-transpile');
  const generated = await generateHostTypes(witPath, { worldName: 'runner' });
  const files = Object.fromEntries(
    Object.entries(generated)
      .map(([name, bytes]) => [name, new TextDecoder().decode(bytes)] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return { witSha256: witSha256(await readFile(witPath)), files };
}
