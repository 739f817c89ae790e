/**
 * Environment the long-running servers (`emulate`, `npm run runner`) start with; the user's own
 * environment wins where it sets the same variable.
 *
 * `MALLOC_ARENA_MAX=2` caps glibc's malloc arenas. By default every thread that allocates (the main
 * thread, each guest worker, V8's compile and GC helpers, libuv's pool) may get an arena of its
 * own, and memory freed in one stays reserved for it: with three 12 MB components warm the
 * emulator's peak RSS was 347–396 MB, with two arenas 292–294 MB, and the Gateway at concurrency 8
 * was no slower (issue 13's note has the runs). Other C libraries ignore the variable.
 */
export const SERVER_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** `SERVER_PROCESS_ENV` as the `NAME=value ` prefix of an npm script. */
export function serverEnvPrefix(): string {
  return Object.entries(SERVER_PROCESS_ENV).map(([name, value]) => `${name}=${value} `).join('');
}
