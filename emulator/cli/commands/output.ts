// How results and errors reach the terminal: text lines or one JSON document on stdout, and
// `error <CODE>: <message>` on stderr with the exit code that goes with it.
import { describeError, EmulatorError } from '../../errors.ts';
import type { GlobalOptions, Output } from './types.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Prints `data` as JSON with `--json`, else the text lines; returns EXIT_OK. */
export function report(io: Output, globals: GlobalOptions, data: unknown, lines: readonly string[]): number {
  if (globals.json) io.out(JSON.stringify(data, null, 2));
  else for (const line of lines) io.out(line);
  return EXIT_OK;
}

/**
 * Prints a thrown error and returns the exit code: 2 for USAGE, 1 otherwise. INVALID_MANIFEST
 * lists each issue on its own line; an unexpected (non-emulator) error keeps its stack, since it
 * is a bug worth reporting.
 */
export function printError(io: Output, err: unknown): number {
  if (err instanceof EmulatorError) {
    const issues = manifestIssues(err);
    if (issues) {
      io.err(`error INVALID_MANIFEST: manifest.json has ${count(issues.length, 'issue')}; fix these fields and publish again:`);
      for (const issue of issues) io.err(`  ${issue.path}: ${issue.message}`);
    } else {
      io.err(`error ${err.code}: ${err.message}`);
    }
    return err.code === 'USAGE' ? EXIT_USAGE : EXIT_FAILED;
  }
  io.err(`error INTERNAL: ${describeError(err)}`);
  const stack = err instanceof Error ? err.stack?.split('\n').slice(1) : undefined;
  for (const line of stack ?? []) io.err(line);
  return EXIT_FAILED;
}

function manifestIssues(err: EmulatorError): { path: string; message: string }[] | undefined {
  if (err.code !== 'INVALID_MANIFEST' || !('issues' in err) || !Array.isArray(err.issues)) return undefined;
  return err.issues as { path: string; message: string }[];
}

/** `512 B`, `12.3 kB`, `12.3 MB` (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Quotes a path for a POSIX shell when it holds anything beyond safe characters. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Lines of a `key=value` map, sorted by key, or `(empty)`. */
export function mapLines(map: Readonly<Record<string, string>>, indent = '  '): string[] {
  const keys = Object.keys(map).sort();
  if (keys.length === 0) return [`${indent}(empty)`];
  return keys.map((key) => `${indent}${key}=${map[key] ?? ''}`);
}
