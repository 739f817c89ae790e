/** Node options that load code into every thread (tsx, vitest and other loaders), with their value. */
const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);
/**
 * V8 flags the servers start with (server-env.ts) or may: process-wide, so every isolate, guest
 * workers included, already has them from the process, and Node refuses them in a worker's
 * execArgv (ERR_WORKER_INVALID_EXEC_ARGV). The heap limits, and wasm's lazy validation.
 */
const PROCESS_WIDE_V8_FLAGS = new Set(['--max-semi-space-size', '--min-semi-space-size', '--max-old-space-size', '--wasm-lazy-validation', '--no-wasm-lazy-validation']);

/**
 * The Node options a guest worker starts with: the process's own, minus module loaders and V8's
 * process-wide flags. The worker and the transpiled glue are plain JavaScript, and a loader such as
 * tsx's roughly triples a worker's start-up (about 140 ms against 50 ms here); start-up is what a
 * killed runaway worker's replacement, and a spare worker, cost before they serve again.
 *
 * @example workerExecArgv(['--import', 'tsx', '--max-semi-space-size=2', '--conditions', 'dev']) // ['--conditions', 'dev']
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
    if (PROCESS_WIDE_V8_FLAGS.has(name)) continue; // V8 takes a value only as --flag=value
    kept.push(arg);
  }
  return kept;
}
