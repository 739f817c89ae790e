/** Node options that load code into every thread (tsx, vitest and other loaders), with their value. */
const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/**
 * The Node options a guest worker starts with: the process's own, minus module loaders. The
 * worker and the transpiled glue are plain JavaScript, and a loader such as tsx's roughly
 * triples a worker's start-up (about 140 ms against 50 ms here); start-up is what a killed
 * runaway worker's replacement, and a spare worker, cost before they serve again.
 *
 * @example workerExecArgv(['--import', 'tsx', '--stack-size=2000']) // ['--stack-size=2000']
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (LOADER_FLAGS.has(arg)) {
      i++; // its value
      continue;
    }
    const name = arg.split('=')[0] as string;
    if (arg.includes('=') && LOADER_FLAGS.has(name)) continue;
    kept.push(arg);
  }
  return kept;
}
