// Dispatch: argv → command → exit code. Everything here is in-process and free of `process`, so
// tests run the whole CLI as a function.
import { BIN, checkArgCount, closestName, GLOBAL_OPTIONS, globalOptions, parseOptions, takeWord, usageError } from './args.ts';
import { COMMANDS, GROUPS, TOP_LEVEL_WORDS } from './commands.ts';
import { commandHelp, globalHelp, groupHelp } from './help.ts';
import { EXIT_OK, printError } from './output.ts';
import type { CliContext, CommandSpec, Output } from './types.ts';

/**
 * Runs `alga-emulator` with `argv` (without the node and script paths) and returns its exit
 * code: 0 success, 1 failure, 2 usage error.
 *
 * @example const code = await runCli(['list', '--json'], { out: console.log, err: console.error }, ctx);
 */
export async function runCli(argv: readonly string[], io: Output, ctx: CliContext): Promise<number> {
  try {
    return await dispatch(argv, io, ctx);
  } catch (err) {
    return printError(io, err);
  }
}

// Options that take a value, so that `--out x` is never mistaken for the command word `x`.
const VALUE_OPTIONS: ReadonlySet<string> = new Set(
  [GLOBAL_OPTIONS, ...COMMANDS.map((c) => c.options)].flatMap((options) => Object.entries(options).filter(([, spec]) => spec.type === 'string').map(([name]) => name)),
);

function print(io: Output, lines: readonly string[]): number {
  for (const line of lines) io.out(line);
  return EXIT_OK;
}

async function dispatch(argv: readonly string[], io: Output, ctx: CliContext): Promise<number> {
  const { word, rest } = takeWord(argv, VALUE_OPTIONS);
  if (word === undefined) return noCommand(rest, io);
  if (word === 'help') return help(rest, io);
  const found = findCommand(word, rest, io);
  if (typeof found === 'number') return found;
  const { spec, tokens } = found;
  const parsed = parseOptions(tokens, { ...spec.options, ...GLOBAL_OPTIONS }, spec.name);
  if (parsed.values.help === true) return print(io, commandHelp(spec));
  checkArgCount(parsed.args, spec.args, spec.name, spec.usage);
  return spec.run({ args: parsed.args, options: parsed.values, globals: globalOptions(parsed.values, ctx), ctx }, io);
}

function noCommand(rest: readonly string[], io: Output): number {
  const { values } = parseOptions(rest, GLOBAL_OPTIONS, BIN);
  print(io, globalHelp(COMMANDS));
  if (values.help === true) return EXIT_OK;
  throw usageError('no command given; pick one of the commands above.');
}

/** `help`, `help <command>`, `help config set`. */
function help(rest: readonly string[], io: Output): number {
  const { word, rest: after } = takeWord(rest, VALUE_OPTIONS);
  if (word === undefined) return print(io, globalHelp(COMMANDS));
  const found = findCommand(word, [...after, '--help'], io);
  return typeof found === 'number' ? found : print(io, commandHelp(found.spec));
}

/** The command named by `word` (and a subcommand word for groups), or an exit code when help was printed. */
function findCommand(word: string, rest: readonly string[], io: Output): { spec: CommandSpec; tokens: string[] } | number {
  if (!GROUPS.includes(word)) {
    const spec = COMMANDS.find((c) => c.name === word);
    if (!spec) throw unknownCommand(word, TOP_LEVEL_WORDS, `Run \`${BIN} --help\` for the list of commands.`);
    return { spec, tokens: [...rest] };
  }
  const sub = takeWord(rest, VALUE_OPTIONS);
  const members = COMMANDS.filter((c) => c.name.startsWith(`${word} `));
  const names = members.map((c) => c.name.slice(word.length + 1));
  if (sub.word === undefined) {
    if (sub.rest.some((token) => token === '--help' || token === '-h')) return print(io, groupHelp(word, COMMANDS));
    throw usageError(`"${word}" needs a subcommand: ${names.join(', ')}. Run \`${BIN} ${word} --help\`.`);
  }
  const spec = members.find((c) => c.name === `${word} ${sub.word}`);
  if (!spec) throw unknownCommand(`${word} ${sub.word}`, names.map((n) => `${word} ${n}`), `Run \`${BIN} ${word} --help\`.`);
  return { spec, tokens: sub.rest };
}

function unknownCommand(word: string, candidates: readonly string[], hint: string): Error {
  const close = closestName(word, candidates);
  return usageError(`unknown command "${word}".${close === undefined ? '' : ` Did you mean "${close}"?`} ${hint}`);
}
