/**
 * Environment the long-running servers (`emulate`, `npm run runner`) start with; the user's own
 * environment wins where it sets the same variable.
 *
 * `MALLOC_ARENA_MAX=2` caps glibc's malloc arenas. By default every thread that allocates (the main
 * thread, each guest worker, V8's compile and GC helpers, libuv's pool) may get an arena of its
 * own, and memory freed in one stays reserved for it: with three 12 MB components warm the
 * emulator's peak RSS was 347–396 MB, with two arenas 292–294 MB, and the Gateway at concurrency 8
 * was no slower (issue 13's note has the runs). Other C libraries ignore the variable.
 *
 * `MALLOC_MMAP_THRESHOLD_=131072` fixes glibc's mmap threshold at its default of 128 KiB. Left
 * alone, glibc raises it to the size of each large block freed (up to 32 MiB), so after the first
 * 12 MB core module buffer was freed the next ones (file bytes, the memory-capped copy, V8's own
 * copy) came from the heap, and the heap kept their pages after they were freed. Fixed, a block
 * of 128 KiB or more is its own mapping and goes back to the system when freed: with three
 * components warm (bench (s)) peak RSS 331–393 MB → 291–333 MB (issue 13's note has the runs).
 */
export const SERVER_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };

/**
 * Node options the servers start with, before the script (the emulator process only: its
 * children and the commands it runs for an author do not get them).
 *
 * `--max-semi-space-size=2` caps each V8 isolate's young generation at 2 × 2 MB instead of
 * letting it grow to 2 × 16 MB under load. The flag is process-wide: it applies to the main
 * thread and to every guest worker alike (worker-exec-argv.ts keeps it out of the workers'
 * execArgv, where Node refuses it). Three isolates (main thread, two workers) each kept up to
 * 32 MB of young generation: with both settings (s) is 264–285 MB over 7 runs, against
 * 344–355 MB before, and the Gateway at concurrency 8 moved within the run-to-run noise
 * (interleaved runs, medians 182 → 175 req/s; issue 13's note has the runs).
 *
 * `--wasm-lazy-validation` (full-validation.ts): V8 validates a wasm function when it first
 * compiles it instead of when the module is compiled. A restart compiles the core modules cached
 * on disk, fully validated when they were transpiled; their validation was about 40 ms of
 * hello-host's compile, on the path of the first call after a restart. A module transpiled in
 * this process is still validated whole before its first call (in a child process), so an
 * invalid function body is refused at load with the same message as before.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--wasm-lazy-validation'];

/**
 * `SERVER_NODE_FLAGS` minus the options the user's `NODE_OPTIONS` sets: theirs win, as with the
 * environment (an option on the command line would override the same one in `NODE_OPTIONS`).
 *
 * @example serverNodeFlags({ NODE_OPTIONS: '--max-semi-space-size=16' }) // []
 */
export function serverNodeFlags(env: Readonly<Record<string, string | undefined>>): string[] {
  const optionName = (option: string) => (option.split('=')[0] as string).replaceAll('_', '-');
  const set = new Set((env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean).map(optionName));
  return SERVER_NODE_FLAGS.filter((flag) => !set.has(optionName(flag)));
}

/** `SERVER_PROCESS_ENV` as the `NAME=value ` prefix of an npm script. */
export function serverEnvPrefix(): string {
  return Object.entries(SERVER_PROCESS_ENV).map(([name, value]) => `${name}=${value} `).join('');
}

/** `SERVER_NODE_FLAGS` as the options after `tsx` in an npm script (`tsx <flags> script.ts`). */
export function serverNodeFlagsArgs(): string {
  return SERVER_NODE_FLAGS.map((flag) => `${flag} `).join('');
}
