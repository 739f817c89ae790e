import { setFlagsFromString } from 'node:v8';

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
  const set = new Set((env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean).map(optionName));
  return SERVER_NODE_FLAGS.filter((flag) => !set.has(optionName(flag)));
}

/** An option's name as Node compares it: before `=`, with `_` read as `-`. */
function optionName(option: string): string {
  return (option.split('=')[0] as string).replaceAll('_', '-');
}

/** `SERVER_PROCESS_ENV` as the `NAME=value ` prefix of an npm script. */
export function serverEnvPrefix(): string {
  return Object.entries(SERVER_PROCESS_ENV).map(([name, value]) => `${name}=${value} `).join('');
}

/** `SERVER_NODE_FLAGS` as the options after `tsx` in an npm script (`tsx <flags> script.ts`). */
export function serverNodeFlagsArgs(): string {
  return SERVER_NODE_FLAGS.map((flag) => `${flag} `).join('');
}

/**
 * V8 options a server sets on itself once it is running (`setRunningFlagsLater`), not at start.
 *
 * `--heap-growing-percent=50`: after a full collection a heap may grow to 1.5× what survived
 * before the next, instead of a factor V8 picks (up to 4×). Under load the main thread's heap is
 * mostly garbage waiting for a collection, and the publish and first calls of another extension
 * on top of it set the process's peak: with 5000 Gateway calls and two more extensions published
 * (`emulator-rss-figures.ts`, bench (s)), peak RSS 274 and 301 MB without it, 263 and 272 MB with
 * it, and the Gateway at concurrency 8 no slower. From the start it also made start-up collect
 * more often: the first execute after a restart (bench (e)) took a median of 243 ms instead of 180
 * (issue 13's notes). So it is set only `RUNNING_FLAGS_DELAY_MS` after the server listens, when
 * start-up and the preload of recent components are done.
 */
export const SERVER_RUNNING_V8_FLAGS: readonly string[] = ['--heap-growing-percent=50'];
/** How long after listening a server sets `SERVER_RUNNING_V8_FLAGS`. */
export const RUNNING_FLAGS_DELAY_MS = 3000;

/**
 * `SERVER_RUNNING_V8_FLAGS` minus those the user's `NODE_OPTIONS` sets, set on this process after
 * `delayMs`. For the server entry points only (V8 options are the whole process's): a library
 * caller's process is its own. The timer does not keep the process alive.
 */
export function setRunningFlagsLater(env: Readonly<Record<string, string | undefined>>, delayMs = RUNNING_FLAGS_DELAY_MS, set: (flag: string) => void = setFlagsFromString): NodeJS.Timeout {
  const chosen = new Set((env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean).map(optionName));
  const flags = SERVER_RUNNING_V8_FLAGS.filter((flag) => !chosen.has(optionName(flag)));
  const timer = setTimeout(() => {
    for (const flag of flags) set(flag);
  }, delayMs);
  timer.unref();
  return timer;
}
