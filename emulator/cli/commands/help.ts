// Help text, derived from the command table so that it never drifts from what is parsed.
import { BIN, GLOBAL_OPTIONS } from './args.ts';
import type { CommandSpec, OptionSpec } from './types.ts';

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${name === 'help' ? '-h, ' : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return [flag, `${spec.description}${spec.multiple ? ' (repeatable)' : ''}`] as const;
  });
  const width = Math.max(0, ...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

function usageLine(spec: CommandSpec): string {
  return `${BIN} ${spec.name}${spec.usage === '' ? '' : ` ${spec.usage}`} [options]`;
}

/** Every command with its one-line summary and an example. */
export function globalHelp(commands: readonly CommandSpec[]): string[] {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.flatMap((c) => [`  ${c.name.padEnd(width)}  ${c.summary}`, `  ${''.padEnd(width)}    e.g. ${c.example}`]);
  return [
    `${BIN}: create, build, publish, install and configure Alga PSA extensions in the emulator's data folder.`,
    'Works with or without a running emulator (`npm run emulate`) on that folder.',
    '',
    `Usage: ${BIN} <command> [arguments] [options]`,
    '',
    'Commands:',
    ...list,
    '',
    'Global options (before or after the command):',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    `Run \`${BIN} <command> --help\` for the options of a command.`,
    'Exit codes: 0 success, 1 failure (`error <CODE>: …` on stderr), 2 usage error.',
  ];
}

/** Usage, description, options and an example of one command. */
export function commandHelp(spec: CommandSpec): string[] {
  const own = Object.keys(spec.options).length === 0 ? [] : ['', 'Options:', ...optionLines(spec.options)];
  return [
    `Usage: ${usageLine(spec)}`,
    '',
    `${spec.summary.charAt(0).toUpperCase()}${spec.summary.slice(1)}.`,
    ...(spec.details ?? []),
    ...own,
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    `Example: ${spec.example}`,
  ];
}

/** The subcommands of `config` or `secrets`. */
export function groupHelp(group: string, commands: readonly CommandSpec[]): string[] {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  const width = Math.max(...members.map((c) => c.name.length));
  return [
    `Usage: ${BIN} ${group} <${members.map((c) => c.name.slice(group.length + 1)).join('|')}> …`,
    '',
    ...members.flatMap((c) => [`  ${c.name.padEnd(width)}  ${c.summary}`, `  ${''.padEnd(width)}    e.g. ${c.example}`]),
    '',
    `Run \`${BIN} ${group} <subcommand> --help\` for its options.`,
  ];
}
