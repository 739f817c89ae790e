// Where this package's own package.json lives. In a checkout that is the folder above emulator/;
// installed from its tarball the code runs from dist/emulator/, one folder deeper.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'alga-extension-emulator';

/**
 * The nearest folder at or above `from` whose package.json is this package's.
 *
 * @example packageRootOf('/p/node_modules/alga-extension-emulator/dist/emulator') // '/p/node_modules/alga-extension-emulator'
 */
export function packageRootOf(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`Failed to find ${PACKAGE_NAME}'s package.json above ${from}: the package's files are incomplete. Fix: reinstall ${PACKAGE_NAME}.`);
  }
}

/** This package's root folder (the one holding its package.json), without a trailing separator. */
export const PACKAGE_ROOT = packageRootOf(fileURLToPath(new URL('.', import.meta.url)).replace(/[\\/]+$/, ''));
