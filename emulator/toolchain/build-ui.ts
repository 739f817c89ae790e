import { readFile, rename, writeFile } from 'node:fs/promises';
import { EmulatorError } from '../errors.ts';
import { esbuildErrors } from './build-component.ts';

export interface UiBuild {
  /** Browser entry (TypeScript or JavaScript), e.g. `<extension>/ui-src/main.ts`. */
  entry: string;
  /** The bundled script the UI's index.html loads, e.g. `<extension>/ui/app.js`. */
  outFile: string;
}

/**
 * Bundles an extension's browser code with esbuild into one ES module under `ui/`. The file is
 * rewritten only when its content changes, so a dev-loop watcher sees no change (and the bundle
 * keeps its content hash) when nothing did.
 */
export async function buildUi(build: UiBuild): Promise<{ outFile: string; changed: boolean }> {
  const { build: esbuild } = await import('esbuild');
  let code: string;
  try {
    const result = await esbuild({
      entryPoints: [build.entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      // The iframe SDK reads NODE_ENV to decide whether to post with targetOrigin '*'.
      define: { 'process.env.NODE_ENV': '"production"' },
      legalComments: 'none',
      logLevel: 'silent',
    });
    code = result.outputFiles[0]?.text ?? '';
  } catch (err) {
    throw new EmulatorError('BUILD_FAILED', `Failed to bundle ${build.entry}: ${esbuildErrors(err, process.cwd())}. Fix the error above and rebuild.`, { cause: err });
  }
  const current = await readFile(build.outFile, 'utf8').catch(() => undefined);
  if (current === code) return { outFile: build.outFile, changed: false };
  await writeFile(`${build.outFile}.tmp`, code);
  await rename(`${build.outFile}.tmp`, build.outFile);
  return { outFile: build.outFile, changed: true };
}
