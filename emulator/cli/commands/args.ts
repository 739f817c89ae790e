// argv handling without a CLI framework: finds the command words, then checks the remaining
// tokens (from `node:util` parseArgs) against the command's declared options, with our own
// messages and "did you mean" hints.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EmulatorError } from '../../errors.ts';
import type { CliContext, GlobalOptions, OptionSpec, OptionValues } from './types.ts';

export const BIN = 'alga-emulator';

/** Options every command accepts, before or after the command name. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'data-dir': { type: 'string', value: '<dir>', description: 'data folder (default: $EMULATOR_DATA_DIR, else .emulator)' },
  tenant: { type: 'string', value: '<id>', description: 'tenant to act for (default: $ALGA_TENANT_ID, else the default tenant)' },
  json: { type: 'boolean', description: 'print the result as JSON on stdout' },
  help: { type: 'boolean', description: 'show help (per command: `alga-emulator <command> --help`)' },
};

/** A usage mistake: printed as `error USAGE: …`, exit code 2. */
export function usageError(message: string): EmulatorError {
  return new EmulatorError('USAGE', message);
}

/**
 * Removes the first positional word (skipping options and the values of options that take one)
 * and returns it with the remaining tokens in order. Stops at `--`.
 */
export function takeWord(argv: readonly string[], valueOptions: ReadonlySet<string>): { word: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') break;
    if (token.startsWith('-')) {
      if (token.startsWith('--') && !token.includes('=') && valueOptions.has(token.slice(2))) i++;
      continue;
    }
    return { word: token, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { word: undefined, rest: [...argv] };
}

export interface ParsedArgs {
  args: string[];
  values: OptionValues;
}

/**
 * Parses `tokens` against `specs` (the command's options plus the global ones). Unknown options,
 * missing values and values given to flags are usage errors naming `label`.
 */
export function parseOptions(tokens: readonly string[], specs: Readonly<Record<string, OptionSpec>>, label: string): ParsedArgs {
  const options = Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, name === 'help' ? { type: spec.type, short: 'h' } : { type: spec.type }]));
  const parsed = parseArgs({ args: [...tokens], options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | boolean | string[]> = {};
  const args: string[] = [];
  for (const token of parsed.tokens) {
    if (token.kind === 'positional') args.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = specs[token.name];
    if (!spec) throw unknownOption(token.rawName, specs, label);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw usageError(`option ${token.rawName} of "${label}" takes no value. Run \`${BIN} ${label} --help\`.`);
      values[token.name] = true;
      continue;
    }
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
      throw usageError(`option --${token.name} of "${label}" needs a value (--${token.name} ${spec.value ?? '<value>'}). Run \`${BIN} ${label} --help\`.`);
    }
    if (spec.multiple) values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), token.value];
    else values[token.name] = token.value;
  }
  return { args, values };
}

function unknownOption(raw: string, specs: Readonly<Record<string, OptionSpec>>, label: string): EmulatorError {
  const close = closestName(raw.replace(/^-+/, ''), Object.keys(specs));
  const hint = close === undefined ? '' : ` Did you mean --${close}?`;
  return usageError(`unknown option ${raw} for "${label}".${hint} Run \`${BIN} ${label} --help\`.`);
}

/** Checks the number of positionals without echoing them (they may be secret values). */
export function checkArgCount(args: readonly string[], range: { min: number; max: number }, label: string, usage: string): void {
  if (args.length >= range.min && args.length <= range.max) return;
  const expected = range.max === Infinity ? `at least ${range.min}` : range.min === range.max ? `${range.min}` : `${range.min} to ${range.max}`;
  const wanted = usage === '' ? 'no arguments' : `${expected} argument${range.max === 1 ? '' : 's'} (${usage})`;
  throw usageError(`"${label}" takes ${wanted}, got ${args.length}. Run \`${BIN} ${label} --help\`.`);
}

/** The candidate nearest to `input` (edit distance ≤ 2, or a prefix of it), if any. */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = name.startsWith(wanted) && wanted.length >= 2 ? 0.5 : editDistance(wanted, name);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance (insert, delete, substitute). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * Splits `key=value` arguments (the value may contain `=`). With `secret`, a malformed argument
 * is named by its position only, so a mistyped secret never reaches the terminal.
 */
export function parsePairs(pairs: readonly string[], options: { secret: boolean; label: string }): [string, string][] {
  return pairs.map((pair, i) => {
    const eq = pair.indexOf('=');
    if (eq > 0) return [pair.slice(0, eq), pair.slice(eq + 1)];
    const what = options.secret ? `argument ${i + 2}` : JSON.stringify(pair);
    throw usageError(`${what} of "${options.label}" is not key=value (a non-empty key, "=", then the value).`);
  });
}

/** Resolves the global options against the environment and the working folder. */
export function globalOptions(values: OptionValues, ctx: CliContext): GlobalOptions {
  const dataDir = stringOption(values, 'data-dir') ?? (ctx.env.EMULATOR_DATA_DIR || '.emulator');
  return { dataDir: resolve(ctx.cwd, dataDir), tenant: stringOption(values, 'tenant'), json: values.json === true };
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function flagOption(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** A required `--name <value>`; its absence is a usage error. */
export function requiredOption(values: OptionValues, name: string, label: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value.trim() === '') throw usageError(`"${label}" needs --${name}. Run \`${BIN} ${label} --help\`.`);
  return value;
}
