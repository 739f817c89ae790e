// The 100-test suite of figure (n) as an author's project has it: the package installed in
// node_modules (compiled JavaScript from `dist/`, which Vitest loads as a dependency), not the
// checkout's TypeScript sources (which Vitest transforms file by file on every run).
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildPackage } from '../../emulator/toolchain/build-package.ts';
import { ROOT } from '../../harness/runner-fixture.ts';

const PACKAGE = 'alga-extension-emulator';
/** The checkout-relative imports of the suite and what an author's project writes instead. */
const IMPORTS: [string, string][] = [
  ["'../../../harness/index.ts'", `'${PACKAGE}/harness'`],
  ["'../../../harness/vitest.ts'", `'${PACKAGE}/harness/vitest'`],
];

export interface InstalledSuite {
  /** The project folder: `vitest run --root <dir>` runs the suite there. */
  dir: string;
  remove(): Promise<void>;
}

/**
 * Builds the package (prepack's build) and lays out a project holding `suiteDir`'s suite and
 * config, with the files `npm pack` would ship copied into `node_modules/alga-extension-emulator`
 * and the checkout's dependencies linked beside it, as `npm install` leaves them.
 */
export async function installedSuite(suiteDir: string): Promise<InstalledSuite> {
  await buildPackage(() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'bench-installed-suite-'));
  const modules = join(dir, 'node_modules');
  await mkdir(modules);
  for (const name of await readdir(join(ROOT, 'node_modules'))) {
    if (name === PACKAGE) continue;
    await symlink(join(ROOT, 'node_modules', name), join(modules, name));
  }
  const listed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as { files: { path: string }[] }[];
  const installed = join(modules, PACKAGE);
  for (const { path } of listed[0]?.files ?? []) {
    await mkdir(dirname(join(installed, path)), { recursive: true });
    await cp(join(ROOT, path), join(installed, path));
  }
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'bench-author-project', private: true, type: 'module' }));
  for (const name of await readdir(suiteDir)) {
    if (!name.endsWith('.ts')) continue;
    let text = await readFile(join(suiteDir, name), 'utf8');
    for (const [from, to] of IMPORTS) text = text.replaceAll(from, to);
    if (text.includes('../../../')) throw new Error(`${name} imports the checkout in a way installed-suite.ts does not rewrite`);
    await writeFile(join(dir, name), text);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
